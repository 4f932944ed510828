"""Benchmark: a large Salesforce-format export through the real importer, beside plain pandas.

    .venv/bin/python bench/bench_import.py                          # 1M accounts, 5M deals
    .venv/bin/python bench/bench_import.py --accounts 200000 --deals 1000000
    .venv/bin/python bench/bench_import.py --app-path    # both paths (command line, Import page), both ratios

Generates Account.csv and Opportunity.csv (Data Loader style: API headers, UTF-8 BOM, Salesforce
timestamps, IsClosed/IsWon as 1/blank) under bench/out/, then imports them into a fresh database
in alternating rounds (`--rounds`, default 3), each run in its own process so peak memory (ru_maxrss)
is the run's own:
  terrain  — engine.importing.import_files: detection, mapping, parsing, validation, geo placement,
             territory derivation, fx, one transaction, as `python -m engine import` runs it;
  terrain-app (with --app-path) — the same as the Import page runs it: every file read and checked
             in the import worker (started as the page opens), the checked tables handed back as files;
  pandas   — the naive baseline: pandas.read_csv of both files and a DuckDB CREATE TABLE AS of
             each frame (no validation at all; DuckDB is used directly here only as that baseline).
Prints seconds, CPU (the import workers' included) and peak MB of each run (the process's own and
its import workers', which read and check each file apart) and the ratio of the medians. Budget: 5M deals ≤ 60 s and ≤ 4 GB, and no slower
than the baseline.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review",
          "Closed Won", "Closed Lost"]
STATES = [("CA", "94105", "San Francisco"), ("NY", "10001", "New York"), ("TX", "73301", "Austin"),
          ("IL", "60601", "Chicago"), ("WA", "98101", "Seattle"), ("MA", "02108", "Boston"),
          ("GA", "30301", "Atlanta"), ("CO", "80202", "Denver")]
INDUSTRIES = ["Finance", "Healthcare", "Retail", "Manufacturing", "Technology", "Energy"]
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def salesforce_id(prefix: str, number: pl.Expr) -> pl.Expr:
    """An 18-character record id as Salesforce writes it (key prefix, pod, base-62 serial, checksum
    suffix), e.g. 006Ec00000AieKFIAZ. Ids of digits only would be read as integers by pandas,
    which would make the baseline both wrong (leading zeros lost) and unrealistically fast."""
    digits = [pl.lit(pl.Series(list(BASE62))).get((number // 62 ** k) % 62) for k in range(5, -1, -1)]
    suffix = [pl.lit(pl.Series(list(BASE62[10:36]))).get((number * m // 7) % 26) for m in (3, 5, 11)]
    return pl.concat_str([pl.lit(prefix + "Ec0000"), *digits, *suffix])


def generate(accounts: int, deals: int, folder: Path) -> tuple[Path, Path]:
    """Write the two export files (vectorised, seeded, so every run writes the same bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    account_path, deal_path = folder / "Account.csv", folder / "Opportunity.csv"
    i = pl.int_range(0, accounts, eager=True)
    place = i % len(STATES)
    frame = pl.DataFrame({"i": i}).select(
        salesforce_id("001", pl.col("i")).alias("Id"),
        (pl.lit("Account ") + pl.col("i").cast(pl.String)).alias("Name"),
        pl.lit("1 Main St").alias("BillingStreet"),
        pl.Series([s[2] for s in STATES]).gather(place).alias("BillingCity"),
        pl.Series([s[0] for s in STATES]).gather(place).alias("BillingState"),
        pl.Series([s[1] for s in STATES]).gather(place).alias("BillingPostalCode"),
        pl.lit("United States").alias("BillingCountry"),
        pl.Series(INDUSTRIES).gather(i % len(INDUSTRIES)).alias("Industry"),
        ((pl.col("i") * 7919) % 50_000_000 + 100_000).cast(pl.String).alias("AnnualRevenue"),
        ((pl.col("i") * 31) % 5000 + 5).cast(pl.String).alias("NumberOfEmployees"),
        (pl.lit("005Ec00000") + (pl.col("i") % 80).cast(pl.String).str.zfill(4) + pl.lit("IAQ")).alias("OwnerId"),
        pl.lit("2024-01-22T16:14:25.000+0000").alias("CreatedDate"))
    frame.write_csv(account_path, include_bom=True)
    j = pl.int_range(0, deals, eager=True)
    stage = (j * 2654435761) % len(STAGES)
    day = (j * 40503) % 1096
    frame = pl.DataFrame({"j": j, "stage": stage, "day": day}).select(
        salesforce_id("006", pl.col("j")).alias("Id"),
        pl.lit("").alias("IsDeleted"),
        salesforce_id("001", (pl.col("j") * 97) % accounts).alias("AccountId"),
        (pl.lit("Deal ") + pl.col("j").cast(pl.String)).alias("Name"),
        pl.col("stage").replace_strict(dict(enumerate(STAGES)), return_dtype=pl.String).alias("StageName"),
        (((pl.col("j") * 7907) % 2_000_000) / 100 + 500).round(2).cast(pl.String).alias("Amount"),
        pl.col("stage").replace_strict(dict(enumerate(["10", "20", "40", "60", "80", "100", "0"])),
                                       return_dtype=pl.String).alias("Probability"),
        (pl.date(2023, 1, 1) + pl.duration(days=pl.col("day"))).cast(pl.String).alias("CloseDate"),
        pl.when(pl.col("stage") >= 5).then(pl.lit("1")).otherwise(pl.lit("")).alias("IsClosed"),
        pl.when(pl.col("stage") == 5).then(pl.lit("1")).otherwise(pl.lit("")).alias("IsWon"),
        pl.col("stage").replace_strict(
            dict(enumerate(["Pipeline", "Pipeline", "Pipeline", "Best Case", "Commit", "Closed", "Omitted"])),
            return_dtype=pl.String).alias("ForecastCategoryName"),
        (pl.lit("005Ec00000") + (pl.col("j") % 80).cast(pl.String).str.zfill(4) + pl.lit("IAQ")).alias("OwnerId"),
        pl.lit("2024-01-22T16:14:25.000+0000").alias("CreatedDate"),
        pl.lit("Business Loans").alias("Product__c"))
    frame.write_csv(deal_path, include_bom=True)
    return account_path, deal_path


def run_terrain(db: Path, files: list[Path], app_path: bool = False) -> dict:
    """As `python -m engine import` does it (big text files checked in its own process), or with
    `app_path` as the Import page does it (every file read and checked in the import worker)."""
    from engine.importing import Limits, import_files, warm_workers
    from engine.importing.worker import stop_workers
    from engine.store import Store
    from engine.store.settings import load_settings

    limits = Limits.from_settings(load_settings(), command_line=not app_path)
    warm = time.perf_counter()
    if app_path:  # the Import page starts its workers as it opens, before the files are uploaded
        warm_workers(limits, wait=True)
    warm = time.perf_counter() - warm
    start = time.perf_counter()
    store = Store.open(db)
    result = import_files(store, files, reporting_currency="USD", limits=limits)
    counts = {"accounts": store.count("accounts"), "deals": store.count("deals")}
    store.close()
    seconds = time.perf_counter() - start
    stop_workers()  # reaped, so that their CPU and peak memory are counted below
    return {"seconds": seconds, "rows": counts, "loaded": int(result.files["rows_loaded"].sum()), "warm_seconds": warm}


def run_pandas(db: Path, files: list[Path]) -> dict:
    import duckdb
    import pandas as pd

    start = time.perf_counter()
    connection = duckdb.connect(str(db))
    counts = {}
    for number, path in enumerate(files):
        frame = pd.read_csv(path)  # noqa: F841 - read by DuckDB's replacement scan below
        connection.execute(f"CREATE TABLE t{number} AS SELECT * FROM frame")
        counts[path.stem] = connection.execute(f"SELECT count(*) FROM t{number}").fetchone()[0]
    connection.close()
    return {"seconds": time.perf_counter() - start, "rows": counts}


def _child(kind: str, db: Path, files: list[Path]) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db), *map(str, files)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=5_000_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each, alternating; the ratio is of the medians (default 3)")
    parser.add_argument("--app-path", action="store_true",
                        help="also import as the Import page does (every file through the import worker, "
                             "started as the page opens) and print both ratios")
    parser.add_argument("--child", choices=("terrain", "terrain-app", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        files = [Path(f) for f in args.files]
        report = (run_pandas(Path(args.db), files) if args.child == "pandas"
                  else run_terrain(Path(args.db), files, app_path=args.child == "terrain-app"))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the import workers (terrain only)
        report["peak_mb"] = usage.ru_maxrss / 1024
        report["worker_peak_mb"] = workers.ru_maxrss / 1024
        # Fairer than wall time on a busy machine; the workers' CPU counts too.
        report["cpu_seconds"] = usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime
        print(json.dumps(report))
        return
    folder = OUT / f"import_{args.accounts}_{args.deals}"
    start = time.perf_counter()
    files = list(generate(args.accounts, args.deals, folder))
    size = sum(f.stat().st_size for f in files) / 1e6
    print(f"generated {args.accounts:,} accounts + {args.deals:,} deals ({size:,.0f} MB) "
          f"in {time.perf_counter() - start:.1f} s")
    kinds = ("terrain",) + (("terrain-app",) if args.app_path else ()) + (() if args.skip_baseline else ("pandas",))
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):  # alternating, so that a busy spell of the machine hits both alike
        for kind in kinds:
            db = folder / f"{kind}.duckdb"
            for stale in (db, db.with_suffix(".duckdb.wal")):
                stale.unlink(missing_ok=True)
            run = _child(kind, db, files)
            runs[kind].append(run)
            warmed = f"   (workers started {run['warm_seconds']:.1f} s before)" if run.get("warm_seconds") else ""
            print(f"{kind:11} {run['seconds']:7.1f} s wall  {run['cpu_seconds']:7.1f} s cpu   "
                  f"peak {run['peak_mb']:7,.0f} MB (workers {run['worker_peak_mb']:6,.0f} MB)   rows {run['rows']}"
                  f"{warmed}", flush=True)
    median = {kind: {key: statistics.median(run[key] for run in runs[kind])
                     for key in ("seconds", "cpu_seconds", "peak_mb")} for kind in kinds}
    if args.rounds > 1:
        for kind in kinds:
            print(f"{kind:11} median of {args.rounds}: {median[kind]['seconds']:.1f} s wall, "
                  f"{median[kind]['cpu_seconds']:.1f} s cpu")
    for kind in kinds if "pandas" in median else ():
        if kind == "pandas":
            continue
        ratio = median[kind]["seconds"] / median["pandas"]["seconds"]
        cpu_ratio = median[kind]["cpu_seconds"] / median["pandas"]["cpu_seconds"]
        path = "the Import page's path" if kind == "terrain-app" else "the command line's path"
        print(f"{kind} / pandas ratio ({path}): {ratio:.2f} wall, {cpu_ratio:.2f} cpu "
              "(≤ 1 means the importer, with validation, is faster)")
    terrain = [run for kind in kinds if kind != "pandas" for run in runs[kind]]
    worst = max(run["seconds"] for run in terrain), max(run["peak_mb"] for run in terrain)
    verdict = worst[0] <= 60 and worst[1] <= 4096
    print(f"budget (≤ 60 s, ≤ 4 GB at 5M deals): {'met' if verdict else 'NOT met'} at this size")


if __name__ == "__main__":
    main()
