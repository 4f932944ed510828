"""The column names each CRM writes for leads, contacts and invoices (with their payments).

Written as `sources.py` writes its maps ('Header A|Header B=field; …', the first header present
wins a field) and merged into `sources.COLUMN_MAPS`. The names are the CRMs' own: Salesforce API
names (Lead, Contact; invoices as Salesforce Billing's `blng__Invoice__c` and report labels), Zoho
CRM UI labels and API names (Lead Owner, Lead Source, Lead Status; Zoho Books' invoice export),
HubSpot export labels and property names (Lifecycle Stage, Create Date; invoice properties),
Dynamics 365 Web API names (leadsourcecode, statecode, createdon; invoice, contact), and the
common words of hand-made sheets. docs/importing.md lists them per CRM.
"""
from __future__ import annotations

CRM_COLUMNS: dict[str, dict[str, str]] = {
    "salesforce": {
        "leads": """Id|Lead ID=lead_id; Name|Full Name|Lead Name=name; FirstName|First Name=first_name;
            LastName|Last Name=last_name; Company|Company / Account=company; Email=email;
            Phone|MobilePhone|Mobile=phone; Industry=industry; Country=country; State|State/Province=state;
            City=city; PostalCode|Zip/Postal Code=postal_code; LeadSource|Lead Source=lead_source;
            Status|Lead Status=status; IsConverted|Converted=is_converted; OwnerId|Owner ID|Lead Owner ID=owner_rep_id;
            Lead Owner|Owner Name|Owner=owner_name; Territory2Id|Territory=territory;
            CreatedDate|Created Date|Create Date=created_at; ConvertedDate|Converted Date=converted_at;
            ConvertedAccountId|Converted Account ID=converted_account_id;
            ConvertedOpportunityId|Converted Opportunity ID=converted_deal_id;
            LastModifiedDate|Last Modified Date=modified_at""",
        "contacts": """Id|Contact ID=contact_id; AccountId|Account ID=account_id; Account Name=account_name;
            Name|Full Name|Contact Name=name; FirstName|First Name=first_name; LastName|Last Name=last_name;
            Title=title; Email=email; Phone|MobilePhone|Mobile=phone; OwnerId|Owner ID|Contact Owner ID=owner_rep_id;
            Contact Owner|Owner Name=owner_name; CreatedDate|Created Date=created_at""",
        "invoices": """Id|Invoice ID=invoice_id; Name|Invoice Number|blng__InvoiceNumber__c=number;
            blng__Account__c|Account ID|AccountId=account_id; Account Name=account_name;
            blng__TotalAmount__c|blng__TotalAmountWithTax__c|Total Amount|Invoice Total|Amount=amount;
            CurrencyIsoCode|Currency=currency; blng__InvoiceDate__c|Invoice Date=issue_date;
            blng__DueDate__c|Due Date=due_date; blng__PaymentDate__c|Payment Date|Paid Date=paid_date;
            blng__Payments__c|Payments|Amount Paid=paid_amount; blng__Balance__c|Balance=balance;
            blng__InvoiceStatus__c|blng__PaymentStatus__c|Invoice Status|Status=status""",
    },
    "zoho": {
        "leads": """Record Id|Lead Id|id=lead_id; Full Name|Lead Name=name; First Name|First_Name=first_name;
            Last Name|Last_Name=last_name; Company=company; Email=email; Phone|Mobile=phone; Industry=industry;
            Country=country; State=state; City=city; Zip Code=postal_code; Lead Source=lead_source;
            Lead Status=status; Converted__s|Is Converted=is_converted; Lead Owner=owner_name;
            Lead Owner.id|Owner Id=owner_rep_id; Territory|Territories=territory; Created Time=created_at;
            Converted Date Time|Converted Date=converted_at; Converted Account.id|Converted Account Id=converted_account_id;
            Converted Deal.id|Converted Deal Id=converted_deal_id; Modified Time=modified_at""",
        "contacts": """Record Id|Contact Id|id=contact_id; Full Name|Contact Name=name; First Name=first_name;
            Last Name=last_name; Title=title; Email=email; Phone|Mobile=phone; Account Name=account_name;
            Account Name.id|Account Id=account_id; Contact Owner=owner_name; Contact Owner.id|Owner Id=owner_rep_id;
            Created Time=created_at""",
        "invoices": """Invoice ID=invoice_id; Invoice Number=number; Customer ID=account_id;
            Customer Name|Account Name=account_name; Total|Grand Total=amount; Currency Code|Currency=currency;
            Exchange Rate=base_rate; Invoice Date=issue_date; Due Date=due_date;
            Last Payment Date|Payment Date=paid_date; Payment Made|Amount Paid=paid_amount; Balance=balance;
            Invoice Status|Status=status""",
    },
    "hubspot": {
        "leads": """Record ID|hs_object_id|Lead ID=lead_id; Lead Name|hs_lead_name=name; First Name|firstname=first_name;
            Last Name|lastname=last_name; Company Name|company=company; Email|email=email;
            Phone Number|phone=phone; Industry=industry; Country/Region|country=country; State/Region|state=state;
            City|city=city; Postal Code|zip=postal_code;
            Original Source|Original Traffic Source|hs_analytics_source|Lead Source=lead_source;
            Lifecycle Stage|lifecyclestage|Lead Status|hs_lead_status=status; Contact owner|Lead owner=owner_name;
            hubspot_owner_id=owner_rep_id; Create Date|createdate=created_at;
            Became a Customer Date|hs_lifecyclestage_customer_date=converted_at;
            Associated Company IDs (Primary)|associatedcompanyid=converted_account_id; Territory|Region=territory;
            Last Modified Date|lastmodifieddate=modified_at""",
        "contacts": """Record ID|hs_object_id|Contact ID=contact_id; First Name|firstname=first_name;
            Last Name|lastname=last_name; Job Title|jobtitle=title; Email|email=email; Phone Number|phone=phone;
            Associated Company IDs (Primary)|associatedcompanyid|Associated Company ID=account_id;
            Associated Company|Associated Company (Primary)=account_name; Contact owner=owner_name;
            hubspot_owner_id=owner_rep_id; Create Date|createdate=created_at""",
        "invoices": """Record ID|hs_object_id|Invoice ID=invoice_id; Invoice number|Number|hs_number=number;
            Associated Company IDs (Primary)|Associated Company IDs=account_id; Associated Company=account_name;
            Amount billed|hs_amount_billed=amount; Currency|hs_currency=currency; Invoice date|hs_invoice_date=issue_date;
            Due date|hs_due_date=due_date; Payment date|hs_payment_date=paid_date; Amount paid|hs_amount_paid=paid_amount;
            Balance due|hs_balance_due=balance; Invoice status|hs_invoice_status=status""",
    },
    "dynamics": {
        "leads": """leadid=lead_id; fullname|Name=name; firstname|First Name=first_name; lastname|Last Name=last_name;
            companyname|Company Name=company; emailaddress1|Email=email; telephone1|mobilephone|Business Phone=phone;
            industrycode|Industry=industry; address1_country=country; address1_stateorprovince=state;
            address1_city=city; address1_postalcode=postal_code; leadsourcecode|Lead Source=lead_source;
            statuscode|Status Reason=status; statecode|Status=state_code; _ownerid_value|ownerid=owner_rep_id;
            Owner=owner_name; createdon|Created On=created_at; msdyn_qualifieddate|Qualified On=converted_at;
            _parentaccountid_value|parentaccountid|Existing Account=converted_account_id;
            _qualifyingopportunityid_value|qualifyingopportunityid=converted_deal_id; territoryid|Territory=territory;
            modifiedon|Modified On=modified_at""",
        "contacts": """contactid=contact_id; fullname|Full Name=name; firstname|First Name=first_name;
            lastname|Last Name=last_name; jobtitle|Job Title=title; emailaddress1|Email=email;
            telephone1|mobilephone|Business Phone=phone;
            _parentcustomerid_value|parentcustomerid|_accountid_value=account_id; Company Name|Account Name=account_name;
            _ownerid_value|ownerid=owner_rep_id; Owner=owner_name; createdon|Created On=created_at""",
        "invoices": """invoiceid=invoice_id; invoicenumber|Invoice ID=number;
            _customerid_value|customerid|_accountid_value=account_id; Customer|Potential Customer=account_name;
            totalamount|Total Amount=amount; isocurrencycode|transactioncurrencyid|Currency=currency;
            exchangerate|Exchange Rate=exchange_rate; msdyn_invoicedate|Invoice Date|createdon|Created On=issue_date;
            duedate|Due Date=due_date; datepaid|Date Paid=paid_date; msdyn_amountpaid|Amount Paid=paid_amount;
            statecode|Status=status""",
    },
    "generic": {
        "leads": """lead_id|lead id|线索编号|线索ID=lead_id; lead|lead_name|线索名称|线索=name; first_name=first_name;
            last_name=last_name; company|company_name|公司|公司名称=company; email|e-mail|邮箱=email;
            phone|mobile|电话|手机=phone; lead_source|source|channel|来源|线索来源|渠道=lead_source;
            lead_status|status|状态|线索状态=status; converted|is_converted|已转化=is_converted;
            owner_id|rep_id=owner_rep_id; owner|lead_owner|sales_rep|负责人|销售=owner_name;
            territory|region|区域|大区=territory; created|created_at|create_date|创建时间|创建日期=created_at;
            converted_at|converted_date|conversion_date|转化日期|转化时间=converted_at;
            converted_account_id|converted_account|转化客户=converted_account_id;
            modified|modified_at|updated_at|last_modified|修改时间|更新时间=modified_at""",
        "contacts": """contact_id|contact id|联系人编号|联系人ID=contact_id; contact|contact_name|name|联系人|姓名=name;
            first_name=first_name; last_name=last_name; title|job_title|position|职位|职务=title;
            email|e-mail|邮箱=email; phone|mobile|电话|手机=phone; account_id|company_id|customer_id|客户编号=account_id;
            account|account_name|company|customer|客户名称|客户|公司=account_name; owner_id|rep_id=owner_rep_id;
            owner|sales_rep|负责人|销售=owner_name; created|created_at|create_date|创建时间|创建日期=created_at""",
        "invoices": """invoice_id|invoice id|发票编号|发票ID=invoice_id; invoice_number|invoice_no|number|发票号|发票号码=number;
            account_id|customer_id|客户编号=account_id; account|customer|customer_name|account_name|客户名称|客户=account_name;
            amount|total|invoice_amount|金额|发票金额|应收金额=amount; currency|币种|货币=currency;
            exchange_rate|汇率=exchange_rate; issue_date|invoice_date|issued_on|开票日期=issue_date;
            due_date|due_on|到期日|到期日期=due_date; paid_date|payment_date|paid_on|回款日期|付款日期=paid_date;
            paid_amount|amount_paid|回款金额|已付金额=paid_amount; balance|balance_due|outstanding|未付金额|余额=balance;
            status|invoice_status|状态=status""",
    },
}

# Headers only one CRM writes (they count double in detection, beside sources.SIGNATURES).
CRM_SIGNATURES: dict[str, tuple[str, ...]] = {
    "salesforce": ("IsConverted", "ConvertedAccountId", "ConvertedDate", "ConvertedOpportunityId",
                   "blng__Account__c", "blng__DueDate__c", "blng__Balance__c"),
    "zoho": ("Lead Owner.id", "Contact Owner.id", "Converted Date Time", "Customer ID", "Currency Code",
             "Last Payment Date"),
    "hubspot": ("Lifecycle Stage", "lifecyclestage", "Contact owner", "hs_lead_status", "Amount billed",
                "Balance due", "hs_invoice_status"),
    "dynamics": ("leadid", "contactid", "invoiceid", "leadsourcecode", "invoicenumber", "emailaddress1",
                 "totalamount"),
}

# Headers that tell one of these entities from the others of the same CRM (a Salesforce Contact
# export shares most of its columns with a Lead export, LeadSource included): +1 each in detection.
ENTITY_MARKERS: dict[str, tuple[str, ...]] = {
    "leads": ("IsConverted", "ConvertedDate", "ConvertedAccountId", "Lead Status", "Lead Owner", "Lead Owner.id",
              "leadsourcecode", "Lifecycle Stage", "hs_lead_status", "leadid", "Converted Date Time"),
    "contacts": ("ReportsToId", "MailingCity", "MailingStreet", "Birthdate", "Department", "AssistantName",
                 "Contact Owner", "Contact Owner.id", "contactid", "parentcustomerid", "_parentcustomerid_value",
                 "Job Title", "jobtitle"),
    "invoices": ("Invoice Number", "Invoice Date", "Balance", "Balance due", "Amount billed", "invoiceid",
                 "invoicenumber", "blng__Balance__c", "Invoice Status"),
}

# Dynamics 365 option-set codes as their default labels (an export of raw values carries numbers).
DYNAMICS_LEAD_SOURCES = {"1": "Advertisement", "2": "Employee Referral", "3": "External Referral",
                         "4": "Partner", "5": "Public Relations", "6": "Seminar", "7": "Trade Show",
                         "8": "Web", "9": "Word of Mouth", "10": "Other"}
DYNAMICS_LEAD_STATUS = {"1": "New", "2": "Contacted", "3": "Qualified", "4": "Lost", "5": "Cannot Contact",
                        "6": "No Longer Interested", "7": "Canceled"}
DYNAMICS_INVOICE_STATE = {"0": "Active", "1": "Closed", "2": "Paid", "3": "Canceled"}
