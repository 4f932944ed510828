"""The health score's weights, thresholds and message templates, saved in the `settings` table.

The store's `settings` table holds text under a key; the whole health configuration is one JSON
document under `health.config`, so saving it is one upsert and a half-written config cannot exist.
A stored document is validated like user input: an unknown factor, a negative weight or thresholds
out of order is an error naming the field, never a silently odd score.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import polars as pl

from engine.store import Store
from engine.store.errors import TerrainError

SETTINGS_KEY = "health.config"
# The factors in the order the breakdown shows them; DEFAULT_WEIGHTS is the 30/25/20/15/10 shape.
FACTORS = ("recency", "trend", "overdue_deals", "won_deals", "pipeline", "receivables")
DEFAULT_WEIGHTS = {"recency": 30.0, "trend": 25.0, "overdue_deals": 20.0, "won_deals": 15.0,
                   "pipeline": 10.0, "receivables": 20.0}
# receivables weighs as much as overdue deals (the shape's 20): an invoice 90+ days past due alone
# takes a flawless account out of green (100 ÷ 120 = 83.3). It counts only for accounts with an
# invoice issued by the as-of day, so customers never invoiced are scored on the other five.
TIERS = ("green", "yellow", "red")
# What a message template may name; engine/health/explain.fill_template fills them per account.
PLACEHOLDERS = ("account", "owner", "contact")
DEFAULT_TEMPLATES = {
    "green": "Hello {contact}, thank you for a good year together. Here is how a company like {account} "
             "got more out of it: [case study link]. Shall we talk about next steps?",
    "yellow": "Hello {contact}, it has been a while since we last spoke about {account}. Could we have a "
              "short call this week? I will call you back within 48 hours.",
    "red": "Internal: the renewal quote for {account} is on hold until the account plan is signed off. "
           "Owner {owner}, please review the open items and ask for sign-off.",
}


class HealthConfigError(TerrainError):
    title = "The health settings are not valid"


@dataclass(frozen=True)
class HealthConfig:
    """Weights (points per factor), tier thresholds, factor thresholds and the three templates."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    green_from: float = 85.0
    yellow_from: float = 70.0
    recency_full_days: int = 14      # activity this recent keeps every recency point
    recency_zero_days: int = 90      # this long without activity costs all of them
    trend_days: int = 90             # the two windows compared by the trend factor
    overdue_zero_count: int = 3      # this many open deals past their close date cost every point
    won_recency_days: int = 365      # a last win this long ago earns no recency half-points
    won_frequency_target: int = 2    # wins within won_recency_days that earn every frequency half-point
    pipeline_days: int = 90          # pipeline now against pipeline this many days ago
    dormant_days: int = 90           # the 无人问津 alert: no activity for this many days
    receivables_zero_days: int = 90  # an invoice this many days past due costs every receivables point
    templates: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))

    def with_(self, **changes: Any) -> "HealthConfig":
        return validated(replace(self, **changes))

    @property
    def total_weight(self) -> float:
        return float(sum(self.weights.values()))


def validated(config: HealthConfig) -> HealthConfig:
    unknown = set(config.weights) - set(FACTORS)
    if unknown:
        raise HealthConfigError(f"Unknown health factor(s): {', '.join(sorted(unknown))}.",
                                hint=f"Factors are: {', '.join(FACTORS)}.")
    weights = {name: float(config.weights.get(name, 0.0)) for name in FACTORS}
    negative = [name for name, value in weights.items() if not value >= 0]
    if negative:
        raise HealthConfigError(f"The weight of {negative[0]} is {weights[negative[0]]}; weights must be 0 or more.")
    if sum(weights.values()) <= 0:
        raise HealthConfigError("Every weight is 0, so no score can be computed.", hint="Give a factor some weight.")
    if not 0 <= config.yellow_from < config.green_from <= 100:
        raise HealthConfigError(
            f"Thresholds yellow from {config.yellow_from} and green from {config.green_from} are out of order.",
            hint="Use 0 ≤ yellow < green ≤ 100 (default: yellow from 70, green from 85).")
    days = {"recency_full_days": config.recency_full_days, "recency_zero_days": config.recency_zero_days,
            "trend_days": config.trend_days, "overdue_zero_count": config.overdue_zero_count,
            "won_recency_days": config.won_recency_days, "won_frequency_target": config.won_frequency_target,
            "pipeline_days": config.pipeline_days, "dormant_days": config.dormant_days,
            "receivables_zero_days": config.receivables_zero_days}
    for name, value in days.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise HealthConfigError(f"{name} is {value!r}; it must be a whole number of at least 1.")
    if config.recency_full_days >= config.recency_zero_days:
        raise HealthConfigError("recency_full_days must be less than recency_zero_days.")
    missing = set(TIERS) - set(config.templates)
    if missing:
        raise HealthConfigError(f"The message template for {', '.join(sorted(missing))} is missing.")
    for tier in TIERS:
        text = str(config.templates[tier])
        if not text.strip():
            raise HealthConfigError(f"The {tier} message template is empty.", hint="Write the message, or reset it.")
        unknown = sorted(set(re.findall(r"\{([^{}]*)\}", text)) - set(PLACEHOLDERS))
        if unknown:
            raise HealthConfigError(
                f"The {tier} message template names {{{unknown[0]}}}, which Terrain cannot fill in.",
                hint=f"Use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}.")
    return replace(config, weights=weights, templates={tier: str(config.templates[tier]) for tier in TIERS})


def from_json(text: str) -> HealthConfig:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise HealthConfigError(f"The saved health settings are not JSON ({error.msg} at {error.pos}).",
                                hint="Save them again from the Health page.") from None
    known = {f for f in HealthConfig.__dataclass_fields__}
    unknown = set(data) - known
    if unknown:
        raise HealthConfigError(f"Unknown health setting(s): {', '.join(sorted(unknown))}.")
    return validated(HealthConfig(**{**asdict(HealthConfig()), **data}))


def load_config(store: Store) -> HealthConfig:
    """The saved configuration, or the defaults when none was saved."""
    text = store.scalar("SELECT value FROM settings WHERE key = ?", [SETTINGS_KEY])
    return validated(HealthConfig()) if text is None else from_json(text)


def save_config(store: Store, config: HealthConfig) -> HealthConfig:
    config = validated(config)
    row = pl.DataFrame({"key": [SETTINGS_KEY], "value": [json.dumps(asdict(config), ensure_ascii=False)]})
    # Not a data change: cached scores are keyed by the config too, so the sales data need not reload.
    with store.transaction(data_changed=False) as tx:
        tx.insert_frame("settings", row, upsert=True)
    return config
