"""The served app does not stop the world after every run: Streamlit's post-run full garbage
collection (`runner.postScriptGC`) is off in the shipped .streamlit/config.toml.

With the 1M-account caches in memory, `gc.collect(2)` after each script run held the GIL ~0.2 s
per run — 43% of the server's time with twenty sessions, every other session's script standing
still meanwhile (docs/scaling.md). Served from the repo, a page that shows how many full
collections the process has made must not see one per run.
"""
from __future__ import annotations

import asyncio
import sys
import tomllib

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import load_ws  # noqa: E402
from tests.scaling.served import journey_against  # noqa: E402

COUNTING = '''
import gc
import streamlit as st

st.title(f"full collections {gc.get_stats()[2]['collections']}")
'''


def test_the_shipped_config_turns_the_post_run_collection_off():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_runs_of_the_served_app_make_no_full_collection_each(tmp_path):
    app = tmp_path / "counting.py"
    app.write_text(COUNTING)
    async def counts(url) -> list[int]:
        person = load_ws.WsPerson(url)
        seen = []
        for _ in range(12):
            run = await asyncio.wait_for(person.rerun() if seen else person.open(), 30)
            seen.append(int(run.headings[0].rsplit(" ", 1)[1]))
        await person.close()
        return seen

    seen = journey_against(tmp_path / "unused.duckdb", counts, app=app)
    assert seen[-1] - seen[1] <= 3, seen  # with postScriptGC on it grows by one every run: 10 here
