"""The what-if engine: move accounts between territories and reps and see every figure change at once.

`build_baseline(store)` reads the data once (see `engine.planner.baseline`); a `Plan` holds the
current assignment as integer codes plus per-territory and per-rep sums. A move touches only the
moved accounts: their figures are subtracted from their old groups and added to their new ones
(`np.bincount` on the moved subset), so a move of 50,000 accounts among a million costs
milliseconds, not a full recompute. Undo restores the exact previous state (codes and sums are
snapshotted, never recomputed by subtraction).

Typical use::

    baseline = build_baseline(store)
    plan = Plan(baseline)
    plan.apply({"unit": "state", "value": "CA", "to_territory": "West"})
    before_after(plan)          # per territory: accounts_before, accounts_after, accounts_delta, ...
    indices.balance_table(plan) # cv / max-min / gini before and after, per metric
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from engine.planner.baseline import METRICS, Baseline, build_baseline, haversine_km  # noqa: F401
from engine.planner.moves import (Move, MoveError, resolve, select_accounts, select_unit,  # noqa: F401
                                  rep_code_of, territory_code_of)

# Columns of a group's running sums: the additive METRICS, then count, Σ km, number of known km.
_COUNT, _KM, _KNOWN = len(METRICS), len(METRICS) + 1, len(METRICS) + 2
_WIDTH = len(METRICS) + 3

# The figures of a before/after, in display order (each as <name>_before/_after/_delta).
FIGURES: tuple[str, ...] = ("accounts", "won", "pipeline", "target", "potential", "activities",
                            "visit_hours", "travel_km_mean", "travel_km_max", "mileage_cost")


def _weights(metrics: list[np.ndarray], km: np.ndarray, sign: float = 1.0) -> list[np.ndarray]:
    """Per-account weights of the group sums, one array per column (metrics, 1, km or 0, km known)."""
    known = ~np.isnan(km)
    ones = np.full(km.size, sign)
    return [m * sign if sign != 1.0 else m for m in metrics] + [ones, np.where(known, km, 0.0) * sign, known * sign]


def _group_sum(codes: np.ndarray, weights: list[np.ndarray], n_groups: int) -> np.ndarray:
    """Σ weights per group code as an (n_groups × columns) array: one bincount per column."""
    return np.column_stack([np.bincount(codes, weights=w, minlength=n_groups) for w in weights])


def _group_max(codes: np.ndarray, km: np.ndarray, n_groups: int) -> np.ndarray:
    """Max km per group (-inf for a group without any known km); fmax skips NaN."""
    out = np.full(n_groups, -np.inf)
    np.fmax.at(out, codes, km)
    return out


@dataclass
class _Groups:
    """Running sums and max travel of one grouping (territories or reps); row n-1 = "none"."""

    sums: np.ndarray
    max_km: np.ndarray

    @classmethod
    def full(cls, codes: np.ndarray, metrics: np.ndarray, km: np.ndarray, n_groups: int) -> "_Groups":
        columns = [metrics[:, i] for i in range(metrics.shape[1])]
        return cls(_group_sum(codes, _weights(columns, km), n_groups), _group_max(codes, km, n_groups))

    def copy(self) -> "_Groups":
        return _Groups(self.sums.copy(), self.max_km.copy())

    def shift(self, old: np.ndarray, new: np.ndarray, weights: list[np.ndarray], old_km: np.ndarray,
              new_km: np.ndarray, codes_now: np.ndarray, km_now: np.ndarray) -> None:
        """Move accounts' figures from their `old` groups to their `new` ones: one bincount per
        column over the codes (old ++ new) with `weights` (−figures of old ++ +figures of new)."""
        n = self.sums.shape[0]
        self.sums += _group_sum(np.concatenate([old, new]), weights, n)
        # A group's max can only fall if an account holding it left: rescan just those groups,
        # in one pass over the accounts (a flag per group, gathered by code). fmax skips NaN km.
        lost = np.zeros(n, dtype=bool)
        lost[old[old_km >= self.max_km[old]]] = True
        np.fmax.at(self.max_km, new, new_km)
        if lost.any():
            members = lost[codes_now]
            self.max_km[lost] = -np.inf
            np.fmax.at(self.max_km, codes_now[members], km_now[members])
        # Whole groups emptied: clear float residue so an empty group reads exactly zero.
        self.sums[self.sums[:, _COUNT] == 0] = 0.0


@dataclass
class _Applied:
    move: Move | None
    positions: np.ndarray
    old_territory: np.ndarray
    old_rep: np.ndarray
    old_km: np.ndarray
    new_territory: np.ndarray
    new_rep: np.ndarray
    territories: _Groups  # totals before the move, restored exactly by undo
    reps: _Groups


class Plan:
    """The current assignment = the baseline with an ordered list of moves applied, with undo/redo.

    `territory_code`, `rep_code`, `distance_km` are the current per-account arrays (codes index
    `baseline.territories` / `baseline.reps`; the last code means none). Mutating methods return
    the number of accounts whose territory or rep changed.
    """

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        # The baseline's totals are computed once per baseline and shared by every plan on it.
        cached = getattr(baseline, "_whatif_totals", None)
        if cached is None:
            cached = (_Groups.full(baseline.territory_code, baseline.metrics, baseline.distance_km,
                                   baseline.n_territories + 1),
                      _Groups.full(baseline.rep_code, baseline.metrics, baseline.distance_km, baseline.n_reps + 1))
            baseline._whatif_totals = cached
        self._before_territories, self._before_reps = cached
        self.reset()

    @property
    def state(self) -> tuple:
        """A value that changes with every move, undo, redo and reset (and differs between plans):
        what the page keys the figures and charts it derives from this plan on, so a rerun that
        changed nothing (a widget, a tab, another session's click) builds nothing again."""
        last = self._done[-1] if self._done else None
        return id(self), id(self.baseline), len(self._done), id(last)

    @property
    def at_baseline(self) -> bool:
        """No move applied, or every one undone (undo restores the totals exactly): the figures are
        the baseline's, the same for every plan on it (the page builds them once for all sessions)."""
        return not self._done

    def reset(self) -> None:
        """Back to the baseline; forgets the undo and redo history."""
        base = self.baseline
        self.territory_code = base.territory_code.copy()
        self.rep_code = base.rep_code.copy()
        self.distance_km = base.distance_km.copy()
        self._territories = self._before_territories.copy()
        self._reps = self._before_reps.copy()
        self._done: list[_Applied] = []
        self._undone: list[_Applied] = []

    # --- moving -------------------------------------------------------------------------------
    def apply(self, move: Move | dict) -> int:
        """Apply one move (a `Move` or its dict form, see `Move.from_dict`); clears the redo stack."""
        move = Move.from_dict(move) if isinstance(move, dict) else move
        positions, new_t, new_r = resolve(self.baseline, move, self.territory_code, self.rep_code)
        count = self._change(move, positions, new_t, new_r)
        self._undone.clear()
        return count

    def assign(self, positions, territory_codes, rep_codes=None, label: str = "") -> int:
        """Low-level move for solvers: give the accounts at `positions` these territory codes and
        rep codes (None = each territory's owner rep, or the current rep when it has none)."""
        positions = np.asarray(positions, dtype=np.int64)
        new_t = np.broadcast_to(np.asarray(territory_codes, dtype=np.int32), positions.shape).copy()
        if rep_codes is None:
            owner = self.baseline.territory_owner[new_t]
            new_r = np.where(owner == self.baseline.n_reps, self.rep_code[positions], owner).astype(np.int32)
        else:
            new_r = np.broadcast_to(np.asarray(rep_codes, dtype=np.int32), positions.shape).copy()
        changed = (new_t != self.territory_code[positions]) | (new_r != self.rep_code[positions])
        count = self._change(None, positions[changed], new_t[changed], new_r[changed])
        self._undone.clear()
        return count

    def _change(self, move: Move | None, positions: np.ndarray, new_t: np.ndarray, new_r: np.ndarray) -> int:
        base = self.baseline
        old_t, old_r = self.territory_code[positions], self.rep_code[positions]
        old_km = self.distance_km[positions]
        new_km = base.distances(positions, new_t, new_r)
        record = _Applied(move, positions, old_t, old_r, old_km, new_t, new_r,
                          self._territories.copy(), self._reps.copy())
        self.territory_code[positions] = new_t
        self.rep_code[positions] = new_r
        self.distance_km[positions] = new_km
        metrics = [base.metrics[:, i][positions] for i in range(base.metrics.shape[1])]
        weights = [np.concatenate(pair) for pair in zip(_weights(metrics, old_km, -1.0), _weights(metrics, new_km))]
        self._territories.shift(old_t, new_t, weights, old_km, new_km, self.territory_code, self.distance_km)
        self._reps.shift(old_r, new_r, weights, old_km, new_km, self.rep_code, self.distance_km)
        self._done.append(record)
        return int(positions.size)

    def undo(self) -> bool:
        """Take back the last move exactly; False when there is nothing to undo."""
        if not self._done:
            return False
        record = self._done.pop()
        self.territory_code[record.positions] = record.old_territory
        self.rep_code[record.positions] = record.old_rep
        self.distance_km[record.positions] = record.old_km
        self._territories, self._reps = record.territories, record.reps
        self._undone.append(record)
        return True

    def redo(self) -> bool:
        """Re-apply the last undone move; False when there is nothing to redo."""
        if not self._undone:
            return False
        record = self._undone.pop()
        self._change(record.move, record.positions, record.new_territory, record.new_rep)
        return True

    def applied_steps(self) -> tuple[_Applied, ...]:
        """The applied steps in order (what `engine.planner.rebase` carries to a new baseline)."""
        return tuple(self._done)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def moves(self) -> list[Move]:
        """The applied moves in order (low-level `assign` steps appear as account-id moves)."""
        out: list[Move] = []
        for record in self._done:
            if record.move is not None:
                out.append(record.move)
                continue
            frame = pl.DataFrame({"p": record.positions, "t": record.new_territory, "r": record.new_rep})
            for (t, r), group in frame.group_by(["t", "r"], maintain_order=True):
                ids = self.baseline.accounts["account_id"].gather(group["p"]).to_list()
                out.append(Move(accounts=tuple(ids), to_territory=self._territory_id(t), to_rep=self._rep_id(r)))
        return out

    def _territory_id(self, code: int) -> str | None:
        return None if code == self.baseline.n_territories else self.baseline.territories["territory_id"][int(code)]

    def _rep_id(self, code: int) -> str | None:
        return None if code == self.baseline.n_reps else self.baseline.reps["rep_id"][int(code)]

    # --- reading ------------------------------------------------------------------------------
    def changed_positions(self) -> np.ndarray:
        """Positions of accounts whose territory or rep differs from the baseline."""
        base = self.baseline
        return np.flatnonzero((self.territory_code != base.territory_code) | (self.rep_code != base.rep_code))

    def changes(self) -> pl.DataFrame:
        """Account-level diff against the baseline: `account_id, name, from_territory_id,
        to_territory_id, from_rep_id, to_rep_id`, ordered by account id."""
        positions = self.changed_positions()
        base = self.baseline
        t_ids = base.territories["territory_id"].append(pl.Series([None], dtype=pl.String))
        r_ids = base.reps["rep_id"].append(pl.Series([None], dtype=pl.String))
        return pl.DataFrame({
            "account_id": base.accounts["account_id"].gather(positions),
            "name": base.accounts["name"].gather(positions),
            "from_territory_id": t_ids.gather(base.territory_code[positions]),
            "to_territory_id": t_ids.gather(self.territory_code[positions]),
            "from_rep_id": r_ids.gather(base.rep_code[positions]),
            "to_rep_id": r_ids.gather(self.rep_code[positions]),
        })

    def territory_totals(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(sums before, max km before, sums after, max km after) per territory code (row T = none)."""
        return (self._before_territories.sums, self._before_territories.max_km,
                self._territories.sums, self._territories.max_km)

    def rep_totals(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self._before_reps.sums, self._before_reps.max_km, self._reps.sums, self._reps.max_km


def _figures(sums: np.ndarray, max_km: np.ndarray, target: np.ndarray, mileage_rate: float) -> dict[str, np.ndarray]:
    known = sums[:, _KNOWN]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_km = np.where(known > 0, sums[:, _KM] / np.where(known > 0, known, 1), np.nan)
    figures = {"accounts": sums[:, _COUNT].round().astype(np.int64), "target": target}
    figures.update({name: sums[:, i] for i, name in enumerate(METRICS)})
    figures["travel_km_mean"] = mean_km
    figures["travel_km_max"] = np.where(np.isfinite(max_km), max_km, np.nan)
    figures["mileage_cost"] = 2 * sums[:, _KM] * mileage_rate  # one round trip to every account
    return figures


def _before_after(frame: pl.DataFrame, totals, target: np.ndarray, mileage_rate: float) -> pl.DataFrame:
    sums_b, max_b, sums_a, max_a = totals
    before = _figures(sums_b, max_b, target, mileage_rate)
    after = _figures(sums_a, max_a, target, mileage_rate)
    columns = {}
    for name in FIGURES:
        columns[f"{name}_before"] = before[name]
        columns[f"{name}_after"] = after[name]
        columns[f"{name}_delta"] = after[name] - before[name]
    travel = [c for c in columns if c.startswith("travel_km_")]
    return pl.concat([frame, pl.DataFrame(columns).with_columns(pl.col(travel).fill_nan(None))], how="horizontal")


def before_after(plan: Plan) -> pl.DataFrame:
    """Per territory: `territory_id, name, owner_rep_id, plannable`, then for every name in FIGURES
    `<name>_before, <name>_after, <name>_delta` — accounts, won (trailing 12 months), pipeline (open),
    target (fiscal year of the baseline), potential (Σ annual revenue), activities (trailing 12
    months), visit_hours, travel_km_mean / travel_km_max (from the serving rep's home base; null when
    unknown) and mileage_cost (one round trip per account at the mileage rate). Rows: plannable
    territories and any territory holding accounts before or after; accounts without a territory
    form a last row with a null territory_id named "Unassigned"."""
    base = plan.baseline
    frame = base.territories.select("territory_id", "name", "owner_rep_id", "plannable").vstack(
        pl.DataFrame({"territory_id": [None], "name": ["Unassigned"], "owner_rep_id": [None],
                      "plannable": [False]}, schema=base.territories.select(
            "territory_id", "name", "owner_rep_id", "plannable").schema))
    target = np.append(base.territories["target"].to_numpy(), 0.0)
    out = _before_after(frame, plan.territory_totals(), target, base.mileage_rate)
    return out.filter(pl.col("plannable") | (pl.col("accounts_before") > 0) | (pl.col("accounts_after") > 0))


def rep_before_after(plan: Plan) -> pl.DataFrame:
    """Per rep: `rep_id, name`, then `<name>_before/_after/_delta` for every name in FIGURES (target
    = the rep's own targets). Rows: reps holding accounts before or after; accounts without an owner
    form a last row with a null rep_id named "No owner"."""
    base = plan.baseline
    frame = base.reps.select("rep_id", "name").vstack(
        pl.DataFrame({"rep_id": [None], "name": ["No owner"]}, schema=base.reps.select("rep_id", "name").schema))
    target = np.append(base.reps["target"].to_numpy(), 0.0)
    out = _before_after(frame, plan.rep_totals(), target, base.mileage_rate)
    return out.filter((pl.col("accounts_before") > 0) | (pl.col("accounts_after") > 0))


def whatif_report(plan: Plan) -> pl.DataFrame:
    """DESIGN's `whatif` contract, one row per territory: `name, accounts_before, accounts_after,
    won_before, won_after, pipeline_before, pipeline_after, travel_km_before, travel_km_after`
    (travel = mean km from the serving rep's home base)."""
    return before_after(plan).select(
        "name", "accounts_before", "accounts_after", "won_before", "won_after", "pipeline_before",
        "pipeline_after", pl.col("travel_km_mean_before").alias("travel_km_before"),
        pl.col("travel_km_mean_after").alias("travel_km_after"))


def recompute_before_after(plan: Plan) -> pl.DataFrame:
    """The same figures as `before_after`'s `_after` columns, recomputed from scratch with a polars
    group-by over every account: the reference the incremental engine is tested and benched against.
    Columns: `territory_code, accounts, won, pipeline, potential, activities, visit_hours,
    travel_km_mean, travel_km_max`."""
    base = plan.baseline
    frame = pl.DataFrame({"territory_code": plan.territory_code, "km": plan.distance_km})
    frame = frame.with_columns([pl.Series(name, base.metrics[:, i]) for i, name in enumerate(METRICS)])
    return frame.group_by("territory_code").agg(
        pl.len().alias("accounts"), *[pl.col(name).sum() for name in METRICS],
        pl.col("km").fill_nan(None).mean().alias("travel_km_mean"),
        pl.col("km").fill_nan(None).max().alias("travel_km_max")).sort("territory_code")
