"""Amount, date and flag parsing: tables of exact cases, and fuzzing that never raises."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from engine.importing.parsing import (parse_amount, parse_amounts, parse_date, parse_dates, parse_flags,
                                      parse_percent, parse_timestamp, parse_timestamps)


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("1124741.15", 1124741.15, None),
    ("$1,234.50", 1234.5, "USD"),
    ("¥12,000", 12000.0, "CNY"),
    ("￥1,000元", 1000.0, "CNY"),
    ("1.234,50 €", 1234.5, "EUR"),
    ("EUR 1.000,00", 1000.0, "EUR"),
    ("US$ 3.5", 3.5, "USD"),
    ("£ 99", 99.0, "GBP"),
    ("12,000.75 CNY", 12000.75, "CNY"),
    ("(1,234.00)", -1234.0, None),
    ("-5", -5.0, None),
    ("12,5", 12.5, None),
    ("1,234", 1234.0, None),
    ("1.234.567", 1234567.0, None),
    ("1 234,50", 1234.5, None),
    ("1,23,456", 123456.0, None),
    (".5", 0.5, None),
    ("", None, None),
    ("   ", None, None),
    (None, None, None),
    ("abc", None, None),
    ("12abc34", None, None),
    ("1,2,3", None, None),
    ("nan", None, None),
    ("inf", None, None),
])
def test_amounts(text, amount, currency):
    assert parse_amount(text) == (amount, currency)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-05", date(2024, 1, 5)),
    ("2024-1-5", date(2024, 1, 5)),
    ("2024-01-22T16:14:25.000+0000", date(2024, 1, 22)),
    ("2024/3/5", date(2024, 3, 5)),
    ("03/04/24", date(2024, 3, 4)),
    ("3/4/2024", date(2024, 3, 4)),
    ("12/31/99", date(1999, 12, 31)),
    ("5.3.2024", date(2024, 3, 5)),
    ("31.12.2023", date(2023, 12, 31)),
    ("2024年3月5日", date(2024, 3, 5)),
    ("20240305", date(2024, 3, 5)),
    ("45000", date(2023, 3, 15)),
    ("45000.75", date(2023, 3, 15)),
    ("5-Jan-2024", date(2024, 1, 5)),
    ("Jan 5, 2024", date(2024, 1, 5)),
    ("1/5/2024 1:45 PM", date(2024, 1, 5)),
    ("2024-02-29", date(2024, 2, 29)),
    ("2023-02-29", None),
    ("31/31/2024", None),
    ("0001-02-03", None),
    ("12", None),
    ("soon", None),
    ("", None),
    (None, None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-22T16:14:25.000+0000", datetime(2024, 1, 22, 16, 14, 25)),
    ("2024-01-22T18:14:25.000+0200", datetime(2024, 1, 22, 16, 14, 25)),
    ("2024-06-03T09:00:00Z", datetime(2024, 6, 3, 9)),  # ISO 8601 UTC, as Dynamics 365 writes it
    ("2024-06-03T09:00:00.250Z", datetime(2024, 6, 3, 9, 0, 0, 250_000)),
    ("2024-01-22 08:30:00", datetime(2024, 1, 22, 8, 30)),
    ("1/5/2024 1:45 PM", datetime(2024, 1, 5, 13, 45)),
    ("2023-12-25", datetime(2023, 12, 25)),
    ("not a time", None),
])
def test_timestamps(text, expected):
    assert parse_timestamp(text) == expected


def test_percent_scales_and_flags():
    assert parse_percent(pl.Series(["10", "100", None, "55%"]), "auto").to_list() == [0.1, 1.0, None, 0.55]
    assert parse_percent(pl.Series(["0.1", "1"]), "fraction").to_list() == [0.1, 1.0]
    assert parse_percent(pl.Series(["10"]), "percent").to_list() == [0.1]
    assert parse_flags(pl.Series(["1", None, "", "TRUE", "是", "0", "maybe"])).to_list() == \
        [True, False, False, True, True, False, None]


def test_parsers_keep_length_and_order_on_mixed_columns():
    raw = pl.Series(["1.5", "$2", None, "x", "3,000"] * 1000)
    parsed = parse_amounts(raw)
    assert parsed.height == raw.len()
    assert parsed["amount"].head(5).to_list() == [1.5, 2.0, None, None, 3000.0]
    assert parse_dates(pl.Series(["2024-01-01", "1/2/2024", None] * 1000)).head(3).to_list() == \
        [date(2024, 1, 1), date(2024, 1, 2), None]


cells = st.one_of(st.none(), st.text(max_size=30),
                  st.from_regex(r"[-+($€¥£ ]{0,2}[0-9.,' ]{1,14}[)€ A-Z]{0,4}", fullmatch=True),
                  st.from_regex(r"[0-9]{1,4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,4}日?( [0-9:]{1,8})?", fullmatch=True))


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, min_size=1, max_size=20))
def test_fuzz_parsers_never_raise(values):
    series = pl.Series("v", values, dtype=pl.String)
    amounts = parse_amounts(series)
    dates = parse_dates(series)
    stamps = parse_timestamps(series)
    assert amounts.height == dates.len() == stamps.len() == len(values)
    finite = amounts["amount"].drop_nulls()
    assert finite.is_finite().all()
    assert dates.drop_nulls().dt.year().is_between(1900, 2199).all()


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["us", "eu", "plain", "yen", "paren"]))
def test_formatted_amounts_round_trip(value, style):
    amount = float(value)
    us = f"{value:,.2f}"
    text = {"us": f"${us}", "eu": us.replace(",", "_").replace(".", ",").replace("_", ".") + " €",
            "plain": f"{value:.2f}", "yen": f"￥{us}", "paren": f"({us})"}[style]
    parsed, _ = parse_amount(text)
    assert parsed == pytest.approx(-amount if style == "paren" else amount, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2149, 12, 31)),
       st.sampled_from(["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d",
                        "%Y-%m-%dT%H:%M:%S.000+0000"]))
def test_formatted_dates_round_trip(day, fmt):
    assert parse_date(day.strftime(fmt)) == day
