"""Exports of each CRM, written here from their real header names, import with the right meaning."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from engine.importing import import_files, plan_files


def _csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_zoho_deals_use_their_own_exchange_rate_and_create_owners_and_accounts(store, tmp_path):
    deals = _csv(tmp_path / "Deals_2024.csv", (
        '"Record Id","Deal Owner","Deal Name","Amount","Closing Date","Account Name","Stage","Type",'
        '"Probability (%)","Expected Revenue","Lead Source","Created Time","Currency","Exchange Rate"\n'
        '"zcrm_1001","Lena Wu","Big renewal","9000","2024-03-15","Hanse AG","Closed Won","Existing Business",'
        '"100","9000","Web","2024-01-02 10:22:00","EUR","0.9"\n'
        '"zcrm_1002","Lena Wu","New logo","5000","2024-06-30","Nordwind GmbH","Negotiation/Review","New Business",'
        '"75","3750","Partner","2024-02-02 09:00:00","USD","1"\n'
        '"zcrm_1003","Omar Haddad","Lost one","1200","2024-02-10","Hanse AG","Closed Lost","New Business",'
        '"0","0","Web","2024-01-05 12:00:00","USD","1"\n'))
    result = import_files(store, [deals], reporting_currency="USD")
    assert result.files.select("source", "entity", "rows_loaded").row(0) == ("zoho", "deals", 3)
    rows = store.query("SELECT deal_id, status, amount_rc, probability, owner_rep_id, account_id FROM deals "
                       "ORDER BY deal_id").rows()
    assert rows == [("zcrm_1001", "won", pytest.approx(10000.0), 1.0, "name:lena wu", "name:hanse ag"),
                    ("zcrm_1002", "open", 5000.0, 0.75, "name:lena wu", "name:nordwind gmbh"),
                    ("zcrm_1003", "lost", 1200.0, 0.0, "name:omar haddad", "name:hanse ag")]
    assert store.query("SELECT name FROM reps ORDER BY name")["name"].to_list() == ["Lena Wu", "Omar Haddad"]
    assert store.query("SELECT name FROM accounts ORDER BY name")["name"].to_list() == ["Hanse AG", "Nordwind GmbH"]


def test_hubspot_deals_with_internal_and_label_stages_and_fraction_probability(store, tmp_path):
    deals = _csv(tmp_path / "hubspot-crm-exports-all-deals.csv", (
        "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Create Date,Deal probability,"
        "Associated Company\n"
        "901,Alpha,closedwon,2024-04-01 00:00,Kim Lee,1500,Sales Pipeline,2024-01-01 08:00,1,Alpha Inc\n"
        "902,Beta,Appointment scheduled,2024-07-01 00:00,Kim Lee,2500,Sales Pipeline,2024-02-01 08:00,0.2,Beta Co\n"
        "903,Gamma,Closed lost,2024-05-01 00:00,Kim Lee,300,Sales Pipeline,2024-02-01 08:00,0,Beta Co\n"))
    result = import_files(store, [deals], reporting_currency="USD")
    assert result.files.select("source", "entity").row(0) == ("hubspot", "deals")
    assert store.query("SELECT deal_id, status, probability, close_date FROM deals ORDER BY deal_id").rows() == [
        ("901", "won", 1.0, date(2024, 4, 1)), ("902", "open", 0.2, date(2024, 7, 1)),
        ("903", "lost", 0.0, date(2024, 5, 1))]


def test_dynamics_opportunities_use_statecode(store, tmp_path):
    deals = _csv(tmp_path / "opportunities.csv", (
        "opportunityid,name,_parentaccountid_value,estimatedvalue,estimatedclosedate,statecode,stepname,"
        "closeprobability,_ownerid_value,createdon\n"
        "a1b2-0001,Fleet deal,acc-1,12000.00,2024-05-31,1,4-Close,100,usr-1,2024-01-10T08:00:00Z\n"
        "a1b2-0002,Pilot,acc-1,800.00,2024-09-30,0,2-Develop,40,usr-1,2024-03-10T08:00:00Z\n"
        "a1b2-0003,Lost pilot,acc-2,500.00,2024-02-28,2,1-Qualify,0,usr-2,2024-01-03T08:00:00Z\n"))
    result = import_files(store, [deals], reporting_currency="USD")
    assert result.files.select("source", "entity").row(0) == ("dynamics", "deals")
    assert store.query("SELECT deal_id, status, probability, stage FROM deals ORDER BY deal_id").rows() == [
        ("a1b2-0001", "won", 1.0, "4-Close"), ("a1b2-0002", "open", 0.4, "2-Develop"),
        ("a1b2-0003", "lost", 0.0, "1-Qualify")]
    # The warning says where (file, column, first row and id) and what to do.
    assert ("opportunities.csv: 3 deal rows refer to accounts that are neither in the database nor in this import "
            "(column '_parentaccountid_value', first on row 2: 'acc-1'). They are loaded and take their owner's "
            "territory; import their accounts file with them, or correct the ids, to link them") in result.warnings


def test_chinese_gbk_exports_with_reps_by_region(store, tmp_path):
    reps = _csv(tmp_path / "销售人员.csv", "姓名,邮箱,区域,上级\n张伟,zw@example.cn,华东,王芳\n李娜,ln@example.cn,华北,王芳\n",
                "gbk")
    deals = _csv(tmp_path / "商机.csv", (
        "商机名称,客户名称,金额,阶段,结束日期,负责人\n"
        "上海扩容,上海甲公司,\"￥120,000\",赢单,2024/3/5,张伟\n"
        "北京试点,北京乙公司,\"￥30,000\",商务谈判,2024/8/1,李娜\n"
        "天津项目,天津丙公司,\"￥8,000\",输单,2024/2/1,李娜\n"), "gbk")
    result = import_files(store, [deals, reps], reporting_currency="CNY")
    assert result.files.select("file", "entity", "rows_loaded").rows() == [
        ("销售人员.csv", "reps", 2), ("商机.csv", "deals", 3)]
    assert store.query("SELECT name FROM territories ORDER BY name")["name"].to_list() == ["华东", "华北"]
    assert store.count("territory_members") == 2
    assert store.query("SELECT role FROM reps WHERE name = '王芳'")["role"].to_list() == ["manager"]
    deals_rows = store.query("SELECT d.name, d.status, d.amount_rc, d.currency, t.name AS territory "
                             "FROM deals d JOIN territories t USING (territory_id) ORDER BY d.amount_rc").rows()
    assert deals_rows == [("天津项目", "lost", 8000.0, "CNY", "华北"), ("北京试点", "open", 30000.0, "CNY", "华北"),
                          ("上海扩容", "won", 120000.0, "CNY", "华东")]


def test_xlsx_workbook_sheets_import_together_and_deals_follow_their_account(store, tmp_path):
    import xlsxwriter

    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(path)
    accounts = book.add_worksheet("Accounts")
    for row in (["Account ID", "Account Name", "Billing City", "Billing Country", "Territory"],
                ["A-1", "Acme", "Boston", "United States", "US East"],
                ["A-2", "Globex", "Denver", "United States", "US West"]):
        accounts.write_row(accounts.dim_rowmax + 1 if accounts.dim_rowmax is not None else 0, 0, row)
    deals = book.add_worksheet("Deals")
    deals.write_row(0, 0, ["Opportunity ID", "Opportunity Name", "Account ID", "Stage", "Amount", "Close Date"])
    deals.write_row(1, 0, ["O-1", "Acme deal", "A-1", "Closed Won", 1234.5])
    deals.write_datetime(1, 5, __import__("datetime").datetime(2024, 3, 5), book.add_format({"num_format": "yyyy-mm-dd"}))
    deals.write_row(2, 0, ["O-2", "Globex deal", "A-2", "Prospecting", "$2,000", "03/04/24"])
    book.close()
    result = import_files(store, [path], reporting_currency="USD")
    assert result.files.select("file", "entity", "rows_loaded").rows() == [
        ("export.xlsx [Accounts]", "accounts", 2), ("export.xlsx [Deals]", "deals", 2)]
    assert store.query("SELECT d.deal_id, d.amount, d.close_date, t.name FROM deals d "
                       "JOIN territories t USING (territory_id) ORDER BY deal_id").rows() == [
        ("O-1", 1234.5, date(2024, 3, 5), "US East"), ("O-2", 2000.0, date(2024, 3, 4), "US West")]


def test_parquet_deals(store, tmp_path):
    path = tmp_path / "deals.parquet"
    pl.DataFrame({"deal_id": ["P1", "P2"], "deal_name": ["x", "y"], "amount": [10.5, 20.0],
                  "stage": ["Won", "Engaging"], "close_date": [date(2024, 1, 1), None]}).write_parquet(path)
    result = import_files(store, [path], reporting_currency="USD")
    assert result.files["rows_loaded"].to_list() == [2]
    assert store.query("SELECT deal_id, status, amount, close_date FROM deals ORDER BY 1").rows() == [
        ("P1", "won", 10.5, date(2024, 1, 1)), ("P2", "open", 20.0, None)]


def test_generic_sheets_create_territories_memberships_and_derive_deal_territories(store, tmp_path):
    teams = _csv(tmp_path / "sales_teams.csv", "sales_agent,manager,regional_office\n"
                 "Anna Snelling,Dustin Brinkmann,Central\nMoses Frase,Melvin Marxen,East\n")
    pipeline = _csv(tmp_path / "sales_pipeline.csv", (
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
        "1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n"
        "Z063OYW0,Anna Snelling,GTXPro,Isdom,Engaging,2016-10-25,,\n"
        "EC4QE1BX,Anna Snelling,MG Special,Cancity,Lost,2016-10-25,2017-03-07,0\n"))
    result = import_files(store, [pipeline, teams], reporting_currency="USD")
    assert result.files.select("entity", "rows_loaded").rows() == [("reps", 2), ("deals", 3)]
    assert store.query("SELECT territory_id, rep_id FROM territory_members ORDER BY 1").rows() == [
        ("name:central", "name:anna snelling"), ("name:east", "name:moses frase")]
    assert store.query("SELECT deal_id, status, territory_id, product_line FROM deals ORDER BY 1").rows() == [
        ("1C1I7A6R", "won", "name:east", "GTX Plus Basic"), ("EC4QE1BX", "lost", "name:central", "MG Special"),
        ("Z063OYW0", "open", "name:central", "GTXPro")]
    assert store.scalar("SELECT count(*) FROM reps WHERE role = 'manager'") == 2


def test_rates_sheet_converts_by_the_latest_rate_valid_on_the_close_date(store, tmp_path):
    rates = _csv(tmp_path / "fx.csv", "currency,rate,valid_from\nEUR,1.10,2024-01-01\nEUR,1.20,2024-07-01\n")
    deals = _csv(tmp_path / "deals.csv", "deal_id,deal_name,amount,currency,stage,close_date\n"
                 "D1,a,100,EUR,Won,2024-03-01\nD2,b,100,EUR,Won,2024-07-01\nD3,c,100,USD,Won,2024-07-01\n")
    import_files(store, [deals, rates], reporting_currency="USD")
    assert store.query("SELECT deal_id, amount_rc FROM deals ORDER BY 1").rows() == [
        ("D1", pytest.approx(110.0)), ("D2", pytest.approx(120.0)), ("D3", 100.0)]


def test_unknown_headers_get_suggestions_and_map_overrides_win(tmp_path):
    path = _csv(tmp_path / "odd.csv", "Deal Ident,Deal Name,Amount,Stage,Close Dte,Notes\nX1,a,1,Won,2024-01-01,hi\n")
    plan = plan_files([path])
    try:
        mapping = {r["column"]: (r["field"], r["how"]) for r in plan.files[0].mapping.iter_rows(named=True)}
    finally:
        plan.close()
    assert mapping["Close Dte"][0] == "close_date" and mapping["Close Dte"][1] == "suggested"
    assert mapping["Notes"] == (None, "unknown")
    plan = plan_files([path], overrides={"Deal Ident": "deal_id", "Notes": ""})
    try:
        columns = plan.files[0].columns
    finally:
        plan.close()
    assert columns["Deal Ident"] == "deal_id" and "Notes" not in columns


@pytest.mark.parametrize(("headers", "source", "entity"), [
    (["Opportunity Name", "Account Name", "Stage", "Amount", "Probability (%)", "Close Date", "Opportunity Owner",
      "Created Date", "Opportunity ID"], "salesforce", "deals"),
    (["Account Name", "Account Owner", "Billing City", "Billing State/Province", "Billing Country", "Industry",
      "Annual Revenue", "Account ID"], "salesforce", "accounts"),
    (["Deal_Name", "Account_Name", "Amount", "Stage", "Closing_Date", "Owner", "Probability", "Exchange_Rate"],
     "zoho", "deals"),
    (["dealname", "dealstage", "amount", "closedate", "hubspot_owner_id", "pipeline", "hs_object_id"],
     "hubspot", "deals"),
    (["accountid", "name", "address1_city", "address1_country", "revenue", "numberofemployees"], "dynamics", "accounts"),
    (["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
      "close_value"], "generic", "deals"),
    (["sales_agent", "manager", "regional_office"], "generic", "reps"),
    (["商机名称", "客户名称", "金额", "阶段", "结束日期", "负责人"], "generic", "deals"),
    (["currency", "rate", "valid_from"], "generic", "fx_rates"),
])
def test_sources_and_entities_are_detected_from_headers(tmp_path, headers, source, entity):
    path = tmp_path / "export.csv"
    path.write_text(",".join(headers) + "\n" + ",".join("1" for _ in headers) + "\n", encoding="utf-8")
    plan = plan_files([path])
    try:
        assert (plan.files[0].source, plan.files[0].entity) == (source, entity)
    finally:
        plan.close()


def test_a_street_column_is_not_guessed_to_be_the_state(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("Id,Name,BillingStreet,BillingCity\n001A,Acme,1 Main St,Boston\n")
    plan = plan_files([path])
    try:
        row = plan.files[0].mapping.filter(pl.col("column") == "BillingStreet").row(0, named=True)
    finally:
        plan.close()
    assert row["field"] is None and row["suggestion"] == "state" and row["how"] == "weak"
