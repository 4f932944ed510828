"""`python -m engine bench [NAME ...] [-- ARGS]`: run the benchmarks in bench/ (timings, peak memory).

Benchmarks are scripts, not tests: they generate data at scale and print figures beside their
budgets. With no name, all of them run, each in its own process so peak memory is its own.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH.glob("bench_*.py"))


def run(args: argparse.Namespace, settings) -> int:
    names = args.names or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        sys.stderr.write(f"error: no benchmark {', '.join(unknown)}; choose from {', '.join(available())}\n")
        return 2
    status = 0
    for name in names:
        print(f"== bench {name}", flush=True)
        command = [sys.executable, str(BENCH / f"bench_{name}.py"), *args.extra]
        status |= subprocess.run(command, cwd=BENCH.parent).returncode
    return 1 if status else 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="run the benchmarks in bench/ and print timings")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", dest="extra", action="append_const", const="--quick",
                        help="smaller data, for a smoke run")
    parser.set_defaults(handler=run, extra=[])
