"""Every territory management tab on an empty database: no error, a sentence saying what is missing."""
from __future__ import annotations

import pytest

from tests.app.conftest import database_for_app
from tests.app.territory_tabs import run_tab


@pytest.mark.parametrize("module, shown", [
    ("territory_tree", "No data yet. Import your CRM exports on the Import page."),
    ("territory_people", "No data yet. Import your CRM exports on the Import page."),
    ("territory_duplicates", "No duplicate customers found."),
    ("territory_unowned", "Every account has an owner and a territory."),
    ("territory_shares", "No account is shared yet."),
    ("territory_pool", "No requests yet."),
])
def test_an_empty_database(tmp_path, monkeypatch, module, shown):
    database_for_app(tmp_path, monkeypatch)
    app = run_tab(module)
    assert not app.exception, app.exception
    said = [e.value for e in (*app.info, *app.success, *app.caption)]
    assert shown in said
