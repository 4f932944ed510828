"""The rule language: a hand-written recursive-descent parser from rule text (the tokens of
`rule_tokens`) to an AST.

A rule is a small boolean expression over fields (`country in ["US", "CA"] and annual_revenue >=
1000000`). Nothing here evaluates anything: `engine.territories.compile` turns the AST into polars
expressions. Every node keeps its column in the text so that errors (`RuleError`) can point at it
with a caret. The grammar is written out in docs/rules.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.territories.rule_tokens import RuleError, Token, tokenize

__all__ = ["And", "Between", "Compare", "Field", "InList", "IsEmpty", "Literal", "Not", "Or", "RuleError",
           "TextTest", "atoms", "parse"]
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
TEXT_TESTS = ("startswith", "endswith", "contains")


# --- the AST -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    name: str  # as written, lower-cased
    column: int


@dataclass(frozen=True)
class Literal:
    value: str | float | bool
    kind: str  # "text", "number" or "boolean"
    column: int


@dataclass(frozen=True)
class Compare:
    field: Field
    op: str  # one of COMPARISONS
    value: Literal


@dataclass(frozen=True)
class InList:
    field: Field
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class TextTest:
    field: Field
    op: str  # startswith, endswith, contains
    value: Literal
    negated: bool


@dataclass(frozen=True)
class Between:
    field: Field
    low: Literal
    high: Literal
    negated: bool


@dataclass(frozen=True)
class IsEmpty:
    field: Field
    negated: bool


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object
    column: int


Atom = Compare | InList | TextTest | Between | IsEmpty


def atoms(node) -> list:
    """The predicates (leaves) of a rule, left to right."""
    if isinstance(node, (And, Or)):
        return [a for item in node.items for a in atoms(item)]
    if isinstance(node, Not):
        return atoms(node.item)
    return [node]


# --- the parser --------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0

    def peek(self, ahead: int = 0) -> Token:
        at = self.at + ahead
        return self.tokens[at] if at < len(self.tokens) else self.tokens[-1]

    def take(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def is_keyword(self, word: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "keyword" and token.value == word

    def fail(self, message: str, token: Token | None = None, hint: str = "") -> RuleError:
        token = token or self.peek()
        return RuleError(message, self.text, token.column, hint=hint)

    def parse(self):
        if self.peek().kind == "end":
            raise self.fail("The rule is empty", hint='Write a condition such as country == "US".')
        node = self.or_expr()
        token = self.peek()
        if token.kind != "end":
            if token.kind == ")":
                raise self.fail("This ')' closes no '('", token)
            raise self.fail(f"Expected 'and', 'or' or the end of the rule, found {_shown(token)}", token,
                            hint="Join conditions with and / or.")
        return node

    def or_expr(self):
        items = [self.and_expr()]
        while self.is_keyword("or"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self):
        items = [self.not_expr()]
        while self.is_keyword("and"):
            self.take()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self):
        if self.is_keyword("not"):
            token = self.take()
            return Not(self.not_expr(), token.column)
        return self.predicate()

    def predicate(self):
        token = self.peek()
        if token.kind == "(":
            self.take()
            node = self.or_expr()
            if self.peek().kind != ")":
                raise self.fail(f"Expected ')' to close the '(' of column {token.column}, found {_shown(self.peek())}")
            self.take()
            return node
        if token.kind != "name":
            if token.kind == "end":
                raise self.fail("The rule ends where a condition should start", token,
                                hint='Add a condition such as industry == "Retail".')
            raise self.fail(f"Expected a field name, found {_shown(token)}", token)
        field = Field(self.take().value, token.column)
        return self.tail(field)

    def tail(self, field: Field):
        token = self.peek()
        negated = False
        if self.is_keyword("is"):
            self.take()
            if self.is_keyword("not"):
                self.take()
                negated = True
            if not self.is_keyword("empty"):
                raise self.fail(f"Expected 'empty' after 'is{' not' if negated else ''}', found {_shown(self.peek())}")
            self.take()
            return IsEmpty(field, negated)
        if self.is_keyword("not"):
            self.take()
            negated = True
            token = self.peek()
            if not (token.kind == "keyword" and token.value in ("in", "between", *TEXT_TESTS)):
                raise self.fail(f"Expected 'in', 'startswith', 'endswith', 'contains' or 'between' after 'not', "
                                f"found {_shown(token)}", token)
        if token.kind == "op":
            self.take()
            if token.value == "==" and self.peek().kind == "op" and self.peek().value == "==":
                raise self.fail("Write == once", self.peek())
            return Compare(field, token.value, self.value())
        if token.kind == "keyword" and token.value == "in":
            self.take()
            return InList(field, self.value_list(), negated)
        if token.kind == "keyword" and token.value in TEXT_TESTS:
            self.take()
            return TextTest(field, token.value, self.value(), negated)
        if token.kind == "keyword" and token.value == "between":
            self.take()
            low = self.value()
            if not self.is_keyword("and"):
                raise self.fail(f"Expected 'and' between the two ends of the range, found {_shown(self.peek())}",
                                hint="Write e.g. annual_revenue between 1000000 and 5000000.")
            self.take()
            return Between(field, low, self.value(), negated)
        raise self.fail(f"Expected an operator after the field '{field.name}' (== != < <= > >= in startswith "
                        f"endswith contains between is empty), found {_shown(token)}", token)

    def value(self) -> Literal:
        token = self.peek()
        if token.kind == "string":
            self.take()
            return Literal(token.value, "text", token.column)
        if token.kind == "number":
            self.take()
            return Literal(token.value, "number", token.column)
        if token.kind == "keyword" and token.value in ("true", "false"):
            self.take()
            return Literal(token.value == "true", "boolean", token.column)
        if token.kind == "name":
            raise self.fail(f"Text values go in double quotes: \"{token.text}\"", token)
        if token.kind == "end":
            raise self.fail("The rule ends where a value should be", token)
        raise self.fail(f"Expected a value (\"text\" or a number), found {_shown(token)}", token)

    def value_list(self) -> tuple[Literal, ...]:
        opening = self.peek()
        if opening.kind != "[":
            raise self.fail(f"Expected a list in square brackets after 'in', found {_shown(opening)}", opening,
                            hint='Write e.g. country in ["US", "CA"].')
        self.take()
        values: list[Literal] = []
        while True:
            if self.peek().kind == "]":
                if not values:
                    raise self.fail("The list is empty", self.peek(), hint="Put at least one value in it.")
                self.take()
                break
            values.append(self.value())
            if values[-1].kind != values[0].kind:
                raise self.fail("The values of one list must all be text or all be numbers",
                                _token_at(self.tokens, values[-1].column))
            token = self.peek()
            if token.kind == ",":
                self.take()
                continue
            if token.kind != "]":
                raise self.fail(f"Expected ',' or ']' in the list opened at column {opening.column}, "
                                f"found {_shown(token)}", token)
        return tuple(values)


def _token_at(tokens: list[Token], column: int) -> Token:
    return next(t for t in tokens if t.column == column)


def _shown(token: Token) -> str:
    return "the end of the rule" if token.kind == "end" else f"'{token.text}'"


def parse(text: str):
    """The AST of a rule; raises RuleError (with its column) when it is not a valid rule."""
    return _Parser(text if isinstance(text, str) else "").parse()
