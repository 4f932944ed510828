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
from itertools import product

import polars as pl

from engine.territories.compile import CompiledRule, prepare

ROW, RULE = "_row", "_rule"
_WIDE_CHUNK = 32  # rules evaluated per polars pass when they are not plain conditions
MAX_KEY_COMBINATIONS = 10_000  # key values (per combination of fields) a rule's candidates are joined on


def match_table(frame: pl.DataFrame, fields: dict[str, str], compiled: list[CompiledRule]) -> pl.DataFrame:
    """(_row u32, _rule u32) for every (row of `frame`, index into `compiled`) where the rule matches."""
    used = set().union(*(c.fields for c in compiled)) if compiled else set()
    data = prepare(frame, fields, used).with_row_index(ROW)
    parts: list[pl.DataFrame] = []
    by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
    chosen: dict[int, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    keyless: list[int] = []
    for index, rule in enumerate(compiled):
        if not rule.keys:
            keyless.append(index)
            continue
        chosen[index] = _composite(rule.keys)
        by_key[tuple(field for field, _ in chosen[index])].append(index)
    parts.extend(_evaluate(data, data.select(ROW), keyless, compiled))
    for key_fields, indices in by_key.items():
        keys = _key_table(key_fields, indices, chosen)
        candidates = data.select(ROW, *key_fields).join(keys, on=list(key_fields), how="inner").select(ROW, RULE)
        plain = {i: _residual(compiled[i].conditions, chosen[i]) for i in indices
                 if compiled[i].conditions is not None}
        parts.append(_plain_matches(data, candidates.filter(pl.col(RULE).is_in(list(plain))), plain))
        general = [i for i in indices if i not in plain]
        if general:
            parts.extend(_evaluate(data, candidates.filter(pl.col(RULE).is_in(general)), general, compiled))
    if not parts:
        return pl.DataFrame(schema={ROW: pl.UInt32, RULE: pl.UInt32})
    # No pair twice: each path yields a rule's matches once (a row holds one combination of key values).
    return pl.concat(parts)


def _key_table(key_fields: tuple[str, ...], indices: list[int],
               chosen: dict[int, tuple[tuple[str, tuple[str, ...]], ...]]) -> pl.DataFrame:
    """One row per (combination of the key values a rule accepts, rule), built flat: a frame of
    list columns exploded costs a Series per rule."""
    columns: list[list[str]] = [[] for _ in key_fields]
    rules: list[int] = []
    for index in indices:
        for combination in product(*(values for _, values in chosen[index])):
            for column, value in zip(columns, combination):
                column.append(value)
            rules.append(index)
    return pl.DataFrame({**{field: pl.Series(column, dtype=pl.String) for field, column in zip(key_fields, columns)},
                         RULE: pl.Series(rules, dtype=pl.UInt32)})


def _composite(keys: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The key conditions a rule's candidates are joined on: all of them (one per field, the one
    with fewest values), while the combinations stay few — `country == "DE" and state == "BY"`
    finds exactly the Bavarian rows, where either alone would find far more."""
    best: dict[str, tuple[str, ...]] = {}
    for field, values in keys:
        if field not in best or len(values) < len(best[field]):
            best[field] = values
    while len(best) > 1 and _combinations(best) > MAX_KEY_COMBINATIONS:
        best.pop(max(best, key=lambda f: len(best[f])))
    return tuple(sorted(best.items()))


def _combinations(best: dict[str, tuple[str, ...]]) -> int:
    out = 1
    for values in best.values():
        out *= len(values)
    return out


def _residual(conditions: tuple[tuple, ...], key: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple, ...]:
    """The conditions of a rule other than the key conditions its candidates were found by."""
    rest, left = [], list(key)
    for condition in conditions:
        if condition[0] == "in" and (condition[1], condition[2]) in left:
            left.remove((condition[1], condition[2]))
            continue
        rest.append(condition)
    return tuple(rest)


def _plain_matches(data: pl.DataFrame, candidates: pl.DataFrame, plain: dict[int, tuple[tuple, ...]]) -> pl.DataFrame:
    """The candidates (ROW, RULE) whose rule's remaining conditions all hold, evaluated per kind of
    condition as joins over every rule at once: satisfied (row, rule, condition) triples are
    counted against the number of conditions each rule has."""
    needed = pl.DataFrame({RULE: pl.Series(list(plain), dtype=pl.UInt32),
                           "_needed": pl.Series([len(c) for c in plain.values()], dtype=pl.UInt32)})
    candidates = candidates.join(needed, on=RULE)
    done = candidates.filter(pl.col("_needed") == 0).select(ROW, RULE)
    pending = candidates.filter(pl.col("_needed") > 0)
    if pending.is_empty():
        return done
    table: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for rule, conditions in plain.items():
        for number, condition in enumerate(conditions):
            table[(condition[0], condition[1])].append((rule, number, *condition[2:]))
    satisfied = []
    for (kind, field), rows in table.items():
        rules = pl.Series([r[0] for r in rows], dtype=pl.UInt32)
        mine = pending.filter(pl.col(RULE).is_in(rules.unique().implode()))
        mine = mine.with_columns(data[field].gather(mine[ROW]).alias("_value"))
        spec = {RULE: rules, "_cond": pl.Series([r[1] for r in rows], dtype=pl.UInt32)}
        if kind == "in":  # one row per accepted value, built flat
            flat = [(r[0], r[1], value) for r in rows for value in r[2]]
            accepted = pl.DataFrame({RULE: pl.Series([f[0] for f in flat], dtype=pl.UInt32),
                                     "_cond": pl.Series([f[1] for f in flat], dtype=pl.UInt32),
                                     "_value": pl.Series([f[2] for f in flat], dtype=pl.String)})
            found = mine.join(accepted, on=[RULE, "_value"])
        else:
            if kind == "prefix":
                spec["_prefix"] = [r[2] for r in rows]
                test = pl.col("_value").str.starts_with(pl.col("_prefix"))
            elif kind == "range":
                spec.update(_low=[r[2] for r in rows], _high=[r[3] for r in rows],
                            _low_closed=[r[4] for r in rows], _high_closed=[r[5] for r in rows])
                value = pl.col("_value")
                test = (((value > pl.col("_low")) | (pl.col("_low_closed") & (value == pl.col("_low"))))
                        & ((value < pl.col("_high")) | (pl.col("_high_closed") & (value == pl.col("_high")))))
            else:  # empty
                spec["_negated"] = [r[2] for r in rows]
                test = pl.col("_value").is_null() != pl.col("_negated")
            found = mine.join(pl.DataFrame(spec), on=RULE).filter(test.fill_null(False))
        satisfied.append(found.select(ROW, RULE, "_cond"))
    counted = (pl.concat(satisfied).unique().group_by(ROW, RULE).agg(pl.len().alias("_held"))
               .join(needed, on=RULE).filter(pl.col("_held") == pl.col("_needed")))
    return pl.concat([done, counted.select(ROW, RULE)])


def _evaluate(data: pl.DataFrame, candidates: pl.DataFrame, rules: list[int], compiled: list[CompiledRule]):
    """Rules of any shape, each on its candidates (`candidates` has ROW, and RULE when the
    candidates differ per rule), a chunk of rules per polars pass."""
    for start in range(0, len(rules), _WIDE_CHUNK):
        chunk = rules[start:start + _WIDE_CHUNK]
        if RULE in candidates.columns:
            rows = candidates.filter(pl.col(RULE).is_in(chunk))
            rows = pl.concat([rows, data.drop(ROW)[rows[ROW]]], how="horizontal")
            yield rows.filter(pl.any_horizontal([(pl.col(RULE) == i) & compiled[i].match.fill_null(False)
                                                 for i in chunk])).select(ROW, RULE)
        else:
            wide = data.select(ROW, *[compiled[i].match.fill_null(False).alias(str(i)) for i in chunk])
            for i in chunk:
                yield wide.filter(pl.col(str(i))).select(ROW, pl.lit(i, dtype=pl.UInt32).alias(RULE))


def decide(matches: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """For each matched row: the deciding rule and the ties at its level.

    `rules` has one row per compiled rule (row i = _rule i) with `rule_id, territory_id, priority,
    kind, order`; overrides rank before every account rule. Returns `_row, rule_id, territory_id,
    tied` (bool: rules of the deciding level name other territories too), `tie_rules`,
    `tie_territories` (lists, in rule order), by row. Within a tie the first rule in the table wins."""
    # Each rule's rank in (level, order): one sort of a single u64 (row << 32 | rank) orders every
    # match by row, then by rank, with no join of the million matches to the rules.
    ranked = rules.with_row_index(RULE).select(
        RULE, "rule_id", "territory_id",
        (pl.when(pl.col("kind") == "override").then(0).otherwise(1).cast(pl.Int64) * (1 << 40)
         + pl.col("priority").cast(pl.Int64)).alias("_level"), "order").sort("_level", "order", RULE)
    rank_of = pl.Series(_inverse(ranked[RULE].to_list(), rules.height), dtype=pl.UInt64)
    level_of = ranked["_level"].rank("dense").cast(pl.UInt32)  # by rank
    keys = (matches[ROW].cast(pl.UInt64) * (1 << 32) + rank_of.gather(matches[RULE])).sort()
    rank = (keys % (1 << 32)).cast(pl.UInt32)
    ordered = pl.DataFrame({ROW: (keys // (1 << 32)).cast(pl.UInt32), "_rank": rank, "_level": level_of.gather(rank)})
    first = ordered[ROW].is_first_distinct()
    winners = ordered.filter(first)
    decided = pl.DataFrame({ROW: winners[ROW], "rule_id": ranked["rule_id"].gather(winners["_rank"]),
                            "territory_id": ranked["territory_id"].gather(winners["_rank"])})
    # A row ties only when a second match shares the first one's level: matches come by level, so
    # such a match directly follows one of its level in the same row. Only those rows are looked at.
    rows, levels = ordered[ROW], ordered["_level"]
    repeated = rows.filter((rows == rows.shift(1)) & (levels == levels.shift(1))).unique()
    some = ordered.filter(pl.col(ROW).is_in(repeated.implode()))
    level = some.filter(pl.col("_level") == pl.col("_level").min().over(ROW))  # the row's winning level
    level = level.with_columns(rule_id=ranked["rule_id"].gather(level["_rank"]),
                               territory_id=ranked["territory_id"].gather(level["_rank"]))
    ties = level.group_by(ROW, maintain_order=True).agg(
        (pl.col("territory_id").n_unique() > 1).alias("tied"), pl.col("rule_id").alias("tie_rules"),
        pl.col("territory_id").alias("tie_territories")).filter("tied")
    return decided.join(ties, on=ROW, how="left", maintain_order="left").with_columns(pl.col("tied").fill_null(False))


def _inverse(permutation: list[int], size: int) -> list[int]:
    out = [0] * size
    for position, index in enumerate(permutation):
        out[index] = position
    return out


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
    accepted = _accepting(order, compiled)
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


def _accepting(order: list[str], compiled: list[CompiledRule]) -> dict[str, pl.Expr]:
    """Per field, true where some condition on it of some rule holds. Read in one pass over the
    rules, and folded so thousands of rules stay a few expressions: accepted values in one
    membership test, prefixes in one membership test per prefix length, the distinct ranges and
    emptiness tests, and the predicates of rules that are not plain conditions."""
    values: dict[str, set[str]] = {f: set() for f in order}
    prefixes: dict[str, dict[int, set[str]]] = {f: defaultdict(set) for f in order}
    others: dict[str, dict[str, pl.Expr]] = {f: {} for f in order}
    for rule in compiled:
        if rule.conditions is None:
            for name, atom in rule.atoms:
                others[name].setdefault(str(atom), atom)
            continue
        for kind, name, *spec in rule.conditions:
            if kind == "in":
                values[name].update(spec[0])
            elif kind == "prefix":
                prefixes[name][len(spec[0])].add(spec[0])
            elif kind == "range":
                low, high, low_closed, high_closed = spec
                test = (pl.col(name) >= low if low_closed else pl.col(name) > low) & (
                    pl.col(name) <= high if high_closed else pl.col(name) < high)
                others[name].setdefault(f"range {spec}", test)
            else:
                test = pl.col(name).is_not_null() if spec[0] else pl.col(name).is_null()
                others[name].setdefault(f"empty {spec}", test)
    out = {}
    for field in order:
        tests = [t.fill_null(False) for t in others[field].values()]
        tests += [pl.col(field).str.slice(0, length).is_in(sorted(starts)).fill_null(False)
                  for length, starts in sorted(prefixes[field].items())]
        if values[field]:
            tests.append(pl.col(field).is_in(sorted(values[field])).fill_null(False))
        out[field] = pl.any_horizontal(tests) if tests else pl.lit(False)
    return out
