"""Changes read at a glance: the planner's before/after tables (territories, reps) and the scenario
matrix colour their changes green up / red down (engine.charts.palette) and keep numbers sortable."""
from __future__ import annotations

import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from engine.charts.palette import DELTA_DOWN, DELTA_UP
from engine.planner.plan import Plan, build_baseline
from engine.planner.scenarios import save_scenario
from engine.store import Store
from tests.app.conftest import database_for_app
from tests.conftest import REPO, fill_tiny_company
from ui.planner_tables import against_live
from ui.tables import readable, styled, tones

PAGE = str(REPO / "pages" / "planner.py")


def _coloured(table) -> dict[str, set[tuple[int, str]]]:
    """{colour: {(row, column name)}} of a rendered st.dataframe's Styler CSS."""
    styles = table.proto.arrow_data.styler.styles
    columns = list(table.value.columns)
    out: dict[str, set[tuple[int, str]]] = {}
    for selectors, colour in re.findall(r"([^{}]+)\{\s*color: (#[0-9A-F]{6})", styles):
        for row, col in re.findall(r"row(\d+)_col(\d+)", selectors):
            out.setdefault(colour, set()).add((int(row), columns[int(col)]))
    return out


def _fill(store: Store) -> None:
    fill_tiny_company(store)
    baseline = build_baseline(store)
    for name, accounts in (("Berlin gets NY", ["A3", "A4"]), ("Berlin gets one", ["A4"])):
        plan = Plan(baseline)
        plan.apply({"accounts": accounts, "to_territory": "EU-DE"})
        save_scenario(store, plan, name)


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, _fill, name="tiny")


def _run(lang: str = "en", compared: list[str] | None = None) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["lang"] = lang
    app.session_state["_shell"] = True
    if compared:
        app.session_state["planner_compared"] = compared
    return app.run()


def test_before_after_tables_colour_changes_by_direction(tiny_db):
    # the planner's plan as the move tab leaves it: New York's accounts moved to DACH
    store = Store.open(tiny_db)
    new_york = store.query("SELECT account_id FROM accounts WHERE state = 'NY' ORDER BY 1")["account_id"].to_list()
    plan = Plan(build_baseline(store))
    store.close()
    plan.apply({"accounts": new_york, "to_territory": "EU-DE"})
    app = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in {"lang": "en", "_shell": True, "planner_plan": plan}.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, app.exception
    before_after = [d for d in app.dataframe if "accounts_delta" in d.value.columns]  # territories, then reps
    territories = before_after[0]
    assert list(territories.value["name"]) == ["US East", "US West", "DACH"]
    colours = _coloured(territories)
    # US East loses its two New York accounts, DACH gains them; US West does not change
    assert {(0, "accounts_delta"), (0, "won_delta")} <= colours[DELTA_DOWN]
    assert {(2, "accounts_delta"), (2, "won_delta")} <= colours[DELTA_UP]
    assert not any(row == 1 for cells in colours.values() for row, _ in cells)
    assert not any(column.endswith(("_before", "_after")) for cells in colours.values() for _, column in cells)
    # the numbers stay numbers (the grid sorts them), with their sign in the format
    assert territories.value["accounts_delta"].tolist() == [-2, 0, 2]
    assert '"format": "%+,d"' in territories.proto.columns
    reps = _coloured(before_after[1])
    assert reps[DELTA_DOWN] and reps[DELTA_UP]


def test_scenario_matrix_colours_each_scenario_against_the_live_assignment(tiny_db):
    app = _run(compared=["S0001", "S0002"])
    assert not app.exception, app.exception
    matrix = next(d for d in app.dataframe if "accounts_moved" in d.value.columns)
    assert list(matrix.value["name"]) == ["Live assignment", "Berlin gets NY", "Berlin gets one"]
    colours = _coloured(matrix)
    coloured_rows = {row for cells in colours.values() for row, _ in cells}
    assert coloured_rows <= {1, 2} and coloured_rows  # never the live row itself
    assert "accounts_moved" not in {c for cells in colours.values() for _, c in cells}
    assert any("Green: higher than the live assignment" in c.value for c in app.caption)


def test_directions_are_exact():
    matrix = pl.DataFrame({"scenario_id": [None, "S1", "S2"], "name": ["Live", "a", "b"], "accounts_moved": [0, 2, 1],
                           "won_cv": [0.5, 0.25, 0.5], "travel_km_mean": [10.0, 12.0, None]})
    directions = against_live(matrix)
    assert {c: s.to_list() for c, s in directions.items()} == {"won_cv": [None, -1.0, 0.0],
                                                               "travel_km_mean": [None, 1.0, None]}
    shown, _ = readable(pl.DataFrame({"won_delta": [12_500.0, -0.04, 0.0, None]}), str, "USD", money=("won_delta",),
                        signed=("won_delta",))
    assert tones(shown, ["won_delta"])["won_delta"].to_list() == [1.0, -0.0, 0.0, None]  # −0.04 reads +0.0
    css = styled(shown, tones(shown, ["won_delta"])).export()["apply"]
    assert css  # the colours travel as a Styler; the cell values are untouched
    assert styled(shown, tones(shown, ["won_delta"])).data["won_delta"].tolist()[0] == pytest.approx(12.5)


def test_english_money_changes_carry_their_sign():
    _, config = readable(pl.DataFrame({"won_delta": [12_500.0, -3_000.0]}), str, "USD", money=("won_delta",),
                         signed=("won_delta",))
    assert config["won_delta"]["label"] == "won_delta (K USD)"
    assert config["won_delta"]["type_config"]["format"] == "%+,.1f"


def test_a_table_with_nothing_changed_goes_out_without_a_styler(tiny_db):
    # a fresh plan: every delta is zero, so no cell has a colour and no Styler is marshalled
    app = _run()
    assert not app.exception
    tables = [table for table in app.dataframe if "name" in table.value.columns]
    assert tables and all(not table.proto.arrow_data.HasField("styler") for table in tables)
    assert all(_coloured(table) == {} for table in tables)
