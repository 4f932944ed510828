"""Which CRM wrote an export, which entity it holds, and what its columns and stages mean.

Headers are compared after `normalise` (case, spaces, underscores and punctuation removed, a
Salesforce custom-field `__c` suffix dropped), so Zoho's UI label "Deal Name" and API name
"Deal_Name" are one entry. Each source lists, per entity, its header → field map in priority
order (the first header present wins a field). Detection scores every (source, entity) by how many
of the file's headers it knows, with each source's signature headers counting double (and a
lead's, contact's or invoice's marker headers once more: crm_columns.ENTITY_MARKERS). Two rules keep
a generic sheet from being taken for a CRM's: a signature header that is also a common generic name
(`AccountId` is `account_id`) counts only beside another signature of that CRM, and a sheet whose
first id column is an entity's own record id (`account_id` first: accounts) holds that entity.

Stage names map to open/won/lost per source; a stage in no map is an unknown stage and is
reported, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.importing.crm_columns import CRM_COLUMNS, CRM_SIGNATURES, ENTITY_MARKERS
from engine.importing.fields import ID_FIELD

SOURCES = ("salesforce", "zoho", "hubspot", "dynamics", "generic")


def normalise(header: str) -> str:
    text = header.replace("\ufeff", "").strip().lower()
    text = re.sub(r"__c$", "", text)
    return re.sub(r"[\s_\-./()%#:：（）\[\]]+", "", text)


def _map(text: str) -> dict[str, str]:
    """'Header A, Header B = field; ...' → {normalised header: field} in the written order."""
    mapping: dict[str, str] = {}
    for entry in filter(str.strip, text.split(";")):
        headers, field = entry.rsplit("=", 1)
        for header in headers.split("|"):
            mapping.setdefault(normalise(header), field.strip())
    return mapping


COLUMN_MAPS: dict[str, dict[str, dict[str, str]]] = {
    "salesforce": {
        "deals": _map("""Id|Opportunity ID=deal_id; AccountId|Account ID=account_id; Account Name=account_name;
            Name|Opportunity Name=name; StageName|Stage=stage; Amount=amount;
            CurrencyIsoCode|Opportunity Currency|Amount Currency=currency; Probability|Probability (%)=probability;
            CloseDate|Close Date=close_date; IsClosed|Closed=is_closed; IsWon|Won=is_won;
            ForecastCategoryName|Forecast Category=forecast_category; Product__c|Product Family|Product=product_line;
            CreatedDate|Created Date=created_date; OwnerId|Owner ID=owner_rep_id;
            Opportunity Owner|Owner Name|Owner=owner_name; Territory2Id|Territory=territory"""),
        "accounts": _map("""Id|Account ID=account_id; Name|Account Name=name; Industry=industry;
            Segment|Type|Account Type=segment; AnnualRevenue|Annual Revenue=annual_revenue;
            NumberOfEmployees|Employees=employees; BillingCountry|Billing Country=country;
            BillingState|Billing State/Province=state; BillingCity|Billing City=city;
            BillingPostalCode|Billing Zip/Postal Code=postal_code; BillingLatitude=lat; BillingLongitude=lon;
            Website=website; OwnerId|Owner ID=owner_rep_id; Account Owner|Owner Name=owner_name;
            Territory2Id|Territory=territory; ParentId|Parent Account ID=parent_account_id;
            CreatedDate|Created Date=created_at"""),
        "reps": _map("""Id|User ID=rep_id; Name|Full Name=name; Email=email; ManagerId|Manager ID=manager_id;
            Manager=manager_name; UserRole.Name|Role|Title=role; City=home_city; IsActive|Active=active;
            Division|Region|Territory|Office=territory"""),
        "activities": _map("""Id|Activity ID|Task ID=activity_id; AccountId|Account ID=account_id;
            WhatId|Related To ID=related_id; WhoId|Name ID=who_id; OwnerId|Assigned ID=rep_id; Assigned|Assigned To=owner_name;
            Type|Type__c|TaskSubtype|Task Subtype=type; ActivityDateTime|ActivityDate|Date|Due Date=ts;
            Status=outcome; Subject=subject"""),
    },
    "zoho": {
        "deals": _map("""Record Id|Deal Id|id|记录 Id|记录Id=deal_id; Deal Name=name; Account Name=account_name;
            Account Name.id|Account Id=account_id; Amount=amount; Currency=currency; Exchange Rate=exchange_rate;
            Stage=stage; Closing Date=close_date; Probability (%)|Probability=probability;
            Deal Owner|Owner=owner_name; Deal Owner.id|Owner Id=owner_rep_id; Created Time=created_date;
            Territory|Territories=territory; Product Line|Product=product_line;
            Forecast Category=forecast_category"""),
        "accounts": _map("""Record Id|Account Id|id=account_id; Account Name=name; Account Owner|Owner=owner_name;
            Account Owner.id|Owner Id=owner_rep_id; Industry=industry; Account Type=segment;
            Annual Revenue=annual_revenue; Employees=employees; Billing Country=country;
            Billing State=state; Billing City=city; Billing Code=postal_code; Website=website;
            Parent Account.id=parent_account_id; Territory|Territories=territory; Created Time=created_at"""),
        "reps": _map("""Record Id|User Id|id=rep_id; Full Name|User Name=name; Email=email; Role=role;
            Reporting To|Manager=manager_name; City=home_city; Territory|Territories=territory"""),
        "activities": _map("""Record Id|id=activity_id; What Id|Related To Id=related_id; Account Name.id=account_id;
            Owner Id|Task Owner.id=rep_id; Task Owner|Call Owner|Owner=owner_name;
            Call Type|Activity Type|Type=type; Call Start Time|Due Date|Start DateTime=ts;
            Status|Call Result=outcome; Subject=subject"""),
    },
    "hubspot": {
        "deals": _map("""Record ID|hs_object_id|Deal ID=deal_id; Deal Name|dealname=name;
            Associated Company IDs (Primary)|Associated Company ID=account_id;
            Associated Company|Associated Company (Primary)|Company name=account_name;
            Amount|amount=amount; Currency|deal_currency_code=currency; Deal Stage|dealstage=stage;
            Close Date|closedate=close_date; Deal probability|hs_deal_stage_probability=probability;
            Forecast category|hs_manual_forecast_category=forecast_category;
            Deal owner|Owner=owner_name; hubspot_owner_id|Deal owner ID=owner_rep_id;
            Create Date|createdate=created_date;
            Territory|Region=territory"""),
        "accounts": _map("""Record ID|hs_object_id|Company ID=account_id; Company name|name=name;
            Company owner=owner_name; hubspot_owner_id=owner_rep_id; Industry=industry;
            Type|Lifecycle Stage=segment; Annual Revenue|annualrevenue=annual_revenue;
            Number of Employees|numberofemployees=employees; Country/Region|country=country;
            State/Region|state=state; City=city; Postal Code|zip=postal_code;
            Website URL|domain|Company Domain Name=website; Create Date|createdate=created_at;
            Territory|Region=territory"""),
        "activities": _map("""Record ID|hs_object_id|Activity ID=activity_id; Activity type|hs_activity_type|Type=type;
            Activity date|hs_timestamp|Create Date=ts; Activity assigned to|Owner=owner_name;
            hubspot_owner_id=rep_id; Associated Company IDs=account_id; Associated Deal IDs=deal_id;
            Outcome|hs_call_disposition=outcome; Subject|hs_task_subject=subject"""),
    },
    "dynamics": {
        "deals": _map("""opportunityid|Opportunity=deal_id; name|Topic=name; _parentaccountid_value|parentaccountid|customerid=account_id;
            Potential Customer|Account=account_name; estimatedvalue|Est. Revenue=amount;
            isocurrencycode|transactioncurrencyid|Currency=currency; exchangerate|Exchange Rate=exchange_rate;
            statecode|Status=status; stepname|salesstage|Sales Stage|Pipeline Phase=stage;
            closeprobability|Probability=probability; estimatedclosedate|Est. Close Date=close_date;
            _ownerid_value|ownerid=owner_rep_id; Owner=owner_name; createdon|Created On=created_date;
            msdyn_forecastcategory|Forecast Category=forecast_category; territoryid|Territory=territory"""),
        "accounts": _map("""accountid=account_id; name|Account Name=name; industrycode|Industry=industry;
            customertypecode|Relationship Type=segment; revenue|Annual Revenue=annual_revenue;
            numberofemployees|Number of Employees=employees; address1_country|Country/Region=country;
            address1_stateorprovince|State/Province=state; address1_city|Address 1: City|City=city;
            address1_postalcode|ZIP/Postal Code=postal_code; address1_latitude=lat; address1_longitude=lon;
            websiteurl|Website=website; _ownerid_value|ownerid=owner_rep_id; Owner=owner_name;
            parentaccountid|_parentaccountid_value=parent_account_id; territoryid|Territory=territory;
            createdon|Created On=created_at"""),
        "reps": _map("""systemuserid=rep_id; fullname|Full Name=name; internalemailaddress|Primary Email=email;
            parentsystemuserid|_parentsystemuserid_value=manager_id; Manager=manager_name; title|Title=role;
            address1_city=home_city; territoryid|Territory=territory"""),
        "activities": _map("""activityid=activity_id; activitytypecode|Activity Type=type;
            actualstart|scheduledstart|createdon|Due Date=ts; _regardingobjectid_value|regardingobjectid=related_id;
            _ownerid_value|ownerid=rep_id; Owner=owner_name; subject|Subject=subject;
            statecode|Activity Status=outcome"""),
    },
    "generic": {
        "deals": _map("""opportunity_id|deal_id|deal id|opportunity id|id|商机编号|商机ID|记录ID=deal_id;
            opportunity|opportunity_name|deal|deal_name|title|商机名称|商机=name;
            account_id|company_id|customer_id|客户编号|客户ID=account_id;
            account|account_name|company|customer|customer_name|客户名称|客户=account_name;
            close_value|amount|value|deal_value|revenue|金额|商机金额|成交金额=amount;
            currency|币种|货币=currency; exchange_rate|汇率=exchange_rate;
            deal_stage|stage|sales_stage|阶段|销售阶段|商机阶段=stage; status|state|状态=status;
            won|is_won=is_won; closed|is_closed=is_closed; probability|win_probability|可能性|赢率|成交概率=probability;
            forecast_category|预测类别=forecast_category; product|product_line|产品|产品线=product_line;
            engage_date|created|create_date|created_date|open_date|创建时间|创建日期=created_date;
            close_date|closed_date|expected_close|close|结束日期|结单日期|预计成交日期|成交日期=close_date;
            owner_id|rep_id|sales_rep_id=owner_rep_id;
            sales_agent|owner|rep|sales_rep|salesperson|account_manager|负责人|商机负责人|销售|销售代表=owner_name;
            territory|region|sales_region|区域|大区|销售区域=territory"""),
        "accounts": _map("""account_id|company_id|customer_id|id|客户编号|客户ID|记录ID=account_id;
            account|account_name|company|company_name|customer|customer_name|name|客户名称|客户|公司名称=name;
            sector|industry|vertical|行业=industry; segment|tier|客户类型|细分市场=segment;
            revenue|annual_revenue|年收入|年营业额=annual_revenue; employees|headcount|员工数|员工人数=employees;
            country|office_location|国家=country; state|province|省份|省=state; city|城市=city;
            postal_code|zip|zip_code|postcode|邮编=postal_code; latitude|lat|纬度=lat; longitude|lon|lng|经度=lon;
            website|domain|网站=website; owner_id|rep_id=owner_rep_id;
            owner|sales_agent|account_owner|sales_rep|负责人|客户负责人|销售代表=owner_name;
            territory|region|区域|大区|销售区域=territory; subsidiary_of|parent_account_id|parent|上级客户=parent_account_id;
            year_established|founded|founded_year|year_founded|established|成立年份|成立时间=founded_year;
            created|created_at|创建时间=created_at"""),
        "reps": _map("""rep_id|employee_id|user_id|id|工号|员工编号=rep_id;
            sales_agent|name|rep|sales_rep|full_name|salesperson|姓名|销售代表|销售=name; email|e-mail|邮箱=email;
            manager_id=manager_id; manager|reports_to|上级|经理|主管=manager_name; role|title|职位|角色=role;
            home_city|city|base|城市|常驻城市=home_city; skills|specialties|技能=skills; capacity|quota_accounts|容量=capacity;
            active|is_active|在职=active;
            regional_office|region|office|territory|team|区域|大区|办事处|销售区域=territory"""),
        "activities": _map("""activity_id|id|活动编号=activity_id; account_id|客户编号=account_id; deal_id|opportunity_id=deal_id;
            rep_id|owner_id=rep_id; sales_agent|owner|rep|负责人|销售=owner_name; type|activity_type|活动类型=type;
            lead_id|线索编号=lead_id;
            date|timestamp|ts|activity_date|日期|时间=ts; outcome|result|结果=outcome; subject|主题=subject"""),
        "targets": _map("""scope|范围=scope; scope_id=scope_id;
            territory|region|territory_name|region_name|sales_region|区域|大区|销售区域=territory;
            rep|sales_agent|owner|sales_rep|rep_name|salesperson|account_manager|销售|销售代表|负责人=rep;
            month|period|period_start|date|quarter|target_period|月份|期间|季度|月度=period_start;
            year|fiscal_year|fy|年份|年度|财年=year;
            target|amount|quota|目标|目标金额|指标=amount"""),
        "territories": _map("""territory_id|id|区域编号=territory_id; territory|name|territory_name|区域|区域名称=name;
            parent_id=parent_id; parent|parent_territory|region|上级区域|大区=parent_name; type|类型=type;
            level|层级=level; owner_rep_id|owner_id=owner_rep_id; owner|负责人=owner_name"""),
        "fx_rates": _map("""currency|currency_code|币种|货币=currency;
            rate_to_reporting|rate|exchange_rate|conversion_rate|汇率=rate_to_reporting;
            valid_from|date|effective_date|start_date|生效日期|日期=valid_from"""),
    },
}

for _source, _maps in CRM_COLUMNS.items():  # leads, contacts and invoices, listed after the sales entities
    COLUMN_MAPS[_source].update({entity: _map(text) for entity, text in _maps.items()})

# Headers that only one source writes: they count double in detection.
SIGNATURES: dict[str, set[str]] = {
    "salesforce": {normalise(h) for h in ("StageName", "IsWon", "IsClosed", "AccountId", "OwnerId",
                                          "ForecastCategoryName", "BillingState", "BillingPostalCode",
                                          "WhatId", "WhoId", "ActivityDate", "SystemModstamp",
                                          "Opportunity Name", "Opportunity Owner", "IsDeleted")},
    "zoho": {normalise(h) for h in ("Deal Name", "Closing Date", "Deal Owner", "Exchange Rate",
                                    "Account Owner", "Billing Code", "Created Time", "Probability (%)")},
    "hubspot": {normalise(h) for h in ("Record ID", "Deal Stage", "Deal owner", "Pipeline",
                                       "dealstage", "dealname", "hs_object_id", "Company owner",
                                       "Associated Company", "hubspot_owner_id", "Deal probability")},
    "dynamics": {normalise(h) for h in ("opportunityid", "estimatedvalue", "estimatedclosedate", "statecode",
                                        "accountid", "systemuserid", "activityid", "address1_city",
                                        "closeprobability", "stepname")},
    "generic": set(),
}
for _source, _headers in CRM_SIGNATURES.items():
    SIGNATURES[_source] |= {normalise(h) for h in _headers}
MARKERS: dict[str, set[str]] = {entity: {normalise(h) for h in headers} for entity, headers in ENTITY_MARKERS.items()}
# Signature headers that a generic sheet writes too: evidence of the CRM only beside another signature.
GENERIC_HEADERS = {header for mapping in COLUMN_MAPS["generic"].values() for header in mapping}
# Headers that hold some record's id, in any source's map: the first of a file's names what it holds.
ID_HEADERS = {header for maps in COLUMN_MAPS.values() for mapping in maps.values()
              for header, field in mapping.items() if field.endswith("_id")}
OWN_ID_WEIGHT = 2  # more than one signature header: a sheet of accounts that names their owner is accounts

# Probability columns: whole-column scale per source (HubSpot exports fractions).
PROBABILITY_SCALE = {"salesforce": "percent", "zoho": "percent", "hubspot": "fraction",
                     "dynamics": "percent", "generic": "auto"}


@dataclass(frozen=True)
class Detection:
    source: str
    entity: str
    score: float
    known_headers: int


def detect(headers: list[str], source: str = "auto", entity: str = "auto") -> Detection:
    """The (source, entity) whose column map knows the file's headers best. Ties go to the more
    specific source (generic last) when one of its signature headers is present, else to the
    generic words, then to the entity listed first in the source's maps."""
    keys = [normalise(h) for h in headers]
    first_id = next((k for k in keys if k in ID_HEADERS), None)
    best: Detection | None = None
    best_rank: tuple[float, bool] = (float("-inf"), False)
    for candidate_source in SOURCES if source == "auto" else (source,):
        signed = [k for k in keys if k in SIGNATURES[candidate_source]]
        signature = len(signed) if any(k not in GENERIC_HEADERS for k in signed) else 0
        for candidate_entity, mapping in COLUMN_MAPS[candidate_source].items():
            if entity != "auto" and candidate_entity != entity:
                continue
            known = [k for k in keys if k in mapping]
            fields = {mapping[k] for k in known}
            markers = sum(1 for k in keys if k in MARKERS.get(candidate_entity, ()))
            own_id = first_id is not None and mapping.get(first_id) == ID_FIELD.get(candidate_entity, "")
            score = len(fields) + signature + markers + OWN_ID_WEIGHT * own_id
            # On equal scores a CRM none of whose own headers is present yields to the generic words.
            rank = (score, candidate_source == "generic" or signature > 0)
            if best is None or rank > best_rank:
                best, best_rank = Detection(candidate_source, candidate_entity, score, len(known)), rank
    if best is None:  # an entity the chosen source has no map for: fall back to its generic words
        mapping = COLUMN_MAPS["generic"].get(entity, {})
        known = [k for k in keys if k in mapping]
        return Detection(source if source != "auto" else "generic", entity, len(known), len(known))
    return best


def column_map(source: str, entity: str) -> dict[str, str]:
    """normalised header → field for a source and entity, with the generic words as a fallback."""
    specific = COLUMN_MAPS.get(source, {}).get(entity, {})
    merged = dict(specific)
    for header, field in COLUMN_MAPS["generic"].get(entity, {}).items():
        merged.setdefault(header, field)
    return merged


# Stage vocabulary --------------------------------------------------------------------------------
_OPEN_COMMON = """prospecting, qualification, needs analysis, value proposition, id. decision makers,
    identify decision makers, perception analysis, proposal/price quote, proposal/quote, proposal,
    negotiation/review, negotiation, discovery, demo, evaluation, pipeline, open, engaging, lead,
    qualified, commit, best case, 初步接洽, 需求确认, 需求分析, 方案报价, 提案/报价, 商务谈判, 谈判/复审,
    资格审查, 价值主张, 确定决策者, 跟进中, 进行中, 意向, 立项, 招投标, 投标, 合同审批"""
_WON_COMMON = "closed won, won, closedwon, win, 赢单, 成交, 已成交, 赢单/成交, 签约, 已签约, 赢得"
_LOST_COMMON = ("closed lost, lost, closedlost, closed lost to competition, closed-lost to competition, "
                "loss, 输单, 丢单, 失败, 已失败, 输单/丢单, 关闭")


def _stages(open_: str, won: str, lost: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for words, status in ((open_, "open"), (won, "won"), (lost, "lost")):
        for word in words.split(","):
            if word.strip():
                result[normalise(word)] = status
    return result


STAGE_MAPS: dict[str, dict[str, str]] = {
    "salesforce": _stages(_OPEN_COMMON, _WON_COMMON, _LOST_COMMON),
    "zoho": _stages(_OPEN_COMMON, _WON_COMMON, _LOST_COMMON),
    "hubspot": _stages(_OPEN_COMMON + """, appointmentscheduled, appointment scheduled, qualifiedtobuy,
        qualified to buy, presentationscheduled, presentation scheduled, decisionmakerboughtin,
        decision maker bought-in, contractsent, contract sent""", _WON_COMMON, _LOST_COMMON),
    "dynamics": _stages(_OPEN_COMMON + ", 1-qualify, 2-develop, 3-propose, 4-close, qualify, develop, propose, close",
                        _WON_COMMON, _LOST_COMMON),
    "generic": _stages(_OPEN_COMMON, _WON_COMMON, _LOST_COMMON),
}

# Values of a direct status column (Dynamics statecode 0/1/2, or words).
STATUS_WORDS: dict[str, str] = {
    "0": "open", "1": "won", "2": "lost", "open": "open", "won": "won", "lost": "lost",
    "打开": "open", "进行中": "open", "赢单": "won", "输单": "lost", "active": "open",
}
