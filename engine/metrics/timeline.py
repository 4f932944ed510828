"""When the data is: the span of dates the loaded deals cover, and the periods worth offering.

"Now" is `engine.metrics.performance.as_of_date`: today, unless the data ends earlier (an old export, or the
demo company frozen at its own date).
"""
from __future__ import annotations

from datetime import date

from engine.metrics.performance import as_of_date
from engine.metrics.periods import Period, add_months, period_containing
from engine.store import Store


def data_span(store: Store) -> tuple[date, date] | None:
    """(first, last) close date of any deal, or None when there are no deals."""
    first, last = store.rows("SELECT min(close_date), max(close_date) FROM deals")[0]
    return None if first is None else (first, last)


def period_choices(store: Store, kind: str, fiscal_start_month: int) -> list[Period]:
    """Every period of `kind` from the first deal to a year after the as-of date, newest first."""
    span = data_span(store)
    anchor = as_of_date(store)
    if span is None:
        return [period_containing(anchor, kind, fiscal_start_month)]
    first = period_containing(span[0], kind, fiscal_start_month)
    last = period_containing(min(span[1], add_months(anchor, 12)), kind, fiscal_start_month)
    choices, current = [], first
    while current <= last:
        choices.append(current)
        current = current.shifted(1)
    return choices[::-1]
