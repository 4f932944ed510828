"""A plan's unsaved moves carried from one data version to the next.

A `Plan` holds its baseline — every account's figures at one data version, ~0.6 GB at a million
accounts. When an import (or any committed write) moves the data on, a planner's unsaved moves must
survive, but the old baseline must not: `unsaved_moves` keeps just the moves, account by account
(which accounts each step moved, from which territory, to which territory and rep), and `rebase`
replays them on the new baseline. An account that no longer exists, whose territory changed under
the plan (the import reassigned it), or whose destination territory or rep is gone is left out of
its step, and the result counts and names them so the page can say so; the rest move exactly as
planned, one undo step per original step.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from engine.planner.baseline import Baseline
from engine.planner.plan import Plan

SAMPLE = 5  # account ids named per reason; the counts cover the rest


@dataclass(frozen=True)
class Step:
    """One applied step, by account id: each account's territory before the step (None = none)
    and the territory and rep it went to."""

    accounts: pl.Series
    from_territory: pl.Series
    to_territory: pl.Series
    to_rep: pl.Series


@dataclass(frozen=True)
class UnsavedMoves:
    """A plan's applied steps, in order, without its baseline (redo history is not kept)."""

    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Dropped:
    """Accounts left out of the replay for one reason: how many (distinct) and the first few ids."""

    count: int = 0
    sample: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rebased:
    """The plan on the new baseline and what could not be carried over: accounts that no longer
    exist (`gone`), whose territory changed meanwhile (`changed`), or whose destination territory
    or rep no longer exists (`unreachable`)."""

    plan: Plan
    steps: int
    gone: Dropped = field(default_factory=Dropped)
    changed: Dropped = field(default_factory=Dropped)
    unreachable: Dropped = field(default_factory=Dropped)

    @property
    def dropped(self) -> int:
        return self.gone.count + self.changed.count + self.unreachable.count


def _ids(codes: np.ndarray, frame: pl.DataFrame, column: str) -> pl.Series:
    """The ids behind codes (the last code, one past the frame, means none)."""
    return frame[column].append(pl.Series([None], dtype=pl.String)).gather(codes)


def unsaved_moves(plan: Plan) -> UnsavedMoves:
    """The plan's applied steps by account id: what survives its baseline."""
    base = plan.baseline
    account_ids = base.accounts["account_id"]
    return UnsavedMoves(tuple(
        Step(account_ids.gather(record.positions), _ids(record.old_territory, base.territories, "territory_id"),
             _ids(record.new_territory, base.territories, "territory_id"), _ids(record.new_rep, base.reps, "rep_id"))
        for record in plan.applied_steps()))


def _codes(ids: pl.Series, index: dict[str, int], none: int) -> np.ndarray:
    """Codes of ids on a baseline: `none` for a null id, -1 for an id the baseline does not know."""
    known = pl.Series(list(index), dtype=pl.String)
    return (ids.replace_strict(known, pl.Series(list(index.values()), dtype=pl.Int32), default=-1,
                               return_dtype=pl.Int32)
            .fill_null(none).to_numpy())


def _dropped(parts: list[np.ndarray]) -> Dropped:
    ids = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=str)
    return Dropped(int(ids.size), tuple(str(i) for i in ids[:SAMPLE]))


def rebase(moves: UnsavedMoves | Plan | None, baseline: Baseline) -> Rebased:
    """`moves` (or a plan's, or none) replayed on `baseline`, account by account (see the module)."""
    if isinstance(moves, Plan):
        moves = unsaved_moves(moves)
    plan = Plan(baseline)
    steps = moves.steps if moves is not None else ()
    gone: list[np.ndarray] = []
    changed: list[np.ndarray] = []
    unreachable: list[np.ndarray] = []
    for step in steps:
        ids = np.asarray(step.accounts.to_list(), dtype=str)
        if baseline.n_accounts == 0:
            gone.append(ids)
            continue
        positions, found = baseline.positions_of(ids)
        now = _ids(plan.territory_code[positions], baseline.territories, "territory_id")
        same_source = now.eq_missing(step.from_territory).to_numpy() & found
        to_territory = _codes(step.to_territory, baseline.territory_index, baseline.n_territories)
        to_rep = _codes(step.to_rep, baseline.rep_index, baseline.n_reps)
        reachable = (to_territory >= 0) & (to_rep >= 0)
        keep = same_source & reachable
        gone.append(ids[~found])
        changed.append(ids[found & ~same_source])
        unreachable.append(ids[same_source & ~reachable])
        if keep.any():
            plan.assign(positions[keep], to_territory[keep], to_rep[keep])
    return Rebased(plan, len(steps), _dropped(gone), _dropped(changed), _dropped(unreachable))
