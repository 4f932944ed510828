"""Which CRM wrote a sheet and what it holds, from its headers alone: every source × entity, and
the generic sheets that share a header with a CRM's signature (`account_id` is Salesforce's
`AccountId` once normalised) — a generic accounts sheet is accounts, not Salesforce deals."""
from __future__ import annotations

import pytest

from engine.importing.sources import detect

CASES = [
    # Salesforce (API names and report labels)
    ("salesforce", "deals", "Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon,OwnerId,ForecastCategoryName"),
    ("salesforce", "deals", "Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Close Date,Opportunity Owner"),
    ("salesforce", "accounts", "Id,Name,Industry,AnnualRevenue,NumberOfEmployees,BillingCountry,BillingState,BillingCity,OwnerId"),
    ("salesforce", "reps", "Id,Name,Email,ManagerId,UserRole.Name,IsActive,Division"),
    ("salesforce", "activities", "Id,WhatId,WhoId,OwnerId,Type,ActivityDate,Status,Subject"),
    ("salesforce", "leads", "Id,FirstName,LastName,Company,Email,LeadSource,Status,OwnerId,CreatedDate,IsConverted,ConvertedDate,ConvertedAccountId"),
    ("salesforce", "contacts", "Id,AccountId,FirstName,LastName,Title,Email,Phone,MailingCity,OwnerId,CreatedDate,ReportsToId"),
    # Zoho CRM
    ("zoho", "deals", "Record Id,Deal Owner,Deal Name,Amount,Closing Date,Account Name,Stage,Probability (%),Created Time"),
    ("zoho", "accounts", "Record Id,Account Owner,Account Name,Industry,Annual Revenue,Employees,Billing Country,Billing City,Billing Code"),
    ("zoho", "leads", "Record Id,Lead Owner,First Name,Last Name,Company,Email,Lead Source,Lead Status,Created Time"),
    ("zoho", "contacts", "Record Id,Contact Owner,First Name,Last Name,Account Name,Email,Title,Created Time"),
    # HubSpot
    ("hubspot", "deals", "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Create Date"),
    ("hubspot", "accounts", "Record ID,Company name,Company owner,Industry,Annual Revenue,Country/Region,City,Create Date"),
    ("hubspot", "leads", "Record ID,First Name,Last Name,Email,Contact owner,Lifecycle Stage,Lead Status,Create Date"),
    # Dynamics 365
    ("dynamics", "deals", "opportunityid,name,_parentaccountid_value,estimatedvalue,estimatedclosedate,statecode,stepname"),
    ("dynamics", "accounts", "accountid,name,industrycode,revenue,address1_country,address1_city,_ownerid_value"),
    ("dynamics", "reps", "systemuserid,fullname,internalemailaddress,parentsystemuserid,title,address1_city"),
    ("dynamics", "activities", "activityid,activitytypecode,actualstart,_regardingobjectid_value,_ownerid_value,subject"),
    ("dynamics", "leads", "leadid,fullname,companyname,emailaddress1,leadsourcecode,statuscode,createdon"),
    ("dynamics", "invoices", "invoiceid,invoicenumber,_customerid_value,totalamount,createdon,duedate,statecode"),
    # generic sheets, including those that share a header with a CRM's signature
    ("generic", "accounts", "account_id,account_name,owner,country"),
    ("generic", "accounts", "account_id,name,industry,country,city"),
    ("generic", "accounts", "account_name,sector,year_established,revenue,employees,office_location,subsidiary_of"),
    ("generic", "accounts", "客户编号,客户名称,行业,省份,城市,负责人"),
    ("generic", "deals", "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value"),
    ("generic", "deals", "deal_id,account_id,amount,stage,close_date,owner"),
    ("generic", "deals", "商机编号,客户名称,金额,阶段,预计成交日期,负责人"),
    ("generic", "activities", "activity_id,account_id,rep_id,type,date,outcome"),
    ("generic", "reps", "sales_agent,manager,regional_office"),
    ("generic", "reps", "rep_id,name,email,manager,city"),
    ("generic", "territories", "territory_id,name,parent,type,level"),
    ("generic", "targets", "territory,month,target"),
    ("generic", "targets", "rep,period,quota"),
    ("generic", "fx_rates", "currency,rate_to_reporting,valid_from"),
    ("generic", "leads", "lead_id,lead_name,company,email,lead_source,status,created_at"),
    ("generic", "contacts", "contact_id,account_id,name,title,email,phone"),
    ("generic", "invoices", "invoice_id,account_id,amount,issue_date,due_date,paid_date"),
]


@pytest.mark.parametrize(("source", "entity", "headers"), CASES, ids=[f"{s}-{e}-{h[:24]}" for s, e, h in CASES])
def test_a_sheet_is_recognised_by_its_headers(source, entity, headers):
    found = detect(headers.split(","))
    assert (found.source, found.entity) == (source, entity)


@pytest.mark.parametrize(("headers", "entity"), [
    ("account_id,account_name,owner,country", "accounts"),   # the bug: taken for Salesforce deals
    ("deal_id,account_id,amount,stage", "deals"),            # its own id first: deals, with an account id
    ("activity_id,account_id,deal_id,date", "activities"),
    ("contact_id,account_id,email", "contacts"),
])
def test_the_first_id_column_names_the_entity(headers, entity):
    assert detect(headers.split(",")).entity == entity


def test_one_crm_signature_that_is_also_a_generic_name_is_no_evidence():
    # AccountId alone is a generic account_id; beside StageName it is Salesforce's
    assert detect(["account_id", "account_name", "amount", "stage", "close_date"]).source == "generic"
    assert detect(["AccountId", "Name", "Amount", "StageName", "CloseDate"]).source == "salesforce"
