"""The rule language: a hand-written tokenizer and recursive-descent parser from rule text to an AST.

A rule is a small boolean expression over fields (`country in ["US", "CA"] and annual_revenue >=
1000000`). Nothing here evaluates anything: `engine.territories.compile` turns the AST into polars
expressions. Every node keeps its column in the text so that errors (`RuleError`) can point at it
with a caret. The grammar is written out in docs/rules.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.store.errors import TerrainError

KEYWORDS = frozenset({"and", "or", "not", "in", "startswith", "endswith", "contains", "between", "is",
                      "empty", "true", "false"})
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
TEXT_TESTS = ("startswith", "endswith", "contains")


class RuleError(TerrainError):
    """A rule that cannot be understood. `column` is 1-based in `text`; `where` names the rule
    (e.g. "rules.csv row 4" or "rule R0007"); `fields` the valid fields with their types."""

    title = "A rule is not understood"

    def __init__(self, message: str, text: str, column: int, *, where: str = "",
                 fields: dict[str, str] | None = None, hint: str = "") -> None:
        self.text, self.column, self.where, self.fields, self.reason = text, column, where, fields, message
        super().__init__(message, hint=hint)

    def located(self, where: str, fields: dict[str, str] | None = None) -> "RuleError":
        return RuleError(self.reason, self.text, self.column, where=where, fields=fields or self.fields,
                         hint=self.hint)

    def caret(self) -> str:
        """The rule text with a caret under the offending column (two lines)."""
        line = self.text.replace("\n", " ").replace("\t", " ")
        return f"  {line}\n  {' ' * (self.column - 1)}^"

    def field_list(self) -> str:
        if not self.fields:
            return ""
        return "Valid fields: " + ", ".join(f"{name} ({kind})" for name, kind in self.fields.items()) + "."

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        parts = [f"{head}{self.reason} (column {self.column})", self.caret()]
        if self.hint:
            parts.append(self.hint)
        if self.fields:
            parts.append(self.field_list())
        return "\n".join(parts)


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


# --- the tokenizer -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    kind: str  # name, keyword, string, number, op, "[", "]", "(", ")", ",", end
    text: str
    value: object
    column: int  # 1-based


_NUMBER = re.compile(r"[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_OPS = ("==", "!=", "<=", ">=", "<", ">", "=")


def tokenize(text: str) -> list[Token]:
    tokens, i, n = [], 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in "\"'“‘":  # curly quotes too: Chinese and Word keyboards type them
            quote = {"“": "”", "‘": "’"}.get(char, char)
            j, out = i + 1, []
            while j < n and text[j] != quote:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                out.append(text[j])
                j += 1
            if j >= n:
                raise RuleError("This text value has no closing quote", text, i + 1,
                                hint=f"End it with {quote}.")
            tokens.append(Token("string", text[i:j + 1], "".join(out), i + 1))
            i = j + 1
            continue
        if char.isdigit() or (char == "." and i + 1 < n and text[i + 1].isdigit()) or (
                char == "-" and i + 1 < n and (text[i + 1].isdigit() or text[i + 1] == ".")
                and _may_start_value(tokens)):
            start = i + (char == "-")
            match = _NUMBER.match(text, start)
            end = match.end()
            if end < n and (text[end].isalpha() or text[end] == "_"):
                raise RuleError("A number runs into letters here", text, end + 1,
                                hint="Write plain numbers such as 1000000 or 1e6 (no units or currency signs).")
            value = float(text[start:end].replace("_", ""))
            tokens.append(Token("number", text[i:end], -value if char == "-" else value, i + 1))
            i = end
            continue
        if char.isalpha() or char == "_":
            match = _NAME.match(text, i)
            word = match.group(0)
            kind = "keyword" if word.lower() in KEYWORDS else "name"
            tokens.append(Token(kind, word, word.lower(), i + 1))
            i = match.end()
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            tokens.append(Token("op", op, "==" if op == "=" else op, i + 1))
            i += len(op)
            continue
        if char in "[](),":
            tokens.append(Token(char, char, char, i + 1))
            i += 1
            continue
        raise RuleError(f"The character '{char}' has no meaning in a rule", text, i + 1,
                        hint="Use and / or / not, comparisons (== != < <= > >=), in [...], startswith, "
                             "between … and …, is empty; put text in double quotes.")
    tokens.append(Token("end", "", None, n + 1))
    return tokens


def _may_start_value(tokens: list[Token]) -> bool:
    # A minus sign is part of a number only where a value may start (after an operator, '[' or ',').
    return bool(tokens) and (tokens[-1].kind in ("op", "[", ",") or tokens[-1].value in ("between", "and"))


# --- the parser --------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

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
