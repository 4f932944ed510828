"""ui/charts.py: every page's charts go out exactly as `st.altair_chart` would send them, and a warm
rerun converts (and validates) no chart spec again."""
from __future__ import annotations

import gc
from pathlib import Path

import altair as alt
import altair.utils.schemapi as schemapi
import polars as pl
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import ui.charts as charts
from tests.app.conftest import database_for_app, run_page
from tests.conftest import REPO, fill_tiny_company

# the pages that draw Altair charts, with how many the tiny company's first run shows
PAGES = {"overview": 1, "reps": 2, "forecast": 4, "targets": 2, "activity": 4, "planner": 1, "health": 1}


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    return database_for_app(tmp_path, monkeypatch, fill_tiny_company)


def _sent_charts(monkeypatch) -> list[tuple]:
    """Every vega_lite_chart element the runs enqueue: its whole proto and its width/height."""
    sent: list[tuple] = []
    real = DeltaGenerator._enqueue

    def spy(self, delta_type, element_proto, layout_config=None, *args, **kwargs):
        if delta_type == "vega_lite_chart":
            sent.append((element_proto.SerializeToString(deterministic=True),
                         repr(getattr(layout_config, "width", None)), repr(getattr(layout_config, "height", None))))
        return real(self, delta_type, element_proto, layout_config, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "_enqueue", spy)
    return sent


def _as_altair_chart(chart, *, where=st, **options):
    return where.altair_chart(chart, **options)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_sends_the_charts_st_altair_chart_would(tiny_db, monkeypatch, page):
    sent = _sent_charts(monkeypatch)
    kept = run_page(page, period="2024-Q2")
    assert not kept.exception
    ours = list(sent)
    sent.clear()
    monkeypatch.setattr(charts, "show_chart", _as_altair_chart)  # the page as it was: st.altair_chart
    theirs = run_page(page, period="2024-Q2")
    assert not theirs.exception
    assert len(ours) == PAGES[page] and ours == sent   # spec, data, theme, selection, id, width, height


def test_no_page_calls_st_altair_chart_itself():
    callers = [str(path.relative_to(REPO)) for folder in ("pages", "ui") for path in (REPO / folder).glob("*.py")
               if ".altair_chart(" in path.read_text(encoding="utf-8") and path.name != "charts.py"]
    assert callers == [] and ".altair_chart(" not in Path(REPO / "app.py").read_text(encoding="utf-8")


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """Counts Altair's schema validations (the cost ui/charts.py saves) and the spec conversions."""
    counted = [0, 0]
    validate, convert = schemapi.validate_jsonschema, charts._convert_altair_to_vega_lite_spec

    def counting_validate(*args, **kwargs):
        counted[0] += 1
        return validate(*args, **kwargs)

    def counting_convert(chart):
        counted[1] += 1
        return convert(chart)

    monkeypatch.setattr(schemapi, "validate_jsonschema", counting_validate)
    monkeypatch.setattr(charts, "_convert_altair_to_vega_lite_spec", counting_convert)
    return counted


@pytest.mark.parametrize("page", ["planner", "overview", "forecast", "activity", "reps", "targets", "health"])
def test_a_warm_rerun_validates_no_chart(tiny_db, validations, page):
    app = run_page(page, period="2024-Q2")
    assert validations[1] == PAGES[page] and validations[0] > 0   # the first run converts each chart once
    validations[:] = [0, 0]
    app.run()
    assert not app.exception and len(app.get("vega_lite_chart")) == PAGES[page]
    assert validations == [0, 0]
    other = run_page(page, period="2024-Q2")                     # another session: the shared charts
    # (the planner too: a plan with no move shows the baseline's charts, built once for everyone)
    assert not other.exception and validations[1] == 0


def test_a_kept_spec_leaves_with_its_chart_and_a_fresh_chart_is_converted_afresh():
    frame = pl.DataFrame({"a": [1, 2], "b": [3.0, 4.0]})
    chart = alt.Chart(frame).mark_bar().encode(x="a:O", y="b:Q")
    gc.collect()                                                  # charts of earlier tests gone first
    before = charts.kept_specs()
    spec = charts.chart_spec(chart)
    assert charts.chart_spec(chart) is spec and charts.kept_specs() == before + 1
    assert spec["mark"] == {"type": "bar"} and isinstance(next(iter(spec["datasets"].values())), bytes)
    changed = chart.encode(y="a:Q")                               # Altair returns a new chart: a new spec
    assert charts.chart_spec(changed)["encoding"]["y"]["field"] == "a" and spec["encoding"]["y"]["field"] == "b"
    keys = [id(chart), id(changed)]
    del chart, changed, spec
    gc.collect()
    # (by key: an earlier test's AppTest charts may be collected in the same pass, so a count would not tell)
    assert not set(keys) & set(charts._SPECS)
