"""Memberships: a rep in several territories with a role; the lead owner and the owner membership agree."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.store import Store
from engine.store.errors import NotFoundError
from engine.territories import members
from engine.territories.tree import TerritoryError, change_log
from tests.conftest import fill_tiny_company


def _seats(store) -> list[tuple]:
    return members.members_table(store).select("territory_id", "rep_id", "role", "lead").rows()


def test_a_rep_sits_in_several_territories_with_roles(tiny_store):
    members.add_member(tiny_store, "EU-DE", "R1", "overlay", actor="ops")
    members.add_member(tiny_store, "AM-E", "R1", "specialist", actor="ops")
    assert members.members_table(tiny_store, rep_id="R1").select("territory", "role").rows() == [
        ("DACH", "overlay"), ("US East", "specialist"), ("US West", "owner")]
    members.add_member(tiny_store, "EU-DE", "R1", "owner", actor="ops")  # a change of role
    assert members.members_table(tiny_store, "EU-DE").select("rep_id", "role").rows() == [
        ("R1", "owner"), ("R3", "owner")]
    assert change_log(tiny_store, "EU-DE")["action"].to_list() == ["role", "member"]


def test_set_owner_moves_the_lead_and_keeps_the_previous_owner_as_asked(tiny_store):
    members.set_owner(tiny_store, "EU-DE", "R3")
    members.set_owner(tiny_store, "EU-DE", "R1", previous_role="overlay", actor="lead")
    assert tiny_store.scalar("SELECT owner_rep_id FROM territories WHERE territory_id = 'EU-DE'") == "R1"
    assert members.members_table(tiny_store, "EU-DE").select("rep_id", "role", "lead").rows() == [
        ("R1", "owner", True), ("R3", "overlay", False)]
    members.set_owner(tiny_store, "EU-DE", "R2", previous_role=None)
    assert members.members_table(tiny_store, "EU-DE").select("rep_id", "role", "lead").rows() == [
        ("R2", "owner", True), ("R3", "overlay", False)]
    assert members.owner_mismatches(tiny_store).is_empty()


def test_removing_the_lead_hands_the_lead_to_another_owner_or_none(tiny_store):
    members.add_member(tiny_store, "AM-W", "R2", "owner")
    members.set_owner(tiny_store, "AM-W", "R1", previous_role="owner")
    members.remove_member(tiny_store, "AM-W", "R1")
    assert tiny_store.scalar("SELECT owner_rep_id FROM territories WHERE territory_id = 'AM-W'") == "R2"
    members.remove_member(tiny_store, "AM-W", "R2")
    assert tiny_store.scalar("SELECT owner_rep_id FROM territories WHERE territory_id = 'AM-W'") is None


@pytest.mark.parametrize("call, error, message", [
    (lambda s: members.add_member(s, "AM-W", "R1", "owner"), TerritoryError, "already sits in US West as owner"),
    (lambda s: members.add_member(s, "AM-W", "R2", "boss"), TerritoryError, "'boss' is not a membership role"),
    (lambda s: members.add_member(s, "AM-W", "R9"), NotFoundError, "no rep with id 'R9'"),
    (lambda s: members.remove_member(s, "AM-W", "R3"), TerritoryError, "does not sit in US West"),
])
def test_refused_membership_changes(tiny_store, call, error, message):
    with pytest.raises(error, match=message):
        call(tiny_store)
    assert tiny_store.count("territory_changes") == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "owner"]), st.sampled_from(["AM-W", "AM-E", "EU-DE"]),
                          st.sampled_from(["R1", "R2", "R3"]), st.sampled_from(members.ROLES)), max_size=12))
def test_the_lead_always_has_an_owner_membership(changes):
    store = Store.open(":memory:")
    fill_tiny_company(store)
    for change, territory, rep, role in changes:
        try:
            if change == "add":
                members.add_member(store, territory, rep, role)
            elif change == "remove":
                members.remove_member(store, territory, rep)
            else:
                members.set_owner(store, territory, rep, previous_role=role)
        except TerritoryError:
            pass
        assert members.owner_mismatches(store).is_empty()
    store.close()
