"""The core: the one DuckDB database (schema, numbered migrations, transactions, bound parameters),
the settings every part reads, and the one error hierarchy.

Nothing here imports anything else of Terrain; every other package stands on it. `Store` and
`Session` are the two names most callers need, so they are importable from the package itself.
"""
from engine.store.database import Session, Store

__all__ = ["Session", "Store"]
