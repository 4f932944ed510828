"""A rep in two territories carries a target in each: both parts and their sum, exactly."""
from __future__ import annotations

import subprocess
import sys

import polars as pl

from engine.metrics.periods import parse_period
from engine.metrics.seasonality import month_weights
from engine.metrics.target_parts import monthly_target_parts, rep_attainment_parts, rep_target_parts
from engine.metrics.saved_targets import save_scoped_targets, save_targets
from engine.metrics.targets import decompose, monthly_targets
from engine.territories.members import add_member
from tests.conftest import REPO, database_file, fill_tiny_company

FY = parse_period("2024")


def _rows(store) -> list[tuple]:
    return rep_attainment_parts(store, FY).select("rep_id", "territory_id", "row", "target", "won").rows()


def test_without_stored_parts_a_target_splits_evenly_over_the_owned_territories(tiny_store):
    add_member(tiny_store, "EU-DE", "R1", "owner")
    assert rep_target_parts(tiny_store, FY).rows() == [
        ("R1", "AM-W", 6000.0), ("R1", "EU-DE", 6000.0), ("R2", "AM-E", 6000.0), ("R3", "EU-DE", 4800.0)]
    assert _rows(tiny_store) == [
        ("R1", "EU-DE", "part", 6000.0, 0.0), ("R1", "AM-W", "part", 6000.0, 8000.0), ("R1", None, "total", 12000.0, 8000.0),
        ("R2", "AM-E", "part", 6000.0, 2000.0), ("R2", None, "total", 6000.0, 2000.0),
        ("R3", "EU-DE", "part", 4800.0, 2750.0), ("R3", None, "total", 4800.0, 2750.0)]


def test_a_saved_plan_keeps_each_part_and_the_parts_add_up_to_the_target(tiny_store):
    add_member(tiny_store, "EU-DE", "R1", "owner")
    nodes = decompose(tiny_store, 12_000.0, FY, "even")
    weights = month_weights(tiny_store, FY)
    parts = monthly_target_parts(nodes, weights)
    save_targets(tiny_store, monthly_targets(nodes, weights), replace_months=True, parts=parts)
    assert _rows(tiny_store) == [
        ("R1", "EU-DE", "part", 3000.0, 0.0), ("R1", "AM-W", "part", 3000.0, 8000.0), ("R1", None, "total", 6000.0, 8000.0),
        ("R2", "AM-E", "part", 3000.0, 2000.0), ("R2", None, "total", 3000.0, 2000.0),
        ("R3", "EU-DE", "part", 3000.0, 2750.0), ("R3", None, "total", 3000.0, 2750.0)]
    by_month = parts.group_by("rep_id", "period_start").agg(pl.col("amount").sum().round(2))
    stored = tiny_store.query("SELECT scope_id AS rep_id, period_start, amount FROM targets WHERE scope = 'rep'")
    assert by_month.sort("rep_id", "period_start").equals(stored.sort("rep_id", "period_start"))


def test_a_territory_plan_replaces_only_its_own_part(tiny_store):
    add_member(tiny_store, "EU-DE", "R1", "owner")
    nodes = decompose(tiny_store, 12_000.0, FY, "even")
    weights = month_weights(tiny_store, FY)
    save_targets(tiny_store, monthly_targets(nodes, weights), replace_months=True,
                 parts=monthly_target_parts(nodes, weights))
    scoped = decompose(tiny_store, 8_000.0, FY, "even", root="EU-DE")
    save_scoped_targets(tiny_store, monthly_targets(scoped, weights), "EU-DE",
                        parts=monthly_target_parts(scoped, weights))
    r1 = [r for r in _rows(tiny_store) if r[0] == "R1"]
    assert r1 == [("R1", "EU-DE", "part", 4000.0, 0.0), ("R1", "AM-W", "part", 3000.0, 8000.0),
                  ("R1", None, "total", 7000.0, 8000.0)]


def test_won_outside_every_part_is_an_unnamed_part_so_parts_add_up(tiny_store):
    tiny_store.execute("UPDATE deals SET territory_id = 'EU-DE' WHERE deal_id = 'D7'")  # R1 won 4000 in DACH
    rows = _rows(tiny_store)
    assert [r for r in rows if r[0] == "R1"] == [("R1", "AM-W", "part", 12000.0, 4000.0),
                                                 ("R1", None, "part", None, 4000.0), ("R1", None, "total", 12000.0, 8000.0)]


def test_only_split_keeps_reps_with_two_targets(tiny_store):
    add_member(tiny_store, "EU-DE", "R1", "owner")
    assert rep_attainment_parts(tiny_store, FY, only_split=True)["rep_id"].unique().to_list() == ["R1"]


def test_report_attainment_by_rep_parts(tmp_path):
    def fill(store):
        fill_tiny_company(store)
        add_member(store, "EU-DE", "R1", "owner")

    db = database_file(tmp_path / "t.duckdb", fill)
    out = subprocess.run([sys.executable, "-m", "engine", "report", "attainment", "--by", "rep", "--parts",
                          "--period", "2024", "--db", str(db)], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[:4] == [
        "name,territory,row,target,won,attainment,gap", "Ada West,DACH,part,6000.0,0.0,0.0,6000.0",
        "Ada West,US West,part,6000.0,8000.0,1.3333,-2000.0", "Ada West,,total,12000.0,8000.0,0.6667,4000.0"]
