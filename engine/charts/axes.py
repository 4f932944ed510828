"""Axes that read like the rest of Terrain: money with the currency symbol in 1.2M / 120万 units,
months and names that are never rotated or cut short.

Vega's own `~s` format knows neither currency symbols nor 万/亿, so money axes carry a label
expression that mirrors `engine.i18n.fmt_money` (same units, same symbol, digits grouped: $1,461万).
"""
from __future__ import annotations

import altair as alt

from engine.i18n import CURRENCY_SYMBOLS

NAME_LABEL_LIMIT = 260  # px: "Strategic Accounts", "Australia & New Zealand" fit whole


def _units(lang: str) -> tuple[tuple[float, str], ...]:
    if lang == "zh":
        return ((1e8, "亿"), (1e4, "万"))
    return ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def money_label_expr(lang: str = "en", currency: str = "USD") -> str:
    """A Vega expression formatting `datum.value` as fmt_money does (compact, with the symbol)."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ").replace("'", "\\'")
    size = "abs(datum.value)"
    expr = f"format({size}, ',~r')"
    for limit, suffix in reversed(_units(lang)):
        expr = f"{size} >= {limit:g} ? format({size} / {limit:g}, ',~r') + '{suffix}' : {expr}"
    return f"(datum.value < 0 ? '-' : '') + '{symbol}' + ({expr})"


def money_axis(lang: str = "en", currency: str = "USD", title: str | None = None, **options) -> alt.Axis:
    """A quantitative axis of money: $1.2M / $120万 labels, a handful of ticks."""
    return alt.Axis(labelExpr=money_label_expr(lang, currency), title=title, tickCount=options.pop("tickCount", 6),
                    **options)


def name_axis(**options) -> alt.Axis:
    """A band axis of region / territory / rep names, wide enough not to cut them."""
    return alt.Axis(labelLimit=NAME_LABEL_LIMIT, **options)


def month_axis(**options) -> alt.Axis:
    """A band axis of month labels, horizontal (a year of 'Jan 2026' labels fits a desk page)."""
    return alt.Axis(labelAngle=0, labelOverlap=True, **options)
