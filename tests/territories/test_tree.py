"""The territory tree: add, rename, move (never a cycle), retire (nothing left dangling), logged."""
from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.store import Store
from engine.store.errors import NotFoundError
from engine.territories import tree
from engine.territories.tree import TerritoryError
from tests.conftest import fill_tiny_company


def _parents(store) -> dict:
    return dict(store.rows("SELECT territory_id, parent_id FROM territories"))


def test_table_lists_the_tree_in_order_with_counts(tiny_store):
    table = tree.territory_table(tiny_store)
    assert table.select("territory_id", "depth", "accounts", "open_deals", "members").rows() == [
        ("CO", 0, 0, 0, 0), ("AM", 1, 0, 0, 0), ("AM-E", 2, 2, 2, 1), ("AM-W", 2, 3, 0, 1),
        ("EU", 1, 0, 0, 0), ("EU-DE", 2, 1, 1, 1)]
    assert table["path"][2] == "Company › Americas › US East"


def test_add_rename_move_are_logged_with_their_actor(tiny_store):
    new = tree.add_territory(tiny_store, "Nordics", parent_id="EU", kind="geo", actor="ops")
    tree.rename_territory(tiny_store, new, "Nordics & Baltics", actor="ops")
    tree.move_territory(tiny_store, new, "CO", actor="lead")
    row = tiny_store.query("SELECT * FROM territories WHERE territory_id = ?", [new]).row(0, named=True)
    assert (new, row["name"], row["parent_id"], row["level"], row["source"]) == (
        "T-NORDICS", "Nordics & Baltics", "CO", 1, "terrain")
    log = tree.change_log(tiny_store, new)
    assert log.select("action", "actor").rows() == [("move", "lead"), ("rename", "ops"), ("add", "ops")]
    assert json.loads(log["detail"][0]) == {"old": "EU", "new": "CO"}


def test_moving_a_branch_relevels_everything_below(tiny_store):
    tree.add_territory(tiny_store, "Berlin", parent_id="EU-DE", territory_id="EU-DE-B")
    tree.move_territory(tiny_store, "EU", "AM")
    levels = dict(tiny_store.rows("SELECT territory_id, level FROM territories"))
    assert levels == {"CO": 0, "AM": 1, "EU": 2, "AM-W": 2, "AM-E": 2, "EU-DE": 3, "EU-DE-B": 4}


@pytest.mark.parametrize("call, message", [
    (lambda s: tree.move_territory(s, "AM", "AM-W"), "one of its own sub-territories"),
    (lambda s: tree.move_territory(s, "AM", "AM"), "that is itself"),
    (lambda s: tree.add_territory(s, "US West", parent_id="AM"), "already a territory named 'US West'"),
    (lambda s: tree.add_territory(s, "  ", parent_id="AM"), "needs a name"),
    (lambda s: tree.add_territory(s, "Chemicals", parent_id="AM", kind="vertical"), "'vertical' is not a territory type"),
    (lambda s: tree.add_territory(s, "X", parent_id="AM", territory_id="EU"), "id 'EU' is taken"),
    (lambda s: tree.rename_territory(s, "AM-W", "us east"), "already named 'us east'"),
    (lambda s: tree.retire_territory(s, "AM-W", to_territory_id="AM-W"), "into itself"),
    (lambda s: tree.retire_territory(s, "CO", to_territory_id="AM"), "root of the tree"),
])
def test_refused_changes_say_why_and_change_nothing(tiny_store, call, message):
    before = tiny_store.table("territories").sort("territory_id")
    with pytest.raises(TerritoryError, match=message):
        call(tiny_store)
    assert tiny_store.table("territories").sort("territory_id").equals(before)
    assert tiny_store.count("territory_changes") == 0


def test_unknown_ids_are_not_found(tiny_store):
    with pytest.raises(NotFoundError, match="no territory with id 'NOPE'"):
        tree.retire_territory(tiny_store, "AM-W", to_territory_id="NOPE")
    with pytest.raises(NotFoundError):
        tree.move_territory(tiny_store, "NOPE", "AM")


def test_retire_hands_accounts_deals_targets_and_children_over(tiny_store):
    months = pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 3, 1), "1mo", eager=True)
    with tiny_store.transaction() as tx:
        tx.insert_frame("targets", pl.DataFrame({"scope": "territory", "scope_id": "AM-W", "period_start": months,
                                                 "amount": [100.0, 200.0, 300.0]}))
        tx.insert_frame("targets", pl.DataFrame({"scope": "territory", "scope_id": "AM-E", "period_start": months[:1],
                                                 "amount": [50.0]}))
        tx.insert_frame("territory_rules", pl.DataFrame({"rule_id": ["R-1"], "territory_id": ["AM-W"], "priority": [1],
                                                         "expression": ['state == "CA"']}))
    tree.add_territory(tiny_store, "Bay Area", parent_id="AM-W", territory_id="AM-W-BAY")
    counts = tree.retire_territory(tiny_store, "AM-W", to_territory_id="AM-E", actor="ops")
    assert counts == {"accounts": 3, "open_deals": 0, "closed_deals": 4, "targets": 3, "rules": 1, "children": 1,
                      "members": 1}
    accounts = dict(tiny_store.rows("SELECT account_id, territory_id FROM accounts"))
    assert [a for a, t in accounts.items() if t == "AM-E"] == ["A1", "A2", "A3", "A4", "A5"]
    assert tiny_store.scalar("SELECT count(*) FROM deals WHERE territory_id = 'AM-E'") == 7
    assert tiny_store.rows("SELECT period_start, amount FROM targets WHERE scope_id = 'AM-E' ORDER BY 1") == [
        (months[0], 150.0), (months[1], 200.0), (months[2], 300.0)]
    assert tiny_store.scalar("SELECT territory_id FROM territory_rules") == "AM-E"
    assert _parents(tiny_store)["AM-W-BAY"] == "AM"  # the child moved up to the retired one's parent
    log = tiny_store.query("SELECT account_id, from_territory, to_territory, reason, actor FROM assignment_log "
                           "ORDER BY account_id")
    assert log.rows() == [(a, "AM-W", "AM-E", "retire:AM-W", "ops") for a in ("A1", "A2", "A5")]
    assert tree.dangling_references(tiny_store).is_empty()
    assert tree.change_log(tiny_store, "AM-W")["action"].to_list() == ["retire"]


def test_dangling_references_finds_what_an_import_left_behind(tiny_store):
    tiny_store.execute("UPDATE accounts SET territory_id = 'GONE' WHERE account_id = 'A1'")
    assert tree.dangling_references(tiny_store).rows() == [("accounts", "territory_id", "GONE", 1)]


@pytest.mark.parametrize("text, expected", [("AM-W", "AM-W"), ("us west", "AM-W"), ("DACH", "EU-DE")])
def test_territories_resolve_by_id_or_name(tiny_store, text, expected):
    assert tree.resolve_territory(tiny_store, text) == expected


EDITS = st.lists(st.tuples(st.sampled_from(["add", "move", "retire", "rename"]),
                           st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_no_sequence_of_edits_leaves_a_dangling_reference_or_a_cycle(edits):
    store = Store.open(":memory:")
    fill_tiny_company(store)
    accounts, deals = store.count("accounts"), store.count("deals")
    target_total = store.scalar("SELECT sum(amount) FROM targets")
    for step, (kind, a, b) in enumerate(edits):
        ids = sorted(_parents(store))
        first, second = ids[a % len(ids)], ids[b % len(ids)]
        try:
            if kind == "add":
                tree.add_territory(store, f"New {step}", parent_id=first)
            elif kind == "move":
                tree.move_territory(store, first, second)
            elif kind == "retire":
                tree.retire_territory(store, first, to_territory_id=second)
            else:
                tree.rename_territory(store, first, f"Renamed {step}")
        except TerritoryError:
            pass
        assert tree.dangling_references(store).is_empty()
        parents = _parents(store)
        for start in parents:  # walking up always reaches a root
            seen, node = set(), start
            while node is not None:
                assert node not in seen
                seen.add(node)
                node = parents.get(node)
    assert (store.count("accounts"), store.count("deals")) == (accounts, deals)
    assert store.scalar("SELECT sum(amount) FROM targets") == target_total
    assert store.scalar("SELECT count(*) FROM accounts WHERE territory_id IS NULL") == 0
    store.close()
