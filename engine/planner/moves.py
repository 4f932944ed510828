"""What a planner can move, and how a selection becomes account positions.

A `Move` names its accounts in one of four ways — explicit ids, a whole geographic unit (postal
code, city, state, country), a whole territory merged into another, or a rule-like filter (to split
a territory) — and where they go: a territory and/or a rep. Selections are resolved against the
*current* assignment of a plan, so "merge T1 into T2" after earlier moves takes T1's members then.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from engine.store.errors import NotFoundError, TerrainError
from engine.planner.baseline import Baseline

UNITS = ("postal_code", "city", "state", "country")
# Size bands over annual revenue (reporting currency): [low, high).
SIZE_BANDS: dict[str, tuple[float, float]] = {
    "small": (0.0, 10e6), "mid": (10e6, 100e6), "large": (100e6, 1e9), "enterprise": (1e9, float("inf")),
}
FILTER_KEYS = ("ids", "country", "state", "city", "postal_code", "postal_prefix", "industry", "segment",
               "size_band", "rep", "territory")


class MoveError(TerrainError):
    title = "The move is not possible"


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


@dataclass(frozen=True)
class Move:
    """One planner step. Exactly one of `accounts`, `unit`, `merge`, `filters` selects; at least one
    of `to_territory` / `to_rep` (ids or names) says where to. Moving to a territory without a rep
    hands the accounts to that territory's owner rep (or keeps their rep when it has none)."""

    to_territory: str | None = None
    to_rep: str | None = None
    accounts: tuple[str, ...] | None = None
    unit: str | None = None
    value: str | None = None
    merge: str | None = None
    filters: tuple[tuple[str, Any], ...] | None = None
    label: str = field(default="", compare=False)

    @classmethod
    def from_dict(cls, spec: dict) -> "Move":
        """`{'accounts': [...], 'to_territory': ..}`, `{'unit': 'state', 'value': 'CA', ..}`,
        `{'merge': 'T1', 'into': 'T2'}` or `{'filters': {'territory': 'T1', 'state': 'CA'}, ..}`."""
        filters = spec.get("filters")
        return cls(
            to_territory=spec.get("to_territory", spec.get("into")), to_rep=spec.get("to_rep"),
            accounts=tuple(str(a) for a in spec["accounts"]) if spec.get("accounts") is not None else None,
            unit=spec.get("unit"), value=None if spec.get("value") is None else str(spec["value"]),
            merge=spec.get("merge"),
            filters=tuple(sorted((k, tuple(_as_list(v)) if isinstance(v, (list, tuple, set)) else v)
                                 for k, v in filters.items())) if filters else None,
            label=spec.get("label", ""))

    def to_dict(self) -> dict:
        out: dict[str, Any] = {}
        if self.accounts is not None:
            out["accounts"] = list(self.accounts)
        if self.unit:
            out.update(unit=self.unit, value=self.value)
        if self.merge:
            out["merge"] = self.merge
        if self.filters:
            out["filters"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.filters}
        if self.to_territory is not None:
            out["to_territory"] = self.to_territory
        if self.to_rep is not None:
            out["to_rep"] = self.to_rep
        if self.label:
            out["label"] = self.label
        return out


def territory_code_of(baseline: Baseline, key: str) -> int:
    """A territory's code from its id or (case-insensitively) its name."""
    if key in baseline.territory_index:
        return baseline.territory_index[key]
    names = baseline.territories["name"].str.to_lowercase().to_list()
    if str(key).lower() in names:
        return names.index(str(key).lower())
    raise NotFoundError(f"There is no territory '{key}'.", hint="Give a territory id or name as listed on the Territories page.")


def rep_code_of(baseline: Baseline, key: str) -> int:
    """A rep's code from its id, name or e-mail (case-insensitive)."""
    if key in baseline.rep_index:
        return baseline.rep_index[key]
    for column in ("name", "email"):
        values = baseline.reps[column].cast(pl.String).str.to_lowercase().to_list()
        if str(key).lower() in values:
            return values.index(str(key).lower())
    raise NotFoundError(f"There is no rep '{key}'.", hint="Give a rep id, name or e-mail.")


def _match(column: str, values: list) -> pl.Expr:
    return pl.col(column).cast(pl.String).is_in([str(v) for v in values])


def select_accounts(baseline: Baseline, filters: dict, territory_code: np.ndarray | None = None,
                    rep_code: np.ndarray | None = None) -> np.ndarray:
    """Positions of the accounts matching every filter (keys in FILTER_KEYS, each a value or a list
    of alternatives): `ids`, `country`, `state`, `city`, `postal_code`, `postal_prefix`, `industry`,
    `segment`, `size_band` (SIZE_BANDS), `rep` and `territory` (ids or names, matched against the
    current assignment — pass a plan's codes — else the baseline's)."""
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise MoveError(f"Unknown filter(s): {', '.join(unknown)}.", hint=f"Use {', '.join(FILTER_KEYS)}.")
    territory_code = baseline.territory_code if territory_code is None else territory_code
    rep_code = baseline.rep_code if rep_code is None else rep_code
    conditions: list[pl.Expr] = []
    for key in ("country", "state", "city", "postal_code", "industry", "segment"):
        if key in filters:
            conditions.append(_match(key, _as_list(filters[key])))
    if "ids" in filters:
        conditions.append(_match("account_id", _as_list(filters["ids"])))
    if "postal_prefix" in filters:
        prefixes = [str(p) for p in _as_list(filters["postal_prefix"])]
        conditions.append(pl.any_horizontal([pl.col("postal_code").cast(pl.String).str.starts_with(p)
                                             for p in prefixes]).fill_null(False))
    if "size_band" in filters:
        bands = []
        for band in _as_list(filters["size_band"]):
            if band not in SIZE_BANDS:
                raise MoveError(f"Unknown size band '{band}'.", hint=f"Use {', '.join(SIZE_BANDS)}.")
            low, high = SIZE_BANDS[band]
            bands.append((pl.col("annual_revenue") >= low) & (pl.col("annual_revenue") < high))
        conditions.append(pl.any_horizontal(bands).fill_null(False))
    mask = np.ones(baseline.n_accounts, dtype=bool)
    if conditions:
        mask &= baseline.accounts.select(pl.all_horizontal(conditions).fill_null(False))\
            .to_series().to_numpy()
    if "territory" in filters:
        codes = [territory_code_of(baseline, k) for k in _as_list(filters["territory"])]
        mask &= np.isin(territory_code, codes)
    if "rep" in filters:
        codes = [rep_code_of(baseline, k) for k in _as_list(filters["rep"])]
        mask &= np.isin(rep_code, codes)
    return np.flatnonzero(mask)


def select_unit(baseline: Baseline, unit: str, value: str) -> np.ndarray:
    """Positions of every account in one geographic unit (postal code, city, state or country)."""
    if unit not in UNITS:
        raise MoveError(f"'{unit}' is not a geographic unit.", hint=f"Use one of {', '.join(UNITS)}.")
    return select_accounts(baseline, {unit: value})


def resolve(baseline: Baseline, move: Move, territory_code: np.ndarray, rep_code: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The positions a move changes, with their new territory and rep codes. Accounts the move
    would leave where they are are not returned, so counts of accounts moved are true counts."""
    selectors = [move.accounts is not None, bool(move.unit), bool(move.merge), bool(move.filters)]
    if sum(selectors) != 1:
        raise MoveError("A move selects its accounts in exactly one way: accounts, unit, merge or filters.")
    if move.to_territory is None and move.to_rep is None:
        raise MoveError("A move needs a target territory, a target rep, or both.")
    if move.accounts is not None:
        positions, unknown = baseline.indices_of(move.accounts)
        if unknown:
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            raise NotFoundError(f"{len(unknown)} account id(s) are not accounts: {shown}.",
                                hint="Use the CRM record ids of accounts that were imported.")
    elif move.unit:
        positions = select_unit(baseline, move.unit, move.value)
    elif move.merge:
        positions = np.flatnonzero(territory_code == territory_code_of(baseline, move.merge))
    else:
        positions = select_accounts(baseline, dict(move.filters), territory_code, rep_code)
    old_t, old_r = territory_code[positions], rep_code[positions]
    if move.to_territory is not None:
        target = territory_code_of(baseline, move.to_territory)
        new_t = np.full(positions.size, target, dtype=np.int32)
    else:
        new_t = old_t.copy()
    if move.to_rep is not None:
        new_r = np.full(positions.size, rep_code_of(baseline, move.to_rep), dtype=np.int32)
    else:
        owner = baseline.territory_owner[new_t]
        new_r = np.where(owner == baseline.n_reps, old_r, owner).astype(np.int32)
    changed = (new_t != old_t) | (new_r != old_r)
    return positions[changed], new_t[changed], new_r[changed]
