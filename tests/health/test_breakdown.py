"""One account's breakdown reads against its score: weights of 100, points that add up to the score
in the heading, each weight = points + lost — whether the weights that count add up to 100 (never
invoiced) or to 120 (invoiced, the default weights) — and the reason quotes points of the score."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.health.config import FACTORS, HealthConfig
from engine.health.explain import apportion, breakdown, with_words
from engine.health.score import score_frame
from tests.health.test_score import ACCOUNT, AS_OF, NO_ACTS, NO_DEALS, acts, deals


def owed(days_past_due: int) -> pl.DataFrame:
    return pl.DataFrame({"account_id": ["A"], "days_past_due": [days_past_due], "past_due_amount": [100.0]})


def parts(row: dict) -> list[tuple[float, float, float]]:
    return [(p["weight"], p["points"], p["lost"]) for p in breakdown(row, "en")]


@pytest.mark.parametrize("receivables, activity, expected_score, expected", [
    # never invoiced: the five other factors weigh 30/25/20/15/10 of 100, as configured
    (None, (), 30.0, [(30.0, 0.0, 30.0), (25.0, 0.0, 25.0), (20.0, 20.0, 0.0), (15.0, 0.0, 15.0),
                      (10.0, 10.0, 0.0), (0.0, 0.0, 0.0), (100.0, 30.0, 70.0)]),
    # invoiced, an invoice 45 days late: 120 of weight, each part × 100 ÷ 120 (30 → 25.0, 25 → 20.8 …)
    (45, (), 33.33, [(25.0, 0.0, 25.0), (20.8, 0.0, 20.8), (16.7, 16.7, 0.0), (12.5, 0.0, 12.5),
                     (8.3, 8.3, 0.0), (16.7, 8.3, 8.4), (100.0, 33.3, 66.7)]),
    # invoiced, touched 52 days ago (half the recency), nothing late: 15 + 25 + 20 + 10 + 20 of 120
    (0, (52,), 75.0, [(25.0, 12.5, 12.5), (20.8, 20.8, 0.0), (16.7, 16.7, 0.0), (12.5, 0.0, 12.5),
                      (8.3, 8.3, 0.0), (16.7, 16.7, 0.0), (100.0, 75.0, 25.0)]),
])
def test_the_breakdown_in_points_of_the_score(receivables, activity, expected_score, expected):
    row = score_frame(ACCOUNT, NO_DEALS, acts(*activity) if activity else NO_ACTS, AS_OF, HealthConfig(),
                      None if receivables is None else owed(receivables)).row(0, named=True)
    assert row["score"] == expected_score
    assert parts(row) == expected
    assert breakdown(row, "zh")[-1]["factor"] == "合计 = 得分"


def test_the_reason_quotes_points_of_the_score():
    """Recency cost 30 of 120 points of weight: 25 points of the score."""
    row = score_frame(ACCOUNT, deals(("open", 30, -30, 10)), NO_ACTS, AS_OF, HealthConfig(), owed(0))
    assert with_words(row, "en")["reason"][0] == "no activity ever (−25.0)"


@pytest.mark.parametrize("exact, total, upper, expected", [
    ([25.0, 20.83, 16.67, 12.5, 8.33, 16.67], 100, None, [25, 21, 17, 12, 8, 17]),
    ([0.4, 0.4, 0.2], 1, None, [1, 0, 0]),  # a tie goes to the first
    ([1.6, 1.6], 2, [1, 2], [1, 1]),  # never above its cap
    ([], 0, None, []),
])
def test_apportion(exact, total, upper, expected):
    assert apportion(exact, total, upper) == expected


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1)), min_size=len(FACTORS), max_size=len(FACTORS)))
def test_parts_always_add_up(weights_and_shares):
    """Any weights, any shares earned: weights add up to 100.0, points to the score shown, and
    each factor's weight is its points plus what it lost, none negative."""
    points = [w * s for w, s in weights_and_shares]
    total = sum(w for w, _ in weights_and_shares)
    score = round(100 * sum(points) / total, 2) if total > 0 else 100.0
    row = {"score": score, **{f"points_{f}": p for f, p in zip(FACTORS, points)},
           **{f"lost_{f}": w - p for f, (w, _), p in zip(FACTORS, weights_and_shares, points)}}
    shown = parts(row)
    if total > 0:
        assert round(sum(w for w, _, _ in shown[:-1]), 1) == shown[-1][0] == 100.0
        assert round(sum(p for _, p, _ in shown[:-1]), 1) == shown[-1][1] == float(f"{score:.1f}")
    for weight, earned, lost in shown:
        assert earned >= 0 and lost >= -1e-9 and round(earned + lost, 1) == weight
