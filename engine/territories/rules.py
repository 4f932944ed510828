"""Assignment rules as data: the rule table, its checks, and how it is stored.

A rule sends what its expression matches to its territory. Three kinds:
- `account` rules, by priority (lower first; the first matching priority wins);
- `override` rules (named accounts): tried before every account rule, whatever their priority,
  so a named account always lands in its named-accounts territory;
- `deal` rules: an open deal they match goes to their territory instead of its account's.
Rules are checked all at once (`check_rules`): every problem is listed, with the rule and the
column of its text, and nothing is saved until there are none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from engine.store import Store
from engine.store.errors import TerrainError
from engine.territories.compile import ACCOUNT_FIELDS, DEAL_FIELDS, DEAL_SOURCES, CompiledRule, compile_rule
from engine.territories.rule_language import RuleError
from engine.territories.guard import checked_actor

KINDS = ("account", "override", "deal")
RULE_COLUMNS = ("rule_id", "territory_id", "priority", "expression", "kind", "active", "name",
                "created_by", "created_at")
RULE_SCHEMA = {"rule_id": pl.String, "territory_id": pl.String, "priority": pl.Int64, "expression": pl.String,
               "kind": pl.String, "active": pl.Boolean, "name": pl.String, "created_by": pl.String,
               "created_at": pl.Datetime("us")}


def fields_of(kind: str) -> dict[str, str]:
    return DEAL_FIELDS if kind == "deal" else ACCOUNT_FIELDS


@dataclass(frozen=True)
class RuleProblem:
    """One problem of one rule: `where` names it (rule id or file row), `column` the table column
    (territory, priority, expression, kind), `error` the RuleError with the text position if any."""

    where: str
    column: str
    message: str
    error: RuleError | None = None
    row: int | None = None  # 0-based position in the checked table

    def __str__(self) -> str:
        return str(self.error.located(self.where)) if self.error else f"{self.where}, {self.column}: {self.message}"


class RulesRefused(TerrainError):
    """Rules with problems; `problems` lists every one of them."""

    title = "The rules have problems"

    def __init__(self, problems: list[RuleProblem], *, hint: str = "") -> None:
        self.problems = problems
        head = f"{len(problems)} problem(s) in the rules, nothing was changed:"
        super().__init__(head + "\n" + "\n".join(str(p) for p in problems[:50]),
                         hint=hint or "Fix the rules and try again; docs/rules.md lists the fields and operators.")

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}"


@dataclass(frozen=True)
class RuleSet:
    """Valid, active rules: `frame` (RULE_COLUMNS plus `order`, the position that breaks ties) and
    each rule compiled, in the same order."""

    frame: pl.DataFrame
    compiled: tuple[CompiledRule, ...]

    def columns_read(self) -> dict[str, set[str]]:
        """The columns of `accounts` and of `deals` the rules read (account and override rules
        read accounts; deal rules read deals and a few fields of their account)."""
        out: dict[str, set[str]] = {"accounts": set(), "deals": set()}
        for rule, kind in zip(self.compiled, self.frame["kind"]):
            for name in rule.fields:
                table, column = DEAL_SOURCES.get(name, ("", "")) if kind == "deal" else ("accounts", name)
                if table:
                    out[table].add(column)
        return out

    def of_kind(self, *kinds: str) -> tuple[pl.DataFrame, list[CompiledRule]]:
        keep = [i for i, kind in enumerate(self.frame["kind"]) if kind in kinds]
        return self.frame[keep], [self.compiled[i] for i in keep]


def empty_rules() -> pl.DataFrame:
    return pl.DataFrame(schema=RULE_SCHEMA)


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every rule column, in order and type (missing ones empty, kind 'account',
    active true): what the editor, the CSV reader and the store hand each other."""
    out = []
    for name, dtype in RULE_SCHEMA.items():
        column = pl.col(name) if name in frame.columns else pl.lit(None)
        if name == "kind":
            column = column.cast(pl.String).str.strip_chars().str.to_lowercase().fill_null("account")
        elif name == "active":
            column = column.cast(pl.Boolean).fill_null(True)
        elif name != "priority":
            column = column.cast(dtype)
        out.append(column.alias(name))
    return frame.select(out) if frame.width else empty_rules()


def check_rules(frame: pl.DataFrame, territories: pl.DataFrame, *, where: str = "rule") -> list[RuleProblem]:
    """Every problem of the rule table (inactive rules are checked too: they may be switched on)."""
    return _checked(frame, territories, where)[0]


def _checked(frame: pl.DataFrame, territories: pl.DataFrame, where: str = "rule"
             ) -> tuple[list[RuleProblem], list[CompiledRule | None]]:
    """The problems, and each rule compiled (None where it could not be)."""
    problems: list[RuleProblem] = []
    compiled: list[CompiledRule | None] = []
    known = set(territories["territory_id"].to_list())
    for row, rule in enumerate(frame.iter_rows(named=True)):
        label = f"{where} {rule['rule_id']}" if rule.get("rule_id") else f"{where} {row + 1}"
        if rule["territory_id"] not in known:
            problems.append(RuleProblem(label, "territory", f"there is no territory '{rule['territory_id']}'",
                                        row=row))
        if not _is_whole(rule["priority"]):
            problems.append(RuleProblem(label, "priority",
                                        f"priority must be a whole number, got '{rule['priority']}'", row=row))
        compiled.append(None)
        if rule["kind"] not in KINDS:
            problems.append(RuleProblem(label, "kind", f"kind must be one of {', '.join(KINDS)}, got "
                                                       f"'{rule['kind']}'", row=row))
            continue
        try:
            compiled[-1] = compile_rule(rule["expression"] or "", fields_of(rule["kind"]))
        except RuleError as error:
            problems.append(RuleProblem(label, "expression", error.reason, error.located(label), row=row))
    ids = frame["rule_id"].drop_nulls()
    for repeated in ids.filter(ids.is_duplicated()).unique().sort().to_list():
        problems.append(RuleProblem(f"{where} {repeated}", "rule_id", "the rule id is used twice"))
    return problems, compiled


def _is_whole(value) -> bool:
    try:
        return value is not None and float(value) == int(float(value))
    except (TypeError, ValueError):
        return False


def rule_set(frame: pl.DataFrame, territories: pl.DataFrame) -> RuleSet:
    """The active rules compiled, in evaluation order; RulesRefused when any rule has a problem."""
    frame = with_ids(normalise(frame))
    problems, compiled = _checked(frame, territories)
    if problems:
        raise RulesRefused(problems)
    active = frame.with_columns(pl.col("priority").cast(pl.Int64)).with_row_index("order").filter(pl.col("active"))
    return RuleSet(active, tuple(compiled[i] for i in active["order"].to_list()))


def with_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """Give rules without an id the next free ones (R0001, R0002 …)."""
    if frame.is_empty() or frame["rule_id"].null_count() == 0:
        return frame
    taken = frame["rule_id"].drop_nulls().str.extract(r"^R(\d+)$").cast(pl.Int64).max() or 0
    fresh = iter(range(taken + 1, taken + 1 + frame.height))
    ids = [rule_id if rule_id else f"R{next(fresh):04d}" for rule_id in frame["rule_id"]]
    return frame.with_columns(pl.Series("rule_id", ids, dtype=pl.String))


def load_rules(store) -> pl.DataFrame:
    """The stored rules (RULE_COLUMNS), in the order they were written."""
    return normalise(store.query(
        "SELECT rule_id, territory_id, priority, expression, kind, active, name, created_by, created_at "
        "FROM territory_rules ORDER BY kind = 'deal', priority, rule_id"))


def save_rules(store: Store, frame: pl.DataFrame, *, actor: str | None = None) -> pl.DataFrame:
    """Replace the stored rules with `frame` in one transaction, after checking every rule
    (RulesRefused lists the problems, and nothing is written). Returns the rules as stored."""
    territories = store.table("territories", ["territory_id", "name"])
    frame = with_ids(normalise(frame))
    problems = check_rules(frame, territories)
    if problems:
        raise RulesRefused(problems)
    now = datetime.now()
    frame = frame.with_columns(pl.col("priority").cast(pl.Int64),
                               pl.col("created_by").fill_null(pl.lit(actor, dtype=pl.String)),
                               pl.col("created_at").fill_null(pl.lit(now, dtype=pl.Datetime("us"))))
    actor = checked_actor(store, actor, "rules")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        tx.execute("DELETE FROM territory_rules")
        tx.insert_frame("territory_rules", frame.select(RULE_COLUMNS))
    return frame
