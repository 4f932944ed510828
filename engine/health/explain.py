"""The score's words: the reason of each account's main loss and the next action of its tier, as
columns built by polars expressions (a message per factor, filled from the row's facts), in the
page's language."""
from __future__ import annotations

import polars as pl

from engine.health.config import FACTORS
from engine.health.score import NEXT_ACTIONS
from engine.i18n import t

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
    filled = pl.format(t(f"health.reason.{factor}", lang, value="{}"), fact)
    return filled if never is None else pl.when(fact.is_null()).then(never).otherwise(filled)


def with_words(scores: pl.DataFrame, lang: str) -> pl.DataFrame:
    """`scores` plus reason ("52 days without activity (−15.0)"), tier_label and next_action."""
    reason = pl.lit(None, dtype=pl.String)
    for factor in FACTORS:
        lost = pl.col(f"lost_{factor}").round(1).cast(pl.String)
        reason = pl.when(pl.col("main_reason") == factor).then(
            pl.format("{} (−{})", _message(factor, lang), lost)).otherwise(reason)
    tiers = {tier: t(f"health.tier.{tier}", lang) for tier in NEXT_ACTIONS}
    actions = {tier: t(f"health.action.{action}", lang) for tier, action in NEXT_ACTIONS.items()}
    return scores.with_columns(
        pl.when(pl.col("main_reason").is_null()).then(pl.lit(t("health.reason.none", lang)))
        .otherwise(reason).alias("reason"),
        pl.col("tier").replace_strict(tiers, return_dtype=pl.String).alias("tier_label"),
        pl.col("tier").replace_strict(actions, return_dtype=pl.String).alias("next_action"))


def breakdown(row: dict, weights: dict[str, float], lang: str) -> list[dict]:
    """One account's factors: name, weight, points, lost — for the page's breakdown table. An
    account never invoiced shows receivables with weight 0: the factor does not count for it."""
    counts = {f: f != "receivables" or bool(row.get("receivables_known")) for f in FACTORS}
    return [{"factor": t(f"health.factor.{f}", lang), "weight": weights[f] if counts[f] else 0.0,
             "points": round(row[f"points_{f}"], 2), "lost": round(row[f"lost_{f}"], 2)} for f in FACTORS]


def fill_template(template: str, row: dict, owner: str | None, contact: str = "") -> str:
    """The tier's message with {account}, {owner}, {contact} filled (unknown braces are left as
    typed, so a template with a stray brace still shows instead of raising)."""
    values = {"account": row.get("name") or "", "owner": owner or "—", "contact": contact or "…"}
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", str(value))
    return out
