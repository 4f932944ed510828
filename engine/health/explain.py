"""The score's words: the reason of each account's main loss and the next action of its tier, as
columns built by polars expressions (a message per factor, filled from the row's facts), in the
page's language; and one account's breakdown.

Both say points *of the score*: a factor's weight is relative (the default weights add up to 120
for an invoiced account), so each part is scaled by 100 ÷ the account's total weight and the parts
add up to the score shown (docs/health.md, "Reading the breakdown")."""
from __future__ import annotations

import math
import re

import polars as pl

from engine.health.config import FACTORS
from engine.health.score import NEXT_ACTIONS
from engine.i18n import t, template

# the fact each factor's reason quotes ("52 days without activity")
FACTS = {"recency": "days_since_activity", "trend": "activities_recent", "overdue_deals": "overdue_deals",
         "won_deals": "days_since_won", "receivables": "days_past_due"}


def _message(factor: str, lang: str) -> pl.Expr:
    if factor == "trend":
        return pl.format(t("health.reason.trend", lang, recent="{}", before="{}"),
                         pl.col("activities_recent"), pl.col("activities_before"))
    if factor == "pipeline":
        return pl.lit(t(f"health.reason.{factor}", lang))
    fact = pl.col(FACTS[factor])
    never = pl.lit(t(f"health.reason.{factor}_never", lang)) if factor in ("recency", "won_deals") else None
    filled = _filled(template(f"health.reason.{factor}", lang), fact)
    return filled if never is None else pl.when(fact.is_null()).then(never).otherwise(filled)


_PARTS = re.compile(r"\{value(?:\|([^{}|]*)\|([^{}|]*))?\}")


def _filled(text: str, fact: pl.Expr) -> pl.Expr:
    """`text` with {value} as the row's fact and {value|day|days} as the form its count takes
    ("1 day without activity", "52 days without activity"), in one pass over the column."""
    pieces, start = [], 0
    for match in _PARTS.finditer(text):
        pieces.append(pl.lit(text[start:match.start()]))
        one, many = match.groups()
        pieces.append(fact.cast(pl.String) if one is None else
                      pl.when(fact == 1).then(pl.lit(one)).otherwise(pl.lit(many)))
        start = match.end()
    return pl.concat_str([*pieces, pl.lit(text[start:])])


def _of_score() -> pl.Expr:
    """Per row, what one point of weight is worth in points of the score: 100 ÷ the weight that
    counts for the account (Σ points + lost: receivables only where invoiced); 0 when none counts."""
    total = pl.sum_horizontal(*(pl.col(f"points_{f}") + pl.col(f"lost_{f}") for f in FACTORS))
    return pl.when(total > 0).then(100 / total).otherwise(0.0)


def with_words(scores: pl.DataFrame, lang: str) -> pl.DataFrame:
    """`scores` plus reason ("52 days without activity (−15.0)", the points of the score it cost),
    tier_label and next_action."""
    message, lost = pl.lit(None, dtype=pl.String), pl.lit(None, dtype=pl.Float64)
    for factor in FACTORS:
        main = pl.col("main_reason") == factor
        message = pl.when(main).then(_message(factor, lang)).otherwise(message)
        lost = pl.when(main).then(pl.col(f"lost_{factor}")).otherwise(lost)
    # the message and its points chosen per row first, then put together once
    reason = pl.format("{} (−{})", message, (lost * _of_score()).round(1).cast(pl.String))
    tiers = {tier: t(f"health.tier.{tier}", lang) for tier in NEXT_ACTIONS}
    actions = {tier: t(f"health.action.{action}", lang) for tier, action in NEXT_ACTIONS.items()}
    return scores.with_columns(
        pl.when(pl.col("main_reason").is_null()).then(pl.lit(t("health.reason.none", lang)))
        .otherwise(reason).alias("reason"),
        pl.col("tier").replace_strict(tiers, return_dtype=pl.String).alias("tier_label"),
        pl.col("tier").replace_strict(actions, return_dtype=pl.String).alias("next_action"))


def apportion(exact: list[float], total: int, upper: list[int] | None = None) -> list[int]:
    """Whole units (tenths of a point, say) close to `exact` that add up to `total`: each part
    rounded down, the units still missing given to the largest remainders (never above `upper`)."""
    parts = [math.floor(value + 1e-9) for value in exact]
    if upper is not None:
        parts = [min(part, cap) for part, cap in zip(parts, upper)]
    by_remainder = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    missing = total - sum(parts)
    while missing > 0:
        room = [i for i in by_remainder if upper is None or parts[i] < upper[i]]
        if not room:
            break
        for i in room[:missing]:
            parts[i] += 1
        missing = total - sum(parts)
    return parts


def breakdown(row: dict, lang: str) -> list[dict]:
    """One account's factors and their total: factor, weight, points, lost, in points of the score
    shown with one decimal — weights add up to 100, points to the score, each weight = points +
    lost. An account never invoiced shows receivables with weight 0: the factor does not count
    for it."""
    points = [row[f"points_{f}"] for f in FACTORS]
    weights = [row[f"points_{f}"] + row[f"lost_{f}"] for f in FACTORS]
    scale = 1000 / sum(weights) if sum(weights) > 0 else 0.0  # tenths of a point of the score
    tenths = apportion([w * scale for w in weights], 1000 if scale else 0)
    earned = apportion([p * scale for p in points], round(float(f"{row['score']:.1f}") * 10) if scale else 0, tenths)
    parts = [{"factor": t(f"health.factor.{f}", lang), "weight": w / 10, "points": e / 10, "lost": (w - e) / 10}
             for f, w, e in zip(FACTORS, tenths, earned)]
    return parts + [{"factor": t("health.breakdown.total", lang), "weight": sum(tenths) / 10,
                     "points": sum(earned) / 10, "lost": (sum(tenths) - sum(earned)) / 10}]


def fill_template(template: str, row: dict, owner: str | None, contact: str = "") -> str:
    """The tier's message with {account}, {owner}, {contact} filled (unknown braces are left as
    typed, so a template with a stray brace still shows instead of raising)."""
    values = {"account": row.get("name") or "", "owner": owner or "—", "contact": contact or "…"}
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", str(value))
    return out
