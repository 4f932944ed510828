"""Rule text into tokens, and the error every rule problem is: `RuleError` keeps the rule text
and the 1-based column it points at, and shows them with a caret.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from engine.store.errors import TerrainError

KEYWORDS = frozenset({"and", "or", "not", "in", "startswith", "endswith", "contains", "between", "is",
                      "empty", "true", "false"})


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


class Token(NamedTuple):  # a tuple: thousands of rules make hundreds of thousands of tokens
    kind: str  # name, keyword, string, number, op, "[", "]", "(", ")", ",", end
    text: str
    value: object
    column: int  # 1-based


_NUMBER = re.compile(r"[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_OPS = ("==", "!=", "<=", ">=", "<", ">", "=")


# The usual rule in one regex pass: plain double-quoted text, unsigned numbers not running into
# letters, names, operators and brackets (ASCII, as below). Anything else (a minus sign, other
# quotes, an escape, a stray character) goes through the character loop, which words the errors.
_PLAIN = re.compile(r"""\s*(?:
    (?P<string>"[^"\\]*")
  | (?P<number>(?:[0-9][0-9_]*(?:\.[0-9_]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?![\w.])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)(?![^\W\d_])
  | (?P<op>==|!=|<=|>=|<|>|=)
  | (?P<punct>[\[\](),])
  )\s*""", re.VERBOSE)


def tokenize(text: str) -> list[Token]:
    return _plain_tokens(text) or _tokens(text)


def _plain_tokens(text: str) -> list[Token] | None:
    tokens, at, n = [], 0, len(text)
    while at < n:
        found = _PLAIN.match(text, at)
        if found is None:
            return None if text[at:].strip() else tokens + [Token("end", "", None, n + 1)]
        kind, word = found.lastgroup, found.group(found.lastgroup)
        column = found.start(kind) + 1
        if kind == "string":
            tokens.append(Token("string", word, word[1:-1], column))
        elif kind == "number":
            tokens.append(Token("number", word, float(word.replace("_", "")), column))
        elif kind == "name":
            lower = word.lower()
            tokens.append(Token("keyword" if lower in KEYWORDS else "name", word, lower, column))
        elif kind == "op":
            tokens.append(Token("op", word, "==" if word == "=" else word, column))
        else:
            tokens.append(Token(word, word, word, column))
        at = found.end()
    return tokens + [Token("end", "", None, n + 1)]


def _tokens(text: str) -> list[Token]:
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
        # ASCII digits and letters only: str.isdigit/isalpha also accept '¹', 'º' or '北', which
        # no number or field name is made of (the fuzzer found them raising AttributeError).
        if _ascii_digit(char) or (char == "." and i + 1 < n and _ascii_digit(text[i + 1])) or (
                char == "-" and i + 1 < n and (_ascii_digit(text[i + 1]) or text[i + 1] == ".")
                and _may_start_value(tokens)):
            start = i + (char == "-")
            match = _NUMBER.match(text, start)
            if match is None:  # '-.' without a digit
                raise RuleError("A number is expected here", text, i + 1,
                                hint="Write plain numbers such as -5, 0.5 or 1e6.")
            end = match.end()
            if end < n and (text[end].isalpha() or text[end] == "_"):
                raise RuleError("A number runs into letters here", text, end + 1,
                                hint="Write plain numbers such as 1000000 or 1e6 (no units or currency signs).")
            value = float(text[start:end].replace("_", ""))
            tokens.append(Token("number", text[i:end], -value if char == "-" else value, i + 1))
            i = end
            continue
        if char.isascii() and (char.isalpha() or char == "_"):
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


def _ascii_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _may_start_value(tokens: list[Token]) -> bool:
    # A minus sign is part of a number only where a value may start (after an operator, '[' or ',').
    return bool(tokens) and (tokens[-1].kind in ("op", "[", ",") or tokens[-1].value in ("between", "and"))


