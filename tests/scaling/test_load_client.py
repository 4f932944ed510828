"""The load bench's websocket person (bench/load_ws.py) speaks Streamlit's protocol correctly.

Against a two-page app of its own (fast): the first run names the navigation's pages and picks up
the query string the server set; a visit runs the page it names; an exception on a page is counted,
a dead server is a disconnect. Against the scale-1 demo (slow): every sidebar page of Terrain runs
without an exception and shows its heading.
"""
from __future__ import annotations

import asyncio
import sys
import time

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import bench_load  # noqa: E402
import load_ws  # noqa: E402
from tests.scaling.served import journey_against  # noqa: E402

TWO_PAGES = '''
import streamlit as st

def calm():
    st.title("Calm " + st.query_params.get("n", "0"))
    st.query_params["n"] = str(int(st.query_params.get("n", "0")) + 1)

def broken():
    st.title("Broken")
    raise ValueError("on purpose")

def hop():
    st.switch_page(pages[0])

pages = [st.Page(calm, title="Calm", url_path="calm", default=True), st.Page(broken, title="Broken", url_path="broken"),
         st.Page(hop, title="Hop", url_path="hop")]
st.navigation(pages).run()
'''


@pytest.fixture
def two_page_app(tmp_path):
    app = tmp_path / "two_pages.py"
    app.write_text(TWO_PAGES)
    process, url = bench_load.serve(str(tmp_path / "unused.duckdb"), app=app)
    yield process, url
    process.terminate()
    process.wait(timeout=20)


def test_a_person_opens_visits_and_counts_exceptions(two_page_app):
    process, url = two_page_app

    async def journey():
        person = load_ws.WsPerson(url)
        first = await asyncio.wait_for(person.open(), 60)
        names = [page.url_path for page in person.pages]
        query_after_first = person.query
        calm, broken, hop = person.pages
        failed = await asyncio.wait_for(person.visit(broken), 30)
        on_broken = person.current == broken.script_hash
        again = await asyncio.wait_for(person.visit(calm), 30)
        hopped = await asyncio.wait_for(person.visit(hop), 30)  # switch_page: ends early, then the other page runs
        await person.close()
        return first, names, query_after_first, failed, on_broken, again, hopped, person.current == calm.script_hash

    first, names, query, failed, on_broken, again, hopped, back_on_calm = asyncio.run(journey())
    assert names == ["", "broken", "hop"]  # the default page is "/"
    assert first.exceptions == [] and first.headings == ["Calm 0"] and first.messages > 0 and first.seconds > 0
    assert query == "n=1"  # the query string the server set comes back with the next rerun
    assert failed.headings == ["Broken"]
    assert len(failed.exceptions) == 1  # its text is redacted: client.showErrorDetails is off (.streamlit/config.toml)
    assert on_broken
    assert again.exceptions == [] and again.headings == ["Calm 1"]
    assert hopped.exceptions == [] and hopped.headings == ["Calm 0"] and back_on_calm  # switch_page drops the query


def test_browse_records_pages_errors_and_a_dead_server(two_page_app):
    process, url = two_page_app
    results: list = []
    asyncio.run(load_ws.browse(url, time.perf_counter() + 4, 30, results, 0, skip=("hop",)))
    kinds = {(page, kind) for page, _, kind in results}
    assert ("open", "ok") in kinds and ("", "ok") in kinds and ("broken", "error") in kinds
    assert all(page in ("open", "", "broken") for page, _, _ in results)  # never a skipped page
    assert sum(1 for page, _, _ in results if page != "open") >= 4

    async def after_death():
        person = load_ws.WsPerson(url)
        await person.open()
        process.terminate()
        process.wait(timeout=20)
        with pytest.raises(load_ws.Disconnected):
            await asyncio.wait_for(person.visit(person.pages[1]), 30)

    asyncio.run(after_death())
    dead: list = []
    asyncio.run(load_ws.browse(url, time.perf_counter() + 1, 5, dead, 0))
    assert dead and all(kind == "error" for _, _, kind in dead)


@pytest.mark.slow
def test_every_terrain_page_runs_over_the_websocket(tmp_path):
    from engine.demo.company import build_demo
    from tests.conftest import database_file

    async def every_page(url):
        person = load_ws.WsPerson(url)
        runs = {"open": await asyncio.wait_for(person.open(), 300)}
        for page in person.browsable(bench_load.SKIP):
            runs[page.url_path or "overview"] = await asyncio.wait_for(person.visit(page), 120)
        await person.close()
        return runs

    runs = journey_against(database_file(tmp_path / "demo.duckdb", build_demo), every_page)
    assert set(runs) == {"open", "overview", "reps", "forecast", "targets", "activity", "health", "board", "territories",
                         "planner", "users"}
    for page, run in runs.items():
        assert run.exceptions == [], page
        assert run.headings, page  # every page opens on its title
