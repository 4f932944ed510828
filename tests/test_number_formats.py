"""Numbers as both languages read them (engine.i18n): compact amounts with the unit's digits grouped
by thousands — $1,461万, never $1461万 — the unit moved up when rounding reaches the next one, and
money axes labelled the same way."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.charts.axes import money_label_expr
from engine.i18n import fmt_money, fmt_number, fmt_pct


@pytest.mark.parametrize("value, lang, expected", [
    (0, "en", "0"), (0, "zh", "0"),
    (999, "en", "999"), (999, "zh", "999"),
    (9_999, "zh", "9,999"),  # below 1万 the digits are grouped as in English
    (12_000, "en", "12K"), (12_000, "zh", "1.2万"),
    (1_234_567, "en", "1.2M"), (1_234_567, "zh", "123万"),
    (14_610_000, "en", "14.6M"), (14_610_000, "zh", "1,461万"),
    (9_999_499, "zh", "1,000万"),  # 999.9万 would need a decimal: whole from a hundred, still 万
    (99_996_000, "zh", "1亿"),  # rounds to 10,000万: a full 亿
    (99_999_999, "zh", "1亿"), (340_000_000, "zh", "3.4亿"), (56_000_000_000, "zh", "560亿"),
    (1_234_567_890_000, "en", "1.2T"), (1_234_567_890_000, "zh", "12,346亿"),
    (5_000_000_000_000_000, "en", "5,000T"),
    (-14_610_000, "zh", "-1,461万"), (-1_234_567, "en", "-1.2M"),
    (None, "en", "–"), (float("nan"), "zh", "–"),
])
def test_compact_numbers_in_both_languages(value, lang, expected):
    assert fmt_number(value, lang) == expected


@pytest.mark.parametrize("value, lang, currency, compact, expected", [
    (14_610_000, "zh", "USD", True, "$1,461万"), (14_610_000, "en", "USD", True, "$14.6M"),
    (-14_610_000, "zh", "CNY", True, "-¥1,461万"), (123_456_789_012, "zh", "EUR", True, "€1,235亿"),
    (1_200_000, "zh", "CNY", True, "¥120万"), (999_999.9999, "en", "USD", True, "$1M"),
    (14_610_000, "zh", "CHF", True, "CHF 1,461万"),  # no symbol: the code, then a space
    (14_610_000.4, "zh", "USD", False, "$14,610,000"), (-14_610_000.4, "en", "USD", False, "-$14,610,000"),
])
def test_money_in_both_languages(value, lang, currency, compact, expected):
    assert fmt_money(value, lang, currency, compact=compact) == expected


@pytest.mark.parametrize("fraction, signed, expected", [
    (0.29166, False, "29.2%"), (0.05, True, "+5.0%"), (-0.0333, True, "-3.3%"), (None, False, "–"),
    (float("inf"), False, "–"),
])
def test_percentages(fraction, signed, expected):
    assert fmt_pct(fraction, "zh", signed) == fmt_pct(fraction, "en", signed) == expected


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_no_run_of_four_digits_and_never_a_full_next_unit(value):
    """Every compact figure groups its digits, and never shows 10,000万 or 1000K for the next unit."""
    for lang in ("en", "zh"):
        text = fmt_number(value, lang)
        assert not re.search(r"\d{4}", text), text
        assert not re.match(r"^10,000万$|^1,000(K|M|B)$", text), text


def test_money_axes_group_the_unit_digits_as_the_tiles_do():
    """The Vega label expression formats the count of 万/亿 (and of K/M/B/T) with ',~r', like fmt_money."""
    for lang in ("en", "zh"):
        expression = money_label_expr(lang, "USD")
        assert expression.count("',~r'") == expression.count("format(") == (3 if lang == "zh" else 5)
