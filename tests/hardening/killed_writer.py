"""Run one write against a database in this process, pausing at a chosen step so that a test can
SIGKILL it there: `python -m tests.hardening.killed_writer DB ACTION PAUSE_AT [FILE]`.

A step is the start or the end of each write call the store makes (execute, insert_frame,
upsert_frame), counted from the action's start; the commit follows the last. PAUSE_AT 0 runs the
action through and prints `done <steps>`; otherwise the process prints `paused` and waits to be
killed. ACTION is `apply` (scenario S1), `targets` (save the FY2025 plan) or `import` (FILE).
"""
from __future__ import annotations

import contextlib
import io
import sys
import time

import polars as pl

import engine.store.database as database
from engine.store import Store

STEPS = 0


def _pause_at(step: int) -> None:
    def hook() -> None:
        global STEPS
        STEPS += 1
        if STEPS == step:
            print("paused", file=sys.__stdout__, flush=True)  # the import redirects stdout
            time.sleep(120)

    for name in ("execute", "insert_frame", "upsert_frame"):
        real = getattr(database.Session, name)

        def wrapped(self, *args, _real=real, **kwargs):
            hook()
            result = _real(self, *args, **kwargs)
            hook()
            return result

        setattr(database.Session, name, wrapped)


def new_targets() -> pl.DataFrame:
    months = pl.date_range(pl.date(2025, 1, 1), pl.date(2025, 12, 1), "1mo", eager=True)
    return pl.concat([pl.DataFrame({"scope": "rep", "scope_id": f"R{r}", "period_start": months,
                                    "amount": 1000.0 * r}) for r in range(1, 41)])


def main(path: str, action: str, pause_at: int, file: str | None = None) -> None:
    store = Store.open(path)
    _pause_at(pause_at)
    print("started", flush=True)
    if action == "apply":
        from engine.planner.scenarios import apply_scenario

        apply_scenario(store, "S1", actor="fault-test")
    elif action == "targets":
        from engine.metrics.saved_targets import save_targets

        save_targets(store, new_targets(), replace_months=True)
    elif action == "import":
        from engine.cli import main as cli

        store.close()
        with contextlib.redirect_stdout(io.StringIO()):  # the summary table would end the protocol's lines
            assert cli(["import", file, "--entity", "deals", "--source", "salesforce", "--db", path]) == 0
    print(f"done {STEPS}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
