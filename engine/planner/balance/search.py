"""Deterministic local search that brings every territory within tolerance of the mean.

Each step moves one piece to a territory it touches (or, without contiguity, also to one of the few
nearest home bases), choosing the move that removes the most out-of-band load per account moved and
per km of added travel. The penalty is the squared distance outside the band, so an overloaded
territory can pass load through an in-band neighbour towards an underloaded one. Every accepted move
strictly lowers the penalty, so the search cannot cycle; ties are broken by piece and territory
index, so the same input always gives the same plan. A final pass takes back every move that is
not needed to stay within tolerance.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.planner.balance.units import Pieces, components

NEAREST_HOMES = 3


@dataclass(frozen=True)
class Problem:
    """The numbers the solvers share: bounds per (territory, metric), costs and which moves are allowed.

    `values` is pieces × metrics; `low`/`high` are territories × metrics (±inf for locked territories);
    `movable` marks pieces that may change territory; `open_territory` marks territories that may
    receive or lose pieces; `travel_scale_km` is the distance at which a move costs double.
    """

    pieces: Pieces
    values: np.ndarray
    low: np.ndarray
    high: np.ndarray
    target: np.ndarray
    movable: np.ndarray
    open_territory: np.ndarray
    travel_weight: float
    travel_scale_km: float
    contiguous: bool

    def move_cost(self, piece: np.ndarray, to: np.ndarray) -> np.ndarray:
        """Accounts moved, weighted up by the travel a move adds (and down, to a floor, by travel saved)."""
        p = self.pieces
        origin = p.territory[piece]
        added = p.distance_km[piece, to] - p.distance_km[piece, origin]
        factor = np.maximum(0.1, 1.0 + self.travel_weight * added / self.travel_scale_km)
        return p.accounts[piece] * factor

    def penalty(self, loads: np.ndarray, territory: np.ndarray | int | None = None) -> np.ndarray:
        """Squared relative distance outside the band (0 when within tolerance), summed over metrics.

        `loads` is territories × metrics when `territory` is None, else rows for those territories."""
        index = slice(None) if territory is None else territory
        low, high, target = self.low[index], self.high[index], self.target[index]
        scale = np.where(target > 0, target, 1.0)
        outside = (np.maximum(0.0, loads - high) + np.maximum(0.0, low - loads)) / scale
        return (outside ** 2).sum(axis=-1)


def loads_of(problem: Problem, assignment: np.ndarray) -> np.ndarray:
    territories = len(problem.pieces.territories)
    loads = np.zeros((territories, problem.values.shape[1]))
    np.add.at(loads, assignment, problem.values)
    return loads


def _candidate_pairs(problem: Problem, assignment: np.ndarray, edges: tuple[np.ndarray, np.ndarray],
                     nearest: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(piece, to-territory) pairs allowed now: touching territories, plus nearest homes if free-form."""
    src, dst = edges
    pieces, to = src, assignment[dst]
    if not problem.contiguous:
        pieces, to = np.concatenate([pieces, nearest[0]]), np.concatenate([to, nearest[1]])
    keep = (problem.movable[pieces] & problem.open_territory[to] & (to != assignment[pieces]))
    territories = len(problem.pieces.territories)
    codes = np.unique(pieces[keep] * territories + to[keep])
    return codes // territories, codes % territories


def graph_edges(pieces: Pieces) -> tuple[np.ndarray, np.ndarray]:
    src = np.repeat(np.arange(pieces.size), [len(n) for n in pieces.neighbours])
    dst = np.concatenate(pieces.neighbours) if pieces.size else np.zeros(0, dtype=np.int64)
    return src.astype(np.int64), dst.astype(np.int64)


def nearest_homes(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    distance = np.where(problem.open_territory[None, :], problem.pieces.distance_km, np.inf)
    take = min(NEAREST_HOMES, distance.shape[1])
    order = np.argsort(distance, axis=1, kind="stable")[:, :take]
    pieces = np.repeat(np.arange(problem.pieces.size), take)
    return pieces, order.reshape(-1)


def _keeps_contiguity(problem: Problem, assignment: np.ndarray, piece: int, to: int) -> bool:
    """Moving `piece` must not split its territory, and must land next to its new territory."""
    neighbours = problem.pieces.neighbours
    if not np.any(assignment[neighbours[piece]] == to) and np.any(assignment == to):
        return False
    source = assignment[piece]
    mask = assignment == source
    before = components(np.flatnonzero(mask), neighbours, mask)
    mask[piece] = False
    after = components(np.flatnonzero(mask), neighbours, mask)
    return after <= before


def narrowed(problem: Problem, factor: float) -> Problem:
    """The same problem aiming at a band `factor` times as wide: the search steers towards the middle
    of the band, so territories just inside it can still pass load on to their neighbours."""
    return replace(problem, low=problem.target - (problem.target - problem.low) * factor,
                   high=problem.target + (problem.high - problem.target) * factor)


def local_search(problem: Problem, *, aim: float = 0.5, max_rounds: int | None = None,
                 start: np.ndarray | None = None) -> np.ndarray:
    """Return a piece → territory assignment; it may still be out of band if the search got stuck.
    It starts from the live assignment, or from `start` (e.g. a rounded LP) to repair that.

    Each round scores every allowed move once, then walks the best few hundred in score order,
    applying each that still lowers the penalty on the loads as they are by then — greedy, but one
    scoring pass per many moves instead of one per move.
    """
    pieces = problem.pieces
    steer = narrowed(problem, aim)
    assignment = (pieces.territory if start is None else start).copy()
    loads = loads_of(problem, assignment)
    edges, nearest = graph_edges(pieces), nearest_homes(problem)
    max_rounds = max_rounds or 4 * max(pieces.size, 10)
    for _ in range(max_rounds):
        if problem.penalty(loads).sum() <= 0:
            break
        piece, to = _candidate_pairs(problem, assignment, edges, nearest)
        if piece.size == 0:
            break
        source = assignment[piece]
        value = problem.values[piece]
        gain = (steer.penalty(loads[source], source) + steer.penalty(loads[to], to)
                - steer.penalty(loads[source] - value, source) - steer.penalty(loads[to] + value, to))
        useful = gain > 1e-12
        if not useful.any():
            break
        piece, to, gain = piece[useful], to[useful], gain[useful]
        score = gain / problem.move_cost(piece, to)
        # best score first; lexsort's last key is primary, so ties fall back to piece then territory
        order = np.lexsort((to, piece, -score))
        moved_now: set[int] = set()
        applied = 0
        for index in order[: max(500, 20 * len(pieces.territories))]:
            p, t = int(piece[index]), int(to[index])
            s = int(assignment[p])
            if p in moved_now:
                continue
            v = problem.values[p]
            # loads may have changed since this round's scores: re-check that the move still helps
            if (steer.penalty(loads[s], s) + steer.penalty(loads[t], t) - steer.penalty(loads[s] - v, s)
                    - steer.penalty(loads[t] + v, t)) <= 1e-12:
                continue
            if problem.contiguous and not _keeps_contiguity(problem, assignment, p, t):
                continue
            loads[s] -= v
            loads[t] += v
            assignment[p] = t
            moved_now.add(p)
            applied += 1
        if not applied:
            break
    return take_back_needless_moves(problem, assignment)


def take_back_needless_moves(problem: Problem, assignment: np.ndarray) -> np.ndarray:
    """Return moved pieces home, biggest first, whenever the plan stays within tolerance without them."""
    assignment = assignment.copy()
    loads = loads_of(problem, assignment)
    origin = problem.pieces.territory
    if problem.penalty(loads).sum() > 0:
        return assignment
    moved = np.flatnonzero(assignment != origin)
    for p in sorted(moved.tolist(), key=lambda q: (-problem.pieces.accounts[q], q)):
        here, home = assignment[p], origin[p]
        trial_here, trial_home = loads[here] - problem.values[p], loads[home] + problem.values[p]
        if problem.penalty(trial_here, here) > 0 or problem.penalty(trial_home, home) > 0:
            continue
        if problem.contiguous and not _keeps_contiguity(problem, assignment, p, home):
            continue
        loads[here], loads[home] = trial_here, trial_home
        assignment[p] = home
    return assignment
