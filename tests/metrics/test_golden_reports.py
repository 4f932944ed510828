"""Golden files: every `report` table (shares, attainment × region, territory, rep) of the demo company.

The bytes are the contract: a change to a metric shows up here as a diff to read. Regenerate
deliberately with `TERRAIN_REGEN_GOLDEN=1 pytest tests/metrics/test_golden_reports.py` and review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.commands.report import report_frame, rounded
from engine.demo.company import build_demo
from engine.metrics.performance import as_of_date
from engine.metrics.periods import period_containing
from engine.store.settings import load_settings
from engine.store import Store

GOLDEN = Path(__file__).parent / "golden"
CASES = [(report, by) for report in ("shares", "attainment") for by in ("region", "territory", "rep")]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    build_demo(store)
    yield store
    store.close()


@pytest.mark.parametrize("report, by", CASES, ids=[f"{r}-{b}" for r, b in CASES])
def test_report_matches_golden_file(demo_store, report, by):
    settings = load_settings({})
    period = period_containing(as_of_date(demo_store), "year", settings.fiscal_year_start_month)
    text = rounded(report_frame(demo_store, report, period, by, settings)).write_csv()
    path = GOLDEN / f"{report}-{by}-{period.code}.csv"
    if os.environ.get("TERRAIN_REGEN_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing: run with TERRAIN_REGEN_GOLDEN=1 once and review it"
    assert text == path.read_text(encoding="utf-8")
