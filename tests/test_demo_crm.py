"""The demo's leads, contacts and invoices (engine.demo.crm_extras): exact counts for the seed at
scale 1, and the invariants that make them a believable CRM."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from engine.demo.company import ANCHOR, generate_demo

ANCHOR_TIME = datetime.combine(ANCHOR, datetime.min.time()) + timedelta(hours=18)


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate_demo(1)


def test_lead_counts_are_exact_for_the_seed(demo):
    leads = demo["leads"]
    assert leads.height == 36_000
    assert leads.group_by("status").len().sort("status").rows() == [
        ("Closed - Converted", 6_117), ("Closed - Not Converted", 26_252), ("Open - Not Contacted", 561),
        ("Working - Contacted", 3_070)]
    assert leads.group_by("lead_source").len().sort("lead_source").rows() == [
        ("Advertisement", 3_581), ("Cold Call", 2_902), ("Email Campaign", 2_862), ("Partner", 4_301),
        ("Referral", 5_821), ("Trade Show", 4_318), ("Web", 12_215)]
    assert leads["converted_account_id"].is_not_null().sum() == 6_117
    assert leads["converted_deal_id"].is_not_null().sum() == 4_428
    assert leads["owner_rep_id"].is_null().sum() == 156
    assert leads["lead_id"].n_unique() == 36_000


def test_follow_ups_are_activities_of_their_lead(demo):
    leads, activities = demo["leads"], demo["activities"]
    follow_ups = activities.filter(pl.col("lead_id").is_not_null())
    assert (follow_ups.height, follow_ups["lead_id"].n_unique()) == (47_258, 31_924)
    assert activities["activity_id"].n_unique() == activities.height
    joined = follow_ups.join(leads.select("lead_id", "created_at", "owner_rep_id", "status"), on="lead_id")
    assert joined.height == follow_ups.height  # every follow-up names a lead that exists
    assert (joined["ts"] >= joined["created_at"]).all() and (joined["ts"] <= ANCHOR_TIME).all()
    assert (joined["rep_id"] == joined["owner_rep_id"]).all()
    assert not (joined["status"] == "Open - Not Contacted").any()  # a follow-up moved the lead on
    # waiting more than 48 hours at the end of the anchor day: never contacted, older than two days
    end_of_day = datetime.combine(ANCHOR + timedelta(days=1), datetime.min.time())
    waiting = leads.filter((pl.col("status") == "Open - Not Contacted")
                           & (pl.col("created_at") <= end_of_day - timedelta(hours=48)))
    assert waiting.height == 472


def test_converted_leads_point_at_their_account_and_its_next_deal(demo):
    leads = demo["leads"].filter(pl.col("converted_deal_id").is_not_null())
    deals = demo["deals"].select(pl.col("deal_id").alias("converted_deal_id"), "account_id", "created_date")
    joined = leads.join(deals, on="converted_deal_id")
    assert joined.height == leads.height
    assert (joined["account_id"] == joined["converted_account_id"]).all()
    assert (joined["created_date"] >= joined["converted_at"]).all()
    converted = demo["leads"].filter(pl.col("converted_at").is_not_null())
    assert (converted["converted_at"] <= ANCHOR).all()
    assert (converted["converted_at"] >= converted["created_at"].dt.date()).all()


def test_every_account_has_one_to_five_contacts(demo):
    contacts = demo["contacts"]
    assert contacts.height == 75_276
    per_account = contacts.group_by("account_id").len()
    assert per_account.height == demo["accounts"].height
    assert per_account["len"].min() == 1 and per_account["len"].max() == 5
    owners = contacts.join(demo["accounts"].select("account_id", pl.col("owner_rep_id").alias("account_owner")),
                           on="account_id")
    assert owners.filter(pl.col("owner_rep_id").ne_missing(pl.col("account_owner"))).is_empty()
    assert (contacts["created_at"] <= ANCHOR_TIME).all()


def test_invoices_for_won_deals(demo):
    invoices = demo["invoices"]
    won = demo["deals"].filter(status="won")
    assert invoices.height == won.height == 42_037
    anchor = pl.lit(ANCHOR)
    assert invoices.filter(pl.col("paid_date").is_null()).height == 2_225
    assert invoices.filter(pl.col("paid_date").is_null() & (pl.col("due_date") < anchor)).height == 1_006
    assert invoices.filter(pl.col("paid_amount") < pl.col("amount")).height == 637
    assert invoices.filter(pl.col("paid_date") > pl.col("due_date")).height == 9_011
    terms = (invoices["due_date"] - invoices["issue_date"]).dt.total_days()
    assert set(terms.unique()) == {30, 60} and (terms == 60).sum() == 12_712
    assert (invoices.filter(pl.col("paid_date").is_not_null())["paid_date"] <= ANCHOR).all()
    assert (invoices["paid_amount"].drop_nulls() > 0).all()
    assert (invoices.drop_nulls("paid_amount").select(pl.col("paid_amount") <= pl.col("amount"))).to_series().all()
    assert invoices["number"].n_unique() == invoices.height and invoices["invoice_id"].n_unique() == invoices.height
