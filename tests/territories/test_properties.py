"""Invariants of the assignment, on random accounts and random rules (hypothesis):
every account gets at most one territory; the lowest matching priority decides (checked against
a plain rule-by-rule evaluation, so the key-join shortcut of `matching` is checked too); an
override always wins; applying, then simulating again, changes nothing."""
from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.store import Store
from engine.territories.assignment import simulate
from engine.territories.compile import ACCOUNT_FIELDS, prepare
from engine.territories.publish import apply_rules, simulate_live
from engine.territories.rules import rule_set, save_rules

TERRITORIES = pl.DataFrame({"territory_id": ["CO", "T1", "T2", "T3", "T4"], "name": ["Co", "a", "b", "c", "d"],
                            "parent_id": [None, "CO", "CO", "CO", "T1"],
                            "owner_rep_id": [None, "R1", "R2", None, "R4"]})
COUNTRIES = ["US", "us", "DE", "CN", None, " "]
STATES = ["CA", "NY", "BY", None]

account = st.fixed_dictionaries({
    "country": st.sampled_from(COUNTRIES), "state": st.sampled_from(STATES),
    "industry": st.sampled_from(["Retail", "Finance", None]),
    "annual_revenue": st.one_of(st.none(), st.integers(0, 10).map(lambda k: k * 1e5)),
    "territory_id": st.sampled_from(["T1", "T2", "T3", "T4", None]),
})
condition = st.one_of(
    st.sampled_from(COUNTRIES[:4]).map(lambda c: f'country == "{c}"'),
    st.lists(st.sampled_from(["US", "DE", "CN"]), min_size=1, max_size=2).map(
        lambda cs: "country in [" + ", ".join(f'"{c}"' for c in cs) + "]"),
    st.sampled_from(STATES[:3]).map(lambda s: f'state == "{s}"'),
    st.integers(0, 10).map(lambda k: f"annual_revenue >= {k * 100000}"),
    st.sampled_from(["industry is empty", "state is not empty", 'not industry == "Retail"',
                     'industry in ["Finance"] or country == "CN"']),
)
rule = st.fixed_dictionaries({
    "territory_id": st.sampled_from(["T1", "T2", "T3", "T4"]), "priority": st.integers(1, 4),
    "expression": st.lists(condition, min_size=1, max_size=3).map(" and ".join),
    "kind": st.sampled_from(["account", "account", "account", "override"]),
})
cases = dict(accounts=st.lists(account, min_size=1, max_size=25), rules=st.lists(rule, min_size=1, max_size=8))


def _frames(accounts, rules):
    accounts = pl.DataFrame(accounts, schema={"country": pl.String, "state": pl.String, "industry": pl.String,
                                              "annual_revenue": pl.Float64, "territory_id": pl.String})
    accounts = accounts.with_columns(account_id=pl.format("A{}", pl.int_range(pl.len())), name=pl.lit("x"),
                                     owner_rep_id=pl.lit("R9"))
    return accounts, pl.DataFrame(rules)


def _deals():
    return pl.DataFrame(schema={"deal_id": pl.String, "account_id": pl.String, "name": pl.String,
                                "amount": pl.Float64, "amount_rc": pl.Float64, "currency": pl.String,
                                "stage": pl.String, "status": pl.String, "probability": pl.Float64,
                                "forecast_category": pl.String, "product_line": pl.String, "close_date": pl.Date,
                                "owner_rep_id": pl.String, "territory_id": pl.String})


@settings(max_examples=150, deadline=None)
@given(**cases)
def test_at_most_one_territory_and_the_lowest_priority_decides(accounts, rules):
    accounts, rules = _frames(accounts, rules)
    compiled = rule_set(rules, TERRITORIES)
    run = simulate(accounts, _deals(), TERRITORIES, compiled)
    assert run.accounts["account_id"].to_list() == accounts["account_id"].to_list()  # once each, in order

    data = prepare(accounts, ACCOUNT_FIELDS)
    masks = data.select([c.match.fill_null(False).alias(str(i)) for i, c in enumerate(compiled.compiled)])
    frame = compiled.frame
    for row in range(accounts.height):
        matching = [i for i in range(frame.height) if masks[str(i)][row]]
        decided = run.accounts["rule_id"][row]
        if not matching:
            assert decided is None and run.accounts["territory_after"][row] == accounts["territory_id"][row]
            continue
        level = min((frame["kind"][i] != "override", frame["priority"][i]) for i in matching)
        winners = [i for i in matching if (frame["kind"][i] != "override", frame["priority"][i]) == level]
        assert decided == frame["rule_id"][winners[0]]
        assert run.accounts["territory_after"][row] == frame["territory_id"][winners[0]]
        if any(frame["kind"][i] == "override" for i in matching):  # an override always wins
            assert frame.filter(pl.col("rule_id") == decided)["kind"].item() == "override"
        tied = len({frame["territory_id"][i] for i in winners}) > 1
        assert (accounts["account_id"][row] in run.ties["account_id"].to_list()) == tied
    assert run.ties["account_id"].is_unique().all()  # an account is shown once per tie
    assert run.territories["accounts_after"].sum() == accounts.height == run.territories["accounts_before"].sum()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**cases)
def test_apply_then_simulate_again_changes_nothing(accounts, rules):
    accounts, rules = _frames(accounts, rules)
    store = Store.open(":memory:")
    try:
        store.insert_frame("territories", TERRITORIES)
        store.insert_frame("accounts", accounts)
        save_rules(store, rules)
        before = simulate_live(store)
        applied = apply_rules(store, actor="prop")
        assert applied.accounts_changed == before.changes.height == store.count("assignment_log")
        again = simulate_live(store)
        assert again.changes.is_empty() and again.deals.is_empty()
        assert again.orphans["account_id"].to_list() == before.orphans["account_id"].to_list()
    finally:
        store.close()
