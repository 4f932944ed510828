"""Rules as CSV (every problem with its row and column) and copying rules to another region."""
from __future__ import annotations

import polars as pl
import pytest

from engine.store.errors import TerrainError
from engine.territories.rules_file import RulesFileError, copy_rules, read_rules_csv, rules_csv
from tests.territories.conftest import RULES

TERRITORIES = pl.DataFrame({
    "territory_id": ["CO", "AM", "AM-W", "AM-E", "AP", "AP-W", "AP-E", "X1", "X2"],
    "name": ["Company", "Americas", "West", "East", "APAC", "West", "East", "Canada", "Canada"],
    "parent_id": [None, "CO", "AM", "AM", "CO", "AP", "AP", "CO", "CO"],
})


def test_round_trip_by_id_and_by_name():
    frame = read_rules_csv(b"territory,priority,expression\nAM-W,10,\"country == \"\"US\"\"\"\nAmericas,20,"
                           b"annual_revenue > 5\n", TERRITORIES)
    assert frame.select("rule_id", "territory_id", "priority", "expression", "kind", "active").rows() == [
        ("R0001", "AM-W", 10, 'country == "US"', "account", True), ("R0002", "AM", 20, "annual_revenue > 5",
                                                                     "account", True)]
    text = rules_csv(frame, TERRITORIES)
    assert text.splitlines()[0] == "territory,priority,expression,kind,active,rule_id,name,territory_name"
    again = read_rules_csv(text.encode(), TERRITORIES)
    assert again.drop("created_at", "created_by").equals(frame.drop("created_at", "created_by"))


def test_optional_columns_and_a_byte_order_mark():
    frame = read_rules_csv("\ufeffTerritory, Priority ,expression,kind,active,name\nAP,1,amount > 1e6,deal,no,Big\n"
                           .encode(), TERRITORIES)
    assert frame.select("territory_id", "kind", "active", "name").rows() == [("AP", "deal", False, "Big")]


@pytest.mark.parametrize("csv, problems", [
    ("territory,expression\nAM,x == 1\n", ["rules.csv, priority: this column is missing"]),
    ("territory,priority,expression,owner\nAM,1,country == \"US\",me\n",
     ["rules.csv, owner: unknown column (allowed: territory, priority, expression, kind, active, rule_id, name, "
      "territory_name)"]),
    ("territory,priority,expression\nMars,1,country == \"US\"\nCanada,2,country == \"CA\"\n",
     ["rules.csv row 2, territory: there is no territory with the id or name 'Mars'",
      "rules.csv row 3, territory: several territories are named 'Canada' (X1, X2): give the id"]),
    ("territory,priority,expression\nAM,first,country == \"US\"\nAM,1.5,country == \"US\"\n",
     ["rules.csv row 2, priority: priority must be a whole number, got 'first'",
      "rules.csv row 3, priority: priority must be a whole number, got '1.5'"]),
    ("territory,priority,expression\nAM,1,country in [\"US\", \"CA\"]\n",
     ["rules.csv row 2, -: has 4 cells but the header has 3: put an expression that contains commas in double "
      "quotes"]),
    ("", ["rules.csv, -: the file is empty"]),
    ("territory,priority,expression,kind,active\nAM,1,country == \"US\",geo,maybe\n",
     ["rules.csv row 2, active: active must be true or false, got 'maybe'",
      "rules.csv row 2, kind: kind must be one of account, override, deal, got 'geo'"]),
])
def test_every_problem_with_its_row_and_column(csv, problems):
    with pytest.raises(RulesFileError) as refused:
        read_rules_csv(csv.encode(), TERRITORIES)
    assert [str(p) for p in refused.value.problems] == problems


def test_a_bad_expression_names_the_row_and_the_column_in_the_rule():
    with pytest.raises(RulesFileError) as refused:
        read_rules_csv(b'territory,priority,expression\nAM,1,country == "US"\nAM,2,country === "US"\n', TERRITORIES)
    [problem] = refused.value.problems
    assert (problem.where, problem.column, problem.error.column) == ("rules.csv row 3", "expression", 11)
    assert str(problem).startswith("rules.csv row 3: Write == once (column 11)\n  country === \"US\"\n            ^")


def test_copy_a_region_rules_to_another_region():
    rules = pl.DataFrame({"rule_id": ["R0001", "R0002", "R0003"], "territory_id": ["AM-W", "AM", "CO"],
                          "priority": [10, 20, 30], "expression": ['state == "CA"', "employees > 5", "lat > 0"]})
    copied = copy_rules(rules, TERRITORIES, "AM", "AP")
    assert copied.select("rule_id", "territory_id", "priority", "expression").rows() == [
        ("R0001", "AM-W", 10, 'state == "CA"'), ("R0002", "AM", 20, "employees > 5"), ("R0003", "CO", 30, "lat > 0"),
        ("R0004", "AP-W", 10, 'state == "CA"'), ("R0005", "AP", 20, "employees > 5")]


def test_copy_is_refused_without_counterparts_or_inside_itself():
    rules = pl.DataFrame({"territory_id": ["AM-W"], "priority": [1], "expression": ["lat > 0"]})
    with pytest.raises(TerrainError, match="No counterpart below X1 for: West"):
        copy_rules(rules, TERRITORIES, "AM", "X1")
    with pytest.raises(TerrainError, match="two separate parts of the tree"):
        copy_rules(rules, TERRITORIES, "AM", "AM-W")
    with pytest.raises(TerrainError, match="has no rules to copy"):
        copy_rules(rules, TERRITORIES, "AP", "AM")


def test_the_conftest_rules_export_and_import_unchanged():
    territories = pl.DataFrame({"territory_id": ["AM-W", "AM-E", "EU-DE", "EU"], "name": ["a", "b", "c", "d"]})
    again = read_rules_csv(rules_csv(RULES, territories).encode(), territories)
    assert again.select(RULES.columns).equals(RULES.with_columns(pl.col("priority").cast(pl.Int64)))
