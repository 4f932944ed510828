"""The foundation's contracts: layering, the store, settings, periods and formatting."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from engine.store.errors import PeriodError, SettingsError
from engine.i18n import catalog, fmt_date, fmt_money, fmt_month, fmt_number, fmt_pct, t
from engine.metrics.periods import parse_period, period_containing
from engine.store.settings import load_settings
from engine.store import Store
from tests.conftest import REPO


def test_engine_imports_without_streamlit():
    code = ("import sys, importlib, pkgutil, engine\n"
            "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
            "    if m.name != 'engine.__main__': importlib.import_module(m.name)\n"
            "assert 'streamlit' not in sys.modules, 'engine imported streamlit'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_pages_hold_no_sql():
    sql = re.compile(r"\b(select|insert|update|delete)\b.+\b(from|into|set)\b", re.IGNORECASE)
    offenders = [p.name for p in (REPO / "pages").glob("*.py") if sql.search(p.read_text())]
    assert offenders == []


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "t.duckdb"
    first = Store.open(path)
    version = first.schema_version()
    first.close()
    again = Store.open(path)
    assert again.schema_version() == version >= 1
    assert again.is_empty()


def test_transaction_rolls_back_everything(store):
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.insert_frame("reps", pl.DataFrame({"rep_id": ["R1"], "name": ["Ann"]}))
            tx.insert_frame("accounts", pl.DataFrame({"account_id": ["A1"], "name": ["Acme"]}))
            raise RuntimeError("half-way")
    assert store.count("reps") == 0 and store.count("accounts") == 0


def test_upsert_replaces_by_primary_key(store):
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R1", "R2"], "name": ["Ann", "Bob"]}))
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R1"], "name": ["Anna"]}), upsert=True)
    assert store.query("SELECT rep_id, name FROM reps ORDER BY rep_id").rows() == [("R1", "Anna"), ("R2", "Bob")]


def test_upsert_works_on_tables_without_a_primary_key_index(store):
    store.insert_frame("deals", pl.DataFrame({"deal_id": ["D1", "D2"], "status": ["open", "open"], "amount": [1.0, 2.0]}))
    store.insert_frame("deals", pl.DataFrame({"deal_id": ["D1", "D3"], "status": ["won", "lost"]}), upsert=True)
    assert store.query("SELECT deal_id, status, amount FROM deals ORDER BY deal_id").rows() == [
        ("D1", "won", 1.0), ("D2", "open", 2.0), ("D3", "lost", None)]


def test_values_are_bound_not_pasted(store):
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R1"], "name": ["x'); DROP TABLE reps; --"]}))
    assert store.scalar("SELECT name FROM reps WHERE name = ?", ["x'); DROP TABLE reps; --"]).startswith("x'")
    assert store.count("reps") == 1


def test_tiny_company_loads(tiny_store):
    assert [tiny_store.count(t) for t in ("territories", "reps", "accounts", "deals")] == [6, 3, 6, 10]
    assert tiny_store.scalar("SELECT sum(amount_rc) FROM deals WHERE status = 'won'") == 12750


def test_settings_from_environment_and_errors():
    settings = load_settings({"TERRAIN_DB": "x.duckdb", "TERRAIN_FISCAL_START": "7", "TERRAIN_CURRENCY": "eur"})
    assert (settings.db_path, settings.fiscal_year_start_month, settings.reporting_currency) == ("x.duckdb", 7, "EUR")
    with pytest.raises(SettingsError, match="TERRAIN_FISCAL_START"):
        load_settings({"TERRAIN_FISCAL_START": "13"})
    with pytest.raises(SettingsError, match="not a valid int"):
        load_settings({"TERRAIN_WIN_RATE_MIN": "many"})


@pytest.mark.parametrize("code, fsm, start, end, label", [
    ("2024", 1, date(2024, 1, 1), date(2025, 1, 1), "FY2024"),
    ("2025", 7, date(2024, 7, 1), date(2025, 7, 1), "FY2025"),
    ("2024-Q3", 1, date(2024, 7, 1), date(2024, 10, 1), "FY2024 Q3"),
    ("2025-Q1", 7, date(2024, 7, 1), date(2024, 10, 1), "FY2025 Q1"),
    ("2025-Q3", 4, date(2024, 10, 1), date(2025, 1, 1), "FY2025 Q3"),
    ("2024-07", 1, date(2024, 7, 1), date(2024, 8, 1), "Jul 2024"),
])
def test_fiscal_periods(code, fsm, start, end, label):
    period = parse_period(code, fsm)
    assert (period.start, period.end, period.label("en")) == (start, end, label)
    assert parse_period(period.code, fsm) == period


def test_period_navigation_and_errors():
    q = parse_period("2025-Q1", 7)
    assert (q.previous().code, q.last_year().code, q.label("zh")) == ("2024-Q4", "2024-Q1", "2025财年第1季度")
    assert period_containing(date(2024, 12, 31), "quarter", 10).code == "2025-Q1"
    assert len(parse_period("2024").months) == 12
    with pytest.raises(PeriodError, match="2024-13"):
        parse_period("2024-13")
    with pytest.raises(PeriodError, match="Write a fiscal year"):
        parse_period("last quarter")


@pytest.mark.parametrize("value, lang, expected", [
    (1_234_567, "en", "1.2M"), (34_500, "en", "34.5K"), (999, "en", "999"), (2_500_000_000, "en", "2.5B"),
    (999_999.9999, "en", "1M"), (993_800_000, "en", "993.8M"), (999.6, "en", "1K"), (99_999_999, "zh", "1亿"), (1_234_567, "zh", "123万"), (14_573_000, "zh", "1,457万"), (56_000_000_000, "zh", "560亿"),
    (1_200_000, "zh", "120万"), (340_000_000, "zh", "3.4亿"), (12_000, "zh", "1.2万"), (999, "zh", "999"),
])
def test_compact_numbers(value, lang, expected):
    assert fmt_number(value, lang) == expected


def test_money_percent_and_dates():
    assert fmt_money(-1_234_567, "en", "USD") == "-$1.2M"
    assert fmt_money(1_200_000, "zh", "CNY") == "¥120万"
    assert fmt_pct(0.29166) == "29.2%" and fmt_pct(0.05, signed=True) == "+5.0%" and fmt_pct(None) == "–"
    assert fmt_month(date(2021, 7, 1), "en") == "Jul 2021" and fmt_month(date(2021, 7, 1), "zh") == "2021年7月"
    assert fmt_date(date(2026, 11, 23), "zh") == "2026年11月23日"


def test_every_message_has_both_languages_and_every_used_key_exists():
    messages = catalog()
    assert all(en.strip() and zh.strip() for en, zh in messages.values())
    used = set()
    pattern = re.compile(r"""\b(?:t|tr)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    for folder in ("pages", "ui", "engine"):
        for path in (REPO / folder).rglob("*.py"):
            used |= set(pattern.findall(path.read_text()))
    used.add("app.title")
    for path in [REPO / "app.py"]:
        used |= set(pattern.findall(path.read_text()))
    # Keys built at run time (t(f"planner.figure.{name}")) show up as a prefix ending in "."
    assert sorted(k for k in used if k not in messages and not k.endswith(".")) == []
    assert t("page.overview", "zh") == "总览"


def test_data_version_moves_with_every_committed_write(store):
    start = store.data_version()
    store.insert_frame("reps", pl.DataFrame({"rep_id": ["R1"], "name": ["Ann"]}))
    after_insert = store.data_version()
    with pytest.raises(ValueError):
        with store.transaction() as tx:
            tx.execute("DELETE FROM reps")
            raise ValueError
    assert start < after_insert == store.data_version()
    with store.transaction() as tx:
        tx.execute("DELETE FROM reps")
    assert store.data_version() == after_insert + 1


def test_bookkeeping_transactions_keep_the_data_version(store):
    before = store.data_version()
    with store.transaction(data_changed=False) as tx:
        tx.execute("INSERT INTO scenarios (scenario_id, name) VALUES ('S1', 'paper plan')")
    assert store.data_version() == before and store.count("scenarios") == 1
