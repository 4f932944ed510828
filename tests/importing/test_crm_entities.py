"""Leads, contacts and invoices import from every CRM's own export: the real Salesforce sample
and the hand-made Zoho, HubSpot, Dynamics and generic samples of tests/data/crm, with exact counts
and values; accounts are checked, currencies converted, rejected rows kept, re-imports upsert."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.importing import import_files
from engine.store.errors import ImportFailed
from tests.conftest import SAMPLES
from tests.importing.conftest import SALESFORCE

SALESFORCE_FILES = [SALESFORCE / f for f in ("Account.csv", "Opportunity.csv", "Task.csv", "Lead.csv", "Contact.csv")]


@pytest.fixture
def salesforce(store):
    return store, import_files(store, SALESFORCE_FILES, reporting_currency="USD")


def test_salesforce_leads_and_contacts_load_beside_accounts_deals_and_tasks(salesforce):
    store, result = salesforce
    assert result.files.select("file", "source", "entity", "rows_loaded", "rows_rejected").rows() == [
        ("Account.csv", "salesforce", "accounts", 22, 0),
        ("Opportunity.csv", "salesforce", "deals", 50, 0),
        ("Lead.csv", "salesforce", "leads", 60, 0),
        ("Contact.csv", "salesforce", "contacts", 102, 0),
        ("Task.csv", "salesforce", "activities", 75, 0),
    ]
    assert result.problems.height == 0


def test_salesforce_lead_counts(salesforce):
    store, _ = salesforce
    assert store.count("leads") == 60
    assert store.scalar("SELECT count(*) FROM leads WHERE converted_at IS NOT NULL") == 0  # none converted
    assert dict(store.rows("SELECT status, count(*) FROM leads GROUP BY 1")) == {
        "Qualified": 24, "New": 21, "Working": 15}
    assert dict(store.rows("SELECT lead_source, count(*) FROM leads GROUP BY 1")) == {
        "Cold Call": 25, "Referral": 22, "Online Form": 13}
    assert store.rows("SELECT DISTINCT owner_rep_id, CAST(created_at AS VARCHAR) FROM leads") == [
        ("005Ec000004oBPNIA2", "2024-01-22 20:36:47")]
    assert store.rows("SELECT name, email FROM leads WHERE lead_id = '00QEc00000BBaeXMAT'") == [
        ("William Lee", "william.lee@example.com")]


def test_salesforce_contacts_per_account(salesforce):
    store, _ = salesforce
    assert store.count("contacts") == 102
    assert store.scalar("SELECT count(*) FROM contacts WHERE account_id IS NOT NULL") == 18
    per_account = store.rows("SELECT account_id, count(*) FROM contacts WHERE account_id IS NOT NULL "
                             "GROUP BY 1 ORDER BY 2 DESC, 1")
    assert len(per_account) == 16
    assert per_account[:2] == [("001Ec00000GGw3hIAD", 2), ("001Ec00000GGw3zIAD", 2)]
    assert {n for _, n in per_account[2:]} == {1}
    # every contact's account is one of Account.csv's
    assert store.scalar("SELECT count(*) FROM contacts c ANTI JOIN accounts a USING (account_id) "
                        "WHERE c.account_id IS NOT NULL") == 0


def test_tasks_on_leads_fill_lead_id(salesforce):
    store, _ = salesforce
    assert store.scalar("SELECT count(*) FROM activities WHERE lead_id IS NOT NULL") == 15
    assert store.scalar("SELECT count(*) FROM activities a JOIN leads l USING (lead_id)") == 15
    assert store.scalar("SELECT count(*) FROM activities WHERE lead_id NOT LIKE '00Q%'") == 0


def test_salesforce_reimport_upserts(salesforce):
    store, _ = salesforce
    import_files(store, SALESFORCE_FILES, reporting_currency="USD")
    assert (store.count("leads"), store.count("contacts"), store.count("activities")) == (60, 102, 75)


# crm folder → (file, source, entity, rows loaded) in load order
HAND_MADE = {
    "zoho": [("Accounts.csv", "zoho", "accounts", 2), ("Leads.csv", "zoho", "leads", 4),
             ("Contacts.csv", "zoho", "contacts", 3), ("Invoice.csv", "zoho", "invoices", 3)],
    "hubspot": [("companies.csv", "hubspot", "accounts", 2), ("leads.csv", "hubspot", "leads", 3),
                ("contacts.csv", "hubspot", "contacts", 2), ("invoices.csv", "hubspot", "invoices", 2)],
    "dynamics": [("accounts.csv", "dynamics", "accounts", 2), ("leads.csv", "dynamics", "leads", 3),
                 ("contacts.csv", "dynamics", "contacts", 2), ("invoices.csv", "dynamics", "invoices", 2)],
    "generic": [("accounts.csv", "generic", "accounts", 2), ("leads.csv", "generic", "leads", 3),
                ("contacts.csv", "generic", "contacts", 3), ("invoices.csv", "generic", "invoices", 3)],
}
# crm → (lead id, source, status, converted_at, converted account) of its converted leads
CONVERTED = {
    "zoho": [("zcrm_7001", "Web Download", "Contacted", date(2024, 2, 20), "zcrm_5001"),
             ("zcrm_7004", "Partner", "Contacted", date(2024, 3, 12), "zcrm_5002")],
    "hubspot": [("3101", "Organic Search", "customer", date(2024, 4, 30), "9001")],
    # statecode 1 (Qualified) without a qualified date: its last change (modifiedon) stands in
    "dynamics": [("l0000000-0000-0000-0000-000000000001", "Web", "Qualified", date(2024, 6, 18),
                  "a1b2c3d4-0000-0000-0000-000000000001")],
    "generic": [("L-1", "Website", "Converted", date(2024, 8, 15), "C-100")],
}
# crm → (number, account, amount, issue, due, paid on, paid amount)
INVOICES = {
    "zoho": [("INV-000001", "zcrm_5001", 12000.0, date(2024, 2, 25), date(2024, 3, 26), date(2024, 3, 20), 12000.0),
             ("INV-000002", "zcrm_5002", 8000.0, date(2024, 3, 15), date(2024, 4, 14), date(2024, 4, 10), 5000.0),
             ("INV-000003", "zcrm_5001", 4500.0, date(2024, 4, 1), date(2024, 5, 1), None, 0.0)],
    "hubspot": [("INV-1001", "9001", 2500.0, date(2024, 5, 2), date(2024, 6, 1), date(2024, 5, 28), 2500.0),
                ("INV-1002", "9002", 1800.0, date(2024, 5, 15), date(2024, 6, 14), None, 0.0)],
    "dynamics": [("INV-01001-A1B2", "a1b2c3d4-0000-0000-0000-000000000001", 15000.0, date(2024, 7, 1),
                  date(2024, 7, 31), None, 15000.0),  # statecode 2 = Paid
                 ("INV-01002-C3D4", "a1b2c3d4-0000-0000-0000-000000000002", 7200.0, date(2024, 7, 5),
                  date(2024, 8, 4), None, 0.0)],
    "generic": [("G-0001", "C-100", 3200.0, date(2024, 8, 20), date(2024, 9, 19), date(2024, 9, 10), 3200.0),
                ("G-0002", "C-200", 5000.0, date(2024, 9, 1), date(2024, 10, 1), date(2024, 9, 25), 2000.0),
                ("G-0003", "C-100", 1250.0, date(2024, 9, 15), date(2024, 10, 15), None, 0.0)],
}
CONTACTS_PER_ACCOUNT = {"zoho": {"zcrm_5001": 2, "zcrm_5002": 1}, "hubspot": {"9001": 1, "9002": 1},
                        "dynamics": {"a1b2c3d4-0000-0000-0000-000000000001": 1,
                                     "a1b2c3d4-0000-0000-0000-000000000002": 1},
                        "generic": {"C-100": 2, "C-200": 1}}


@pytest.mark.parametrize("crm", sorted(HAND_MADE))
def test_hand_made_samples_import_with_their_crm_names(store, crm):
    files = sorted((SAMPLES / crm).glob("*.csv"))
    result = import_files(store, files, reporting_currency="USD")
    assert result.files.select("file", "source", "entity", "rows_loaded").rows() == HAND_MADE[crm]
    assert result.problems.height == 0
    assert store.rows("SELECT lead_id, lead_source, status, converted_at, converted_account_id FROM leads "
                      "WHERE converted_at IS NOT NULL ORDER BY lead_id") == CONVERTED[crm]
    assert store.rows("SELECT number, account_id, amount, issue_date, due_date, paid_date, paid_amount FROM invoices "
                      "ORDER BY number") == INVOICES[crm]
    assert store.scalar("SELECT count(*) FROM invoices WHERE amount_rc <> amount OR paid_amount_rc <> paid_amount") == 0
    assert dict(store.rows("SELECT account_id, count(*) FROM contacts GROUP BY 1")) == CONTACTS_PER_ACCOUNT[crm]
    assert store.scalar("SELECT count(*) FROM leads WHERE owner_rep_id IS NULL OR created_at IS NULL") == 0


def test_dynamics_option_set_codes_become_labels(store):
    import_files(store, sorted((SAMPLES / "dynamics").glob("*.csv")), reporting_currency="USD")
    assert store.rows("SELECT name, lead_source, status, created_at FROM leads ORDER BY name") == [
        ("Nina Brooks", "Web", "Qualified", datetime(2024, 6, 3, 9)),  # createdon 2024-06-03T09:00:00Z
        ("Paul Green", "Trade Show", "Contacted", datetime(2024, 6, 4, 9)),
        ("Rita Moss", "Advertisement", "Lost", datetime(2024, 6, 10, 9))]


def test_lead_owner_names_resolve_to_reps(store):
    import_files(store, sorted((SAMPLES / "generic").glob("*.csv")), reporting_currency="USD")
    assert dict(store.rows("SELECT l.lead_id, r.name FROM leads l JOIN reps r ON r.rep_id = l.owner_rep_id")) == {
        "L-1": "Kim Tan", "L-2": "Luis Gomez", "L-3": "Kim Tan"}


def test_invoice_in_another_currency_converts_at_the_issue_and_payment_days(store, tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate_to_reporting,valid_from\nEUR,1.10,2024-01-01\nEUR,1.20,2024-03-01\n")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("customer_id,customer_name,country,industry\nK1,Kappa SA,France,Retail\n")
    invoices = tmp_path / "invoices.csv"
    invoices.write_text("invoice_number,customer_id,invoice_date,due_date,amount,currency,paid_amount,paid_date\n"
                        "E-1,K1,2024-02-10,2024-03-10,1000,EUR,400,2024-03-05\n"
                        "E-2,K1,2024-02-15,2024-03-15,\"1.250,50 €\",,,\n")
    import_files(store, [invoices, accounts, rates], reporting_currency="USD")
    rows = store.rows("SELECT number, currency, amount, round(amount_rc, 2), paid_amount, round(paid_amount_rc, 2) "
                      "FROM invoices ORDER BY number")
    assert rows == [("E-1", "EUR", 1000.0, 1100.0, 400.0, 480.0), ("E-2", "EUR", 1250.5, 1375.55, 0.0, 0.0)]


def test_zoho_books_exchange_rate_is_base_units_per_invoice_unit(store, tmp_path):
    # 1 EUR = 1.08 USD in a USD organisation: 100 EUR billed is 108 USD, the 60 EUR paid 64.80 USD.
    invoices = tmp_path / "Invoice.csv"
    invoices.write_text("Invoice Date,Invoice ID,Invoice Number,Customer Name,Due Date,Currency Code,Exchange Rate,"
                        "Total,Balance,Last Payment Date\n2024-02-25,1,INV-1,Acme Tools,2024-03-26,EUR,1.08,100.00,"
                        "40.00,2024-03-01\n")
    import_files(store, [SAMPLES / "zoho" / "Accounts.csv", invoices], reporting_currency="USD")
    assert store.rows("SELECT account_id, round(amount_rc, 2), paid_amount, round(paid_amount_rc, 2) FROM invoices") == [
        ("zcrm_5001", 108.0, 60.0, 64.8)]


@pytest.mark.parametrize(("name", "text", "column", "value", "reason"), [
    ("invoices.csv", "invoice_number,invoice_date,amount,currency\nX-1,2024-02-10,100,CHF\n", "currency", "CHF",
     "no exchange rate to USD"),
    ("leads.csv", "lead_id,lead_name,created_at,converted_at\nL1,Ann,2024-02-01,2024-01-20\n", "converted_at",
     "2024-01-20", "before the lead was created"),
])
def test_one_bad_row_is_refused_and_nothing_written(store, tmp_path, name, text, column, value, reason):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [path], reporting_currency="USD")
    [problem] = failure.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (name, 2, column, value)
    assert reason in problem.reason
    assert store.count("invoices") + store.count("leads") == 0


def test_unknown_accounts_are_problems_and_skipped_rows_are_kept(store, tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("contact_id,contact_name,email,account_id,created_at\n"
                        "P1,Ann,ann@x.example,NOPE,2024-01-01\nP2,Bob,bob@x.example,,2024-01-02\n")
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [contacts], reporting_currency="USD")
    assert [(p.file, p.row, p.column, p.value) for p in failure.value.problems] == [
        ("contacts.csv", 2, "account_id", "NOPE")]
    assert store.count("contacts") == 0  # nothing half-written
    result = import_files(store, [contacts], reporting_currency="USD", skip_invalid=True)
    assert result.files.select("rows_loaded", "rows_rejected", "status").rows() == [(1, 1, "partial")]
    assert store.rows("SELECT contact_id FROM contacts") == [("P2",)]
    assert store.rows("SELECT row_number, \"column\", value, record LIKE '%NOPE%' FROM import_rejects") == [
        (2, "account_id", "NOPE", True)]


def test_an_account_of_the_database_counts(store, tmp_path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("customer_id,customer_name,country,industry\nK1,Kappa SA,France,Retail\n")
    import_files(store, [accounts], reporting_currency="USD")
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,lead_name,created_at,converted_at,converted_account_id\n"
                     "L1,Ann,2024-01-01 09:30,2024-01-20,K1\n")
    import_files(store, [leads], reporting_currency="USD")
    assert store.rows("SELECT lead_id, created_at, converted_at, converted_account_id FROM leads") == [
        ("L1", datetime(2024, 1, 1, 9, 30), date(2024, 1, 20), "K1")]


def test_cli_imports_the_new_entities_and_refuses_an_unknown_account(tmp_path, capsys):
    from engine.cli import main

    db = str(tmp_path / "cli.duckdb")
    zoho = SAMPLES / "zoho"
    files = [str(zoho / name) for name in ("Accounts.csv", "Leads.csv", "Contacts.csv", "Invoice.csv")]
    assert main(["import", *files, "--db", db]) == 0
    table = [line.split() for line in capsys.readouterr().out.splitlines() if line.endswith(" 0")]
    assert [(row[0], row[2], row[4]) for row in table] == [
        ("Accounts.csv", "accounts", "2"), ("Leads.csv", "leads", "4"), ("Contacts.csv", "contacts", "3"),
        ("Invoice.csv", "invoices", "3")]
    broken = str(SAMPLES.parent.parent / "importing" / "broken" / "contact_unknown_account.csv")
    assert main(["import", broken, "--db", db]) == 1
    assert "row 2, column 'AccountId': is not an account" in capsys.readouterr().err
    assert main(["import", broken, "--db", db, "--skip-invalid"]) == 1  # loaded, with a row rejected
    from engine.store import Store

    store = Store.open(db)
    assert store.rows("SELECT contact_id FROM contacts WHERE contact_id LIKE '003A%'") == [("003A2",)]
    store.close()


def test_docs_list_every_crm_header_of_the_new_entities():
    from engine.importing.crm_columns import CRM_COLUMNS
    from tests.conftest import REPO

    text = (REPO / "docs" / "importing.md").read_text(encoding="utf-8")
    missing = [(source, entity, header.strip()) for source, maps in CRM_COLUMNS.items()
               for entity, spec in maps.items() for entry in filter(str.strip, spec.split(";"))
               for header in entry.rsplit("=", 1)[0].split("|") if f"`{header.strip()}`" not in text]
    assert not missing
