"""Every word and number the UI shows goes through here, in English or Simplified Chinese.

Messages live in catalog modules beside this file (`catalog_<area>.py`, each a dict
`MESSAGES = {key: (english, chinese)}`), one per area of the product so teams never edit the same
file. `t(key, lang, **values)` fills `{placeholders}` with str.format. A missing key is a bug a
test catches (`tests/test_i18n.py`), so `t` falls back to the key itself rather than crashing a page.
"""
from __future__ import annotations

import importlib
import math
import pkgutil
import re
from datetime import date
from functools import cache

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥", "INR": "₹",
                    "BRL": "R$", "AUD": "A$", "CAD": "C$", "SGD": "S$", "MXN": "MX$", "KRW": "₩"}


@cache
def catalog() -> dict[str, tuple[str, str]]:
    """All messages of all catalog modules; a key defined twice is an error."""
    merged: dict[str, tuple[str, str]] = {}
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("catalog_"):
            continue
        messages = importlib.import_module(f"{__name__}.{module.name}").MESSAGES
        clash = merged.keys() & messages.keys()
        if clash:
            raise RuntimeError(f"i18n keys defined twice: {sorted(clash)}")
        merged.update(messages)
    return merged


def template(key: str, lang: str = "en", **counts: object) -> str:
    """The message of `key` in `lang` with its `{placeholders}` unfilled (the key itself when unknown);
    the singular/plural choices of the names given in `counts` are made (see `t`)."""
    pair = catalog().get(key)
    text = key if pair is None else pair[1 if lang == "zh" else 0]
    return _choose_forms(text, counts) if counts else text


def t(key: str, lang: str = "en", **values: object) -> str:
    text = template(key, lang, **values)
    return text.format(**values) if values else text


# {count|account|accounts}: the singular when `count` is one, else the plural (0 accounts, 1.5 days)
_FORMS = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def is_one(value: object) -> bool:
    """Whether a count reads as one: 1, 1.0, "1", or "1" as Markdown-escaped or grouped text."""
    if isinstance(value, str):
        try:
            value = float(value.replace("\\", "").replace(",", "").strip())
        except ValueError:
            return False
    return isinstance(value, (int, float)) and abs(value) == 1


def _choose_forms(text: str, counts: dict[str, object]) -> str:
    def form(match: re.Match) -> str:
        name, singular, plural = match.groups()
        if name not in counts:
            return match.group(0)
        return singular if is_one(counts[name]) else plural
    return _FORMS.sub(form, text)


def _compact(value: float, units: tuple[tuple[float, str], ...], whole_from: float = float("inf")) -> str:
    """`units` largest first. The unit is the largest the value reaches, moved up one when
    rounding would show a full next unit (999,999.99 → 1M, never 1000K; 9,999.6万 → 1亿).
    Digits are grouped by thousands in every language: 1,457万 reads faster than 1457万."""
    size = abs(value)
    for index, (limit, suffix) in enumerate(units):
        if size < limit:
            continue
        if index > 0 and round(size / limit, 0 if size / limit >= whole_from else 1) >= units[index - 1][0] / limit:
            limit, suffix = units[index - 1]
        text = f"{value / limit:,.0f}" if size / limit >= whole_from else \
            f"{value / limit:,.1f}".rstrip("0").rstrip(".")
        return text + suffix
    if units and round(size, 0) >= units[-1][0]:  # 999.6 shows as 1K, not 1,000
        return f"{value / units[-1][0]:.1f}".rstrip("0").rstrip(".") + units[-1][1]
    return f"{value:,.0f}"


def _compact_en(value: float) -> str:
    return _compact(value, ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")))


def _compact_zh(value: float) -> str:
    # Chinese groups by 万 (10^4) and 亿 (10^8), not by thousands.
    # 1457.3万 reads as 1,457万: beyond a hundred of a unit the decimal adds nothing.
    return _compact(value, ((1e8, "亿"), (1e4, "万")), whole_from=100)


def fmt_number(value: float | None, lang: str = "en", compact: bool = True) -> str:
    """1.2M / 34.5K in English, 120万 / 3.4亿 in Chinese; full digits with `compact=False`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if not compact:
        return f"{value:,.0f}"
    return _compact_zh(value) if lang == "zh" else _compact_en(value)


def fmt_money(value: float | None, lang: str = "en", currency: str = "USD", compact: bool = True) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{fmt_number(abs(value), lang, compact)}"


def fmt_pct(fraction: float | None, lang: str = "en", signed: bool = False) -> str:
    """A fraction as a percentage with one decimal (0.2917 → 29.2%)."""
    if fraction is None or (isinstance(fraction, float) and (math.isnan(fraction) or math.isinf(fraction))):
        return "–"
    return f"{fraction * 100:+.1f}%" if signed else f"{fraction * 100:.1f}%"


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_month(day: date, lang: str = "en") -> str:
    """Jul 2021 / 2021年7月."""
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{_MONTHS_EN[day.month - 1]} {day.year}"


def fmt_date(day: date | None, lang: str = "en") -> str:
    """23 Nov 2026 / 2026年11月23日."""
    if day is None:
        return "–"
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
