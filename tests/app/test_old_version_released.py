"""After an import an open session must not keep the old data version alive: the server would hold
two copies of the sales data until that session reruns (docs/scaling.md, **Memory**)."""
from __future__ import annotations

import gc
import weakref

import pytest

from engine.metrics.sales_data import sales_data
from engine.store.settings import load_settings
from tests.app.conftest import database_for_app, run_page
from tests.metrics.conftest import fill_seed_company


@pytest.fixture
def seed_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_seed_company)


@pytest.mark.parametrize("page", ["overview", "health", "activity", "planner"])
def test_an_open_session_lets_the_old_data_version_go(seed_db, page):
    from ui import context

    app = run_page(page, period="2024")  # the session stays open, as a browser tab does
    assert not app.exception, app.exception
    store = context.process_store(load_settings())
    first = sales_data(store, "USD")
    old, old_version = weakref.ref(first), first.version
    del first
    with store.transaction() as tx:  # an import commits: the data version moves on
        tx.execute("UPDATE deals SET amount = amount WHERE false")
    new = sales_data(store, "USD")
    gc.collect()
    assert old() is None, f"the {page} session still holds the old SalesData"
    assert new.version != old_version and app.session_state is not None  # the session is still open
