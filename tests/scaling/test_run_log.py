"""The server's own log of each script run (ui/run_log.py) and the load bench's reading of it:
wall, CPU and — on Linux — the time the run's thread waited for a core, so a slow run says whether
it computed, queued for a CPU, or waited on something else."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from ui import run_log

sys.path.insert(0, str(REPO / "bench"))
import bench_load  # noqa: E402


def test_a_run_logs_wall_cpu_and_queueing(tmp_path):
    path = str(tmp_path / "runs.log")
    run_log.run_started(path)
    with run_log.page_run(path, "reps"):
        end = time.thread_time() + 0.05
        while time.thread_time() < end:  # 50 ms on a core
            pass
        time.sleep(0.1)  # and 100 ms not runnable
    with pytest.raises(KeyError):
        run_log.run_started(path)
        with run_log.page_run(path, ""):
            raise KeyError("the page failed")
    first, second = (line.split("\t") for line in Path(path).read_text().splitlines())
    assert first[1] == "reps" and first[4] == "ok" and second[1:5:3] == ["overview", "KeyError"]
    wall, cpu = float(first[2]), float(first[3])
    assert wall >= 150 and 45 <= cpu < wall
    if run_log.queued_seconds() is not None:  # Linux
        assert 0 <= float(first[5]) <= wall - cpu
    runs = bench_load.server_runs(Path(path), 0, time.time() + 1)
    assert [page for page, *_ in runs] == ["reps", "overview"] and runs[0][1:3] == (wall, cpu)


def test_the_bench_reads_logs_written_before_the_queue_column(tmp_path):
    path = tmp_path / "old.log"
    path.write_text("100.0\treps\t2000.0\t80.0\tok\n101.0\tboard\t500.0\t20.0\tok\t120.5\n")
    assert bench_load.server_runs(path, 0, 200) == [("reps", 2000.0, 80.0, None), ("board", 500.0, 20.0, 120.5)]
    assert bench_load.server_runs(path, 100.5, 200) == [("board", 500.0, 20.0, 120.5)]
