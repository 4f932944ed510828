"""A `streamlit run` server for one test's websocket journey (bench/bench_load.py `serve`, bench/load_ws.py)."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import bench_load  # noqa: E402


def journey_against(db: Path | str, journey, app: Path | None = None):
    """Serve `app` (Terrain's app.py by default) on `db`, run `await journey(url)`, stop the server
    however the journey ends; returns what the journey returned."""
    process, url = bench_load.serve(str(db), **({"app": app} if app else {}))
    try:
        return asyncio.run(journey(url))
    finally:
        process.terminate()
        process.wait(timeout=20)
