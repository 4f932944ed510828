"""Target sheets as sales ops write them: periods in words, quarters and years, one column per month.

A target row's period may be a month (`2021-07`, `07/2021`, `Jul 2021`, `July 2021`, `2021年7月`,
`2021-M07`, or any date: its month), a fiscal quarter (`2021-Q3`, `Q3 2021`, `2021年第3季度`) or a
fiscal year (`2021`, `FY2021`, `2021财年`) of the fiscal calendar (setting fiscal_year_start_month).
Quarters and years are split over their months in whole cents with the largest remainder — evenly,
or by the seasonality weights the caller passes — so the monthly rows add up to the sheet's amount
to the cent. A wide sheet (one column per month: `Jan … Dec`, `1月 … 12月`, `2021-01 … 2021-12`, or
per quarter `Q1 … Q4`) beside a territory or rep column becomes one row per (row, month column)
before anything is parsed; headers without a year take it from a Year column, read as the fiscal
year (with a July start, `Jan` of FY2022 is January 2022 and `Jul` is July 2021).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from engine.importing.parsing import parse_dates
from engine.importing.problems import problem_rows
from engine.importing.raw import ROW

SPLITS = ("even", "seasonal")
WIDE_AMOUNT, WIDE_HEADER = "_wide_amount", "_wide_header"

_MONTH_NAMES = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_CN_NUMBERS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
               "九": "9", "十": "10", "十一": "11", "十二": "12"}

# (pattern on the lowercased cell, kind, group of the year or None, group of the number or None,
#  whether the number is a month name). Bare kinds (no year) take the year from a Year column.
_PATTERNS: tuple[tuple[str, str, int | None, int | None, bool], ...] = (
    (r"^(\d{4})\s*[-/.]\s*(\d{1,2})$", "month", 1, 2, False),
    (r"^(\d{1,2})\s*[-/.]\s*(\d{4})$", "month", 2, 1, False),
    (r"^(\d{4})\s*年\s*(\d{1,2})\s*月份?$", "month", 1, 2, False),
    (r"^(\d{4})\s*-?\s*m(\d{1,2})$", "month", 1, 2, False),
    (r"^([a-z]+)\.?[\s,/-]*(\d{4})$", "month", 2, 1, True),
    (r"^(\d{4})[\s/-]*([a-z]+)\.?$", "month", 1, 2, True),
    (r"^(?:fy\s*)?(\d{4})\s*[-/ ]?\s*q([1-4])$", "quarter", 1, 2, False),
    (r"^q([1-4])\s*[-/ ]?\s*(?:fy\s*)?(\d{4})$", "quarter", 2, 1, False),
    (r"^(\d{4})\s*(?:财年|年)?\s*第\s*([1-4])\s*季度?$", "quarter", 1, 2, False),
    (r"^(\d{4})\s*(?:财年|年)\s*q([1-4])$", "quarter", 1, 2, False),
    (r"^(?:fy\s*)?(\d{4})$", "year", 1, None, False),
    (r"^(\d{4})\s*(?:财年|年度|年)$", "year", 1, None, False),
    (r"^([a-z]+)\.?$", "bare_month", None, 1, True),
    (r"^(\d{1,2})\s*月份?$", "bare_month", None, 1, False),
    (r"^m(\d{1,2})$", "bare_month", None, 1, False),
    (r"^(\d{1,2})$", "bare_month", None, 1, False),
    (r"^q([1-4])$", "bare_quarter", None, 1, False),
    (r"^第\s*([1-4])\s*季度?$", "bare_quarter", None, 1, False),
)
PERIOD_SCHEMA = {"kind": pl.String, "year": pl.Int32, "number": pl.Int32}


@dataclass(frozen=True)
class TargetSplit:
    """How quarter and year targets become months: `method` even or seasonal; `weights` gives the
    seasonal weight of each month (first days) it is asked about — the Targets page's seasonality,
    computed by the caller (the metrics sit above the importer)."""

    fiscal_start_month: int = 1
    method: str = "even"
    weights: Callable[[list[date]], list[float]] | None = None


def read_periods(text: pl.Series) -> pl.DataFrame:
    """Each cell → kind (month, quarter, year, bare_month, bare_quarter; null = not a period in
    words), year (as written) and number (month 1-12 or quarter 1-4)."""
    cell = (text.cast(pl.String).str.strip_chars(" \t\r\n\u00a0\u3000").str.to_lowercase()
            .str.replace_all(r"\s+", " "))
    for word, digit in sorted(_CN_NUMBERS.items(), key=lambda item: -len(item[0])):
        cell = cell.str.replace(rf"^{word}月", f"{digit}月").str.replace(rf"第{word}季", f"第{digit}季")
    frame = pl.DataFrame({"t": cell})
    kind, year, number = pl.lit(None, pl.String), pl.lit(None, pl.Int32), pl.lit(None, pl.Int32)
    for pattern, name, year_group, number_group, named in reversed(_PATTERNS):
        t = pl.col("t")
        matched = t.str.contains(pattern)
        found_year = t.str.extract(pattern, year_group).cast(pl.Int32, strict=False) if year_group else pl.lit(None, pl.Int32)
        found_number = pl.lit(None, pl.Int32)
        if number_group:
            raw = t.str.extract(pattern, number_group)
            found_number = (raw.replace_strict(_MONTH_NAMES, default=None, return_dtype=pl.Int32) if named
                            else raw.cast(pl.Int32, strict=False))
        valid = matched & (found_number.is_not_null() if number_group else pl.lit(True))
        if name.endswith("month"):
            valid = valid & found_number.is_between(1, 12)
        kind = pl.when(valid).then(pl.lit(name)).otherwise(kind)
        year = pl.when(valid).then(found_year).otherwise(year)
        number = pl.when(valid).then(found_number).otherwise(number)
    return frame.select(kind.alias("kind"), year.alias("year"), number.alias("number"))


def period_headers(headers: list[str]) -> dict[str, tuple[str, int | None, int | None]]:
    """The headers of a wide target sheet: header → (kind, year, number) for every header that is
    a month or quarter (`Jan`, `1月`, `2021-01`, `Q3`); empty unless at least two are."""
    read = read_periods(pl.Series(headers, dtype=pl.String))
    found = {h: (k, y, n) for h, (k, y, n) in zip(headers, read.iter_rows())
             if k in ("month", "quarter", "bare_month", "bare_quarter") and not (k == "bare_month" and h.strip().isdigit())}
    return found if len(found) >= 2 else {}


def unpivot_wide(frame: pl.LazyFrame, mapping: dict[str, str], keep: list[str]) -> tuple[pl.LazyFrame, dict[str, str], str]:
    """A wide sheet (several columns mapped to amount) as one row per (row, month column): the
    period column holds the header, the amount column the cell. Returns the long frame, its
    mapping and the label problems name the month columns by (`Jan … Dec`)."""
    months = [header for header, field in mapping.items() if field == "amount"]
    if len(months) < 2:
        return frame, mapping, ""
    others = [header for header in mapping if header not in months]
    long = (frame.unpivot(on=months, index=[*keep, *others], variable_name=WIDE_HEADER, value_name=WIDE_AMOUNT)
            # a blank month cell is no target for that month, not a missing one
            .filter(pl.col(WIDE_AMOUNT).str.strip_chars(" \t\u00a0\u3000") != "")
            .sort(ROW, maintain_order=True))
    rest = {h: f for h, f in mapping.items() if h not in months and f != "period_start"}
    return long, {**rest, WIDE_HEADER: "period_start", WIDE_AMOUNT: "amount"}, f"{months[0]} … {months[-1]}"


def period_months(text: pl.Series, year_column: pl.Series, fiscal_start_month: int) -> pl.DataFrame:
    """Period cells → start (first day of the first month), months (1, 3 or 12) and problem (a catalog key)
    (why a cell is not a period; null when it is). Bare months and quarters take their fiscal year
    from `year_column` (cells like 2021 or FY2021)."""
    read = read_periods(text)
    fiscal_year = year_column.cast(pl.String).str.extract(r"(\d{4})").cast(pl.Int32, strict=False)
    frame = read.with_columns(pl.Series("fy", fiscal_year, dtype=pl.Int32), pl.Series("t", text, dtype=pl.String))
    shift = 1 if fiscal_start_month > 1 else 0
    kind, year, number, fy = pl.col("kind"), pl.col("year"), pl.col("number"), pl.col("fy")
    # month index = year × 12 + month − 1 of each period's first month
    fiscal_first = lambda y: (y - shift) * 12 + (fiscal_start_month - 1)  # noqa: E731
    bare_month_year = fy - pl.when(number >= fiscal_start_month).then(shift).otherwise(0)
    index = (pl.when(kind == "month").then(year * 12 + number - 1)
             .when(kind == "quarter").then(fiscal_first(year) + 3 * (number - 1))
             .when(kind == "year").then(fiscal_first(year))
             .when(kind == "bare_month").then(bare_month_year * 12 + number - 1)
             .when(kind == "bare_quarter").then(fiscal_first(fy) + 3 * (number - 1)))
    months = (pl.when(kind.is_in(["quarter", "bare_quarter"])).then(3).when(kind == "year").then(12)
              .otherwise(1).cast(pl.Int32))
    frame = frame.with_columns(index.alias("index"), months.alias("months"))
    dated = parse_dates(frame["t"]).dt.month_start()
    start = pl.coalesce(pl.date(pl.col("index") // 12, pl.col("index") % 12 + 1, 1), pl.Series(dated))
    in_years = start.dt.year().is_between(1900, 2199)
    problem = (pl.when(pl.col("t").is_null()).then(None)
               .when(kind.str.starts_with("bare") & fy.is_null())
               .then(pl.lit("import.problem.period_no_year"))
               .when(start.is_null() | ~in_years)
               .then(pl.lit("import.problem.period")))
    return frame.select(pl.when(in_years).then(start).alias("start"), "months", problem.alias("problem"))


def split_over_months(frame: pl.DataFrame, starts: pl.Series, months: pl.Series,
                      weights: Callable[[list[date]], list[float]] | None) -> pl.DataFrame:
    """Rows of `frame` (with `amount`) spread over their months: a row of n > 1 months becomes n
    rows with `period_start` = each month and `amount` = its share in whole cents, the largest
    remainder rule (ties to the earlier month), evenly or by `weights`; one-month rows keep their
    amount as written. The order of rows is kept."""
    frame = frame.with_columns(pl.Series("_start", starts, dtype=pl.Date), pl.Series("_months", months, dtype=pl.Int32),
                               pl.int_range(pl.len()).alias("_order"))
    single = frame.filter(pl.col("_months").fill_null(1) <= 1).with_columns(pl.col("_start").alias("period_start"))
    multi = frame.filter(pl.col("_months") > 1)
    if multi.height:
        multi = (multi.with_columns(pl.int_ranges(0, pl.col("_months")).alias("_k")).explode("_k")
                 .with_columns(pl.col("_start").dt.offset_by(pl.format("{}mo", pl.col("_k"))).alias("period_start")))
        if weights is None:
            multi = multi.with_columns(pl.lit(1.0).alias("_w"))
        else:
            wanted = multi["period_start"].unique().sort().to_list()
            table = pl.DataFrame({"period_start": wanted, "_w": [float(w) for w in weights(wanted)]},
                                 schema={"period_start": pl.Date, "_w": pl.Float64})
            multi = multi.join(table, on="period_start", how="left", maintain_order="left")
        multi = _largest_remainder(multi)
    return (pl.concat([single, multi], how="diagonal_relaxed").sort("_order", "period_start")
            .drop("_start", "_months", "_order", "_k", "_w", strict=False))


def _largest_remainder(frame: pl.DataFrame) -> pl.DataFrame:
    """`amount` of each (_order) group split in whole cents by the weights `_w` (all zero: evenly)."""
    group = "_order"
    w = pl.col("_w").fill_null(0.0).clip(lower_bound=0.0)
    frame = frame.with_columns(pl.when(w.sum().over(group) > 0).then(w).otherwise(1.0).alias("_w"))
    cents = (pl.col("amount").abs() * 100).round(0).cast(pl.Int64)
    sign = pl.when(pl.col("amount") < 0).then(-1).otherwise(1)
    quota = cents.cast(pl.Float64) * pl.col("_w") / pl.col("_w").sum().over(group)
    frame = frame.with_columns(cents.alias("_cents"), sign.alias("_sign"), quota.alias("_quota"))
    frame = frame.with_columns(pl.col("_quota").floor().cast(pl.Int64).alias("_floor"))
    frame = frame.with_columns((pl.col("_quota") - pl.col("_floor")).alias("_fraction"),
                               (pl.col("_cents").first().over(group) - pl.col("_floor").sum().over(group)).alias("_left"))
    # rank by the largest fraction, ties to the earlier month (the row's own order)
    frame = frame.with_columns(pl.struct((-pl.col("_fraction")).alias("f"), pl.col("_k").alias("k"))
                               .rank("ordinal").over(group).alias("_rank"))
    share = pl.col("_floor") + (pl.col("_rank") <= pl.col("_left")).cast(pl.Int64)
    # round(2): the nearest double to the cents, as Python writes 33334 / 100
    return frame.with_columns((share * pl.col("_sign") / 100).round(2).alias("amount")).drop(
        "_cents", "_sign", "_quota", "_floor", "_fraction", "_left", "_rank")


def expand_targets(frame: pl.DataFrame, split: TargetSplit, period_header: str) -> tuple[pl.DataFrame, list[pl.DataFrame], int]:
    """The checked targets frame (period_start as text) with one row per month, its problems
    (unreadable periods) and how many rows (of a quarter or year) were split over their months."""
    read = period_months(frame["period_start"], frame["year"], split.fiscal_start_month)
    bad = frame.select(ROW, pl.col("period_start").alias("_value")).with_columns(read["problem"].alias("_why"))
    problems = [problem_rows(bad, pl.col("_why").is_not_null(), period_header, pl.col("_value"), pl.col("_why"))]
    spread = int((read["months"] > 1).sum())
    weights = split.weights if split.method == "seasonal" else None
    expanded = split_over_months(frame.drop("period_start"), read["start"], read["months"], weights)
    return expanded, problems, spread


def split_note(rows: int, method: str) -> str:
    """The import summary's sentence on how quarter and year targets became months."""
    how = "by seasonality (last years' share of each month)" if method == "seasonal" else "evenly"
    return f"{rows:,} target row(s) for a quarter or year were split over their months {how}, to the cent."
