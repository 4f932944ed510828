"""Target decomposition: exact splits to the cent, every method, the sum check and saving."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from engine.metrics.periods import parse_period
from engine.metrics.seasonality import month_weights
from engine.metrics.saved_targets import save_scoped_targets, save_targets, saved_total
from engine.metrics.targets import (COMPANY_ID, TargetPlanError, check_sums, decompose, load_tree, monthly_targets, plan,
                                    split_cents)
from tests.forecast.conftest import fill_seed_company

FY2025 = parse_period("2025")


def amounts(nodes: pl.DataFrame) -> dict[str, float]:
    return dict(zip(nodes["node_id"], nodes["amount"]))


@pytest.mark.parametrize(("total", "weights", "expected"), [
    (1_000_000, [30, 25, 20, 25], [300_000, 250_000, 200_000, 250_000]),
    (100, [1, 1, 1], [33.34, 33.33, 33.33]),
    (0.02, [1, 1, 1], [0.01, 0.01, 0]),
    (10, [1, 2], [3.33, 6.67]),
    (1_000_000.01, [1, 1], [500_000.01, 500_000]),
    (5, [0, 0], [2.5, 2.5]),           # no evidence at all: even
    (7, [0, 3], [0, 7]),
    (0, [1, 2], [0, 0]),
])
def test_split_cents(total, weights, expected):
    assert split_cents(total, weights) == expected


def test_split_refuses_negative_amounts():
    with pytest.raises(TargetPlanError):
        split_cents(-1, [1])
    with pytest.raises(TargetPlanError):
        split_cents(1, [1, -1])


@hyp_settings(max_examples=200, deadline=None)
@given(total=st.decimals(min_value=0, max_value=10**10, places=2),
       weights=st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=30))
def test_split_always_sums_to_the_cent(total, weights):
    parts = split_cents(float(total), weights)
    assert len(parts) == len(weights)
    assert sum(round(p * 100) for p in parts) == round(total * 100)
    assert all(p >= 0 for p in parts)
    assert all(abs(round(p * 100) - p * 100) < 1e-3 for p in parts)  # whole cents


def test_seed_split_by_last_years_share(seed_store):
    nodes = decompose(seed_store, 1_000_000, FY2025, "last_year")
    got = amounts(nodes)
    assert [got[r] for r in ("NORTH", "SOUTH", "EAST", "WEST")] == [300_000, 250_000, 200_000, 250_000]
    # NORTH's 300 of history: N1 150 (Ann 100, Ben 50), N2 150.
    assert (got["N1"], got["N2"], got["N1/RA"], got["N1/RB"], got["N2/RC"]) == (150_000, 150_000, 100_000, 50_000, 150_000)
    # The overlay rep in WEST carries no share of WEST's target.
    assert "WEST/RA" not in got and got["WEST/RW"] == 250_000
    assert nodes.filter(pl.col("node_id") == "NORTH")["share"][0] == pytest.approx(0.3)
    assert not nodes["fallback"].any()


def test_even_split_with_remainder_cents(seed_store):
    got = amounts(decompose(seed_store, 100, FY2025, "even"))
    assert [got[r] for r in ("EAST", "NORTH", "SOUTH", "WEST")] == [25, 25, 25, 25]
    assert (got["N1"], got["N2"], got["N1/RA"], got["N1/RB"]) == (12.5, 12.5, 6.25, 6.25)
    got = amounts(decompose(seed_store, 0.03, FY2025, "even"))  # 3 cents over 4 regions sorted by name
    assert [got[r] for r in ("EAST", "NORTH", "SOUTH", "WEST")] == [0.01, 0.01, 0.01, 0]


def test_potential_split(seed_store):
    got = amounts(decompose(seed_store, 1_000_000, FY2025, "potential"))
    # Annual revenue: NORTH 8M (N1 4M: Ann 3M, Ben 1M; N2 4M), SOUTH 2M, EAST 6M, WEST 4M of 20M.
    assert [got[r] for r in ("NORTH", "SOUTH", "EAST", "WEST")] == [400_000, 100_000, 300_000, 200_000]
    assert (got["N1/RA"], got["N1/RB"]) == (150_000, 50_000)


def test_trailing_twelve_months_uses_the_months_before_as_of(seed_store):
    # As of 15 Aug 2024 the window is Aug 2023–Jul 2024: everything of FY2024 but WEST's December deal.
    got = amounts(decompose(seed_store, 750, FY2025, "trailing_12", as_of=date(2024, 8, 15)))
    assert [got[r] for r in ("NORTH", "SOUTH", "EAST", "WEST")] == [300, 250, 200, 0]


def test_no_history_falls_back_to_even_and_says_so(store):
    fill_seed_company(store)
    nodes = decompose(store, 900, parse_period("2030"), "last_year")
    got = amounts(nodes)
    assert [got[r] for r in ("NORTH", "SOUTH", "EAST", "WEST")] == [225, 225, 225, 225]
    assert nodes.filter(pl.col("kind") == "region")["fallback"].all()


def test_manual_amounts_are_checked_not_changed(seed_store):
    nodes = decompose(seed_store, 1000, FY2025, "even")
    edited = nodes.with_columns(
        pl.when(pl.col("node_id") == "N1/RA").then(400.0).otherwise(pl.col("amount")).alias("amount"))
    manual = decompose(seed_store, 1000, FY2025, "manual", manual=edited)
    assert amounts(manual)["N1/RA"] == 400
    check = check_sums(manual)
    wrong = check.filter(~pl.col("ok"))
    assert wrong["node_id"].to_list() == ["N1"]
    assert wrong["difference"][0] == -337.5  # N1 125 against Ann 400 + Ben 62.5
    assert check_sums(nodes)["ok"].all()


def test_monthly_split_follows_seasonality_and_rolls_up(seed_store):
    nodes, monthly = plan(seed_store, 1_000_000, FY2025, "last_year")
    company = monthly.filter(pl.col("scope") == "company").sort("period_start")
    # FY2024 shares Jan .1 Mar .2 Jul .45 Dec .25; FY2023 Jan .25 Feb .75 → mean of the two years.
    expected = {1: 175_000, 2: 375_000, 3: 100_000, 7: 225_000, 12: 125_000}
    assert dict(zip(company["period_start"].dt.month(), company["amount"])) == {
        m: expected.get(m, 0) for m in range(1, 13)}
    assert company["scope_id"].unique().to_list() == ["CO"]
    # Every level adds up to the cent in every month.
    reps = monthly.filter(pl.col("scope") == "rep").group_by("period_start").agg(pl.col("amount").sum())
    joined = company.join(reps, on="period_start", suffix="_reps")
    assert (joined["amount"] * 100).round(0).to_list() == (joined["amount_reps"] * 100).round(0).to_list()
    north = monthly.filter((pl.col("scope") == "territory") & (pl.col("scope_id") == "NORTH"))
    assert round(north["amount"].sum(), 2) == 300_000


def test_save_targets_upserts_in_one_transaction(seed_store):
    _, monthly = plan(seed_store, 1200, FY2025, "even")
    written = save_targets(seed_store, monthly)
    assert written == monthly.height == 12 * (1 + 6 + 6)  # company, 6 territories, 6 reps
    assert saved_total(seed_store, FY2025) == 1200
    _, again = plan(seed_store, 2400, FY2025, "even")
    save_targets(seed_store, again)
    assert seed_store.count("targets") == monthly.height
    assert saved_total(seed_store, FY2025) == 2400
    bad = again.with_columns(pl.when(pl.col("scope_id") == "RA").then(pl.lit("team")).otherwise("scope").alias("scope"))
    with pytest.raises(TargetPlanError):
        save_targets(seed_store, bad)
    assert saved_total(seed_store, FY2025) == 2400


def test_replace_months_drops_stale_targets(seed_store):
    stale = pl.DataFrame({"scope": ["rep"], "scope_id": ["GONE"], "period_start": [date(2025, 3, 1)], "amount": [9.0]})
    save_targets(seed_store, stale)
    _, monthly = plan(seed_store, 1200, FY2025, "even")
    save_targets(seed_store, monthly, replace_months=True)
    assert seed_store.scalar("SELECT count(*) FROM targets WHERE scope_id = 'GONE'") == 0


def test_tree_without_a_company_root(store):
    store.insert_frame("territories", pl.DataFrame({"territory_id": ["A", "B"], "name": ["Alpha", "Beta"]}))
    tree = load_tree(store)
    assert tree.company_scope_id == "company" and tree.children(None) == ["A", "B"]
    got = amounts(decompose(store, 10, FY2025, "even"))
    assert got == {COMPANY_ID: 10, "A": 5, "B": 5}


@hyp_settings(max_examples=15, deadline=None)
@given(total=st.decimals(min_value=0, max_value=10**9, places=2),
       potentials=st.lists(st.floats(min_value=0, max_value=1e8, allow_nan=False), min_size=6, max_size=6))
def test_every_plan_sums_to_its_parent(total, potentials):
    from engine.store import Store

    store = Store.open(":memory:")
    try:
        fill_seed_company(store)
        store.execute("DELETE FROM accounts")
        store.insert_frame("accounts", pl.DataFrame({
            "account_id": [f"X{i}" for i in range(6)], "name": [f"x{i}" for i in range(6)],
            "territory_id": ["N1", "N1", "N2", "SOUTH", "EAST", "WEST"],
            "owner_rep_id": ["RA", "RB", "RC", "RS", "RE", "RW"], "annual_revenue": potentials}))
        nodes, monthly = plan(store, float(total), FY2025, "potential")
        assert check_sums(nodes)["ok"].all()
        company = monthly.filter(pl.col("scope") == "company")
        assert round(company["amount"].sum() * 100) == round(total * 100)
    finally:
        store.close()


def test_a_territory_splits_its_own_target_to_its_children(tiny_store):
    nodes = decompose(tiny_store, 1000.0, parse_period("2024"), "even", root="AM")
    assert amounts(nodes) == {"AM": 1000.0, "AM-W": 500.0, "AM-E": 500.0, "AM-W/R1": 500.0, "AM-E/R2": 500.0}
    assert nodes["depth"][0] == 0 and nodes["kind"][0] == "region"
    assert check_sums(nodes)["ok"].all()
    with pytest.raises(TargetPlanError, match="NOWHERE"):
        decompose(tiny_store, 1000.0, parse_period("2024"), "even", root="NOWHERE")


def test_saving_a_territory_plan_leaves_the_rest_of_the_company(tiny_store):
    # R1 also co-owns DACH: the part of R1's target that belongs there must survive a plan for Americas.
    tiny_store.insert_frame("territory_members", pl.DataFrame({"territory_id": ["EU-DE"], "rep_id": ["R1"],
                                                               "role": ["owner"]}))
    year = parse_period("2024")
    nodes, monthly = plan(tiny_store, 2000.0, year, "even")
    save_targets(tiny_store, monthly, replace_months=True)  # AM 1000, EU 1000; R1 500 + 500, R2 500, R3 500
    nodes = decompose(tiny_store, 1200.0, year, "even", root="AM")
    save_scoped_targets(tiny_store, monthly_targets(nodes, month_weights(tiny_store, year)), "AM")
    saved = dict(tiny_store.query("SELECT scope_id, round(sum(amount), 2) FROM targets GROUP BY scope_id").rows())
    assert (saved["AM"], saved["AM-W"], saved["AM-E"], saved["EU"], saved["EU-DE"]) == (1200.0, 600.0, 600.0, 1000.0, 1000.0)
    assert (saved["R1"], saved["R2"], saved["R3"]) == (1100.0, 600.0, 500.0)  # R1: 600 new + half of 1,000 kept
    assert saved["CO"] == 2000.0  # the company row is not the territory plan's to change
