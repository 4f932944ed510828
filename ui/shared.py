"""Chart specs and page results shared by every session: built once per data version, period, scope,
language and viewer's visibility, then reused by whoever opens the same view.

The engine memoises the figures (engine.metrics.result_cache); building an Altair chart from them
costs another 5–25 ms a chart, every rerun, for every viewer. `shared_chart` keeps the built chart
in the same bounded memo, on the data version it came from. Its key holds everything the chart
depends on: the caller passes period, scope and language, and the viewer's visibility token
(`context.visibility()`) is added here, so sign-in plugs in without touching the pages.
`shared_result` does the same for what a page derives from the engine's tables (a health list with
its words, a territory tab's duplicates), which the engine below `metrics` cannot memoise itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from engine.metrics.sales_data import sales_data
from ui import context


def shared_chart(name: str, build: Callable[[], object], *, period=None, scope: Iterable[str] | None = None,
                 lang: str | None = None, **parts: object):
    """`build()` once per (data version, name, period, scope, language, visibility, parts)."""
    data = sales_data(context.store(), context.settings().reporting_currency)
    key = ("chart", name, period, None if scope is None else tuple(scope), lang, context.visibility(),
           tuple(sorted(parts.items())))
    return data.cached(key, build)


def shared_result(name: str, build: Callable[[], object], *, scope: Iterable[str] | None = None,
                  lang: str | None = None, **parts: object):
    """`build()` once per (data version, name, scope, language, visibility, parts) — a page's
    derived table, kept in the viewer's memo of the sales data (a restricted viewer's results live
    in their own memo, engine.metrics.visible_data) and dropped when the data version moves on."""
    return shared_chart(("result", name), build, scope=scope, lang=lang, **parts)
