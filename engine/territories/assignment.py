"""Simulating the rules: what they would do to every account and open deal, before anything changes.

Pure: frames in, a `Simulation` out. An account goes to the territory of its deciding rule
(overrides first, then the lowest priority that matches; see `matching.decide`); an account no
rule matches is an *orphan* and keeps what it has. When an account changes territory its owner
becomes the new territory's owner rep. An open deal follows its account unless a deal rule sends
it elsewhere; won and lost deals are history and stay where they were booked. Won revenue is what
each account's deals won in the 12 months before `as_of`, in the reporting currency (`amount_rc`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from engine.territories.compile import ACCOUNT_FIELDS, DEAL_FIELDS, DEAL_SOURCES
from engine.territories.hierarchy import build_hierarchy
from engine.territories.matching import ROW, decide, explain_misses, match_table
from engine.territories.rules import RuleSet

UNASSIGNED = "Unassigned"


@dataclass(frozen=True)
class Simulation:
    """The outcome of a rule run. Frames (columns):
    - `accounts`: account_id, name, territory_before, territory_after, rep_before, rep_after, rule_id, won
      (rule_id = the deciding rule, empty for orphans)
    - `territories`: territory_id, name, accounts_before, accounts_after, won_before, won_after
      (one row per territory holding accounts before or after; territory_id empty = Unassigned)
    - `changes`: account_id, name, from_territory, from_name, to_territory, to_name, from_rep, to_rep, rule_id, won
    - `orphans`: account_id, name, territory_id, field, value, reason (empty / unexpected / combination)
    - `ties`: account_id, name, rule_ids, territory_ids, winner_rule_id (one row per tied account)
    - `dead_rules`: rule_id, kind, territory_id, priority, expression (active rules matching nothing)
    - `rule_counts`: rule_id, kind, matches, decides
    - `deals`: deal_id, account_id, name, amount, territory_before, territory_after, rep_before, rep_after,
      rule_id (open deals whose territory or owner would change; rule_id names the deal rule, empty when
      the deal only follows its account)
    - `deal_moves`: the deals of `deals` that a deal rule sends away from their account's territory."""

    as_of: date
    accounts: pl.DataFrame
    territories: pl.DataFrame
    changes: pl.DataFrame
    orphans: pl.DataFrame
    ties: pl.DataFrame
    dead_rules: pl.DataFrame
    rule_counts: pl.DataFrame
    deals: pl.DataFrame
    deal_moves: pl.DataFrame


def default_as_of(deals: pl.DataFrame, today: date | None = None) -> date:
    """Today, or the day after the last won deal when the data ends more than a year earlier (an
    old export still shows its last year). The planner uses the same definition."""
    today = today or date.today()
    last = deals.select(pl.col("close_date").filter(pl.col("status") == "won").max()).item()  # no frame copy
    if last is None:
        return today
    return today if last >= today - timedelta(days=365) else last + timedelta(days=1)


def simulate(accounts: pl.DataFrame, deals: pl.DataFrame, territories: pl.DataFrame, rules: RuleSet,
             *, as_of: date | None = None) -> Simulation:
    """Run `rules` over `accounts` (the accounts table's columns) and the open `deals`."""
    as_of = as_of or default_as_of(deals)
    names = territories.select("territory_id", "name")
    owners = territories.select("territory_id", pl.col("owner_rep_id").alias("_owner"))
    account_rules, account_compiled = rules.of_kind("account", "override")
    matches = match_table(accounts, ACCOUNT_FIELDS, account_compiled)
    decided = decide(matches, account_rules)
    won = _trailing_won(deals, as_of)
    base = accounts.select("account_id", "name", pl.col("territory_id").alias("territory_before"),
                           pl.col("owner_rep_id").alias("rep_before")).with_row_index(ROW)
    assigned = (base.join(decided.select(ROW, "rule_id", pl.col("territory_id").alias("_decided")), on=ROW,
                          how="left", maintain_order="left")
                .join(owners, left_on="_decided", right_on="territory_id", how="left", maintain_order="left")
                .join(won, on="account_id", how="left", maintain_order="left"))
    moved = pl.col("_decided").is_not_null() & pl.col("_decided").ne_missing(pl.col("territory_before"))
    assigned = assigned.with_columns(
        pl.coalesce("_decided", "territory_before").alias("territory_after"),
        pl.when(moved).then(pl.col("_owner")).otherwise(pl.col("rep_before")).alias("rep_after"),
        pl.col("won").fill_null(0.0))
    table = assigned.select("account_id", "name", "territory_before", "territory_after", "rep_before",
                            "rep_after", "rule_id", "won")

    changes = (table.filter(pl.col("territory_after").ne_missing(pl.col("territory_before"))
                            | pl.col("rep_after").ne_missing(pl.col("rep_before")))
               .join(names.rename({"territory_id": "territory_before", "name": "from_name"}), on="territory_before",
                     how="left", maintain_order="left")
               .join(names.rename({"territory_id": "territory_after", "name": "to_name"}), on="territory_after",
                     how="left", maintain_order="left")
               .select("account_id", "name", pl.col("territory_before").alias("from_territory"), "from_name",
                       pl.col("territory_after").alias("to_territory"), "to_name",
                       pl.col("rep_before").alias("from_rep"), pl.col("rep_after").alias("to_rep"), "rule_id", "won"))

    orphan_rows = assigned.filter(pl.col("rule_id").is_null())
    reasons = explain_misses(accounts[orphan_rows[ROW]], ACCOUNT_FIELDS, account_compiled)
    orphans = pl.concat([orphan_rows.select("account_id", "name", pl.col("territory_before").alias("territory_id")),
                         reasons], how="horizontal")
    tied = decided.filter("tied").join(base.select(ROW, "account_id", "name"), on=ROW).sort(ROW)
    ties = tied.select("account_id", "name", pl.col("tie_rules").list.join(", ").alias("rule_ids"),
                       pl.col("tie_territories").list.join(", ").alias("territory_ids"),
                       pl.col("rule_id").alias("winner_rule_id"))

    deal_table, deal_matches, deal_decided = _route_deals(deals, accounts, table, territories, rules)
    counts = _rule_counts(rules, ((matches, decided), (deal_matches, deal_decided)))
    dead = counts.filter(pl.col("matches") == 0).join(rules.frame.select("rule_id", "territory_id", "priority",
                                                                         "expression"), on="rule_id")
    return Simulation(
        as_of=as_of, accounts=table, territories=_per_territory(table, names), changes=changes,
        orphans=orphans, ties=ties,
        dead_rules=dead.select("rule_id", "kind", "territory_id", "priority", "expression"), rule_counts=counts,
        deals=deal_table,
        deal_moves=deal_table.filter(pl.col("rule_id").is_not_null()
                                     & pl.col("territory_after").ne_missing(pl.col("account_territory")))
        .drop("account_territory"))


def _trailing_won(deals: pl.DataFrame, as_of: date) -> pl.DataFrame:
    start = as_of.replace(year=as_of.year - 1) if not (as_of.month == 2 and as_of.day == 29) \
        else as_of.replace(year=as_of.year - 1, day=28)
    return (deals.select("account_id", "amount_rc", "status", "close_date")  # filter these columns only
            .filter((pl.col("status") == "won") & (pl.col("close_date") >= start) & (pl.col("close_date") < as_of))
            .group_by("account_id").agg(pl.col("amount_rc").sum().alias("won")))


def _per_territory(table: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    before = table.group_by(pl.col("territory_before").alias("territory_id")).agg(
        pl.len().alias("accounts_before"), pl.col("won").sum().alias("won_before"))
    after = table.group_by(pl.col("territory_after").alias("territory_id")).agg(
        pl.len().alias("accounts_after"), pl.col("won").sum().alias("won_after"))
    joined = before.join(after, on="territory_id", how="full", coalesce=True, nulls_equal=True)
    return (joined.join(names, on="territory_id", how="left")
            .with_columns(pl.col("name").fill_null(pl.coalesce("territory_id", pl.lit(UNASSIGNED))),
                          pl.col("accounts_before", "accounts_after").fill_null(0).cast(pl.Int64),
                          pl.col("won_before", "won_after").fill_null(0.0))
            .select("territory_id", "name", "accounts_before", "accounts_after", "won_before", "won_after")
            .sort(pl.col("territory_id").is_null(), "name", "territory_id"))


# The fields a deal rule may read beyond those every deal carries, by the table they come from.
_DEAL_OWN = {f: c for f, (table, c) in DEAL_SOURCES.items()
             if table == "deals" and f not in ("deal_id", "account_id", "name", "owner_rep_id", "amount")}
_ACCOUNT_CONTEXT = {f: c for f, (table, c) in DEAL_SOURCES.items() if table == "accounts"}


def _route_deals(deals: pl.DataFrame, accounts: pl.DataFrame, table: pl.DataFrame, territories: pl.DataFrame,
                 rules: RuleSet) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Open deals whose territory or owner the run would change, the deal rules' match table, and
    the deciding deal rule of each matched deal."""
    regions = _regions(territories)
    deal_rules, deal_compiled = rules.of_kind("deal")
    read = set().union(*(c.fields for c in deal_compiled)) if deal_compiled else set()
    # `table` is `accounts` row for row: the account fields the deal rules read sit beside it
    # without a join, and only those are carried to the deals.
    context = pl.concat([
        table.select("account_id", pl.col("territory_after").alias("account_territory"),
                     pl.col("rep_after").alias("_account_rep")),
        accounts.select([pl.col(_ACCOUNT_CONTEXT[field]).alias(field) for field in _ACCOUNT_CONTEXT
                         if field in read and _ACCOUNT_CONTEXT[field] in accounts.columns])],
        how="horizontal")  # a field the accounts lack is empty for `prepare`
    own = {"amount": "amount_rc", "territory_before": "territory_id"} | {
        field: _DEAL_OWN[field] for field in _DEAL_OWN if field in read}
    frame = (deals.select("deal_id", "account_id", "name", "owner_rep_id", "status",
                          *[pl.col(column).alias(field) for field, column in own.items() if field != "status"])
             .filter(pl.col("status") == "open")  # the open deals, of the columns carried only
             .join(context, on="account_id", how="left", maintain_order="left")
             .join(regions, on="account_territory", how="left", maintain_order="left"))
    matches = match_table(frame, DEAL_FIELDS, deal_compiled)
    decided = decide(matches, deal_rules).select(ROW, "rule_id", pl.col("territory_id").alias("_rule_territory"))
    owners = territories.select(pl.col("territory_id").alias("_rule_territory"), pl.col("owner_rep_id").alias("_owner"))
    routed = (frame.with_row_index(ROW).join(decided, on=ROW, how="left", maintain_order="left")
              .join(owners, on="_rule_territory", how="left", maintain_order="left")
              .with_columns(pl.coalesce("_rule_territory", "account_territory").alias("territory_after"),
                            pl.when(pl.col("_rule_territory").is_not_null()).then(pl.col("_owner"))
                            .otherwise(pl.col("_account_rep")).alias("rep_after")))
    changed = routed.filter(pl.col("territory_after").ne_missing(pl.col("territory_before"))
                            | pl.col("rep_after").ne_missing(pl.col("owner_rep_id")))
    return changed.select("deal_id", "account_id", "name", "amount", "territory_before", "territory_after",
                          pl.col("owner_rep_id").alias("rep_before"), "rep_after", "rule_id",
                          "account_territory"), matches, decided


def _regions(territories: pl.DataFrame) -> pl.DataFrame:
    """account_territory → region (id) and region_name, from the tree."""
    if territories.is_empty():
        return pl.DataFrame(schema={"account_territory": pl.String, "region": pl.String, "region_name": pl.String})
    nodes = build_hierarchy(territories).nodes
    region = nodes.select("node", pl.col("territory_id").alias("region"), pl.col("name").alias("region_name"))
    return nodes.select(pl.col("territory_id").alias("account_territory"), pl.col("region_node").alias("node")).join(
        region, on="node", how="left").select("account_territory", "region", "region_name")


def _rule_counts(rules: RuleSet, tables) -> pl.DataFrame:
    """rule_id, kind, matches (rows the rule matches), decides (rows it decides), account rules
    first; `tables` holds (match table, decisions) for the account rules, then the deal rules."""
    out = []
    for kinds, (table, won_by) in zip((("account", "override"), ("deal",)), tables):
        frame, _ = rules.of_kind(*kinds)
        ids = frame.select("rule_id", "kind").with_row_index("_rule")
        counted = ids.join(table.group_by("_rule").agg(pl.len().alias("matches")), on="_rule", how="left")
        wins = won_by.group_by("rule_id").agg(pl.len().alias("decides"))
        out.append(counted.join(wins, on="rule_id", how="left").select(
            "rule_id", "kind", pl.col("matches").fill_null(0).cast(pl.Int64),
            pl.col("decides").fill_null(0).cast(pl.Int64)))
    return pl.concat(out)
