"""Fixtures for the importer's tests: the real Salesforce sample export and a file-backed store."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from engine.store import Store
from tests.conftest import SAMPLES

SALESFORCE = SAMPLES / "salesforce"
BROKEN = Path(__file__).parent / "broken"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def file_db(tmp_path) -> Path:
    """A closed database file with the tiny company in it (so 'unchanged' means something)."""
    from tests.conftest import fill_tiny_company

    path = tmp_path / "terrain.duckdb"
    store = Store.open(path)
    fill_tiny_company(store)
    store.close()
    return path
