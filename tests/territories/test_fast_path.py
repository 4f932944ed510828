"""The fast path of the rules against the plain evaluation (hypothesis): on random accounts and
random rule sets of every shape the language has, `matching.match_table` (key joins, plain
conditions as joins, the rest as expressions) finds exactly the (account, rule) pairs that
evaluating every rule's expression on every account finds, and the simulation's decisions, ties,
dead rules and match counts follow from those pairs. Also: reading only the columns the rules need
from the store changes nothing, and a rule text is compiled once."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings, strategies as st

from engine.territories.assignment import simulate
from engine.territories.compile import ACCOUNT_FIELDS, compile_rule, prepare
from engine.territories.matching import match_table
from engine.territories.publish import live_inputs, live_rule_set, simulate_live
from engine.territories.rules import rule_set, save_rules

TERRITORIES = pl.DataFrame({"territory_id": ["CO", "T1", "T2", "T3"], "name": ["Co", "a", "b", "c"],
                            "parent_id": [None, "CO", "CO", "CO"], "owner_rep_id": [None, "R1", "R2", "R3"]})
COUNTRIES = ["US", "us ", "DE", "CN", None, ""]
STATES = ["CA", "NY", "BY", None]
POSTAL = ["94105", "94000", "10001", "8033", None]
IDS = [f"A{i}" for i in range(12)]


def _text(values):
    return st.sampled_from([v for v in values if v and v.strip()]).map(lambda v: f'"{v.strip()}"')


def _in(field, values):
    return st.lists(_text(values), min_size=1, max_size=3).map(lambda vs: f"{field} in [{', '.join(vs)}]")


atom = st.one_of(
    _text(COUNTRIES).map(lambda v: f"country == {v}"), _in("country", COUNTRIES), _in("state", STATES),
    _text(STATES).map(lambda v: f"state == {v}"), _text(STATES).map(lambda v: f"state != {v}"),
    _in("account_id", IDS), _text(["A1", "A2"]).map(lambda v: f"account_id == {v}"),
    st.sampled_from(["9", "94", "100", "8"]).map(lambda p: f'postal_code startswith "{p}"'),
    st.sampled_from(["1", "5"]).map(lambda p: f'postal_code endswith "{p}"'),
    st.tuples(st.sampled_from(["<", "<=", ">", ">=", "=="]), st.integers(0, 6)).map(
        lambda t: f"annual_revenue {t[0]} {t[1] * 100000}"),
    st.tuples(st.integers(0, 3), st.integers(3, 6)).map(
        lambda t: f"annual_revenue between {t[0] * 100000} and {t[1] * 100000}"),
    st.sampled_from(["industry is empty", "industry is not empty", "state is empty", "annual_revenue is empty",
                     'industry not in ["Retail"]', 'not industry == "Finance"', 'postal_code not startswith "9"',
                     "annual_revenue not between 100000 and 300000"]),
)
# Rules: plain ANDs (the join path), and ORs / NOTs around them (the expression path).
expression = st.one_of(
    st.lists(atom, min_size=1, max_size=3).map(" and ".join),
    st.tuples(atom, atom).map(lambda t: f"({t[0]}) or {t[1]}"),
    st.tuples(atom, atom, atom).map(lambda t: f"{t[0]} and not ({t[1]} or {t[2]})"),
)
rule = st.fixed_dictionaries({
    "territory_id": st.sampled_from(["T1", "T2", "T3"]), "priority": st.integers(1, 3), "expression": expression,
    "kind": st.sampled_from(["account", "account", "account", "override"]),
})
account = st.fixed_dictionaries({
    "country": st.sampled_from(COUNTRIES), "state": st.sampled_from(STATES), "postal_code": st.sampled_from(POSTAL),
    "industry": st.sampled_from(["Retail", "Finance", " retail", None]),
    "annual_revenue": st.one_of(st.none(), st.integers(0, 6).map(lambda k: k * 1e5)),
    "territory_id": st.sampled_from(["T1", "T2", None]),
})


def _accounts(rows) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema={"country": pl.String, "state": pl.String, "postal_code": pl.String,
                                       "industry": pl.String, "annual_revenue": pl.Float64,
                                       "territory_id": pl.String})
    return frame.with_columns(account_id=pl.format("a{}", pl.int_range(pl.len())),  # a1 == "A1": case folds
                              name=pl.lit("x"), owner_rep_id=pl.lit("R9"))


def _no_deals() -> pl.DataFrame:
    return pl.DataFrame(schema={"deal_id": pl.String, "account_id": pl.String, "name": pl.String,
                                "amount": pl.Float64, "amount_rc": pl.Float64, "currency": pl.String,
                                "stage": pl.String, "status": pl.String, "probability": pl.Float64,
                                "forecast_category": pl.String, "product_line": pl.String, "close_date": pl.Date,
                                "owner_rep_id": pl.String, "territory_id": pl.String})


def _plain_pairs(accounts: pl.DataFrame, compiled) -> set[tuple[int, int]]:
    """Every rule's expression on every account: the evaluation without any shortcut."""
    data = prepare(accounts, ACCOUNT_FIELDS)
    masks = data.select([c.match.fill_null(False).alias(str(i)) for i, c in enumerate(compiled)])
    return {(row, i) for i in range(len(compiled)) for row in masks[str(i)].arg_true().to_list()}


@settings(max_examples=300, deadline=None)
@given(accounts=st.lists(account, min_size=1, max_size=30), rules=st.lists(rule, min_size=1, max_size=12))
def test_the_fast_path_finds_exactly_what_the_plain_evaluation_finds(accounts, rules):
    accounts, rules = _accounts(accounts), pl.DataFrame(rules)
    compiled = rule_set(rules, TERRITORIES)
    fast = match_table(accounts, ACCOUNT_FIELDS, list(compiled.compiled))
    pairs = set(fast.select("_row", "_rule").iter_rows())
    assert fast.height == len(pairs)  # no pair twice
    plain = _plain_pairs(accounts, compiled.compiled)
    assert pairs == plain

    run = simulate(accounts, _no_deals(), TERRITORIES, compiled)
    frame = compiled.frame
    level = [(frame["kind"][i] != "override", frame["priority"][i], i) for i in range(frame.height)]
    tied, counts = set(), [0] * frame.height
    for row in range(accounts.height):
        mine = sorted(level[i] for r, i in plain if r == row)
        for _, _, i in mine:
            counts[i] += 1
        winner = frame["rule_id"][mine[0][2]] if mine else None
        assert run.accounts["rule_id"][row] == winner
        best = [i for k, p, i in mine if (k, p) == mine[0][:2]]
        if len({frame["territory_id"][i] for i in best}) > 1:
            tied.add(accounts["account_id"][row])
            tie = run.ties.filter(pl.col("account_id") == accounts["account_id"][row])
            assert tie["rule_ids"].item() == ", ".join(frame["rule_id"][i] for i in best)
    assert set(run.ties["account_id"]) == tied
    assert run.rule_counts.filter(pl.col("kind") != "deal")["matches"].to_list() == counts
    assert set(run.dead_rules["rule_id"]) == {frame["rule_id"][i] for i in range(frame.height) if not counts[i]}
    assert set(run.orphans["account_id"]) == {accounts["account_id"][r] for r in range(accounts.height)
                                              if not any(row == r for row, _ in plain)}


DEAL_RULES = pl.DataFrame({
    "territory_id": ["AM-W", "AM-E", "EU-DE", "EU"],
    "priority": [10, 10, 10, 1],
    "expression": ['country == "US" and state == "CA"', 'country == "US"', 'country == "DE"',
                   'industry == "Health" and annual_revenue >= 4000000 and currency != "JPY" or amount > 1000 and '
                   'country == "DE"'],
    "kind": ["account", "account", "account", "deal"],
})


def test_reading_only_the_columns_the_rules_need_changes_nothing(rules_store):
    save_rules(rules_store, DEAL_RULES)
    compiled = live_rule_set(rules_store)
    read = compiled.columns_read()
    assert read == {"accounts": {"country", "state", "industry", "annual_revenue"}, "deals": {"currency", "amount_rc"}}
    pruned = simulate_live(rules_store)
    full = simulate(*live_inputs(rules_store), compiled, as_of=pruned.as_of)  # every column
    assert pruned.deal_moves["deal_id"].to_list() == ["D6", "D10"] and pruned.deal_moves.equals(full.deal_moves)
    for name in ("accounts", "changes", "orphans", "ties", "dead_rules", "rule_counts", "deals", "territories"):
        assert getattr(pruned, name).equals(getattr(full, name)), name


def test_a_rule_text_is_compiled_once_and_its_expression_built_on_first_use():
    first = compile_rule('country == "ZZ" and annual_revenue > 7', ACCOUNT_FIELDS)
    assert compile_rule('country == "ZZ" and annual_revenue > 7', ACCOUNT_FIELDS) is first
    assert "_built" not in first.__dict__
    assert str(first.match) == str(first.match) and "_built" in first.__dict__
    assert first.conditions == (("in", "country", ("zz",)), ("range", "annual_revenue", 7.0, float("inf"), False, False))
