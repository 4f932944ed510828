"""Top-down target decomposition: a company target split down the territory tree to reps and months.

A planner types one company number; it is split to regions, then territories, then the reps who own
each territory, by a chosen method (even, last fiscal year's won share, trailing-12-month won share,
potential = accounts' annual revenue, or amounts edited by hand). Every split is done in whole cents
with the largest-remainder rule, so children always add up to their parent to the cent. Each leaf is
then split to months by the company's seasonality, and the months roll back up, so the saved
`targets` rows agree at every level and in every month.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import polars as pl

from engine.store.errors import TerrainError
from engine.territories.hierarchy import COMPANY_ID, build_hierarchy
from engine.metrics.periods import Period, add_months
from engine.metrics.result_cache import versioned
from engine.metrics.seasonality import month_weights
from engine.store import Store

METHODS = ("even", "last_year", "trailing_12", "potential", "manual")
NODE_COLUMNS = ("node_id", "parent_node", "depth", "kind", "scope", "scope_id", "name", "weight",
                "share", "amount", "fallback")




class TargetPlanError(TerrainError):
    title = "The target plan cannot be used"


@dataclass(frozen=True)
class TerritoryTree:
    """The territory tree as the planner walks it: regions under the company, reps under leaves.

    A single root territory with children is the company itself (its children are the regions);
    otherwise every root is a region under an implicit company.
    """

    parent: dict[str, str | None]
    names: dict[str, str]
    kids: dict[str | None, list[str]]
    owner_reps: dict[str, list[str]]
    rep_names: dict[str, str]
    company_scope_id: str
    company_name: str

    def children(self, territory: str | None) -> list[str]:
        return self.kids.get(territory, [])

    def owners(self, territory: str) -> list[str]:
        return self.owner_reps.get(territory, [])

    def lineage(self, territory: str | None) -> list[str]:
        """The territory and all its ancestors (unknown ids give an empty list)."""
        out: list[str] = []
        while territory is not None and territory in self.names and territory not in out:
            out.append(territory)
            territory = self.parent.get(territory)
        return out


def load_tree(store: Store) -> TerritoryTree:
    """The tree as engine.territories.hierarchy builds it for the metrics (same root, same regions), plus the
    owner reps of every territory: members with role owner, else the territory's owner_rep_id.
    Read once per data version (`versioned`)."""
    return versioned(store, ("target_tree",), lambda: _load_tree(store))


def _load_tree(store: Store) -> TerritoryTree:
    territories = store.table("territories", ["territory_id", "name", "parent_id", "owner_rep_id"])
    hierarchy = build_hierarchy(territories)
    nodes = hierarchy.nodes.sort("name", "territory_id")
    root_id = hierarchy.id_of(hierarchy.root)
    names = {t: n for t, n in zip(nodes["territory_id"], nodes["name"]) if t != COMPANY_ID}
    parent = {t: (None if p in (None, COMPANY_ID, root_id) else p)
              for t, p in zip(nodes["territory_id"], nodes["parent_id"]) if t in names and t != root_id}
    kids: dict[str | None, list[str]] = {}
    for territory in nodes["territory_id"]:
        if territory in parent:
            kids.setdefault(parent[territory], []).append(territory)
    names = {t: n for t, n in names.items() if t in parent}
    company_scope_id = "company" if root_id == COMPANY_ID else root_id
    company_name = hierarchy.name_of(hierarchy.root)
    members = store.query("SELECT territory_id, rep_id FROM territory_members "
                          "WHERE role IS NULL OR lower(role) = 'owner' ORDER BY territory_id, rep_id")
    owner_reps: dict[str, list[str]] = {}
    for territory, rep in members.iter_rows():
        owner_reps.setdefault(territory, []).append(rep)
    for territory, rep in zip(nodes["territory_id"], nodes["owner_rep_id"]):
        if rep and territory not in owner_reps:
            owner_reps[territory] = [rep]
    reps = store.table("reps", ["rep_id", "name"])
    return TerritoryTree(parent, names, kids, owner_reps, dict(zip(reps["rep_id"], reps["name"])),
                         company_scope_id, company_name)


def split_cents(total: float, weights: list[float]) -> list[float]:
    """Split `total` in proportion to `weights`, in whole cents, summing exactly to `total`.

    Largest remainder: every part gets its floor in cents, the left-over cents go to the largest
    fractional parts, ties to the earlier part, so the same input always gives the same output.
    All-zero weights split evenly (the caller records that as a fallback).
    """
    if total < 0:
        raise TargetPlanError(f"A target of {total:,.2f} is negative.", hint="Enter a target of zero or more.")
    if any(w < 0 for w in weights):
        raise TargetPlanError("A split weight is negative.", hint="Weights must be zero or more.")
    if not weights:
        return []
    exact = [Fraction(w) for w in weights]
    whole = sum(exact)
    if whole == 0:
        exact, whole = [Fraction(1)] * len(weights), Fraction(len(weights))
    cents = round(Fraction(total) * 100)
    quotas = [cents * w / whole for w in exact]
    floors = [q.numerator // q.denominator for q in quotas]
    left = cents - sum(floors)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [f / 100 for f in floors]


def _window(method: str, period: Period, as_of: date) -> tuple[date, date]:
    """last_year: the same period a year earlier; trailing_12: the 12 complete months before the
    as-of month (planning mid-year uses the freshest full year, not the last fiscal year)."""
    if method == "last_year":
        previous = period.last_year()
        return previous.start, previous.end
    end = date(as_of.year, as_of.month, 1)  # trailing 12 complete months before the as-of month
    return add_months(end, -12), end


@dataclass(frozen=True)
class _Evidence:
    """Per-territory and per-(territory, rep) weights for one method."""

    territory: dict[str, float]
    rep: dict[tuple[str, str], float]


def _evidence(store: Store, tree: TerritoryTree, method: str, period: Period, as_of: date) -> _Evidence:
    if method in ("even", "manual"):
        return _Evidence({}, {})
    # Read and summed once per data version: the page asks again on every rerun.
    window = _window(method, period, as_of) if method != "potential" else None
    return versioned(store, ("target_evidence", method, window), lambda: _read_evidence(store, tree, method, period, as_of))


def _read_evidence(store: Store, tree: TerritoryTree, method: str, period: Period, as_of: date) -> _Evidence:
    if method == "potential":
        rows = store.table("accounts", ["territory_id", "owner_rep_id", "annual_revenue"]).rename(
            {"owner_rep_id": "rep_id", "annual_revenue": "value"})
    elif method in ("last_year", "trailing_12"):
        start, end = _window(method, period, as_of)
        rows = store.query(
            "SELECT territory_id, owner_rep_id AS rep_id, amount_rc AS value FROM deals "
            "WHERE status = 'won' AND close_date >= ? AND close_date < ?", [start, end])
    else:
        raise TargetPlanError(f"Unknown split method '{method}'.", hint=f"Use one of: {', '.join(METHODS)}.")
    rows = rows.with_columns(pl.col("value").fill_null(0.0).clip(lower_bound=0.0))
    by_rep = rows.group_by("territory_id", "rep_id").agg(pl.col("value").sum())
    by_territory = {tid: 0.0 for tid in tree.names}
    for tid, value in rows.group_by("territory_id").agg(pl.col("value").sum()).iter_rows():
        for ancestor in tree.lineage(tid):
            by_territory[ancestor] = by_territory.get(ancestor, 0.0) + value
    return _Evidence(by_territory, {(t, r): v for t, r, v in by_rep.iter_rows()})


def decompose(store: Store, total: float, period: Period, method: str, *, as_of: date | None = None,
              manual: pl.DataFrame | None = None, root: str | None = None) -> pl.DataFrame:
    """The plan's tree: one row per node (company, each territory, each rep within a leaf territory).

    With `root` (a territory id, as the Overview's drill-down passes it), the plan starts at that
    territory instead of the company: `total` is its target, split to its children the same way.

    Columns: node_id, parent_node, depth (0 = company), kind (company/region/territory/rep),
    scope/scope_id (as in `targets`), name, weight (the method's evidence), share (of the parent),
    amount (in the reporting currency, to the cent) and fallback (True when no child had any
    evidence and the split fell back to even). With `manual`, a frame with node_id and amount,
    the typed amounts are taken as they are (check them with `check_sums`).
    """
    if method not in METHODS:
        raise TargetPlanError(f"Unknown split method '{method}'.", hint=f"Use one of: {', '.join(METHODS)}.")
    tree = load_tree(store)
    evidence = _evidence(store, tree, method, period, as_of or period.start)
    typed = {} if manual is None else dict(manual.select("node_id", "amount").iter_rows())
    if method == "manual" and manual is None:
        raise TargetPlanError("The manual method needs the edited table.", hint="Edit the amounts, then check.")
    rows: list[dict] = []

    def visit(node: str, parent: str | None, depth: int, kind: str, scope: str, scope_id: str, name: str,
              weight: float, share: float, amount: float, fallback: bool) -> None:
        rows.append(dict(zip(NODE_COLUMNS, (node, parent, depth, kind, scope, scope_id, name, weight,
                                            share, amount, fallback))))
        children = _children(tree, node, kind)
        if not children:
            return
        if method == "manual":
            amounts = [float(typed.get(child[0], 0.0) or 0.0) for child in children]
            weights, fell_back = amounts, False
        else:
            weights = [_weight(evidence, tree, method, child) for child in children]
            fell_back = method != "even" and sum(weights) == 0
            amounts = split_cents(amount, weights)
        for (child_node, child_kind, child_scope, child_id, child_name), w, a in zip(children, weights, amounts):
            visit(child_node, node, depth + 1, child_kind, child_scope, child_id, child_name, w,
                  a / amount if amount else 0.0, a, fell_back)

    if root is not None and root not in tree.names:
        raise TargetPlanError(f"There is no territory '{root}' to split a target for.",
                              hint="Pick a territory that exists, or plan for the whole company.")
    top = COMPANY_ID if root is None else root
    top_amount = split_cents(float(typed.get(top, total)) if method == "manual" else total, [1.0])[0]
    if root is None:
        visit(COMPANY_ID, None, 0, "company", "company", tree.company_scope_id, tree.company_name, 1.0, 1.0,
              top_amount, False)
    else:
        visit(root, None, 0, "region" if tree.parent.get(root) is None else "territory", "territory", root,
              tree.names[root], 1.0, 1.0, top_amount, False)
    return pl.DataFrame(rows, schema={
        "node_id": pl.String, "parent_node": pl.String, "depth": pl.Int32, "kind": pl.String,
        "scope": pl.String, "scope_id": pl.String, "name": pl.String, "weight": pl.Float64,
        "share": pl.Float64, "amount": pl.Float64, "fallback": pl.Boolean})


def _children(tree: TerritoryTree, node: str, kind: str) -> list[tuple[str, str, str, str, str]]:
    """(node_id, kind, scope, scope_id, name) of a node's children in the plan."""
    if kind == "rep":
        return []
    territory = None if node == COMPANY_ID else node
    below = tree.children(territory)
    if below:
        child_kind = "region" if territory is None else "territory"
        return [(t, child_kind, "territory", t, tree.names[t]) for t in below]
    if territory is None:
        return []
    return [(f"{territory}/{rep}", "rep", "rep", rep, tree.rep_names.get(rep, rep))
            for rep in tree.owners(territory)]


def _weight(evidence: _Evidence, tree: TerritoryTree, method: str, child: tuple) -> float:
    node, kind, _, scope_id, _ = child
    if method == "even":
        return 1.0
    if kind == "rep":
        return evidence.rep.get((node.rsplit("/", 1)[0], scope_id), 0.0)
    return evidence.territory.get(scope_id, 0.0)


def check_sums(nodes: pl.DataFrame) -> pl.DataFrame:
    """Every parent against the sum of its children, in cents.

    Columns: node_id, name, amount, children_sum, difference (amount − children_sum), ok.
    """
    sums = (nodes.filter(pl.col("parent_node").is_not_null())
            .group_by("parent_node").agg(((pl.col("amount") * 100).round(0).sum() / 100).alias("children_sum")))
    return (nodes.join(sums, left_on="node_id", right_on="parent_node", how="inner")
            .select("node_id", "name", "amount", "children_sum",
                    ((pl.col("amount") * 100).round(0) / 100 - pl.col("children_sum")).round(2).alias("difference"))
            .with_columns((pl.col("difference") == 0).alias("ok"))
            .sort("node_id"))


def monthly_targets(nodes: pl.DataFrame, weights: pl.DataFrame) -> pl.DataFrame:
    """The `targets` rows of a plan: each leaf split to months by `weights` (columns period_start,
    weight), then summed up the tree so every level agrees month by month.

    Columns: scope, scope_id, period_start, amount.
    """
    months = weights["period_start"].to_list()
    month_weights_ = weights["weight"].to_list()
    parents = dict(zip(nodes["node_id"], nodes["parent_node"]))
    keys = {row["node_id"]: (row["scope"], row["scope_id"]) for row in nodes.iter_rows(named=True)}
    has_children = set(nodes["parent_node"].drop_nulls())
    totals: dict[tuple[str, str, date], int] = {}
    for node, amount in nodes.select("node_id", "amount").iter_rows():
        if node in has_children:
            continue
        for month, part in zip(months, split_cents(amount, month_weights_)):
            cursor: str | None = node
            while cursor is not None:
                key = (*keys[cursor], month)
                totals[key] = totals.get(key, 0) + round(part * 100)
                cursor = parents[cursor]
    frame = pl.DataFrame(
        [(scope, scope_id, month, cents / 100) for (scope, scope_id, month), cents in totals.items()],
        schema={"scope": pl.String, "scope_id": pl.String, "period_start": pl.Date, "amount": pl.Float64},
        orient="row")
    # A rep in two territories carries both parts.
    return frame.group_by("scope", "scope_id", "period_start").agg(pl.col("amount").sum().round(2)).sort(
        "scope", "scope_id", "period_start")


def plan(store: Store, total: float, period: Period, method: str, *, as_of: date | None = None,
         manual: pl.DataFrame | None = None, seasonality_years: int = 3) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`decompose` plus `monthly_targets` with the seasonality of past years: (nodes, monthly)."""
    nodes = decompose(store, total, period, method, as_of=as_of, manual=manual)
    weights = month_weights(store, period, years=seasonality_years)
    return nodes, monthly_targets(nodes, weights)
