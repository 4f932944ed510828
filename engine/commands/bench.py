"""`python -m engine bench [NAME [ARGS ...]]`: run the benchmarks in bench/ (timings, peak memory).

Benchmarks are scripts, not tests: they generate data at scale and print figures beside their
budgets. With no name all of them run at full size, each in its own process so peak memory is its
own; with a name, the remaining arguments go to that script (e.g. `bench import --deals 100000`).
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
    if args.name and args.name not in available():
        sys.stderr.write(f"error: no benchmark '{args.name}'; choose from {', '.join(available())}\n")
        return 2
    status = 0
    for name in [args.name] if args.name else available():
        print(f"== bench {name}", flush=True)
        command = [sys.executable, str(BENCH / f"bench_{name}.py"), *args.script_args]
        status |= subprocess.run(command, cwd=BENCH.parent).returncode
    return 1 if status else 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="run the benchmarks in bench/ and print timings")
    parser.add_argument("name", nargs="?", help="one benchmark (default: all, full size)")
    parser.add_argument("script_args", nargs=argparse.REMAINDER, help="arguments for that benchmark")
    parser.set_defaults(handler=run)
