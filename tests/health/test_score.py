"""Each factor of the health score for known inputs, the tier edges, and the saved configuration."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import re

import pytest

from engine.health.config import HealthConfig, HealthConfigError, load_config, save_config
from engine.health.score import at_risk, score_frame, tier, tier_counts

AS_OF = date(2024, 6, 30)
ACCOUNT = pl.DataFrame({"account_id": ["A"], "name": ["Acme"], "owner_rep_id": ["R1"], "territory_id": ["T"]})
NO_DEALS = pl.DataFrame(schema={"account_id": pl.String, "status": pl.String, "created_date": pl.Date,
                                "close_date": pl.Date, "amount_rc": pl.Float64})
NO_ACTS = pl.DataFrame(schema={"account_id": pl.String, "ts": pl.Datetime})


def acts(*days_ago: int) -> pl.DataFrame:
    return pl.DataFrame({"account_id": ["A"] * len(days_ago),
                         "ts": [datetime.combine(AS_OF - timedelta(days=d), datetime.min.time()).replace(hour=10)
                                for d in days_ago]}, schema=NO_ACTS.schema)


def deals(*rows: tuple) -> pl.DataFrame:
    """rows of (status, created days ago, close days ago (negative = in the future), amount)."""
    return pl.DataFrame({"account_id": ["A"] * len(rows), "status": [r[0] for r in rows],
                         "created_date": [AS_OF - timedelta(days=r[1]) for r in rows],
                         "close_date": [AS_OF - timedelta(days=r[2]) for r in rows],
                         "amount_rc": [float(r[3]) for r in rows]}, schema=NO_DEALS.schema)


def points(factor: str, deal_rows=NO_DEALS, activity_rows=NO_ACTS, config=HealthConfig()) -> float:
    row = score_frame(ACCOUNT, deal_rows, activity_rows, AS_OF, config).row(0, named=True)
    return round(row[f"points_{factor}"], 4)


@pytest.mark.parametrize("days_ago, expected", [
    ((0,), 30.0), ((14,), 30.0), ((52,), 15.0),   # (90 − 52) ÷ (90 − 14) = ½
    ((90,), 0.0), ((120,), 0.0), ((), 0.0),
    ((52, 200), 15.0),                            # the latest activity counts
    ((-5,), 0.0),                                 # after the as-of day: not known yet
])
def test_recency(days_ago, expected):
    assert points("recency", activity_rows=acts(*days_ago)) == expected


@pytest.mark.parametrize("recent, before, expected", [
    (2, 4, 15.0), (4, 2, 25.0), (3, 3, 25.0), (0, 0, 0.0), (3, 0, 25.0), (0, 5, 0.0), (1, 4, 10.0), (1, 2, 16.6667),
])
def test_trend_last_90_days_against_the_90_before(recent, before, expected):
    days = [10] * recent + [100] * before   # day 89 is the last of the recent window, 90 the first before
    assert points("trend", activity_rows=acts(*days)) == expected


def test_trend_window_edges():
    assert points("trend", activity_rows=acts(89, 90)) == 25.0     # one in each window
    assert points("trend", activity_rows=acts(90, 179)) == 0.0     # both before
    assert points("trend", activity_rows=acts(89, 180)) == 25.0    # day 180 is outside both


@pytest.mark.parametrize("rows, expected", [
    ((), 20.0),
    ((("open", 100, 1, 10),), 13.3333),                       # one of three overdue deals
    ((("open", 100, 1, 10), ("open", 100, 2, 10)), 6.6667),
    ((("open", 100, 1, 10),) * 3, 0.0), ((("open", 100, 1, 10),) * 5, 0.0),
    ((("open", 100, 0, 10),), 20.0),                          # closing today is not past due
    ((("won", 100, 5, 10), ("lost", 100, 5, 10)), 20.0),      # closed deals are never overdue
])
def test_open_deals_past_their_close_date(rows, expected):
    assert points("overdue_deals", deal_rows=deals(*rows)) == expected


@pytest.mark.parametrize("rows, expected", [
    ((), 0.0),
    ((("won", 100, 0, 10), ("won", 100, 0, 10)), 15.0),
    ((("won", 200, 73, 10),), 9.75),      # ½·15·(1 − 73/365) + ½·15·(1/2) = 6 + 3.75
    ((("won", 500, 365, 10),), 0.0),      # a year ago: outside the window on both counts
    ((("won", 500, 364, 10),), 3.7705),   # ½·15·(1/365) + ½·15·(1/2)
    ((("lost", 100, 0, 10),), 0.0),
    ((("won", 100, -3, 10),), 0.0),       # "won" in the future is not known on the as-of day
])
def test_won_deal_recency_and_frequency(rows, expected):
    assert points("won_deals", deal_rows=deals(*rows)) == expected


@pytest.mark.parametrize("rows, expected", [
    ((), 10.0),                                                       # nothing then: nothing shrank
    ((("open", 200, -30, 100), ("lost", 200, 30, 100)), 5.0),         # 200 then, 100 now
    ((("open", 200, -30, 100), ("open", 10, -30, 200)), 10.0),        # 100 then, 300 now
    ((("lost", 200, 30, 100),), 0.0),                                 # 100 then, 0 now
    ((("open", 60, -30, 100),), 10.0),                                # created after "then"
])
def test_pipeline_change_over_90_days(rows, expected):
    assert points("pipeline", deal_rows=deals(*rows)) == expected


@pytest.mark.parametrize("days_past_due, points_, lost", [
    (0, 20.0, 0.0), (30, 13.3333, 6.6667), (45, 10.0, 10.0), (90, 0.0, 20.0), (400, 0.0, 20.0)])
def test_receivables_points_by_the_oldest_invoice_past_due(days_past_due, points_, lost):
    owed = pl.DataFrame({"account_id": ["A"], "days_past_due": [days_past_due], "past_due_amount": [100.0]})
    row = score_frame(ACCOUNT, NO_DEALS, NO_ACTS, AS_OF, HealthConfig(), owed).row(0, named=True)
    assert (round(row["points_receivables"], 4), round(row["lost_receivables"], 4)) == (points_, lost)
    assert row["receivables_known"] is True
    # no activity, no deals: 20 (overdue deals) + 10 (pipeline) + the receivables points, of 120
    assert row["score"] == round(100 * (30 + points_) / 120, 2)


def test_an_account_never_invoiced_is_scored_without_receivables():
    row = score_frame(ACCOUNT, NO_DEALS, NO_ACTS, AS_OF, HealthConfig()).row(0, named=True)
    assert (row["points_receivables"], row["lost_receivables"], row["receivables_known"]) == (0.0, 0.0, False)
    assert row["score"] == 30.0  # 30 of the other five factors' 100


def test_score_breakdown_and_main_reason():
    # recency 15 (52 days), trend 25 (one in each window), overdue 20, won 9.75, pipeline 0 (the
    # deal open 90 days ago was won since): 69.75 of 100, red, recency cost the most
    row = score_frame(ACCOUNT, deals(("won", 200, 73, 10)), acts(52, 100), AS_OF, HealthConfig()).row(0, named=True)
    assert {f: round(row[f"lost_{f}"], 4) for f in ("recency", "trend", "overdue_deals", "won_deals", "pipeline")} \
        == {"recency": 15.0, "trend": 0.0, "overdue_deals": 0.0, "won_deals": 5.25, "pipeline": 10.0}
    assert (row["score"], row["tier"], row["main_reason"]) == (69.75, "red", "recency")
    assert (row["days_since_activity"], row["activities_recent"], row["activities_before"]) == (52, 1, 1)
    assert (row["days_since_won"], row["won_recent"], row["pipeline_now"], row["pipeline_before"]) == (73, 1, 0.0, 10.0)


def test_weights_rescale_the_score():
    # only recency weighs: 52 days keeps half of it, so the score is 50 whatever the other factors do
    config = HealthConfig().with_(weights={"recency": 30.0})
    row = score_frame(ACCOUNT, NO_DEALS, acts(52), AS_OF, config).row(0, named=True)
    assert row["score"] == 50.0 and row["points_trend"] == 0.0 and row["lost_trend"] == 0.0


@pytest.mark.parametrize("score, expected", [
    (100.0, "green"), (85.0, "green"), (84.99, "yellow"), (70.0, "yellow"), (69.99, "red"), (0.0, "red"),
])
def test_tier_edges(score, expected):
    frame = pl.DataFrame({"score": [score]}).select(tier(pl.col("score"), HealthConfig()).alias("tier"))
    assert frame["tier"][0] == expected


def test_tier_edges_follow_edited_thresholds():
    config = HealthConfig().with_(green_from=90.0, yellow_from=50.0)
    frame = pl.DataFrame({"score": [89.99, 90.0, 49.99, 50.0]}).select(tier(pl.col("score"), config).alias("tier"))
    assert frame["tier"].to_list() == ["yellow", "green", "red", "yellow"]


def test_counts_and_top_at_risk():
    accounts = pl.DataFrame({"account_id": ["A", "B", "C"], "name": ["a", "b", "c"],
                             "owner_rep_id": ["R1"] * 3, "territory_id": ["T"] * 3})
    activity = pl.DataFrame({"account_id": ["A", "A", "B"],
                             "ts": [datetime(2024, 6, 29), datetime(2024, 3, 1), datetime(2024, 6, 1)]})
    won = deals(("won", 100, 10, 10), ("won", 100, 20, 10)).vstack(
        deals(("won", 100, 10, 10)).with_columns(pl.lit("B").alias("account_id")))
    scores = score_frame(accounts, won, activity, AS_OF, HealthConfig())
    # A: 30 + 25 + 20 + (7.29 + 7.5) + 0 (its deals, open 90 days ago, are won) = 89.79
    # B: 24.08 (29 days) + 25 + 20 + (7.29 + 3.75) + 0 = 80.12; C: nothing but overdue 20 + pipeline 10
    assert dict(zip(scores["account_id"], scores["score"])) == {"C": 30.0, "B": 80.12, "A": 89.79}
    assert tier_counts(scores) == {"green": 1, "yellow": 1, "red": 1}
    assert at_risk(scores)["account_id"].to_list() == ["C", "B"]
    assert at_risk(scores, limit=1)["account_id"].to_list() == ["C"]


def test_config_round_trip_and_errors(store):
    assert load_config(store) == HealthConfig()
    edited = HealthConfig().with_(green_from=90.0, templates={"green": "g", "yellow": "y", "red": "r"})
    save_config(store, edited)
    assert load_config(store) == edited
    with pytest.raises(HealthConfigError, match="out of order"):
        HealthConfig().with_(yellow_from=90.0)
    with pytest.raises(HealthConfigError, match="weights must be 0 or more"):
        HealthConfig().with_(weights={"recency": -1.0})
    with pytest.raises(HealthConfigError, match="Unknown health factor"):
        HealthConfig().with_(weights={"mood": 5.0})


@pytest.mark.parametrize("templates, message", [
    ({"green": "", "yellow": "y", "red": "r"}, "The green message template is empty"),
    ({"green": "g", "yellow": "Hi {name}", "red": "r"}, "The yellow message template names {name}"),
    ({"green": "g", "yellow": "y", "red": "{account} {}"}, "The red message template names {}"),
])
def test_a_template_must_say_something_and_name_only_known_fields(templates, message):
    from engine.health.config import HealthConfigError

    with pytest.raises(HealthConfigError, match=re.escape(message)):
        HealthConfig().with_(templates=templates)
