"""Every broken export is refused with its specific problem (file, row, column), and the database
file is byte-for-byte unchanged afterwards."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.store.errors import ImportFailed
from engine.importing import import_files
from engine.store import Store
from tests.importing.conftest import BROKEN, sha256_of

# file, row, column, words of the reason
CASES = [
    ("missing_required_column.csv", 1, "amount", "has no column for amount"),
    ("duplicate_ids.csv", 4, "Id", "duplicate record id (first on row 2)"),
    ("unparseable_dates.csv", 3, "CloseDate", "is not a date"),
    ("unparseable_amounts.csv", 2, "Amount", "is not an amount"),
    ("unknown_stages.csv", 3, "StageName", "is not a known stage"),
    ("wrong_encoding.csv", 3, None, "contains bytes that are not UTF-8 text"),
    ("empty.csv", None, None, "is empty"),
    ("header_only.csv", 2, None, "no data rows"),
    ("binary_garbage.csv", None, None, "binary data"),
    ("broken_workbook.xlsx", None, None, "not a readable Excel workbook"),
    ("ragged_too_many_fields.csv", 4, "(field 5)", "has 5 fields but the header has 4"),
    ("ragged_split_row.csv", 3, "Industry", "has only 2 fields but the header has 4"),
    ("probability_out_of_range.csv", 3, "Probability", "not a probability"),
    ("won_without_amount.csv", 3, "Amount", "is empty but required"),
    ("closed_without_close_date.csv", 2, "CloseDate", "is empty but required"),
    ("missing_exchange_rate.csv", 3, "currency", "no exchange rate to USD on or before 2024-02-01"),
    ("unsupported_case_export.csv", 1, None, "not an export Terrain can import"),
    ("lead_without_created_date.csv", 1, "created_at", "has no column for created_at"),
    ("lead_qualified_without_date.csv", 3, "statecode", "marked converted but has no conversion date"),
    ("contact_unknown_account.csv", 2, "AccountId", "is not an account of this import or of the database"),
    ("invoice_balance_above_total.csv", 3, "Balance", "is more than the invoice amount"),
    ("invoice_due_before_issue.csv", 3, "due_date", "is before the invoice's issue date"),
    ("bad_exchange_rate.csv", 3, "rate_to_reporting", "rate must be above 0"),
    ("account_without_name.csv", 3, "Name", "is empty but required"),
    ("bad_excel_serial_and_year.csv", 3, "Closing Date", "is not a date"),
]


def _big_export(folder: Path) -> Path:
    """A 100 MB+ Salesforce opportunity export with one bad close date in its very last row."""
    path = folder / "big_opportunities.csv"
    line = "006{0:012d},001{1:012d},Account {1} - Business Loans - March 2024,Negotiation,{2}.25,50,2024-03-15\n"
    with open(path, "w", encoding="utf-8") as out:
        out.write("Id,AccountId,Name,StageName,Amount,Probability,CloseDate\n")
        block = "".join(line.format(i, i % 5000, 1000 + i % 997) for i in range(100_000))
        for start in range(0, 13):
            out.write(block.replace("006000", f"006{start:03d}", ))
        out.write("006999999999999,001000000000001,Last row,Negotiation,10.00,50,2024-13-45\n")
    assert path.stat().st_size > 100 * 1024 * 1024
    return path


@pytest.mark.parametrize(("file", "row", "column", "reason"), CASES + [("big", -1, "CloseDate", "is not a date")],
                         ids=[c[0] for c in CASES] + ["100MB_streamed"])
def test_broken_export_is_refused_and_database_unchanged(file_db, tmp_path, file, row, column, reason):
    path = _big_export(tmp_path) if file == "big" else BROKEN / file
    before = sha256_of(file_db)
    store = Store.open(file_db)
    try:
        with pytest.raises(ImportFailed) as failure:
            import_files(store, [path], reporting_currency="USD")
    finally:
        store.close()
    assert sha256_of(file_db) == before
    expected_row = 1_300_002 if row == -1 else row
    matches = [p for p in failure.value.problems
               if p.file == path.name and p.row == expected_row and p.column == column and reason in p.reason]
    assert matches, f"no problem ({expected_row}, {column}, {reason!r}) in {failure.value.problems}"
    assert path.name in str(failure.value)


def test_the_folder_holds_at_least_fifteen_broken_exports():
    assert len(list(BROKEN.iterdir())) >= 15
    assert {c[0] for c in CASES} == {p.name for p in BROKEN.iterdir()}
