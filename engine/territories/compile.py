"""From a rule's AST to polars expressions, with the fields a rule may use and their types.

Text is compared case-insensitively and without surrounding blanks: `prepare` lower-cases and
trims every text field once (blank becomes empty), and constants are folded the same way here, so
`country == "us"` matches "US " too. An empty field makes a comparison unknown, and unknown never
matches, not even under `not` (SQL's three-valued logic, polars' Kleene logic); `is empty` asks
for it explicitly. Nothing is evaluated in Python per row: the result is a `pl.Expr`.

Checking a rule (`compile_rule`) builds no expression: it checks the tree and reads its keys and
plain conditions, which is all `matching` needs for the usual rule; `CompiledRule.match` is built
on first use.
"""
from __future__ import annotations

import difflib
import operator
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from engine.territories.rule_language import (And, Between, Compare, InList, IsEmpty, Literal, Not, Or, RuleError,
                                              TextTest, parse)

TEXT, NUMBER = "text", "number"

# The account fields a rule may use (the accounts table of DESIGN.md), with their types.
ACCOUNT_FIELDS: dict[str, str] = {
    "account_id": TEXT, "name": TEXT, "industry": TEXT, "segment": TEXT, "annual_revenue": NUMBER,
    "employees": NUMBER, "country": TEXT, "state": TEXT, "city": TEXT, "postal_code": TEXT,
    "website": TEXT, "owner_rep_id": TEXT, "parent_account_id": TEXT, "source": TEXT,
    "lat": NUMBER, "lon": NUMBER,
}
# A deal rule sees the deal, a few fields of its account, and where the account rules put the
# account (`account_territory`, and `region`, the region that territory sits in).
DEAL_FIELDS: dict[str, str] = {
    "deal_id": TEXT, "name": TEXT, "amount": NUMBER, "amount_local": NUMBER, "currency": TEXT,
    "stage": TEXT, "status": TEXT, "probability": NUMBER, "forecast_category": TEXT, "product_line": TEXT,
    "owner_rep_id": TEXT, "account_id": TEXT, "account_name": TEXT, "industry": TEXT, "segment": TEXT,
    "country": TEXT, "state": TEXT, "annual_revenue": NUMBER, "account_territory": TEXT, "region": TEXT,
}

# The table and column each deal field is read from (account_territory and region are derived
# from where the account rules put the account).
DEAL_SOURCES: dict[str, tuple[str, str]] = {
    **{f: ("deals", f) for f in ("deal_id", "name", "currency", "stage", "status", "probability",
                                 "forecast_category", "product_line", "owner_rep_id", "account_id")},
    "amount": ("deals", "amount_rc"), "amount_local": ("deals", "amount"), "account_name": ("accounts", "name"),
    **{f: ("accounts", f) for f in ("industry", "segment", "country", "state", "annual_revenue")},
}


@dataclass(frozen=True)
class CompiledRule:
    """A checked rule. `match`: the rule as a boolean expression (null = unknown = no match, fill
    it with False); `atoms`: (field, expression) of each predicate, to tell why an account matched
    nothing — both built on first use, as the join path of `matching` needs neither for the usual
    rules, and building thousands of polars expressions costs more than the matching itself;
    `keys`: (field, values) of each top-level `field == "x"` / `field in [...]` on text: the rule
    can only match rows holding one of those values, so the simulation tries it only on them
    (`matching` picks the most selective key on the data); `key` is the one with fewest values."""

    text: str
    node: object = field(repr=False, compare=False)  # the AST
    kinds: dict[str, str] = field(repr=False, compare=False)  # the fields it may use, with their types
    fields: tuple[str, ...] = ()
    keys: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The rule as a plain AND of table-shaped conditions, when it is one (else None): ("in", field,
    # values), ("prefix", field, text), ("range", field, low, high, low_closed, high_closed) or
    # ("empty", field, negated). `matching` evaluates such rules as joins, thousands at a time.
    conditions: tuple[tuple, ...] | None = None

    @cached_property
    def _built(self) -> tuple[pl.Expr, tuple[tuple[str, pl.Expr], ...]]:
        atoms: list[tuple[str, pl.Expr]] = []
        return _expression(self.node, self.kinds, atoms), tuple(atoms)

    @property
    def match(self) -> pl.Expr:
        return self._built[0]

    @property
    def atoms(self) -> tuple[tuple[str, pl.Expr], ...]:
        return self._built[1]

    @property
    def key(self) -> tuple[str, tuple[str, ...]] | None:
        return min(self.keys, key=lambda k: len(k[1])) if self.keys else None


def fold(value: str) -> str:
    """A text value as rules compare it: trimmed and lower-case."""
    return value.strip().lower()


def prepare(frame: pl.DataFrame, fields: dict[str, str], used: set[str] | None = None) -> pl.DataFrame:
    """The columns rules read: text folded (blank = empty), numbers as Float64 (NaN = empty).
    A field the frame lacks is an empty column (an export without websites, say)."""
    out = []
    for name, kind in fields.items():
        if used is not None and name not in used:
            continue
        column = pl.col(name) if name in frame.columns else pl.lit(None)
        if kind == TEXT:
            # replace, not when/then: the same result at half the cost on a million rows
            out.append(column.cast(pl.String).str.strip_chars().str.to_lowercase().replace("", None).alias(name))
        else:
            out.append(column.cast(pl.Float64).fill_nan(None).alias(name))
    return frame.select(out)


def compile_rule(text: str, fields: dict[str, str]) -> CompiledRule:
    """Parse and check one rule against `fields`; RuleError (with the column) when it is invalid.
    Compiled rules are kept per (text, fields): a page that simulates on every rerun, or a rule
    set of thousands of copies of a few shapes, parses and checks each text once."""
    key = (text, tuple(fields.items()))
    known = _COMPILED.get(key)
    if known is None:
        known = _compile_rule(text, fields)
        if len(_COMPILED) >= _CACHE_SIZE:
            _COMPILED.clear()  # simple and bounded: a new rule set refills it
        _COMPILED[key] = known
    return known


_COMPILED: dict[tuple, CompiledRule] = {}
_CACHE_SIZE = 50_000


def forget_compiled() -> None:
    """Drop the compiled rules kept (the bench times a cold start with it)."""
    _COMPILED.clear()


def _compile_rule(text: str, fields: dict[str, str]) -> CompiledRule:
    try:
        node = parse(text)
        used: list[str] = []
        _check(node, fields, text, used)
    except RuleError as error:
        raise error.located(error.where, fields) from None
    return CompiledRule(text, node, fields, tuple(dict.fromkeys(used)),  # in order of appearance
                        _keys(node, fields), _conditions(node, fields))


def _field(node, fields: dict[str, str], text: str) -> tuple[str, str]:
    name = node.field.name
    if name not in fields:
        close = difflib.get_close_matches(name, list(fields), n=1)
        raise RuleError(f"There is no field '{name}'", text, node.field.column, fields=fields,
                        hint=f"Did you mean '{close[0]}'?" if close else "")
    return name, fields[name]


def _constant(literal: Literal, name: str, kind: str, text: str):
    if literal.kind == "boolean":
        raise RuleError(f"'{name}' is {kind}, not true/false", text, literal.column)
    if kind == NUMBER and literal.kind != "number":
        raise RuleError(f"'{name}' is a number: compare it with a number such as 1000000, not with text",
                        text, literal.column)
    if kind == TEXT and literal.kind != "text":
        shown = f"{literal.value:g}" if isinstance(literal.value, float) else literal.value
        raise RuleError(f"'{name}' is text: put the value in double quotes: \"{shown}\"", text, literal.column)
    return fold(literal.value) if kind == TEXT else float(literal.value)


def _check(node, fields: dict[str, str], text: str, used: list[str]) -> None:
    """Raise the RuleError of the first problem, left to right; collect the fields read."""
    if isinstance(node, (And, Or)):
        for item in node.items:
            _check(item, fields, text, used)
        return
    if isinstance(node, Not):
        _check(node.item, fields, text, used)
        return
    name, kind = _field(node, fields, text)
    if isinstance(node, Compare):
        _constant(node.value, name, kind, text)
    elif isinstance(node, InList):
        for value in node.values:
            _constant(value, name, kind, text)
    elif isinstance(node, TextTest):
        if kind != TEXT:
            raise RuleError(f"'{name}' is a number: {node.op} works on text fields only", text, node.field.column,
                            hint="Use between, <, <=, > or >= on numbers.")
        _constant(node.value, name, kind, text)
    elif isinstance(node, Between):
        if kind != NUMBER:
            raise RuleError(f"'{name}' is text: between works on number fields only", text, node.field.column,
                            hint='Use in ["a", "b"] or startswith for text.')
        low, high = (_constant(v, name, kind, text) for v in (node.low, node.high))
        if low > high:
            raise RuleError(f"The range starts above where it ends ({low:g} > {high:g})", text, node.low.column,
                            hint="Write the smaller number first.")
    used.append(name)


_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}


def _value(literal: Literal, kind: str):
    return fold(literal.value) if kind == TEXT else float(literal.value)


def _expression(node, fields: dict[str, str], atoms: list) -> pl.Expr:
    """The polars expression of a checked rule; each predicate is also appended to `atoms`."""
    if isinstance(node, And):
        parts = [_expression(item, fields, atoms) for item in node.items]
        return pl.all_horizontal(parts) if len(parts) > 2 else parts[0] & parts[1]
    if isinstance(node, Or):
        parts = [_expression(item, fields, atoms) for item in node.items]
        return pl.any_horizontal(parts) if len(parts) > 2 else parts[0] | parts[1]
    if isinstance(node, Not):
        return ~_expression(node.item, fields, atoms)
    name = node.field.name
    kind, column = fields[name], pl.col(name)
    if isinstance(node, Compare):
        expr = _COMPARE[node.op](column, _value(node.value, kind))
    elif isinstance(node, InList):
        expr = column.is_in([_value(v, kind) for v in node.values])  # an empty field gives null (unknown)
        expr = ~expr if node.negated else expr
    elif isinstance(node, TextTest):
        value = _value(node.value, kind)
        expr = (column.str.starts_with(value) if node.op == "startswith" else column.str.ends_with(value)
                if node.op == "endswith" else column.str.contains(value, literal=True))
        expr = ~expr if node.negated else expr
    elif isinstance(node, Between):
        expr = column.is_between(_value(node.low, kind), _value(node.high, kind), closed="both")
        expr = ~expr if node.negated else expr
    else:  # IsEmpty
        expr = column.is_not_null() if node.negated else column.is_null()
    atoms.append((name, expr))
    return expr


def _keys(node, fields: dict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The top-level `text == "x"` / `text in [...]` conditions of a rule (its AND-ed parts)."""
    items = node.items if isinstance(node, And) else (node,)
    keys = []
    for item in items:
        if isinstance(item, Compare) and item.op == "==" and fields.get(item.field.name) == TEXT:
            keys.append((item.field.name, (fold(item.value.value),)))
        elif isinstance(item, InList) and not item.negated and fields.get(item.field.name) == TEXT:
            keys.append((item.field.name, tuple(sorted({fold(v.value) for v in item.values}))))
    return tuple(keys)


def _conditions(node, fields: dict[str, str]) -> tuple[tuple, ...] | None:
    items, out = list(node.items) if isinstance(node, And) else [node], []
    while items:
        item = items.pop(0)
        if isinstance(item, And):
            items[:0] = item.items
            continue
        kind = fields.get(getattr(getattr(item, "field", None), "name", None))
        name = item.field.name if kind else None
        if isinstance(item, InList) and not item.negated and kind == TEXT:
            out.append(("in", name, tuple(sorted({fold(v.value) for v in item.values}))))
        elif isinstance(item, Compare) and item.op == "==" and kind == TEXT:
            out.append(("in", name, (fold(item.value.value),)))
        elif isinstance(item, TextTest) and item.op == "startswith" and not item.negated:
            out.append(("prefix", name, fold(item.value.value)))
        elif isinstance(item, Compare) and kind == NUMBER and item.op != "!=":
            value, inf = float(item.value.value), float("inf")
            low, high = {"==": (value, value), "<": (-inf, value), "<=": (-inf, value),
                         ">": (value, inf), ">=": (value, inf)}[item.op]
            out.append(("range", name, low, high, item.op in ("==", ">="), item.op in ("==", "<=")))
        elif isinstance(item, Between) and not item.negated:
            out.append(("range", name, float(item.low.value), float(item.high.value), True, True))
        elif isinstance(item, IsEmpty):
            out.append(("empty", name, item.negated))
        else:
            return None
    return tuple(out)
