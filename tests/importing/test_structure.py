"""Ragged rows, empty lines and late encoding errors in delimited exports: found while the file is
read for checking, each named by its spreadsheet row, whatever shape the rest of the file has."""
from __future__ import annotations

import pytest

from engine.store.errors import ImportFailed
from engine.importing import import_files
from engine.store import Store

HEADER = "Id,Name,StageName,Amount,CloseDate\n"


def _row(number: int, name: str = "Deal", amount: str = "100") -> str:
    return f"006{number:06d},{name} {number},Closed Won,{amount},2024-03-01\n"


def _problems(tmp_path, text: str, *, encoding: str = "utf-8") -> list:
    path = tmp_path / "opportunities.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    store = Store.open(":memory:")
    try:
        import_files(store, [path], reporting_currency="USD", entity="deals")
    except ImportFailed as failure:
        return [(p.row, p.column, p.reason) for p in failure.problems]
    finally:
        store.close()
    return []


def _loaded(tmp_path, text: str) -> int:
    path = tmp_path / "opportunities.csv"
    path.write_text(text, encoding="utf-8")
    store = Store.open(":memory:")
    try:
        import_files(store, [path], reporting_currency="USD", entity="deals")
        return store.count("deals")
    finally:
        store.close()


def test_a_row_with_too_many_fields_is_found_when_no_last_cell_is_empty(tmp_path):
    text = HEADER + _row(1) + "006000002,Deal 2,Closed Won,1,200,2024-03-01\n" + _row(3)
    problems = _problems(tmp_path, text)
    assert (3, "(field 6)", "has 6 fields but the header has 5; an unquoted delimiter or line break "
            "split the row") in problems


def test_a_short_row_is_found_among_rows_whose_last_cell_is_empty(tmp_path):
    rows = [f"006{n:06d},Deal {n},Closed Won,100,\n" if n % 2 else _row(n) for n in range(1, 40)]
    rows[20] = "006000021,Deal 21,Closed Won\n"  # row 22: three fields
    problems = _problems(tmp_path, HEADER + "".join(rows))
    assert (22, "Amount", "has only 3 fields but the header has 5; an unquoted delimiter or line break "
            "split the row") in problems
    assert not [p for p in problems if "fields" in p[2] and p[0] != 22]


def test_rows_after_a_quoted_multi_line_cell_keep_their_spreadsheet_numbers(tmp_path):
    text = (HEADER + _row(1) + '006000002,"Deal 2\nsecond line\nthird line",Closed Won,100,2024-03-01\n'
            + _row(3) + "006000004,Deal 4,Closed Won\n")
    problems = _problems(tmp_path, text)
    assert [p for p in problems if "fields" in p[2]] == [
        (5, "Amount", "has only 3 fields but the header has 5; an unquoted delimiter or line break split the row")]


def test_empty_lines_are_no_rows_and_later_rows_keep_their_line_numbers(tmp_path):
    text = HEADER + _row(1) + "\n   \n" + _row(4) + "006000005,Deal 5,Closed Won,abc,2024-03-01\n\n\n"
    problems = _problems(tmp_path, text)
    assert problems == [(6, "Amount", "is not an amount")]
    assert _loaded(tmp_path, HEADER + _row(1) + "\n\n" + _row(4) + "\n") == 2


def test_a_trailing_empty_last_cell_is_not_ragged(tmp_path):
    assert _loaded(tmp_path, HEADER + "006000001,Deal 1,Qualification,100,\n" + _row(2)) == 2


def test_bytes_that_are_not_utf8_far_past_the_sampled_head_are_named_with_their_row(tmp_path):
    # The head's UTF-8 (Müller) is the evidence the file is UTF-8: the stray Latin-1 byte is an error.
    rows = _row(1, "Müller") + "".join(_row(n) for n in range(2, 3001))  # ~150 KB: past the 64 KB sample
    data = (HEADER + rows).encode("utf-8") + b"006999999,Caf\xe9 deal,Closed Won,1,2024-03-01\n"
    problems = _problems(tmp_path, data)
    assert len(problems) == 1
    row, column, reason = problems[0]
    assert row == 3002 and column is None and "not UTF-8" in reason


@pytest.mark.parametrize("text", [HEADER, HEADER + "\n\n  \n"])
def test_a_header_without_rows_is_refused(tmp_path, text):
    problems = _problems(tmp_path, text)
    assert problems and problems[0][0] == 2 and "no data rows" in problems[0][2]
