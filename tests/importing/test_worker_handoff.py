"""The checked table the import worker hands back is the table the server would have checked itself
(columns that no row fills travel as their names and types only), and the workers the Import page
starts as it opens are the ones the next file is read in."""
from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

from engine.importing import Limits, plan_files, warm_workers
from engine.importing import load as load_module
from engine.importing import worker
from engine.importing.validate import check_table
from tests.importing import hostile
from tests.importing.conftest import SALESFORCE


def test_the_worker_hands_back_the_same_checked_table_with_its_empty_columns(tmp_path):
    path = tmp_path / "Opportunity.csv"
    path.write_text("Id,Name,StageName,Amount,CloseDate,AccountId,CurrencyIsoCode\n"
                    "006A1,Deal 1,Closed Won,1200,2024-03-01,001A,\n"
                    "006A2,Deal 2,Prospecting,,2024-04-01,001B,\n", encoding="utf-8")
    for source in (path, SALESFORCE / "Opportunity.csv"):
        plan = plan_files([source], limits=Limits())
        try:
            [file_plan] = plan.files
            assert not file_plan.table.in_process  # read in the worker, as on the Import page
            handed = load_module._check_file(file_plan, None, None, plan.temp, plan.limits)
            own = check_table(file_plan.table, file_plan.entity, file_plan.source, file_plan.columns)
            assert_frame_equal(handed.frame, own.frame)
            assert_frame_equal(handed.problems, own.problems)
            assert handed.rows_in == own.rows_in
        finally:
            plan.close()
    # The empty currency column is left out of the file and put back on arrival.
    plan = plan_files([path], limits=Limits())
    try:
        answer = load_module.check_to_files(plan.files[0], None, None, plan.temp, plan.limits)
        *_, order, empty = answer
        assert "currency" in dict(empty) and "deal_id" not in dict(empty) and "currency" in order
    finally:
        plan.close()


def test_workers_started_ahead_are_the_ones_that_read_the_next_file():
    worker.stop_workers()
    limits = Limits()
    assert warm_workers(limits, wait=True) == 2
    started = {w.process.pid for w in worker._idle}
    assert warm_workers(limits) == 0  # already waiting: none more
    assert worker.run_in_worker(hostile.pid, (), file_name="a.csv", limits=limits) in started
    worker.stop_workers()


BIG_SERVER = """
import sys
ballast = bytearray(1100 << 20)  # a server past the workers' 1 GB recycling mark
ballast[::4096] = b"x" * len(range(0, len(ballast), 4096))
from engine.importing import Limits, warm_workers, worker
from tests.importing import hostile
limits = Limits()
warm_workers(limits, wait=True)
started = {w.process.pid for w in worker._idle}
print(worker.run_in_worker(hostile.pid, (), file_name="a.csv", limits=limits) in started)
worker.stop_workers()
"""


def test_a_big_server_s_workers_do_not_inherit_its_peak_memory():
    """Linux carries ru_maxrss across exec: a worker started by a 3 GB server judged itself spent
    after its warm-up answer and left, so the next file found it gone ("exit code 0")."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", BIG_SERVER], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"


def test_a_worker_that_is_not_to_be_reused_is_stopped_in_the_background_and_reaped_by_stop_workers():
    """A worker that ran out of memory (as one past the 1 GB mark leaves after answering) is not kept;
    its exit is not waited for by the import, but `stop_workers` (a benchmark counting its CPU) waits."""
    worker.stop_workers()
    limits = Limits(worker_memory_mb=512)
    warm_workers(limits, 1, wait=True)
    [started] = worker._idle
    with pytest.raises(worker.WorkerFailed):
        worker.run_in_worker(hostile.allocate, (2048,), file_name="big.csv", limits=limits)
    assert started not in worker._idle
    worker.stop_workers()
    assert started.process.returncode is not None  # reaped
    assert not any(thread.is_alive() for thread in worker._retiring)
