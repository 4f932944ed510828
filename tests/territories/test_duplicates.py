"""Duplicates (重复跟进): normalised names, domains, phones and tax ids; the demo's planted copies; merging."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.store import Store
from engine.territories.duplicates import (DuplicateError, customer_groups, duplicate_groups, duplicate_summary,
                                           match_keys, merge_ownership, normalised_name, phone_key, tax_key,
                                           web_domain)
from tests.conftest import fill_tiny_company


@pytest.mark.parametrize("name, key", [
    ("Acme Inc.", "acme"), ("ACME, INC", "acme"), ("Ａｃｍｅ　Ltd", "acme"), ("acme corp.", "acme"),
    ("The Acme Company", "acme"), ("Acme Co., Ltd.", "acme"), ("Pizza S.p.A.", "pizza"), ("Müller GmbH", "müller"),
    ("Nordic A/S", "nordic"), ("Mexicana S.A. de C.V.", "mexicana"), ("Smith & Sons Ltd", "smithandsons"),
    ("北京星辰科技有限公司", "北京星辰科技"), ("北京星辰科技股份有限公司", "北京星辰科技"), ("（北京）星辰科技集团", "北京星辰科技"),
    ("Inc", "inc"), ("Co", "co"), ("Robert Bosch GmbH", "robertbosch"),
])
def test_normalised_names(name, key):
    assert pl.select(normalised_name(pl.lit(name))).item() == key


@pytest.mark.parametrize("website, domain", [
    ("https://www.Acme.com/about", "acme.com"), ("acme.com", "acme.com"), ("WWW2.acme.com:8080", "acme.com"),
    ("sales@acme.com", "acme.com"), ("ａｃｍｅ．ｃｏｍ", "acme.com"), ("localhost", None), (None, None),
])
def test_web_domains(website, domain):
    assert pl.select(web_domain(pl.lit(website, pl.String))).item() == domain


@pytest.mark.parametrize("phone, key", [("+1 (415) 555-0100", "155550100"), ("415.555.0100", "155550100"),
                                        ("123", None), ("０１０－１２３４５６７８", "012345678")])
def test_phone_keys(phone, key):
    assert pl.select(phone_key(pl.lit(phone))).item() == key


def test_tax_ids_ignore_case_and_separators():
    assert pl.select(tax_key(pl.lit("de-123 456 789"))).item() == "DE123456789"


def test_matches_chain_through_different_keys():
    accounts = pl.DataFrame({"account_id": ["1", "2", "3", "4", "5", "6"],
                             "name": ["Alpha Inc", "ALPHA LTD", "Beta", "Gamma", "Delta", "Epsilon"],
                             "website": [None, "alpha.io", "www.alpha.io", None, None, None],
                             "phone": [None, None, "0301234567", "+49 30 1234567", None, None],
                             "tax_id": [None, None, None, None, "X-99999", "x99999"]})
    groups = customer_groups(match_keys(accounts)).sort("account_id")
    assert groups.rows() == [("1", "1", ["name"]), ("2", "1", ["name", "domain"]), ("3", "1", ["domain", "phone"]),
                             ("4", "1", ["phone"]), ("5", "5", ["tax_id"]), ("6", "5", ["tax_id"])]


def test_the_demo_duplicates_are_found_with_who_holds_each_copy(small_demo):
    groups = duplicate_groups(small_demo)
    assert duplicate_summary(groups) == {"groups": 3, "accounts": 6, "split_groups": 3}
    assert groups.select("group_id", "account_id", "owner_rep_id", "territory_id").rows() == [
        ("ACC-000090", "ACC-000501", "REP-043", "T-EMEA-NORDICS"), ("ACC-000090", "ACC-000090", "REP-044", "T-EMEA-NORDICS"),
        ("ACC-000239", "ACC-000502", "REP-070", "T-APAC-ASEAN"), ("ACC-000239", "ACC-000239", "REP-069", "T-APAC-ASEAN"),
        ("ACC-000268", "ACC-000268", "REP-056", "T-GC-EAST"), ("ACC-000268", "ACC-000503", "REP-057", "T-GC-EAST")]
    assert groups["owner"].null_count() == 0 and set(groups["matched_on"].list.join("+")) == {"name+domain"}
    assert duplicate_groups(small_demo, rep_id="REP-069")["group_id"].unique().to_list() == ["ACC-000239"]
    assert duplicate_groups(small_demo, territory_id="T-GC-EAST").height == 2


def test_merging_gives_every_copy_one_owner_logged_and_open_deals_follow(small_demo):
    changed = merge_ownership(small_demo, ["ACC-000239", "ACC-000502"], actor="ops")
    assert changed == 1  # ACC-000502 was held first (by REP-070): ACC-000239 joins it
    assert small_demo.rows("SELECT account_id, from_rep, to_rep, reason, actor FROM assignment_log") == [
        ("ACC-000239", "REP-069", "REP-070", "duplicate-merge:ACC-000502", "ops")]
    assert small_demo.scalar("SELECT count(DISTINCT owner_rep_id) FROM deals WHERE status = 'open' "
                             "AND account_id IN ('ACC-000239', 'ACC-000502')") <= 1
    assert small_demo.scalar("SELECT count(*) FROM deals WHERE status = 'open' AND account_id = 'ACC-000239' "
                             "AND owner_rep_id <> 'REP-070'") == 0
    assert duplicate_summary(duplicate_groups(small_demo))["split_groups"] == 2
    assert merge_ownership(small_demo, ["ACC-000239", "ACC-000502"]) == 0  # nothing left to change


def test_merge_to_a_chosen_rep_and_refusals(small_demo):
    assert merge_ownership(small_demo, ["ACC-000090", "ACC-000501"], rep_id="REP-044") == 1
    with pytest.raises(DuplicateError, match="at least two accounts"):
        merge_ownership(small_demo, ["ACC-000090"])
    with pytest.raises(DuplicateError, match="ACC-NOPE do not exist"):
        merge_ownership(small_demo, ["ACC-000090", "ACC-NOPE"])


NAMES = st.sampled_from(["Acme Inc", "ACME LTD", "Ａｃｍｅ", "Beta GmbH", "beta", "Gamma 有限公司", "Gamma", "Delta"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NAMES, st.sampled_from(["R1", "R2", "R3"])), min_size=2, max_size=10))
def test_after_merging_every_group_each_customer_has_one_owner(copies):
    store = Store.open(":memory:")
    fill_tiny_company(store)
    extra = pl.DataFrame({"account_id": [f"X{i}" for i in range(len(copies))], "name": [n for n, _ in copies],
                          "owner_rep_id": [r for _, r in copies], "territory_id": "AM-W"})
    store.insert_frame("accounts", extra)
    accounts = store.count("accounts")
    for _, group in duplicate_groups(store).group_by("group_id"):
        merge_ownership(store, group["account_id"].to_list())
    after = duplicate_groups(store)
    assert after.is_empty() or (after.group_by("group_id").agg(pl.col("owner_rep_id").n_unique())["owner_rep_id"] == 1).all()
    assert store.count("accounts") == accounts
    store.close()
