"""How evenly a metric is spread over territories: coefficient of variation, max/min ratio and Gini.

All three are 0 (CV, Gini) or 1 (max/min) for perfectly equal territories and grow with imbalance;
planners read CV and max/min, economists Gini, so the planner shows all three before and after.
"""
from __future__ import annotations

import math

import numpy as np
import polars as pl

from engine.planner.plan import Plan, before_after

BALANCED_FIGURES: tuple[str, ...] = ("accounts", "won", "pipeline", "potential", "activities",
                                     "visit_hours", "travel_km_mean", "mileage_cost")


def balance_indices(values) -> dict[str, float]:
    """`{cv, max_min_ratio, gini}` of a vector of non-negative values (NaNs ignored).

    cv = population standard deviation ÷ mean; max_min_ratio = max ÷ min (inf when the smallest is 0
    and the largest is not); gini = Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² mean). All-zero vectors are perfectly
    balanced (0, 1, 0); an empty vector gives NaNs.
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return {"cv": math.nan, "max_min_ratio": math.nan, "gini": math.nan}
    mean = x.mean()
    if mean == 0 and x.max() == 0:
        return {"cv": 0.0, "max_min_ratio": 1.0, "gini": 0.0}
    smallest = x.min()
    ratio = math.inf if smallest == 0 else float(x.max() / smallest)
    # Sorted form of the mean absolute difference: Σ (2i − n − 1) x₍ᵢ₎ ÷ (n² mean), O(n log n).
    ordered = np.sort(x)
    n = x.size
    gini = float(np.sum((2 * np.arange(1, n + 1) - n - 1) * ordered) / (n * n * mean))
    return {"cv": float(x.std() / mean), "max_min_ratio": ratio, "gini": gini}


def balance_table(plan: Plan, figures: tuple[str, ...] = BALANCED_FIGURES) -> pl.DataFrame:
    """Balance over the plannable territories, before and after the plan: one row per figure with
    `figure, cv_before, cv_after, max_min_ratio_before, max_min_ratio_after, gini_before, gini_after`."""
    territories = before_after(plan).filter(pl.col("plannable"))
    rows = []
    for figure in figures:
        before = balance_indices(territories[f"{figure}_before"].cast(pl.Float64).fill_null(np.nan).to_numpy())
        after = balance_indices(territories[f"{figure}_after"].cast(pl.Float64).fill_null(np.nan).to_numpy())
        rows.append({"figure": figure, **{f"{k}_{when}": v[k] for k in before
                                          for when, v in (("before", before), ("after", after))}})
    return pl.DataFrame(rows).select("figure", "cv_before", "cv_after", "max_min_ratio_before",
                                     "max_min_ratio_after", "gini_before", "gini_after")
