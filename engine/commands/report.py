"""`python -m engine report shares|attainment|forecast|kpis|health|alerts|receivables`: tables as CSV or JSON.

The columns are the contract of DESIGN.md (fractions as fractions rounded to 4 decimals, money in
the reporting currency rounded to cents); the numbers come from the same engine functions as the
pages, so a report and the screen never disagree.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import polars as pl

from engine.access.viewer_store import viewer_of
from engine.access.visibility import scope_for
from engine.commands import EXIT_OK, add_db_argument, open_store
from engine.metrics.performance import REPORT_COLUMNS, attainment_table, default_period, shares_table
from engine.metrics.periods import parse_period
from engine.metrics.sales_data import as_of_store
from engine.store import Store
from engine.store.errors import TerrainError
from engine.commands.territory import TERRITORY_REPORTS, territory_report
from engine.territories.publish import simulate_live
from engine.store.exports import csv_text

# The assignment reports of the stored rules (engine.territories): orphans = accounts no rule
# matches (with the field that was empty or unexpected); conflicts = ties of equal-priority rules.
RULE_REPORTS = ("orphans", "conflicts")
# as of the as-of day, --period and --by do not apply: health per account, alerts per alert,
# receivables per territory (ageing buckets and DSO, engine/health/receivables.py)
HEALTH_REPORTS = ("health", "alerts", "receivables")
REPORTS = ("shares", "attainment", "forecast", "kpis") + HEALTH_REPORTS + RULE_REPORTS + TERRITORY_REPORTS
BY = ("region", "territory", "rep", "company")
FRACTIONS = {"share", "attainment", "win_rate", "coverage", "projected_attainment", "lead_conversion_rate",
             "lead_to_customer_rate"}
COUNTS = {"won_count", "lost_count", "new_customers", "activities", "open_count"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="print a metric table (shares, attainment, forecast, kpis), customer health (health, "
                       "alerts, receivables), the rules' orphans / conflicts, or a list (duplicates, unowned) as CSV or JSON",
        description="Print a metric table for a period and level. Fractions are fractions (0.2917), "
                    "money is in the reporting currency.")
    parser.add_argument("report", choices=REPORTS)
    add_db_argument(parser)
    parser.add_argument("--period", help="2024 (fiscal year), 2024-Q3 (fiscal quarter) or 2024-07 (month); "
                                         "default: the fiscal quarter containing the as-of date, as the app opens on")
    parser.add_argument("--as-of", metavar="DATE", type=_day,
                        help="the figures as they stood at the end of DATE (YYYY-MM-DD), rebuilt from the "
                             "deals' created and close dates (see docs/as-of.md); default: now")
    parser.add_argument("--by", choices=BY, default="region", help="rows: region (default), territory, rep")
    parser.add_argument("--scope", action="append", metavar="TERRITORY_ID",
                        help="restrict to this territory's subtree (repeatable)")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--parts", action="store_true",
                        help="attainment --by rep: one row per territory a rep carries a target in, then their total")
    parser.set_defaults(handler=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2024-05-31") from None


def report_frame(store: Store, report: str, period, by: str, settings, scope=None, parts: bool = False) -> pl.DataFrame:
    """The table a report prints, with its contract columns, before rounding."""
    if report in TERRITORY_REPORTS:
        return territory_report(store, report)
    if report == "attainment" and parts:
        from engine.metrics.target_parts import rep_attainment_parts

        return rep_attainment_parts(store, period, scope, settings).select(
            pl.col("rep").alias("name"), "territory", "row", "target", "won", "attainment", "gap")
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
    from engine.metrics.lead_kpis import lead_kpi_table

    # The sales KPIs, then the lead, contact and activity-type KPIs of the same rows.
    leads = lead_kpi_table(store, period, by, settings, scope).drop("name")
    return kpi_table(store, period, by, settings, scope).join(leads, on="id", how="left", nulls_equal=True,
                                                              maintain_order="left").drop("id")


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Fractions to 4 decimals, money to cents; text and counts untouched."""
    out = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_float():
            column = column.round(4 if name in FRACTIONS else 2)
        out.append(column)
    return frame.select(out)


def rule_report(store: Store, report: str) -> pl.DataFrame:
    simulation = simulate_live(store)
    return simulation.orphans if report == "orphans" else simulation.ties


def _scope(store, requested):
    """`--scope` as the `--as-user` user may see it; ids outside their territories are named and left out."""
    if not getattr(store, "viewer", None):
        return requested
    choice = scope_for(store.base, store.viewer, requested)
    if choice.refused:
        sys.stderr.write(f"note: {store.viewer.name} does not see {', '.join(choice.refused)}; "
                         "showing their own territories instead.\n")
    return None if choice.scope is None else list(choice.scope)


def run(args, settings) -> int:
    store = open_store(args, settings)
    if args.report in RULE_REPORTS + TERRITORY_REPORTS and not viewer_of(store).sees_everything:
        store.close()  # these lists span every territory: only roles that see the whole company get them
        raise TerrainError(f"{viewer_of(store).name} may not see the {args.report} list: it spans every territory.",
                           hint="Ask an admin or sales ops, or run it without --as-user.")
    if args.report in TERRITORY_REPORTS:
        try:
            frame = territory_report(store, args.report)
        finally:
            store.close()
        return _write(frame, args.format)
    if args.report in RULE_REPORTS:
        try:
            frame = rule_report(store, args.report)
        finally:
            store.close()
        return _write(frame, args.format)
    try:
        view = as_of_store(store, args.as_of)
        fsm = settings.fiscal_year_start_month
        period = parse_period(args.period, fsm) if args.period else default_period(view, settings=settings)
        if args.parts and (args.report != "attainment" or args.by != "rep"):
            raise TerrainError("--parts goes with `report attainment --by rep`.",
                               hint="Add --by rep, or leave out --parts.")
        frame = rounded(report_frame(view, args.report, period, args.by, settings, _scope(store, args.scope), args.parts))
    finally:
        store.close()
    return _write(frame, args.format)


def _write(frame: pl.DataFrame, fmt: str) -> int:
    if fmt == "json":
        json.dump(frame.to_dicts(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(csv_text(frame))
    return EXIT_OK
