"""The auto-balance as a mixed-integer programme, solved by HiGHS.

x[p, t] = 1 when piece p ends in territory t, for t in a short candidate list per piece (its own
territory, the territories it touches, the nearest home bases, and wherever the local search put
it). Each piece lands exactly once; every open territory's load of every balanced metric stays in
[low, high]; the objective is the move cost (accounts moved, weighted by added travel).
An assignment with only a few side rows has an almost integral LP relaxation, so HiGHS first solves
the LP, keeps every piece the LP placed wholly, and solves the handful of split pieces as an exact
MIP. That is fast, and deterministic — no time limit decides the answer (the limit is a safety net);
the LP's cost is a lower bound, so the result's distance from the best possible plan is known.
"""
from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from engine.planner.balance.search import Problem, graph_edges, nearest_homes

MAX_NODES = 2_000


@dataclass(frozen=True)
class MipOutcome:
    assignment: np.ndarray | None
    status: str  # "optimal", "feasible" (a limit stopped it), "rounded" (LP rounded, may break
    # a band: repair it), "infeasible", "no solution"
    objective: float | None
    lower_bound: float | None  # the LP relaxation's cost: no plan can be cheaper


def _candidates(problem: Problem, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique (piece, territory) pairs that may carry a variable."""
    pieces = problem.pieces
    src, dst = graph_edges(pieces)
    near_p, near_t = nearest_homes(problem)
    every = np.arange(pieces.size)
    piece = np.concatenate([every, every, src, src, near_p])
    to = np.concatenate([pieces.territory, start, pieces.territory[dst], start[dst], near_t])
    origin = pieces.territory[piece]
    keep = (to == origin) | (to == start[piece]) | (
        problem.movable[piece] & problem.open_territory[to] & problem.open_territory[origin])
    territories = len(pieces.territories)
    codes = np.unique(piece[keep] * territories + to[keep])
    return codes // territories, codes % territories


def solve_mip(problem: Problem, start: np.ndarray, *, time_limit: float = 8.0,
              max_nodes: int = MAX_NODES) -> MipOutcome:
    """Minimise the move cost subject to the bands; `start` (the local search's piece → territory
    array) widens the candidate lists so the MIP can always at least reproduce it."""
    pieces = problem.pieces
    piece, to = _candidates(problem, start)
    columns = piece.size
    territories, metrics = problem.low.shape
    cost = np.where(to == pieces.territory[piece], 0.0, problem.move_cost(piece, to))

    # Column-wise matrix: column j touches the "lands once" row of its piece and one band row per metric.
    open_index = np.full(territories, -1)
    opened = np.flatnonzero(problem.open_territory)
    open_index[opened] = np.arange(opened.size)
    band_rows = open_index[to]
    per_column = 1 + np.where(band_rows >= 0, metrics, 0)
    starts = np.concatenate([[0], np.cumsum(per_column)]).astype(np.int32)
    indices = np.empty(starts[-1], dtype=np.int32)
    values = np.empty(starts[-1], dtype=float)
    indices[starts[:-1]] = piece
    values[starts[:-1]] = 1.0
    for m in range(metrics):
        has_band = band_rows >= 0
        at = starts[:-1][has_band] + 1 + m
        indices[at] = pieces.size + band_rows[has_band] * metrics + m
        values[at] = problem.values[piece[has_band], m]
    row_low = np.concatenate([np.ones(pieces.size), problem.low[opened].reshape(-1)])
    row_high = np.concatenate([np.ones(pieces.size), problem.high[opened].reshape(-1)])

    highs = highspy.Highs()
    for option, value in (("output_flag", False), ("threads", 1), ("time_limit", float(time_limit)),
                          ("mip_max_nodes", int(max_nodes)), ("mip_rel_gap", 1e-4), ("random_seed", 0)):
        highs.setOptionValue(option, value)
    infinity = highs.getInfinity()
    row_low = np.where(np.isfinite(row_low), row_low, -infinity)
    row_high = np.where(np.isfinite(row_high), row_high, infinity)
    # Phase 1, the LP relaxation: nearly integral for an assignment with few side rows.
    highs.passModel(columns, row_low.size, int(starts[-1]), 1, 1, 0.0, cost,
                    np.zeros(columns), np.ones(columns), row_low, row_high,
                    starts, indices, values, np.zeros(columns, dtype=np.int32))
    highs.run()
    if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        return MipOutcome(None, "infeasible", None, None)
    bound = float(highs.getInfo().objective_function_value)
    relaxed = np.asarray(highs.getSolution().col_value)
    # Phase 2: fix every piece the LP put wholly in one place, solve the few fractional ones exactly.
    settled = np.zeros(pieces.size, dtype=bool)
    settled[piece[relaxed > 1 - 1e-7]] = True
    upper = np.where(settled[piece] & (relaxed <= 1 - 1e-7), 0.0, 1.0)
    lower = np.where(settled[piece] & (relaxed > 1 - 1e-7), 1.0, 0.0)
    every = np.arange(columns, dtype=np.int32)
    highs.changeColsBounds(columns, every, lower, upper)
    highs.changeColsIntegrality(columns, every, np.ones(columns, dtype=np.uint8))
    highs.run()
    outcome = _read(highs, piece, to, pieces.territory, bound)
    if outcome.assignment is not None:
        return outcome
    # The fixing was too greedy (the split pieces alone cannot fit the bands): hand back the LP
    # rounded to each piece's largest share; the caller repairs the few band violations that leaves.
    best = np.lexsort((to, -relaxed, piece))
    first = np.ones(best.size, dtype=bool)
    first[1:] = piece[best][1:] != piece[best][:-1]
    rounded = pieces.territory.copy()
    rounded[piece[best][first]] = to[best][first]
    return MipOutcome(rounded, "rounded", None, bound)


def _read(highs: highspy.Highs, piece: np.ndarray, to: np.ndarray, origin: np.ndarray,
          bound: float) -> MipOutcome:
    status = highs.getModelStatus()
    info = highs.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible or info.primal_solution_status != 2:
        return MipOutcome(None, "infeasible" if status == highspy.HighsModelStatus.kInfeasible
                          else "no solution", None, bound)
    solution = np.asarray(highs.getSolution().col_value)
    assignment = origin.copy()
    picked = solution > 0.5
    assignment[piece[picked]] = to[picked]
    label = "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible"
    return MipOutcome(assignment, label, float(info.objective_function_value), bound)
