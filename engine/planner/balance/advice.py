"""What to tell a planner when the auto-balance finds no plan: who stays outside the band, by
name, and one thing to try that differs from what they already chose.

The suggestions, in the order they are tried: lock the few territories that cannot reach the
mean (they have no neighbour to trade accounts with) and balance the rest; balance within one
region rather than everywhere; raise the tolerance to what the best plan found reaches (a plan
within it exists: the one found); move smaller units; drop contiguity.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from engine.planner.balance.auto import BalanceRequest, InfeasibleBalance
from engine.planner.balance.units import UNIT_KINDS

LOCK_AT_MOST = 3         # more stragglers than this is not "a few": suggest something else
TOLERANCE_UP_TO = 0.30   # a wider band than this is not balance worth suggesting


@dataclass(frozen=True)
class NoPlanAdvice:
    """`outside`: (territory name, deviation) of the best plan found, worst first; `suggestion`:
    one of lock, within, tolerance, unit, contiguity; `value`: what to set (names to lock, a
    region's name, a tolerance fraction, a unit kind, or None)."""

    tolerance: float
    best_deviation: float | None
    outside: tuple[tuple[str, float], ...]
    suggestion: str
    value: object


def no_plan_advice(request: BalanceRequest, error: InfeasibleBalance, names: dict[str, str],
                   region: str | None = None, within: str | None = None) -> NoPlanAdvice:
    """Advice for `error`, raised for `request` (`within`: the territory the balance was limited to,
    None = everywhere; `region`: a region to suggest instead; `names`: territory id → name)."""
    outside = tuple((names.get(t, t), d) for t, d in error.outside)
    best = error.best_deviation

    def advice(suggestion: str, value: object) -> NoPlanAdvice:
        return NoPlanAdvice(request.tolerance, best, outside, suggestion, value)

    far = [t for t, d in error.outside if abs(d) > 2 * request.tolerance]
    open_count = len(request.territories) if request.territories is not None else None
    if far and len(far) <= LOCK_AT_MOST and (open_count is None or open_count - len(far) >= 2) \
            and not set(far) <= request.locked_territories:
        return advice("lock", tuple(names.get(t, t) for t in far))
    if within is None and region is not None:
        return advice("within", names.get(region, region))
    if best is not None and request.tolerance < best <= TOLERANCE_UP_TO:
        return advice("tolerance", math.ceil(best * 100) / 100)
    smaller = UNIT_KINDS[:UNIT_KINDS.index(request.unit)] if request.unit in UNIT_KINDS else ()
    if smaller:
        return advice("unit", smaller[-1])
    if request.contiguous:
        return advice("contiguity", None)
    return advice("tolerance", math.ceil(best * 100) / 100 if best is not None else min(1.0, request.tolerance * 2))
