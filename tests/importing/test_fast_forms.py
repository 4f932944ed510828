"""The fast forms of dates, timestamps and flags are chosen from a column's first cells; the cells
further down that do not fit the chosen form must still be read exactly (by the slow parsers)."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from engine.store.errors import ImportFailed
from engine.importing import import_files
from engine.importing.parsing import fast_form
from engine.store import Store

HEADER = "Id,Name,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon\n"
CLEAN = "006{n:06d},Deal {n},Closed Won,100,2024-03-01,2024-01-22T16:14:25.000+0000,1,TRUE\n"
ODD = [  # close date, created date, IsClosed, IsWon: each unlike the first 300 rows
    ("3/5/2024", "2024-01-23", "true", "Yes"),
    ("2024-03-06T08:00:00", "2024/01/24", "tRuE", "是"),
    ("2024年3月7日", "2024-01-25 07:00:00", "X", "yes"),
]


def test_each_column_gets_the_form_most_of_its_first_cells_have():
    assert fast_form("date", pl.Series(["2024-03-01", "2024-03-02", None])) == "date"
    assert fast_form("date", pl.Series(["2024-01-22T16:14:25.000+0000"] * 3)) == "date or timestamp"
    assert fast_form("date", pl.Series([None, None], dtype=pl.String)) == "date or timestamp"
    assert fast_form("timestamp", pl.Series(["2024-01-22T16:14:25.000+0000"] * 2)) == "zoned"
    assert fast_form("timestamp", pl.Series(["2024-02-01 09:30:00", "x"])) == "plain"
    assert fast_form("amount", pl.Series(["1"])) is None


def test_cells_unlike_the_first_ones_are_still_read_exactly(tmp_path):
    path = tmp_path / "Opportunity.csv"
    odd = [f"006{900 + i:06d},Odd {i},Closed Won,5,{close},{created},{closed},{won}\n"
           for i, (close, created, closed, won) in enumerate(ODD)]
    path.write_text(HEADER + "".join(CLEAN.format(n=n) for n in range(300)) + "".join(odd), encoding="utf-8")
    store = Store.open(":memory:")
    import_files(store, [path], reporting_currency="USD", entity="deals")
    rows = store.query("SELECT close_date, created_date, status FROM deals WHERE name LIKE 'Odd%' ORDER BY name").rows()
    assert rows == [(date(2024, 3, 5), date(2024, 1, 23), "won"), (date(2024, 3, 6), date(2024, 1, 24), "won"),
                    (date(2024, 3, 7), date(2024, 1, 25), "won")]
    assert store.query("SELECT DISTINCT close_date, created_date, status FROM deals WHERE name LIKE 'Deal%'").rows() \
        == [(date(2024, 3, 1), date(2024, 1, 22), "won")]
    store.close()


def test_a_flag_in_no_known_spelling_is_a_problem_naming_its_cell(tmp_path):
    path = tmp_path / "Opportunity.csv"
    path.write_text(HEADER + "".join(CLEAN.format(n=n) for n in range(3))
                    + "006000777,Odd,Closed Won,5,2024-03-01,,maybe,1\n", encoding="utf-8")
    store = Store.open(":memory:")
    with pytest.raises(ImportFailed) as failure:
        import_files(store, [path], reporting_currency="USD", entity="deals")
    store.close()
    assert [(p.row, p.column, p.value, p.reason) for p in failure.value.problems] == \
        [(5, "IsClosed", "maybe", "is not a yes/no value")]


def test_timestamps_unlike_the_first_ones_are_still_read_exactly(tmp_path):
    path = tmp_path / "Account.csv"
    stamps = ["2024-01-22T16:14:25.000+0000"] * 300 + ["2024-02-01 09:30:00", "2024-02-04", "2/4/2024 9:15 AM", ""]
    path.write_text("Id,Name,CreatedDate\n" + "".join(f"001{n:06d},Account {n},{stamp}\n"
                                                       for n, stamp in enumerate(stamps)), encoding="utf-8")
    store = Store.open(":memory:")
    import_files(store, [path], reporting_currency="USD", entity="accounts")
    created = store.query("SELECT created_at FROM accounts ORDER BY account_id").to_series()[-5:].to_list()
    store.close()
    assert created == [datetime(2024, 1, 22, 16, 14, 25), datetime(2024, 2, 1, 9, 30), datetime(2024, 2, 4),
                       datetime(2024, 2, 4, 9, 15), None]
