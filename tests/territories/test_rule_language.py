"""The rule language: what parses, what each error says and where it points, what each rule matches."""
from __future__ import annotations

import polars as pl
import pytest

from engine.territories.compile import ACCOUNT_FIELDS, DEAL_FIELDS, compile_rule, prepare
from engine.territories.rule_language import (And, Between, Compare, Field, InList, IsEmpty, Literal, Not, Or,
                                              RuleError, TextTest, parse)

ACCOUNTS = pl.DataFrame({
    "account_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
    "name": ["Acme Inc.", "Globex GmbH", "initech", "Umbrella", "  ", "北京星辰有限公司"],
    "country": ["US", "DE", "us ", None, "CA", "CN"],
    "state": ["CA", "BY", "NY", None, "ON", "Beijing"],
    "postal_code": ["94105", "80331", "10001", None, "M5V", "100000"],
    "industry": ["Manufacturing", "Finance", "Software", "Health", None, "Retail"],
    "annual_revenue": [1_000_000.0, 5_000_000.0, 250_000.0, None, 999_999.0, 20_000_000.0],
    "employees": [120, 800, 15, None, 40, 5000],
})


def matches(rule: str, frame: pl.DataFrame = ACCOUNTS) -> list[str]:
    compiled = compile_rule(rule, ACCOUNT_FIELDS)
    data = prepare(frame, ACCOUNT_FIELDS)
    return frame["account_id"].filter(data.select(compiled.match.fill_null(False)).to_series()).to_list()


@pytest.mark.parametrize("rule, expected", [
    ('country == "US"', ["A1", "A3"]),  # case and blanks do not matter
    ("country = 'us'", ["A1", "A3"]),  # = is ==, single quotes too
    ('country != "US"', ["A2", "A5", "A6"]),  # an empty country is unknown: not matched by !=
    ('country in ["US", "CA"]', ["A1", "A3", "A5"]),
    ('country not in ["US", "CA"]', ["A2", "A6"]),
    ('postal_code startswith "94"', ["A1"]),
    ('postal_code not startswith "94"', ["A2", "A3", "A5", "A6"]),
    ('name endswith "gmbh"', ["A2"]),
    ('name contains "星辰"', ["A6"]),
    ("annual_revenue >= 1000000", ["A1", "A2", "A6"]),
    ("annual_revenue > 1e6", ["A2", "A6"]),
    ("annual_revenue < 1_000_000", ["A3", "A5"]),
    ("annual_revenue <= 999999", ["A3", "A5"]),
    ("annual_revenue between 1000000 and 5000000", ["A1", "A2"]),  # both ends included
    ("annual_revenue not between 1000000 and 5000000", ["A3", "A5", "A6"]),
    ("employees between 0 and 100", ["A3", "A5"]),
    ("industry is empty", ["A5"]),
    ("name is empty", ["A5"]),  # blank text is empty
    ("country is not empty", ["A1", "A2", "A3", "A5", "A6"]),
    ('not country == "US"', ["A2", "A5", "A6"]),  # not of unknown stays unknown
    ('country == "US" and annual_revenue >= 1000000', ["A1"]),
    ('country == "DE" or state == "ON"', ["A2", "A5"]),
    ('(country == "US" or country == "CA") and not (industry == "Software")', ["A1"]),
    ('COUNTRY == "US" AND State In ["ca"]', ["A1"]),  # keywords and field names in any case
    ('country == "CN" and state == "beijing" or annual_revenue between 0 and 300000', ["A3", "A6"]),
    ("annual_revenue > -5", ["A1", "A2", "A3", "A5", "A6"]),
    ("country == “US”", ["A1", "A3"]),  # curly quotes as a Chinese keyboard types them
])
def test_rule_matches_exactly(rule, expected):
    assert matches(rule) == expected


@pytest.mark.parametrize("rule, column, message", [
    ("", 1, "The rule is empty"),
    ('contry == "US"', 1, "There is no field 'contry'"),
    ('country == "US" and sate == "CA"', 21, "There is no field 'sate'"),
    ("country == US", 12, 'Text values go in double quotes: "US"'),
    ('country == "US', 12, "no closing quote"),
    ('country == "US" "CA"', 17, "Expected 'and', 'or' or the end of the rule, found '\"CA\"'"),
    ('(country == "US"', 17, "Expected ')' to close the '(' of column 1"),
    ('country == "US")', 16, "This ')' closes no '('"),
    ("country ==", 11, "The rule ends where a value should be"),
    ('country "US"', 9, "Expected an operator after the field 'country'"),
    ('country in "US"', 12, "Expected a list in square brackets"),
    ("country in []", 13, "The list is empty"),
    ('country in ["US" "CA"]', 18, "Expected ',' or ']' in the list opened at column 12"),
    ('country in ["US", 1]', 19, "all be text or all be numbers"),
    ("annual_revenue > \"big\"", 18, "'annual_revenue' is a number"),
    ("postal_code == 94105", 16, "'postal_code' is text: put the value in double quotes: \"94105\""),
    ("annual_revenue startswith \"1\"", 1, "startswith works on text fields only"),
    ("country between 1 and 2", 1, "between works on number fields only"),
    ("annual_revenue between 5 and 1", 24, "The range starts above where it ends"),
    ("annual_revenue between 1 or 2", 26, "Expected 'and' between the two ends"),
    ("country is missing", 12, "Expected 'empty' after 'is'"),
    ("country not == \"US\"", 13, "Expected 'in', 'startswith'"),
    ("country @ \"US\"", 9, "The character '@' has no meaning"),
    ("annual_revenue > 1M", 19, "A number runs into letters"),
    ("and country == \"US\"", 1, "Expected a field name, found 'and'"),
    ('country == "US" and', 20, "The rule ends where a condition should start"),
    ("country == true", 12, "'country' is text, not true/false"),
    ('国家 == "中国"', 1, "The character '国' has no meaning"),  # names are ASCII: refused, not a crash
    ("annual_revenue > ５", 18, "The character '５' has no meaning"),  # a full-width digit is no number
    ("annual_revenue > -.x", 18, "A number is expected here"),
])
def test_errors_point_at_their_column(rule, column, message):
    with pytest.raises(RuleError) as caught:
        compile_rule(rule, ACCOUNT_FIELDS)
    error = caught.value
    assert error.column == column
    assert message in error.reason
    shown = str(error)
    assert f"(column {column})" in shown
    # the caret sits under the column, below the rule text
    text_line, caret_line = shown.splitlines()[1:3]
    assert caret_line.index("^") == column + 1 and text_line.startswith("  ")
    assert "Valid fields: account_id (text)" in shown and "annual_revenue (number)" in shown


def test_unknown_field_suggests_the_nearest():
    with pytest.raises(RuleError, match="Did you mean 'country'"):
        compile_rule('contry == "US"', ACCOUNT_FIELDS)


def test_deal_rules_see_deal_fields_and_not_account_only_ones():
    compile_rule('amount > 1000000 and region == "T-EMEA"', DEAL_FIELDS)
    with pytest.raises(RuleError, match="There is no field 'postal_code'"):
        compile_rule('postal_code startswith "9"', DEAL_FIELDS)
    with pytest.raises(RuleError, match="There is no field 'amount'"):
        compile_rule("amount > 5", ACCOUNT_FIELDS)


def test_the_ast():
    country, revenue, state = Field("country", 1), Field("annual_revenue", 34), Field("state", 68)
    assert parse('country in ["US", "CA"] and not (annual_revenue between 1 and 2 or state is not empty)') == And((
        InList(country, (Literal("US", "text", 13), Literal("CA", "text", 19)), False),
        Not(Or((Between(revenue, Literal(1.0, "number", 57), Literal(2.0, "number", 63), False),
                IsEmpty(state, True))), 29)))
    assert parse("x startswith 'a'") == TextTest(Field("x", 1), "startswith", Literal("a", "text", 14), False)
    assert parse("n >= 1e6") == Compare(Field("n", 1), ">=", Literal(1_000_000.0, "number", 6))


def test_key_is_the_most_selective_text_condition():
    rule = compile_rule('country in ["US", "CA"] and state == "ny"', ACCOUNT_FIELDS)
    assert rule.keys == (("country", ("ca", "us")), ("state", ("ny",))) and rule.key == ("state", ("ny",))
    assert compile_rule('country == "US" or state == "ny"', ACCOUNT_FIELDS).key is None
    assert compile_rule("annual_revenue > 5", ACCOUNT_FIELDS).key is None
