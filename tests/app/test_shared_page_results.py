"""Pages that serve many at once: what the Health and Territories pages derive is computed once per
data version (and language, filters, viewer) for every session, a write makes it fresh, long lists
are shown as their first rows, and downloads are written only when clicked."""
from __future__ import annotations

import polars as pl
import pytest

from engine.demo.company import build_demo
from tests.app.conftest import database_for_app, run_page
from tests.app.territory_tabs import click, run_tab
from tests.health.conftest import fill_health_company


def counting(monkeypatch, module, name: str) -> list:
    """Replace `module.name` by a wrapper that records each call, and return the record."""
    calls: list = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(args[1:])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    path = database_for_app(tmp_path, monkeypatch, lambda store: build_demo(store, scale=0.02))
    yield path
    from ui import context
    context._open_store.clear()


@pytest.fixture
def health_db(tmp_path, monkeypatch):
    path = database_for_app(tmp_path, monkeypatch, fill_health_company, name="health")
    yield path
    from ui import context
    context._open_store.clear()


def test_a_territory_tab_reads_once_per_data_version_and_again_after_a_write(demo_db, monkeypatch):
    from ui import territory_duplicates

    calls = counting(monkeypatch, territory_duplicates, "duplicate_groups")
    first = run_tab("territory_duplicates")
    second = run_tab("territory_duplicates")  # another session, same data version
    second.run()  # and a rerun of it
    assert not first.exception and not second.exception
    assert len(calls) == 1
    assert {m.label: m.value for m in second.metric}["Held by several reps"] == "3"
    second.selectbox(key="td-group").set_value("ACC-000239").run()
    click(second, "td-go")  # the merge commits: a new data version
    assert len(calls) == 2
    assert {m.label: m.value for m in second.metric}["Held by several reps"] == "2"
    assert {m.label: m.value for m in run_tab("territory_duplicates").metric}["Held by several reps"] == "2"
    assert len(calls) == 2


def test_health_words_are_built_once_per_language(health_db, monkeypatch):
    from engine.health import explain

    calls = counting(monkeypatch, explain, "with_words")
    english = [run_page("health") for _ in range(2)]
    assert len(calls) == 1
    chinese = run_page("health", lang="zh")
    assert len(calls) == 2
    assert not chinese.exception and all(not at.exception for at in english)
    assert list(chinese.dataframe[0].value.columns)[0] != list(english[1].dataframe[0].value.columns)[0]


def test_a_long_risk_list_shows_its_first_rows_and_says_so(health_db, monkeypatch):
    from ui import row_limit

    monkeypatch.setattr(row_limit, "SHOWN_ROWS", 2)
    at = run_page("health")
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["Account"]) == ["Umbrella", "Nobody Ltd"]  # the two lowest of four
    captions = [c.value for c in at.caption]
    assert "The first 2 of 4 rows are shown; the download holds them all." in captions
    at.multiselect(key="health_tiers").set_value(["green"]).run()
    assert len(at.dataframe[0].value) == 2 and "The first 2 of 3 rows are shown; the download holds them all." in [
        c.value for c in at.caption]


def test_a_download_builds_its_file_only_when_clicked(monkeypatch):
    from ui import downloads

    built: list[int] = []
    buttons: dict[str, object] = {}

    class Column:
        def download_button(self, label, data, file_name, *args, **kwargs):
            buttons[file_name] = data

    def frame() -> pl.DataFrame:
        built.append(1)
        return pl.DataFrame({"name": ["Acme", "=cmd"], "won": [1.5, -2.0]})

    monkeypatch.setattr(downloads.st, "columns", lambda spec: [Column() for _ in spec])
    monkeypatch.setattr(downloads, "tr", lambda key: key)
    downloads.table_downloads(frame, "list")
    assert built == [] and all(callable(data) for data in buttons.values())
    assert buttons["list.csv"]().decode("utf-8-sig") == "name,won\nAcme,1.5\n'=cmd,-2.0\n"
    assert built == [1]


def test_the_reps_charts_are_built_once_for_every_session(demo_db, monkeypatch):
    import engine.charts.reps
    import engine.charts.overview

    bars = counting(monkeypatch, engine.charts.reps, "attainment_chart")
    trends = counting(monkeypatch, engine.charts.overview, "trend_chart")
    first = run_page("reps")
    second = run_page("reps")  # another session, same data version and view
    second.run()
    assert not first.exception and not second.exception
    assert len(bars) == 1 and len(trends) == 1
    assert run_page("reps", lang="zh") and len(bars) == 2  # its words are the language's


def test_the_board_map_is_built_once_for_every_screen(demo_db, monkeypatch):
    import engine.charts.board_map

    maps = counting(monkeypatch, engine.charts.board_map, "board_map")
    first, second = run_page("board"), run_page("board")  # two screens of the same view
    assert not first.exception and not second.exception
    assert len(maps) == 1
