"""The server killed (SIGKILL) in the middle of a write (issue 12): after a restart the database holds
each change whole or not at all — a scenario apply, a target save and an import.

Each write runs in a subprocess (tests/hardening/killed_writer.py) that is killed at every step of
its write calls (before and after each statement, so also right before the commit) and at seeded
random moments while it runs; the test then reopens the file and checks the invariants."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime

import polars as pl
import pytest

from engine.store import Store
from tests.conftest import REPO
from tests.hardening.killed_writer import new_targets
from tests.hardening.test_disk_full import deals_csv

ACCOUNTS, REPS = 20_000, 40
RANDOM_KILLS = 4
STEP_KILLS = 12  # every step of a short write; a seeded dozen of a long one


def fill_company(store: Store) -> None:
    """Root → T1, T2; 40 reps; 20,000 accounts in T1, one open and one won deal each; FY2025 targets;
    scenario S1 moving every account to T2 with a new owner."""
    ids = [f"A{i:05d}" for i in range(ACCOUNTS)]
    reps = [f"R{i}" for i in range(1, REPS + 1)]
    owners = [reps[i % REPS] for i in range(ACCOUNTS)]
    months = pl.date_range(date(2025, 1, 1), date(2025, 12, 1), "1mo", eager=True)
    frames = {
        "territories": pl.DataFrame({"territory_id": ["ROOT", "T1", "T2"], "name": ["Company", "One", "Two"],
                                     "parent_id": [None, "ROOT", "ROOT"]}),
        "reps": pl.DataFrame({"rep_id": reps, "name": [f"Rep {r}" for r in reps]}),
        "accounts": pl.DataFrame({"account_id": ids, "name": ids, "territory_id": "T1", "owner_rep_id": owners}),
        "deals": pl.DataFrame({"deal_id": [f"D{i}" for i in range(2 * ACCOUNTS)], "account_id": ids + ids,
                               "status": ["open"] * ACCOUNTS + ["won"] * ACCOUNTS, "amount": 100.0,
                               "amount_rc": 100.0, "territory_id": "T1", "owner_rep_id": owners + owners}),
        "targets": pl.DataFrame({"scope": "rep", "scope_id": "R1", "period_start": months, "amount": 7.0}),
        "scenarios": pl.DataFrame({"scenario_id": ["S1"], "name": ["Everything to Two"],
                                   "created_at": [datetime(2025, 1, 1)]}),
        "scenario_moves": pl.DataFrame({"scenario_id": "S1", "account_id": ids, "to_territory_id": "T2",
                                        "to_rep_id": [reps[(i + 1) % REPS] for i in range(ACCOUNTS)]}),
    }
    with store.transaction() as tx:
        for table, frame in frames.items():
            tx.insert_frame(table, frame)


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    path = tmp_path_factory.mktemp("company") / "terrain.duckdb"
    store = Store.open(path)
    fill_company(store)
    store.close()
    return path


def run_writer(db, action: str, pause_at: int = 0, file: str | None = None, kill_after: float | None = None) -> str:
    """Run the write; kill it at its pause (or `kill_after` seconds into the action). Returns how it ended."""
    child = subprocess.Popen([sys.executable, "-m", "tests.hardening.killed_writer", str(db), action, str(pause_at),
                              *([file] if file else [])], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        if kill_after is not None:
            time.sleep(kill_after)
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            return "killed" if child.returncode == -signal.SIGKILL else "done"
        line = child.stdout.readline().strip()
        if line == "paused":
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            return "killed"
        child.wait(120)
        assert child.returncode == 0 and line.startswith("done"), line
        return line
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def timed(db, action, file=None) -> tuple[int, float]:
    """The number of steps of the write and how long it takes, from a run to the end."""
    start = time.perf_counter()
    line = run_writer(db, action, file=file)
    return int(line.split()[1]), time.perf_counter() - start


def apply_state(db) -> str:
    store = Store.open(db)
    try:
        applied = store.scalar("SELECT applied_at IS NOT NULL FROM scenarios WHERE scenario_id = 'S1'")
        logged = store.scalar("SELECT count(*) FROM assignment_log WHERE reason = 'scenario:S1'")
        in_two = store.scalar("SELECT count(*) FROM accounts WHERE territory_id = 'T2'")
        open_in_two = store.scalar("SELECT count(*) FROM deals WHERE status = 'open' AND territory_id = 'T2'")
        won_in_two = store.scalar("SELECT count(*) FROM deals WHERE status = 'won' AND territory_id = 'T2'")
        moved_owner = store.scalar("SELECT count(*) FROM accounts a JOIN scenario_moves m USING (account_id) "
                                   "WHERE a.owner_rep_id = m.to_rep_id")
    finally:
        store.close()
    assert won_in_two == 0  # closed deals never follow
    state = (applied, logged, in_two, open_in_two, moved_owner)
    assert state in ((False, 0, 0, 0, 0), (True, ACCOUNTS, ACCOUNTS, ACCOUNTS, ACCOUNTS)), state
    return "whole" if applied else "none"


def targets_state(db) -> str:
    store = Store.open(db)
    try:
        rows = store.query("SELECT scope, scope_id, period_start, amount FROM targets ORDER BY ALL")
    finally:
        store.close()
    new = new_targets().sort(pl.all())
    if rows.equals(new.with_columns(pl.col("period_start").cast(rows.schema["period_start"]))):
        return "whole"
    assert rows["amount"].to_list() == [7.0] * 12 and set(rows["scope_id"]) == {"R1"}, rows
    return "none"


def import_state(db, rows: int) -> str:
    store = Store.open(db)
    try:
        deals, imports = store.count("deals"), store.count("imports")
    finally:
        store.close()
    assert (deals, imports) in ((2 * ACCOUNTS, 0), (2 * ACCOUNTS + rows, 1)), (deals, imports)
    return "whole" if imports else "none"


def kill_everywhere(company, tmp_path, action, state, file=None):
    """Kill at every step and at random moments; each time the database is whole or untouched."""
    probe = tmp_path / "probe.duckdb"
    shutil.copy(company, probe)
    steps, seconds = timed(probe, action, file)
    assert state(probe) == "whole"
    outcomes = []
    rng = random.Random(f"{action}-12")
    chosen = range(1, steps + 1) if steps <= STEP_KILLS else sorted(
        {1, steps, *rng.sample(range(2, steps), STEP_KILLS - 2)})  # always right before the commit
    kills = [(step, None) for step in chosen] + [(0, rng.uniform(0, seconds)) for _ in range(RANDOM_KILLS)]
    for number, (step, delay) in enumerate(kills):
        db = tmp_path / f"run{number}.duckdb"
        shutil.copy(company, db)
        ended = run_writer(db, action, step, file, kill_after=delay)
        outcomes.append((step, delay, ended, state(db)))
        for leftover in tmp_path.glob(f"run{number}.duckdb*"):
            os.remove(leftover)
    assert {o[3] for o in outcomes if o[2] == "killed"} <= {"whole", "none"}
    assert any(o[2] == "killed" and o[3] == "none" for o in outcomes), outcomes  # the kills did land mid-write
    return outcomes


@pytest.mark.slow
def test_a_killed_scenario_apply_is_whole_or_absent(company, tmp_path):
    kill_everywhere(company, tmp_path, "apply", apply_state)


@pytest.mark.slow
def test_a_killed_target_save_is_whole_or_absent(company, tmp_path):
    kill_everywhere(company, tmp_path, "targets", targets_state)


@pytest.mark.slow
def test_a_killed_import_is_whole_or_absent(company, tmp_path):
    rows = 20_000
    file = deals_csv(tmp_path / "Opportunity.csv", rows)
    kill_everywhere(company, tmp_path, "import", lambda db: import_state(db, rows), file)
