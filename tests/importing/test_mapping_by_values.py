"""The mapping looks at the values: a column of four-digit years is a year (accounts.founded_year),
and an optional column that cannot be read is left unmapped with the reason, not a rejection of
every row. The accounts sheet follows a public CRM sample export (account, sector,
year_established, revenue, employees, office_location, subsidiary_of)."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from engine.importing import import_files, plan_files, suggest_mapping
from engine.store.errors import ImportFailed

SHEETS = Path(__file__).parent / "sheets"


def _mapping(path: Path) -> dict[str, tuple]:
    plan = plan_files([path])
    try:
        return {c: (f, how, note) for c, f, _, _, how, note in plan.files[0].mapping.iter_rows()}
    finally:
        plan.close()


def test_year_established_is_stored_as_a_year(store):
    result = import_files(store, [SHEETS / "crm_accounts.csv"], reporting_currency="USD")
    assert result.files.select("entity", "rows_in", "rows_loaded", "rows_rejected").row(0) == ("accounts", 11, 11, 0)
    founded = store.query("SELECT name, founded_year, created_at FROM accounts ORDER BY name")
    assert founded["founded_year"].to_list() == [1996, 1999, 2001, 1998, 2005, 2008, 2012, 1990, 2000, 1984, 2009]
    assert founded["created_at"].null_count() == 11
    assert store.query("SELECT parent_account_id FROM accounts WHERE name = 'Codehow'").item() is not None


@pytest.mark.parametrize(("cells", "field", "how", "note_start"), [
    # a date field whose values are four-digit years: the year field takes them
    (["2009", "1999", "", "2001"], "founded_year", "year", "holds years such as 2009, not dates"),
    (["2009.0", "1999.0"], "founded_year", "year", "holds years such as 2009.0"),
    # readable dates stay dates
    (["2009-05-01", "1999-01-31"], "created_at", "known", None),
    # an optional column nobody can read: left out, with the reason
    (["last week", "n/a", "soon", "2024-01-01"], None, "unreadable", "only 25% of its first cells read as created_at"),
])
def test_optional_columns_are_judged_by_their_values(tmp_path, cells, field, how, note_start):
    sheet = tmp_path / "accounts.csv"
    rows = "\n".join(f"Account {i},Retail,{cell}" for i, cell in enumerate(cells))
    sheet.write_text(f"account,industry,created\n{rows}\n", encoding="utf-8")
    mapped, found_how, note = _mapping(sheet)["created"]
    assert (mapped, found_how) == (field, how)
    assert (note is None) if note_start is None else note.startswith(note_start)


def test_an_unreadable_optional_column_loads_every_row(store, tmp_path):
    sheet = tmp_path / "accounts.csv"
    sheet.write_text("account,industry,created,employees\nA,x,last week,10\nB,x,n/a,20\nC,x,soon,30\n",
                     encoding="utf-8")
    result = import_files(store, [sheet], reporting_currency="USD")
    assert result.files["rows_loaded"][0] == 3
    assert store.query("SELECT sum(employees) FROM accounts").item() == 60


def test_a_required_column_is_still_checked_row_by_row(store, tmp_path):
    sheet = tmp_path / "deals.csv"
    sheet.write_text("deal_id,stage,amount,close_date\nD1,won,lots,2024-01-01\nD2,won,100,2024-01-02\n",
                     encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [sheet], reporting_currency="USD")
    assert [(p.row, p.column, p.reason) for p in failure.value.problems] == [(2, "amount", "is not an amount")]


def test_the_users_choice_is_not_second_guessed(store, tmp_path):
    sheet = tmp_path / "accounts.csv"
    sheet.write_text("account,created\nA,2009\nB,1999\n", encoding="utf-8")
    mapping = suggest_mapping(["account", "created"], "generic", "accounts", {"created": "created_at"},
                              pl.DataFrame({"account": ["A"], "created": ["2009"]}))
    assert mapping.filter(pl.col("column") == "created").select("field", "how").row(0) == ("created_at", "override")


def test_the_cli_reports_the_suggestion(tmp_path, capsys):
    from engine.cli import main

    sheet = tmp_path / "accounts.csv"
    sheet.write_text("account,industry,created\nA,x,2009\nB,x,1999\n", encoding="utf-8")
    assert main(["import", str(sheet), "--db", str(tmp_path / "t.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "accounts.csv: mapped 'created' → founded_year: holds years such as 2009, not dates" in out
