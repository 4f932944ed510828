"""Benchmark: an import's problems said in Chinese, at millions of rows (engine/importing/problems.py).

    .venv/bin/python bench/bench_problem_words.py              # 2M problems
    .venv/bin/python bench/bench_problem_words.py --rows 5000000

Builds a problems frame as the checks do (`problem_rows`: a fixed reason, a reason with a per-row
value — the duplicate id's first row — and a per-row key), then times `reasons_in(frame, "zh")`,
the Import page's step: one template per distinct key, filled in by polars, no Python per row.
Prints seconds, CPU seconds and peak MB. Budget: 2M problems in ≤ 2 s.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.importing.problems import problem_rows, reasons_in  # noqa: E402
from engine.importing.raw import ROW  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    rows = parser.parse_args().rows
    frame = pl.DataFrame({ROW: pl.int_range(2, rows + 2, eager=True), "_first": pl.int_range(rows, eager=True)})
    third = pl.col(ROW) % 3
    started, cpu = time.perf_counter(), time.process_time()
    problems = pl.concat([
        problem_rows(frame, third == 0, "Close Date", pl.col(ROW), "import.problem.not.date"),
        problem_rows(frame, third == 1, "Id", pl.col(ROW), "import.problem.duplicate_id", row=pl.col("_first")),
        problem_rows(frame, third == 2, "Scope", None,
                     pl.when(pl.col(ROW) % 2 == 0).then(pl.lit("import.problem.unknown_scope.rep"))
                     .otherwise(pl.lit("import.problem.unknown_scope.territory")))])
    built, built_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    chinese = reasons_in(problems, "zh")
    said, said_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert chinese.height == rows and chinese["reason"].null_count() == 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{rows:,} problems: built (English) {built:.2f} s (CPU {built_cpu:.2f} s); "
          f"said in 中文 {said:.2f} s (CPU {said_cpu:.2f} s); peak {peak:,.0f} MB")
    print(chinese.select("reason").unique().head(4))


if __name__ == "__main__":
    main()
