"""A small demo company (scale 0.02: 503 accounts, 3 planted duplicate pairs, 5 orphans) per module."""
from __future__ import annotations

import pytest

from engine.demo.company import build_demo
from engine.store import Store


@pytest.fixture
def small_demo() -> Store:
    store = Store.open(":memory:")
    build_demo(store, scale=0.02)
    yield store
    store.close()
