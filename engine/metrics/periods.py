"""The fiscal calendar: months, fiscal quarters and fiscal years.

A fiscal year is named by the calendar year it ends in (with a July start, FY2025 runs from
1 Jul 2024 to 30 Jun 2025); with the default January start fiscal and calendar years coincide.
Periods are half-open date ranges [start, end).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from engine.store.errors import PeriodError

KINDS = ("month", "quarter", "year")


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive
    kind: str
    fiscal_year: int
    quarter: int | None = None  # fiscal quarter 1-4 for quarters
    fiscal_start_month: int = 1

    @property
    def months(self) -> list[date]:
        """First days of the months in the period."""
        out, month = [], self.start
        while month < self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def code(self) -> str:
        """The CLI/URL spelling: 2024, 2024-Q3 or 2024-07."""
        if self.kind == "year":
            return str(self.fiscal_year)
        if self.kind == "quarter":
            return f"{self.fiscal_year}-Q{self.quarter}"
        return f"{self.start.year}-{self.start.month:02d}"

    def label(self, lang: str = "en") -> str:
        """FY2025 Q3 / 2025财年第3季度 / Jul 2021 / 2021年7月."""
        if self.kind == "year":
            return f"{self.fiscal_year}财年" if lang == "zh" else f"FY{self.fiscal_year}"
        if self.kind == "quarter":
            return f"{self.fiscal_year}财年第{self.quarter}季度" if lang == "zh" else f"FY{self.fiscal_year} Q{self.quarter}"
        from engine.i18n import fmt_month
        return fmt_month(self.start, lang)

    def shifted(self, steps: int) -> "Period":
        """The period `steps` periods of the same kind later (negative = earlier)."""
        size = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        start = add_months(self.start, steps * size)
        return period_containing(start, self.kind, self.fiscal_start_month)

    def previous(self) -> "Period":
        return self.shifted(-1)

    def last_year(self) -> "Period":
        return self.shifted({"month": -12, "quarter": -4, "year": -1}[self.kind])


def fiscal_year_of(day: date, fiscal_start_month: int = 1) -> int:
    return day.year + (1 if fiscal_start_month > 1 and day.month >= fiscal_start_month else 0)


def fiscal_year(year: int, fiscal_start_month: int = 1) -> Period:
    start = date(year - (1 if fiscal_start_month > 1 else 0), fiscal_start_month, 1)
    return Period(start, add_months(start, 12), "year", year, None, fiscal_start_month)


def period_containing(day: date, kind: str, fiscal_start_month: int = 1) -> Period:
    if kind not in KINDS:
        raise PeriodError(f"Unknown period kind '{kind}'.", hint="Use month, quarter or year.")
    fy = fiscal_year_of(day, fiscal_start_month)
    year = fiscal_year(fy, fiscal_start_month)
    if kind == "year":
        return year
    month = date(day.year, day.month, 1)
    if kind == "month":
        return Period(month, add_months(month, 1), "month", fy, None, fiscal_start_month)
    offset = (month.year * 12 + month.month - (year.start.year * 12 + year.start.month)) // 3
    start = add_months(year.start, offset * 3)
    return Period(start, add_months(start, 3), "quarter", fy, offset + 1, fiscal_start_month)


_CODE = re.compile(r"^\s*(?:FY)?(\d{4})(?:-?(?:Q([1-4])|(\d{1,2})))?\s*$", re.IGNORECASE)


# The years a period code may name: those the importer accepts dates in.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def parse_period(code: str, fiscal_start_month: int = 1) -> Period:
    """'2024' (fiscal year), '2024-Q3' (fiscal quarter) or '2024-07' (calendar month)."""
    match = _CODE.match(code or "")
    if not match:
        raise PeriodError(f"'{code}' is not a period.",
                          hint="Write a fiscal year (2024), a fiscal quarter (2024-Q3) or a month (2024-07).")
    year, quarter, month = int(match[1]), match[2], match[3]
    if not FIRST_YEAR <= year <= LAST_YEAR:  # date() would raise for year 0, and FY9999 ends in 10000
        raise PeriodError(f"'{code}' is out of range.", hint=f"Years run from {FIRST_YEAR} to {LAST_YEAR}.")
    if quarter:
        fy = fiscal_year(year, fiscal_start_month)
        return period_containing(add_months(fy.start, 3 * (int(quarter) - 1)), "quarter", fiscal_start_month)
    if month:
        if not 1 <= int(month) <= 12:
            raise PeriodError(f"'{code}' has no month {month}.", hint="Months run from 01 to 12.")
        return period_containing(date(year, int(month), 1), "month", fiscal_start_month)
    return fiscal_year(year, fiscal_start_month)
