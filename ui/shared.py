"""Chart specs and page results shared by every session: built once per data version, period, scope,
language and viewer's visibility, then reused by whoever opens the same view.

The engine memoises the figures (engine.metrics.result_cache); building an Altair chart from them
costs another 5–25 ms a chart, every rerun, for every viewer. `shared_chart` keeps the built chart
in the same bounded memo, on the data version it came from. Its key holds everything the chart
depends on: the caller passes period, scope and language, and the viewer's visibility token
(`context.visibility()`) is added here, so sign-in plugs in without touching the pages.
`shared_result` does the same for what a page derives from the engine's tables (a health list with
its words, a territory tab's duplicates), which the engine below `metrics` cannot memoise itself.

A kept chart is checked against the Vega-Lite schema once (`validated_once`): `st.altair_chart`
calls `to_dict()`, which validates the whole spec with jsonschema on every call — 70–140 ms of pure
Python a chart, under a lock Streamlit holds for every session's chart conversion (37% of a
planner rerun). The spec of a kept chart does not change, so its later conversions skip that.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import altair as alt

from engine.metrics.sales_data import sales_data
from ui import context


def shared_chart(name: str, build: Callable[[], object], *, period=None, scope: Iterable[str] | None = None,
                 lang: str | None = None, **parts: object):
    """`build()` once per (data version, name, period, scope, language, visibility, parts)."""
    data = sales_data(context.store(), context.settings().reporting_currency)
    key = ("chart", name, period, None if scope is None else tuple(scope), lang, context.visibility(),
           tuple(sorted(parts.items())))
    return data.cached(key, lambda: validated_once(build()))


class _ValidateOnce:
    """A kept chart's `to_dict`: validates on the first call that succeeds, then no more."""

    __slots__ = ("chart", "checked")

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self.chart, self.checked = chart, False

    def __call__(self, validate: bool = True, **options):
        spec = type(self.chart).to_dict(self.chart, validate=validate and not self.checked, **options)
        self.checked = self.checked or validate  # a failed check raised above and is made again next time
        return spec


def validated_once(value):
    """`value` itself; an Altair chart's later `to_dict()` calls skip the schema check once one passed
    (built once and kept, its spec never changes). Anything else is returned as it is."""
    if isinstance(value, alt.TopLevelMixin) and not isinstance(vars(value).get("to_dict"), _ValidateOnce):
        object.__setattr__(value, "to_dict", _ValidateOnce(value))  # SchemaBase's own __setattr__ sets a property
    return value


def shared_result(name: str, build: Callable[[], object], *, scope: Iterable[str] | None = None,
                  lang: str | None = None, **parts: object):
    """`build()` once per (data version, name, scope, language, visibility, parts) — a page's
    derived table, kept in the viewer's memo of the sales data (a restricted viewer's results live
    in their own memo, engine.metrics.visible_data) and dropped when the data version moves on."""
    return shared_chart(("result", name), build, scope=scope, lang=lang, **parts)
