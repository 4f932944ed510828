"""The Import page takes the Salesforce Lead and Contact exports (refused before issue 13) beside
Account, and an invoice file with an unknown customer is listed, then loaded with skip-invalid
and its rejected row kept for download — in English and Chinese."""
from __future__ import annotations

from tests.app.test_import_page import _app, _button, _upload, empty_db  # noqa: F401  (the fixture)
from engine.store import Store
from tests.importing.conftest import SALESFORCE


def test_leads_and_contacts_import_from_the_page(empty_db):
    app = _upload(_app(), SALESFORCE / "Account.csv", SALESFORCE / "Lead.csv", SALESFORCE / "Contact.csv")
    assert not app.exception, app.exception
    assert [e.label for e in app.expander][:3] == [r"Account\.csv — salesforce · accounts · 56 columns",
                                                   r"Lead\.csv — salesforce · leads · 55 columns",
                                                   r"Contact\.csv — salesforce · contacts · 72 columns"]
    assert any("184 rows are ready to load" in s.value for s in app.success)
    _button(app, "Import").click()
    app.run()
    assert not app.exception, app.exception
    assert any("Imported 184 rows from 3 files; 0 rejected." in s.value for s in app.success)
    store = Store.open(empty_db)
    assert (store.count("accounts"), store.count("leads"), store.count("contacts")) == (22, 60, 102)
    store.close()


def test_an_invoice_of_an_unknown_customer_is_a_problem_kept_for_download(empty_db, tmp_path):
    invoices = tmp_path / "Invoice.csv"
    invoices.write_text("Invoice Date,Invoice ID,Invoice Number,Invoice Status,Customer Name,Due Date,Currency Code,"
                        "Total,Balance\n2024-02-25,1,INV-1,Draft,,2024-03-26,USD,100.00,100.00\n"
                        "2024-02-26,2,INV-2,Draft,Nobody Ltd,2024-03-27,USD,200.00,200.00\n")
    chinese = _upload(_app("zh"), invoices)
    assert not chinese.exception, chinese.exception
    assert "发票与回款" in chinese.expander[0].label
    app = _upload(_app(), invoices)
    problems = next(d.value for d in app.dataframe if "reason" in d.value.columns)
    assert list(problems["value"]) == ["Nobody Ltd"]
    assert "is not an account of this import or of the database" in problems["reason"][0]
    app.checkbox(key="import-skip-invalid").check().run()
    _button(app, "Import").click()
    app.run()
    assert not app.exception, app.exception
    store = Store.open(empty_db)
    assert store.rows("SELECT number, amount, paid_amount FROM invoices") == [("INV-1", 100.0, 0.0)]
    assert store.scalar("SELECT count(*) FROM import_rejects") == 1
    store.close()
