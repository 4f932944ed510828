"""Auto-balance: redraw territories so a chosen metric is within ±tolerance of the mean everywhere,
moving as few accounts and adding as little travel as possible.

Accounts are grouped into units (postal code, city, state, or single accounts; see
`engine.planner.balance.units`). A deterministic local search finds a plan within tolerance
(`engine.planner.balance.search`); HiGHS then minimises the accounts moved and the travel added, starting
from that plan (`engine.planner.balance.mip`). Locked territories neither give nor take accounts and are left
out of the mean; locked accounts stay where they are, with the whole unit they sit in. With
contiguity, a territory's units never split into more connected pieces than they had and a unit
only ever joins a territory it touches.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from engine.planner.balance.mip import solve_mip
from engine.planner.balance.search import Problem, loads_of, local_search
from engine.planner.balance.units import UNIT_KINDS, Pieces, build_pieces, territory_components
from engine.store.errors import TerrainError

# Metric name → the per-account column that carries it ("accounts" counts accounts).
METRICS: dict[str, str] = {
    "accounts": "accounts", "won": "won", "pipeline": "pipeline", "potential": "potential",
    "workload": "activities", "activities": "activities", "visit_hours": "visit_hours",
}
Progress = Callable[[str, int, int], None]  # (stage, done, total): what a caller may show while it runs
TRADEOFF_TOLERANCES: tuple[float, ...] = (0.30, 0.20, 0.15, 0.10, 0.075, 0.05, 0.03, 0.02)
MAX_PIECES = 20_000


class BalanceError(TerrainError):
    title = "Auto-balance could not run"


class InfeasibleBalance(BalanceError):
    """No plan within tolerance exists under the locks and units given (or none was found in time);
    `best_deviation` is the largest deviation from the mean the best plan found still has."""

    title = "No plan meets the tolerance"

    def __init__(self, message: str, *, hint: str = "", best_deviation: float | None = None,
                 outside: tuple[tuple[str, float], ...] = ()) -> None:
        super().__init__(message, hint=hint)
        self.best_deviation = best_deviation
        self.outside = outside  # (territory_id, deviation from the mean) of the best plan, worst first


@dataclass(frozen=True)
class BalanceRequest:
    """What to balance and under which constraints. `travel_weight` λ: a move that adds the
    typical account's travel distance counts as 1 + λ accounts moved."""

    metrics: tuple[str, ...] = ("accounts",)
    tolerance: float = 0.05
    locked_territories: frozenset[str] = frozenset()
    locked_accounts: frozenset[str] = frozenset()
    contiguous: bool = False
    unit: str = "postal_code"
    travel_weight: float = 1.0
    time_limit: float = 8.0
    territories: frozenset[str] | None = None  # the territories taking part; None = all given

    def check(self) -> None:
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown or not self.metrics:
            raise BalanceError(f"Unknown metric(s) to balance: {', '.join(unknown) or 'none given'}.",
                               hint=f"Choose from {', '.join(METRICS)}.")
        if not 0 < self.tolerance < 1:
            raise BalanceError(f"The tolerance {self.tolerance} is not a fraction between 0 and 1.",
                               hint="Give e.g. 0.05 for ±5%.")
        if self.unit not in UNIT_KINDS:
            raise BalanceError(f"'{self.unit}' is not a unit to move.", hint=f"Use {', '.join(UNIT_KINDS)}.")


@dataclass(frozen=True)
class BalanceResult:
    """A balanced plan.

    - `moves`: account_id, from_territory_id, to_territory_id — one row per account that changes.
    - `loads`: territory_id, metric, before, after, target, deviation_before, deviation_after, locked —
      deviations are fractions of the target (the mean over open territories).
    """

    request: BalanceRequest
    moves: pl.DataFrame
    loads: pl.DataFrame
    accounts_moved: int
    units_moved: int
    added_travel_km: float
    max_deviation_before: float
    max_deviation_after: float
    method: str
    seconds: float
    components_before: dict[str, int] = field(default_factory=dict)
    components_after: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BalanceInput:
    """Per-account input: account_id, territory_id, lat, lon, country, state, city, postal_code and one
    column per metric of METRICS' values; `homes`: territory_id, home_lat, home_lon for every territory
    that takes part (a territory missing here neither gives nor takes accounts)."""

    accounts: pl.DataFrame
    homes: pl.DataFrame


def _problem(data: BalanceInput, request: BalanceRequest) -> Problem:
    homes = data.homes if request.territories is None else \
        data.homes.filter(pl.col("territory_id").is_in(list(request.territories)))
    data = BalanceInput(data.accounts, homes)
    accounts = data.accounts.filter(pl.col("territory_id").is_in(data.homes["territory_id"].implode()))
    columns = [METRICS[m] for m in request.metrics]
    frame = accounts.with_columns(
        value=pl.lit(1.0) if columns[0] == "accounts" else pl.col(columns[0]).cast(pl.Float64),
        locked=pl.col("account_id").is_in(list(request.locked_accounts))
        | pl.col("territory_id").is_in(list(request.locked_territories)))
    pieces = build_pieces(frame, data.homes, unit=request.unit)
    if pieces.size > MAX_PIECES:
        raise BalanceError(f"{pieces.size:,} {request.unit} units are too many to balance at once.",
                           hint="Balance by city or state, or lock the territories you are not redrawing.")
    values = _piece_values(frame, pieces, columns)
    open_territory = np.array([t not in request.locked_territories for t in pieces.territories])
    if open_territory.sum() < 2:
        raise BalanceError("Fewer than two territories are open to change.",
                           hint="Unlock at least two territories.")
    loads = np.zeros((len(pieces.territories), values.shape[1]))
    np.add.at(loads, pieces.territory, values)
    mean = loads[open_territory].mean(axis=0)
    if np.any(mean <= 0):
        empty = [m for m, v in zip(request.metrics, mean) if v <= 0]
        raise BalanceError(f"There is nothing to balance: {', '.join(empty)} is zero in every open territory.",
                           hint="Choose another metric, or import the deals and activities it needs.")
    target = np.where(open_territory[:, None], mean[None, :], 1.0)
    low = np.where(open_territory[:, None], target * (1 - request.tolerance), -np.inf)
    high = np.where(open_territory[:, None], target * (1 + request.tolerance), np.inf)
    current = pieces.distance_km[np.arange(pieces.size), pieces.territory]
    scale = float(np.median(current)) if pieces.size else 1.0
    return Problem(pieces=pieces, values=values, low=low, high=high, target=target,
                   movable=~pieces.fixed & open_territory[pieces.territory], open_territory=open_territory,
                   travel_weight=request.travel_weight, travel_scale_km=max(scale, 1.0),
                   contiguous=request.contiguous)


def _piece_values(frame: pl.DataFrame, pieces: Pieces, columns: list[str]) -> np.ndarray:
    joined = frame.join(pieces.account_piece, on="account_id")
    sums = joined.group_by("piece").agg(
        [(pl.len().cast(pl.Float64) if c == "accounts" else pl.col(c).cast(pl.Float64).fill_null(0.0).sum())
         .alias(f"m{i}") for i, c in enumerate(columns)]).sort("piece")
    return sums.select([f"m{i}" for i in range(len(columns))]).to_numpy().astype(float).reshape(pieces.size, -1)


def _deviation(problem: Problem, loads: np.ndarray) -> float:
    open_rows = problem.open_territory
    return float(np.max(np.abs(loads[open_rows] / problem.target[open_rows] - 1.0)))


def _within(problem: Problem, assignment: np.ndarray) -> bool:
    loads = loads_of(problem, assignment)
    slack = 1e-7 * np.abs(problem.target)
    return bool(np.all(loads >= problem.low - slack) and np.all(loads <= problem.high + slack))


def _keeps_shape(problem: Problem, assignment: np.ndarray) -> bool:
    """No territory ends in more connected pieces than it started with."""
    before = territory_components(problem.pieces, problem.pieces.territory)
    after = territory_components(problem.pieces, assignment)
    return all(after[name] <= before[name] for name in before)


def solve(problem: Problem, request: BalanceRequest, on_step: Progress | None = None) -> tuple[np.ndarray, str]:
    """Local search; HiGHS (LP, then the split pieces exactly, or the LP rounded and repaired by the
    local search); the cheapest plan within tolerance wins. Returns (assignment, method)."""
    step = on_step or (lambda stage, done, total: None)
    step("search", 1, 3)
    searched = local_search(problem)
    step("optimise", 2, 3)
    outcome = solve_mip(problem, searched, time_limit=request.time_limit)
    candidates = []
    if outcome.assignment is not None:
        proposal, method = outcome.assignment, f"HiGHS ({outcome.status})"
        if outcome.status == "rounded":
            proposal, method = local_search(problem, start=proposal), "HiGHS LP + local search"
        if _within(problem, proposal) and (not request.contiguous or _keeps_shape(problem, proposal)):
            candidates.append((proposal, method))
    if _within(problem, searched):
        candidates.append((searched, "local search"))
    if not candidates:
        loads = loads_of(problem, searched)
        best = _deviation(problem, loads)
        deviation = loads[:, 0] / problem.target[:, 0] - 1
        outside = tuple((problem.pieces.territories[t], float(deviation[t]))
                        for t in np.argsort(-np.abs(deviation), kind="stable") if problem.open_territory[t]
                        and abs(deviation[t]) > request.tolerance)
        raise InfeasibleBalance(
            f"No plan keeps every open territory within ±{request.tolerance:.1%} of the mean "
            f"(the best found is off by {best:.1%}; still outside: "
            f"{', '.join(f'{t} {d:+.0%}' for t, d in outside[:5])}).",
            hint="Raise the tolerance, use smaller units (postal code or account), unlock territories "
                 "or accounts, or drop contiguity.", best_deviation=best, outside=outside)
    origin = problem.pieces.territory
    cost = [float(problem.move_cost(np.flatnonzero(a != origin), a[a != origin]).sum()) for a, _ in candidates]
    return candidates[int(np.argmin(cost))]


def auto_balance(data: BalanceInput, request: BalanceRequest, on_step: Progress | None = None) -> BalanceResult:
    """Balance `data` under `request`; raises InfeasibleBalance when no plan meets the tolerance.
    `on_step(stage, done, total)` hears of each stage: units, search, optimise."""
    request.check()
    started = time.perf_counter()
    if on_step:
        on_step("units", 0, 3)
    problem = _problem(data, request)
    assignment, method = solve(problem, request, on_step)
    return _result(problem, request, assignment, method, time.perf_counter() - started)


def _result(problem: Problem, request: BalanceRequest, assignment: np.ndarray, method: str,
            seconds: float) -> BalanceResult:
    pieces = problem.pieces
    names = np.array(pieces.territories, dtype=object)
    moved = np.flatnonzero(assignment != pieces.territory)
    piece_moves = pl.DataFrame({"piece": moved.astype(np.int64),
                                "from_territory_id": names[pieces.territory[moved]].tolist(),
                                "to_territory_id": names[assignment[moved]].tolist()},
                               schema={"piece": pl.Int64, "from_territory_id": pl.String,
                                       "to_territory_id": pl.String})
    moves = (pieces.account_piece.join(piece_moves, on="piece")
             .select("account_id", "from_territory_id", "to_territory_id").sort("account_id"))
    before, after = loads_of(problem, pieces.territory), loads_of(problem, assignment)
    added = pieces.accounts[moved] * (pieces.distance_km[moved, assignment[moved]]
                                      - pieces.distance_km[moved, pieces.territory[moved]])
    rows = []
    for m, metric in enumerate(request.metrics):
        for t, territory in enumerate(pieces.territories):
            is_open = bool(problem.open_territory[t])
            target = float(problem.target[t, m]) if is_open else None
            rows.append({"territory_id": territory, "metric": metric, "before": float(before[t, m]),
                         "after": float(after[t, m]), "target": target,
                         "deviation_before": before[t, m] / target - 1 if target else None,
                         "deviation_after": after[t, m] / target - 1 if target else None,
                         "locked": not is_open})
    return BalanceResult(
        request=request, moves=moves, loads=pl.DataFrame(rows), accounts_moved=moves.height,
        units_moved=int(moved.size), added_travel_km=float(added.sum()),
        max_deviation_before=_deviation(problem, before), max_deviation_after=_deviation(problem, after),
        method=method, seconds=seconds,
        components_before=territory_components(pieces, pieces.territory) if request.contiguous else {},
        components_after=territory_components(pieces, assignment) if request.contiguous else {})


def tradeoff_curve(data: BalanceInput, request: BalanceRequest,
                   tolerances: tuple[float, ...] = TRADEOFF_TOLERANCES, on_step: Progress | None = None,
                   raise_when_none: bool = False) -> tuple[pl.DataFrame, dict[float, BalanceResult]]:
    """Balance at each tolerance; returns the curve (tolerance, feasible, accounts_moved,
    max_deviation, added_travel_km, seconds) and the plan behind each feasible point.
    `on_step("tolerance", done, total)` hears of each point; with `raise_when_none`, no plan at
    any tolerance raises the loosest tolerance's InfeasibleBalance."""
    request.check()
    plans: dict[float, BalanceResult] = {}
    rows = []
    per_point = max(1.0, request.time_limit / max(1, len(tolerances)))
    loosest: InfeasibleBalance | None = None
    ordered = sorted(set(tolerances), reverse=True)
    for done, tolerance in enumerate(ordered):
        if on_step:
            on_step("tolerance", done, len(ordered))
        point = replace(request, tolerance=tolerance, time_limit=per_point)
        try:
            result = auto_balance(data, point)
        except InfeasibleBalance as error:
            loosest = loosest or error
            rows.append({"tolerance": tolerance, "feasible": False, "accounts_moved": None,
                         "max_deviation": error.best_deviation, "added_travel_km": None, "seconds": None})
            continue
        plans[tolerance] = result
        rows.append({"tolerance": tolerance, "feasible": True, "accounts_moved": result.accounts_moved,
                     "max_deviation": result.max_deviation_after,
                     "added_travel_km": result.added_travel_km, "seconds": result.seconds})
    if raise_when_none and not plans and loosest is not None:
        raise loosest
    curve = pl.DataFrame(rows, schema={"tolerance": pl.Float64, "feasible": pl.Boolean,
                                       "accounts_moved": pl.Int64, "max_deviation": pl.Float64,
                                       "added_travel_km": pl.Float64, "seconds": pl.Float64})
    return curve, plans
