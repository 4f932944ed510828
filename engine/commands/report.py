"""`python -m engine report shares|attainment|forecast|kpis|health|alerts`: the tables as CSV or JSON.

The columns are the contract of DESIGN.md (fractions as fractions rounded to 4 decimals, money in
the reporting currency rounded to cents); the numbers come from the same engine functions as the
pages, so a report and the screen never disagree.
"""
from __future__ import annotations

import json
import sys

import polars as pl

from engine.commands import EXIT_OK, add_db_argument
from engine.metrics.performance import REPORT_COLUMNS, as_of_date, attainment_table, shares_table
from engine.metrics.periods import parse_period, period_containing
from engine.store import Store

REPORTS = ("shares", "attainment", "forecast", "kpis", "health", "alerts")
HEALTH_REPORTS = ("health", "alerts")  # per account, as of the as-of day: --period and --by do not apply
BY = ("region", "territory", "rep", "company")
FRACTIONS = {"share", "attainment", "win_rate", "coverage", "projected_attainment"}
COUNTS = {"won_count", "lost_count", "new_customers", "activities", "open_count"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="print a metric table (shares, attainment, forecast, kpis) or customer health (health, alerts) "
             "as CSV or JSON",
        description="Print a metric table for a period and level. Fractions are fractions (0.2917), "
                    "money is in the reporting currency.")
    parser.add_argument("report", choices=REPORTS)
    add_db_argument(parser)
    parser.add_argument("--period", help="2024 (fiscal year), 2024-Q3 (fiscal quarter) or 2024-07 (month); "
                                         "default: the fiscal year containing the as-of date")
    parser.add_argument("--by", choices=BY, default="region", help="rows: region (default), territory, rep")
    parser.add_argument("--scope", action="append", metavar="TERRITORY_ID",
                        help="restrict to this territory's subtree (repeatable)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(handler=run)


def report_frame(store: Store, report: str, period, by: str, settings, scope=None) -> pl.DataFrame:
    """The table a report prints, with its contract columns, before rounding."""
    if report in HEALTH_REPORTS:
        from engine.health.views import health_report

        return health_report(store, report, scope)
    if report == "shares":
        return shares_table(store, period, by, scope, settings).select("name", "won", "share")
    if report == "attainment":
        return attainment_table(store, period, by, scope, settings).select(*REPORT_COLUMNS)
    if report == "forecast":
        from engine.metrics.forecast import forecast_table

        return forecast_table(store, period, by, settings, scope).drop("id")
    from engine.metrics.kpis import kpi_table

    return kpi_table(store, period, by, settings, scope).drop("id")


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Fractions to 4 decimals, money to cents; text and counts untouched."""
    out = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_float():
            column = column.round(4 if name in FRACTIONS else 2)
        out.append(column)
    return frame.select(out)


def run(args, settings) -> int:
    store = Store.open(settings.db_path)
    try:
        fsm = settings.fiscal_year_start_month
        period = parse_period(args.period, fsm) if args.period else period_containing(as_of_date(store), "year", fsm)
        frame = rounded(report_frame(store, args.report, period, args.by, settings, args.scope))
    finally:
        store.close()
    if args.format == "json":
        json.dump(frame.to_dicts(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(frame.write_csv())
    return EXIT_OK
