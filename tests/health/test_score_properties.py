"""Invariants of the health score on random accounts: 0 ≤ score ≤ 100, points + lost = weight for
every factor that counts (receivables only for invoiced accounts), the tier agrees with the thresholds, and one more recent activity never lowers a score."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
from hypothesis import assume, given, settings, strategies as st

from engine.health.config import FACTORS, HealthConfig
from engine.health.score import score_frame

AS_OF = date(2024, 6, 30)
CONFIG = HealthConfig()

accounts_st = st.integers(1, 6)
activity_st = st.lists(st.tuples(st.integers(0, 5), st.integers(-10, 400)), max_size=40)
deal_st = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["open", "won", "lost"]), st.integers(0, 500),
                             st.integers(-200, 400), st.floats(0, 1e6)), max_size=30)
owed_st = st.dictionaries(st.integers(0, 5), st.integers(0, 400), max_size=6)


def receivables(owed: dict[int, int]) -> pl.DataFrame:
    return pl.DataFrame({"account_id": [f"A{a}" for a in owed], "days_past_due": list(owed.values()),
                         "past_due_amount": [1.0] * len(owed)},
                        schema={"account_id": pl.String, "days_past_due": pl.Int64, "past_due_amount": pl.Float64})


def frames(n, activity, deals):
    accounts = pl.DataFrame({"account_id": [f"A{i}" for i in range(n)], "name": [f"n{i}" for i in range(n)],
                             "owner_rep_id": ["R"] * n, "territory_id": ["T"] * n})
    acts = pl.DataFrame({"account_id": [f"A{a}" for a, _ in activity],
                         "ts": [datetime.combine(AS_OF - timedelta(days=d), datetime.min.time()) for _, d in activity]},
                        schema={"account_id": pl.String, "ts": pl.Datetime})
    deal_frame = pl.DataFrame({
        "account_id": [f"A{a}" for a, *_ in deals], "status": [s for _, s, *_ in deals],
        "created_date": [AS_OF - timedelta(days=c) for _, _, c, _, _ in deals],
        "close_date": [AS_OF - timedelta(days=c - length) for _, _, c, length, _ in deals],
        "amount_rc": [x for *_, x in deals]},
        schema={"account_id": pl.String, "status": pl.String, "created_date": pl.Date, "close_date": pl.Date,
                "amount_rc": pl.Float64})
    return accounts, acts, deal_frame


@settings(max_examples=60, deadline=None)
@given(accounts_st, activity_st, deal_st, owed_st)
def test_score_invariants(n, activity, deals, owed):
    accounts, acts, deal_frame = frames(n, activity, deals)
    scores = score_frame(accounts, deal_frame, acts, AS_OF, CONFIG, receivables(owed))
    assert scores.height == n
    assert scores["score"].is_between(0, 100).all()
    counts = scores["receivables_known"].cast(pl.Float64)
    for factor in FACTORS:
        total = scores[f"points_{factor}"] + scores[f"lost_{factor}"]
        weight = CONFIG.weights[factor] * (counts if factor == "receivables" else 1.0)
        assert ((total - weight).abs() < 1e-9).all()
        assert (scores[f"points_{factor}"] >= -1e-9).all()
    expected = pl.when(pl.col("score") >= 85).then(pl.lit("green")).when(pl.col("score") >= 70) \
        .then(pl.lit("yellow")).otherwise(pl.lit("red"))
    assert scores.select((pl.col("tier") == expected).all()).item()


@settings(max_examples=60, deadline=None)
@given(accounts_st, activity_st, deal_st, owed_st)
def test_a_call_today_never_lowers_a_score(n, activity, deals, owed):
    accounts, acts, deal_frame = frames(n, activity, deals)
    before = score_frame(accounts, deal_frame, acts, AS_OF, CONFIG, receivables(owed)).select("account_id", "score")
    _, more, _ = frames(n, activity + [(0, 0)], deals)
    after = score_frame(accounts, deal_frame, more, AS_OF, CONFIG, receivables(owed)).select("account_id", "score")
    joined = before.join(after, on="account_id", suffix="_after")
    assert (joined["score_after"] >= joined["score"] - 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(accounts_st, owed_st, st.integers(0, 5), st.integers(1, 300))
def test_an_invoice_staying_unpaid_longer_never_raises_a_score(n, owed, account, more_days):
    assume(account in owed)
    accounts, acts, deal_frame = frames(n, [], [])
    later = {**owed, account: owed[account] + more_days}
    before = score_frame(accounts, deal_frame, acts, AS_OF, CONFIG, receivables(owed)).select("account_id", "score")
    after = score_frame(accounts, deal_frame, acts, AS_OF, CONFIG, receivables(later)).select("account_id", "score")
    joined = before.join(after, on="account_id", suffix="_after")
    assert (joined["score_after"] <= joined["score"] + 1e-9).all()
