"""The demo company, built once per test session for the auto-balance tests that need real shape."""
from __future__ import annotations

import pytest

from engine.store import Store


@pytest.fixture(scope="session")
def demo_baseline():
    from engine.demo.company import build_demo
    from engine.planner.plan import build_baseline

    store = Store.open(":memory:")
    build_demo(store)
    yield build_baseline(store)
    store.close()
