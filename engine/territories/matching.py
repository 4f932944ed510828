"""Which rules match which rows, decided without a per-row Python loop and without trying every
rule on every row.

Most territory rules start with a text key (`country == "DE" and …`, `state in [...]`): such a
rule can only match rows holding one of its key values, so rows are joined to the rules' keys
first and each rule is evaluated only on its candidates. Rules without a key are evaluated on all
rows. The result is the sparse match table (row, rule); the first-match decision, ties, dead rules
and orphans are group-bys over it.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import polars as pl

from engine.territories.compile import CompiledRule, prepare

ROW, RULE = "_row", "_rule"
_WIDE_CHUNK = 32  # keyless rules evaluated per select


def match_table(frame: pl.DataFrame, fields: dict[str, str], compiled: list[CompiledRule]) -> pl.DataFrame:
    """(_row u32, _rule u32) for every (row of `frame`, index into `compiled`) where the rule matches."""
    used = set().union(*(c.fields for c in compiled)) if compiled else set()
    data = prepare(frame, fields, used).with_row_index(ROW)
    parts: list[pl.DataFrame] = []
    by_key: dict[str, list[int]] = defaultdict(list)
    keyless: list[int] = []
    for index, rule in enumerate(compiled):
        (by_key[rule.key[0]] if rule.key else keyless).append(index)
    for start in range(0, len(keyless), _WIDE_CHUNK):
        chunk = keyless[start:start + _WIDE_CHUNK]
        wide = data.select(ROW, *[compiled[i].match.fill_null(False).alias(str(i)) for i in chunk])
        parts.extend(wide.filter(pl.col(str(i))).select(ROW, pl.lit(i, dtype=pl.UInt32).alias(RULE))
                     for i in chunk)
    for field, indices in by_key.items():
        keys = pl.DataFrame({field: [v for i in indices for v in compiled[i].key[1]],
                             RULE: pl.Series([i for i in indices for _ in compiled[i].key[1]], dtype=pl.UInt32)})
        candidates = data.join(keys, on=field, how="inner")
        only_key = [i for i in indices if len(compiled[i].atoms) == 1]  # the key is the whole rule
        parts.append(candidates.filter(pl.col(RULE).is_in(only_key)).select(ROW, RULE))
        rest = candidates.filter(~pl.col(RULE).is_in(only_key))
        if rest.is_empty():
            continue
        lazy = [group.lazy().filter(compiled[rule].match.fill_null(False)).select(ROW, RULE)
                for (rule,), group in rest.partition_by(RULE, as_dict=True, maintain_order=False).items()]
        parts.extend(pl.collect_all(lazy))
    if not parts:
        return pl.DataFrame(schema={ROW: pl.UInt32, RULE: pl.UInt32})
    return pl.concat(parts).unique()


def decide(matches: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """For each matched row: the deciding rule and the ties at its level.

    `rules` has one row per compiled rule (row i = _rule i) with `rule_id, territory_id, priority,
    kind, order`; overrides rank before every account rule. Returns `_row, rule_id, territory_id,
    tied` (bool: rules of the deciding level name other territories too), `tie_rules`,
    `tie_territories` (lists, in rule order). Within a tie the first rule in the table wins."""
    ranked = rules.with_row_index(RULE).select(
        RULE, "rule_id", "territory_id", "order",
        (pl.when(pl.col("kind") == "override").then(0).otherwise(1).cast(pl.Int64) * (1 << 40)
         + pl.col("priority").cast(pl.Int64)).alias("_level"))
    joined = matches.join(ranked, on=RULE, how="inner")
    best = joined.filter(pl.col("_level") == pl.col("_level").min().over(ROW)).sort(ROW, "order")
    return best.group_by(ROW, maintain_order=True).agg(
        pl.col("rule_id").first(), pl.col("territory_id").first(),
        (pl.col("territory_id").n_unique() > 1).alias("tied"),
        pl.col("rule_id").alias("tie_rules"), pl.col("territory_id").alias("tie_territories"))


def explain_misses(frame: pl.DataFrame, fields: dict[str, str], compiled: list[CompiledRule]) -> pl.DataFrame:
    """Why each row of `frame` matched no rule: `field, value, reason` per row, in row order.

    reason `empty`: a field the rules read is empty (the one most rules read); `unexpected`: its
    value is accepted by no condition on that field in any rule; `combination`: every value is
    accepted somewhere, just never together."""
    width = Counter(f for c in compiled for f in c.fields)
    if frame.is_empty() or not width:
        return pl.DataFrame({"field": [None] * frame.height, "value": [None] * frame.height,
                             "reason": ["no rules" if not width else "combination"] * frame.height},
                            schema={"field": pl.String, "value": pl.String, "reason": pl.String})
    data = prepare(frame, fields, set(width))
    order = [f for f, _ in width.most_common()]
    accepted = {}
    for field in order:
        conditions = [atom for c in compiled for f, atom in c.atoms if f == field]
        accepted[field] = pl.any_horizontal([a.fill_null(False) for a in conditions]) if conditions else pl.lit(False)
    empty_first = pl.coalesce([pl.when(pl.col(f).is_null()).then(pl.lit(f)) for f in order])
    unexpected_first = pl.coalesce([pl.when(~accepted[f]).then(pl.lit(f)) for f in order])
    flags = data.select(empty_first.alias("_empty"), unexpected_first.alias("_unexpected"))
    field = pl.coalesce("_empty", "_unexpected")
    raw = frame.select([pl.col(f).cast(pl.String) if f in frame.columns else pl.lit(None, dtype=pl.String).alias(f)
                        for f in order])
    value = pl.coalesce([pl.when(field == f).then(pl.col(f)) for f in order]) if order else pl.lit(None)
    return pl.concat([flags, raw], how="horizontal").select(
        field.alias("field"),
        pl.when(pl.col("_empty").is_null()).then(value).alias("value"),
        pl.when(pl.col("_empty").is_not_null()).then(pl.lit("empty"))
        .when(pl.col("_unexpected").is_not_null()).then(pl.lit("unexpected"))
        .otherwise(pl.lit("combination")).alias("reason"))
