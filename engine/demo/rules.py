"""The demo company's assignment rules: the rule set a sales-ops team would have written for it.

- an override naming the strategic accounts (the named-accounts territory's list);
- US healthcare beyond SMB to the industry overlay (priority 10);
- one geographic rule per territory that owns ground, from its countries and states (priority 100);
- deal rules: an open deal above 1M (reporting currency) goes to its region's director.
The rules reproduce the demo's assignment, so a simulation shows only what a real CRM would: the
accounts nobody routed yet, the addresses too empty for any rule, and the big deals.
"""
from __future__ import annotations

import polars as pl

from engine.demo.org import COMPANY_ID, HEALTHCARE_ID, NAMED_ID, TERRITORIES, geo_leaves
from engine.geo import geocoding as geo

BIG_DEAL = 1_000_000


def _quoted(values) -> str:
    return "[" + ", ".join('"' + v.replace('"', '\\"') + '"' for v in values) + "]"


def _geo_expression(areas, state_names: dict[tuple[str, str], str]) -> str:
    whole = [a.iso2 for a in areas if a.states is None and not a.exclude_states]
    parts = []
    for area in areas:
        if area.states is None:
            continue
        # US accounts carry the state code, others the state's name (as an import of a CRM would).
        states = list(area.states) if area.iso2 == "US" else [state_names[(area.iso2, s)] for s in area.states]
        parts.append(f'country == "{area.iso2}" and state in {_quoted(states)}')
    if whole:
        parts.append(f'country == "{whole[0]}"' if len(whole) == 1 else f"country in {_quoted(whole)}")
    return parts[0] if len(parts) == 1 else " or ".join(f"({p})" for p in parts)


def build_rules(accounts: pl.DataFrame) -> pl.DataFrame:
    """territory_rules rows for the demo (`accounts` tells which ones are the named accounts)."""
    states = geo.states()
    state_names = dict(zip(zip(states["iso2"], states["state_code"]), states["name"]))
    named = accounts.filter(pl.col("territory_id") == NAMED_ID)["account_id"].sort().to_list()
    rows = [("override", NAMED_ID, 1, f"account_id in {_quoted(named)}", "Strategic accounts (named)"),
            ("account", HEALTHCARE_ID, 10,
             'country == "US" and industry == "Healthcare" and segment in ["Mid-Market", "Enterprise"]',
             "US healthcare beyond SMB")]
    names = {t[0]: t[1] for t in TERRITORIES}
    for territory_id, areas, _ in geo_leaves():
        rows.append(("account", territory_id, 100, _geo_expression(areas, state_names), f"{names[territory_id]} (geo)"))
    for region in (t[0] for t in TERRITORIES if t[2] == COMPANY_ID and t[0] != NAMED_ID):
        rows.append(("deal", region, 10, f'amount > {BIG_DEAL} and region == "{region}"',
                     f"{names[region]}: deals above 1M to the director"))
    return pl.DataFrame({
        "rule_id": [f"R{i + 1:04d}" for i in range(len(rows))], "territory_id": [r[1] for r in rows],
        "priority": pl.Series([r[2] for r in rows], dtype=pl.Int32), "expression": [r[3] for r in rows],
        "active": [True] * len(rows), "kind": [r[0] for r in rows], "name": [r[4] for r in rows],
        "created_by": ["demo"] * len(rows)})
