"""Fuzzing with a fixed budget (issue 12): whatever the cells, files and codes, the readers, the
parsers and the period parser give a value or a TerrainError / a problem — never another exception."""
from __future__ import annotations

import contextlib
import io
import math
import tempfile
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.importing.parsing import (FAST_FORMS, fast_expression, fast_is_valid, parse_amounts, parse_dates,
                                      parse_flags, parse_percent, parse_timestamps, slow_parse)
from engine.importing.readers import TempFiles, read_tables
from engine.metrics.periods import parse_period
from engine.store.errors import TerrainError

BUDGET = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])

# Pieces real exports are made of, so that the fuzzer reaches the parsers' branches quickly.
PIECES = ["1", "0", "12", "1,234", "1.234", "1.234.567", ",5", "12,5", "1,23,456", "-", "(", ")", "+", "%", "$",
          "US$", "€", "¥", "元", "RMB", "EUR", " ", "\u00a0", "\u3000", "'", "e", "E308", "inf", "NaN", "2024",
          "-02-30", "/", ".", "年", "月", "日", "T", ":", "Z", "+0000", "31/12/2024", "2024-01-22T16:14:25.000+0000",
          "20240305", "99999", "10000", "yes", "No", "TRUE", "是", "否", "\t", "\r", "\n", "\x00", "٣", "２０２４"]
cells = st.one_of(st.none(), st.text(max_size=30), st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
columns = st.lists(cells, max_size=40)
FIRST, LAST = date(1900, 1, 1), date(2199, 12, 31)


def column(values) -> pl.Series:
    return pl.Series("cell", values, dtype=pl.String)


@BUDGET
@given(columns)
@example(["1e308", "-1e309", "nan", "(1,234.50)", "€1.234,5", "12,5", "1,23,456", "US$ 12"])
def test_amounts_are_finite_numbers_or_null(values):
    parsed = parse_amounts(column(values))
    assert parsed.height == len(values) and parsed.schema == {"amount": pl.Float64, "currency": pl.String}
    assert all(v is None or math.isfinite(v) for v in parsed["amount"].to_list())
    for value, amount in zip(values, parsed["amount"].to_list()):
        if value is None or not value.strip(" \t\r\n\u00a0\u3000"):
            assert amount is None


@BUDGET
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_a_written_number_reads_back(number):
    assert parse_amounts(column([repr(number)]))["amount"][0] == number


@BUDGET
@given(columns)
@example(["2024-02-30", "0000-01-01", "9999-12-31", "31.12.1899", "20241301", "2024年13月1日", "99999", "2/29/23"])
def test_dates_are_in_range_or_null(values):
    parsed = parse_dates(column(values))
    assert parsed.len() == len(values) and parsed.dtype == pl.Date
    assert all(d is None or FIRST <= d <= LAST for d in parsed.to_list())


@BUDGET
@given(st.dates(FIRST, LAST))
def test_an_iso_date_reads_back(day):
    assert parse_dates(column([day.isoformat()]))[0] == day


@BUDGET
@given(columns)
@example(["2024-01-22T16:14:25.000+0000", "2024-01-22 25:61:61", "2024-01-22T16:14:25.000+9999"])
def test_timestamps_are_in_range_or_null(values):
    parsed = parse_timestamps(column(values))
    assert parsed.len() == len(values) and parsed.dtype.is_temporal()
    assert all(t is None or datetime(1900, 1, 1) <= t <= datetime(2199, 12, 31, 23, 59, 59, 999999)
               for t in parsed.to_list())


@BUDGET
@given(columns)
@example(["\x1f", " ", "\t", "Yes", "tRuE", "是", "maybe"])
def test_flags_are_booleans_blank_false_or_null(values):
    parsed = parse_flags(column(values))
    assert parsed.len() == len(values) and parsed.dtype == pl.Boolean
    for value, flag in zip(values, parsed.to_list()):
        # ASCII blanks only: Python's strip() also drops \x1c-\x1f, which polars keeps (an unreadable flag)
        if value is None or not value.strip(" \t\n\r\x0b\x0c"):
            assert flag is False


@BUDGET
@given(columns, st.sampled_from(["percent", "fraction", "auto"]))
def test_percentages_never_raise(values, scale):
    parsed = parse_percent(column(values), scale)
    assert parsed.len() == len(values) and all(v is None or math.isfinite(v) for v in parsed.to_list())


KINDS = ["amount", "number", "integer", "percent", "date", "timestamp", "flag"]


@BUDGET
@given(columns, st.sampled_from(KINDS))
def test_the_fast_and_slow_forms_never_raise(values, kind):
    """What the importer runs inside its CSV scan: the fast form of each kind, its validity test,
    and the slow parser for the cells the fast form does not read."""
    assert slow_parse(kind, column(values)).height == len(values)
    frame = pl.DataFrame({"text": column(values)})
    for form in FAST_FORMS.get(kind, (None,)) if kind != "flag" else ():
        fast = fast_expression(kind, pl.col("text"), form)
        out = frame.select(fast.alias("value"), fast_is_valid(kind, fast, pl.col("text"), form).alias("ok"))
        assert out.height == len(values)


CODES = st.one_of(st.text(max_size=12), st.from_regex(r"\A[0-9]{1,5}(-(Q[0-9]|[0-9]{1,3}))?\Z"),
                  st.sampled_from(["0000", "0001", "9999", "9999-Q4", "9999-12", "0000-Q1", "2024-00", "2024-Q0"]))


@BUDGET
@given(CODES, st.integers(1, 12))
@example("9999-Q4", 7)
@example("0000", 1)
@example("0001-Q1", 12)
def test_any_period_code_gives_a_period_or_a_terrain_error(code, fiscal_start):
    try:
        period = parse_period(code, fiscal_start)
    except TerrainError as error:
        assert str(error)
    else:
        assert period.start < period.end and period.code


# --- the readers: any bytes, any CSV, any workbook -------------------------------------------------
# Through the importer's own entry, the CLI: read, detect, map, parse, validate, load. Exit 0, 1
# (rows refused) and 2 (the file refused, with its problem) are all answers; an exception is not.

DEAL_HEADERS = ["Id", "Name", "StageName", "Amount", "CloseDate", "Probability", "IsWon", "CreatedDate"]


def import_answers(path: Path, *options: str) -> int:
    from engine.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["import", str(path), "--db", ":memory:", *options])
    assert code in (0, 1, 2)
    return code


def tables_or_problems(path: Path) -> None:
    """read_tables alone: tables (each readable or carrying its problem), or a TerrainError."""
    temp = TempFiles()
    try:
        for table in read_tables(path, temp):
            assert table.problems or table.frame is not None
    except TerrainError:
        pass
    finally:
        temp.cleanup()


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="terrain-fuzz-") as folder:
        yield Path(folder)


@FILES
@given(st.binary(max_size=4096), st.sampled_from(["x.csv", "x.txt", "x.tsv", "x.xlsx", "x.parquet"]))
@example(b"PK\x03\x04garbage", "x.xlsx")
@example(b"PAR1garbage", "x.parquet")
@example(b"\xef\xbb\xbf", "x.csv")
@example(b"\xff\xfe" + "Id,Name\r\n1,Müller\r\n".encode("utf-16-le"), "x.csv")
@example(b'Id,Name,StageName,Amount,CloseDate\n"unclosed,1\n', "x.csv")
def test_any_bytes_are_read_or_refused_with_a_problem(scratch, data, name):
    path = scratch / name
    path.write_bytes(data)
    tables_or_problems(path)
    import_answers(path)
    import_answers(path, "--entity", "deals", "--source", "salesforce")


text_cells = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
deal_cells = st.one_of(cells, text_cells)


@FILES
@given(st.lists(st.lists(deal_cells, min_size=0, max_size=10), min_size=0, max_size=12),
       st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "cp1252"]),
       st.booleans(), st.lists(text_cells, max_size=3))
def test_any_delimited_export_is_read_or_refused_with_a_problem(scratch, rows, delimiter, encoding, quote_all, extra):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(DEAL_HEADERS + extra)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    path = scratch / "Opportunity.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    tables_or_problems(path)
    import_answers(path, "--entity", "deals", "--source", "salesforce", "--skip-invalid")


@FILES
@given(st.lists(st.lists(st.one_of(st.none(), deal_cells, st.floats(allow_nan=True), st.integers(-2**53, 2**53),
                                   st.booleans(), st.dates()), min_size=0, max_size=8), min_size=0, max_size=10),
       st.integers(0, 2))
def test_any_workbook_is_read_or_refused_with_a_problem(scratch, rows, blank_sheets):
    from xlsxwriter import Workbook

    path = scratch / "Opportunity.xlsx"
    with Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                              "nan_inf_to_errors": True}) as book:
        for _ in range(blank_sheets):
            book.add_worksheet()
        sheet = book.add_worksheet("Data")
        sheet.write_row(0, 0, DEAL_HEADERS)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()))
                elif value is not None:
                    sheet.write(r, c, value)
    tables_or_problems(path)
    import_answers(path, "--entity", "deals", "--source", "salesforce", "--skip-invalid")


# The rule language: any text is a rule that matches over any accounts, or a RuleError — never another exception.
RULE_PIECES = ['country', 'state', 'postal_code', 'name', 'industry', 'annual_revenue', 'employees', 'nosuch',
               '==', '=', '!=', '<', '<=', '>', '>=', 'in', 'not', 'and', 'or', 'between', 'startswith', 'endswith',
               'contains', 'is', 'empty', '(', ')', '[', ']', ',', '"US"', "'ca'", '“US”', '"', "'", '1e6', '-5',
               '1_000', '0', 'nan', 'inf', '1e999', '北京', ' ', '\n', '\t', '\\', '"\\"', '*']
rules = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(RULE_PIECES), max_size=12).map(" ".join))
RULE_ACCOUNTS = pl.DataFrame({
    "account_id": ["A1", "A2", "A3"], "name": ["Acme", "  ", None], "country": ["US", None, "ca "],
    "state": ["CA", "", None], "postal_code": ["94105", None, "M5V"], "industry": [None, "Retail", "x"],
    "annual_revenue": [1e6, None, float("nan")], "employees": [10, None, 0]})


@BUDGET
@given(rules)
@example('country == "US" and annual_revenue between 0 and 1e999')
@example('name in ["a", "b"] or not (employees >= -5)')
@example("employees > -.x")  # '-.' without a digit
@example("country == 北京 or employees < ¹")  # letters and digits outside ASCII (raised AttributeError)
def test_any_rule_text_compiles_and_matches_or_is_a_rule_error(text):
    from engine.territories.compile import ACCOUNT_FIELDS, compile_rule, prepare
    from engine.territories.rule_language import RuleError

    try:
        compiled = compile_rule(text, ACCOUNT_FIELDS)
    except RuleError as error:
        assert str(error)  # says what is wrong
        return
    matched = prepare(RULE_ACCOUNTS, ACCOUNT_FIELDS).select(compiled.match.fill_null(False)).to_series()
    assert matched.dtype == pl.Boolean and matched.len() == RULE_ACCOUNTS.height
