"""Altair charts on a page: each chart's Vega-Lite spec serialised once per chart object.

`st.altair_chart` turns the chart into its Vega-Lite dict on every call — Altair validates the
whole spec against the Vega-Lite JSON schema (25–40 ms a chart) and writes its data to Arrow —
even when the page's memo (`ui.shared.shared_chart`, the planner's `derived`) hands back the very
same chart object as the run before. `show_chart` keeps that dict beside the chart object for as
long as the object lives and renders it with `st.vega_lite_chart`, so a warm rerun validates
nothing. The dict is Streamlit's own conversion (the one `st.altair_chart` makes, data as Arrow
bytes under content-hashed names), so the element sent is the same; `tests/app/test_charts.py`
compares them. Width, height, theme and selections pass through unchanged.
"""
from __future__ import annotations

import threading
import weakref

import altair as alt
import streamlit as st
# The conversion st.altair_chart itself runs; a private name, so the test above pins its output.
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

_SPECS: dict[int, dict] = {}  # id(chart) → its spec; an entry leaves when its chart is collected
_LOCK = threading.Lock()


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite dict of `chart`, converted (and validated) on its first call only.

    Keyed by the object, not by its content: working out the content is the cost being saved. A
    built chart is never changed in place (Altair's methods return a new chart), so a kept dict
    cannot go stale; a fresh chart object (a page that builds one per run) is converted afresh."""
    key = id(chart)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _convert_altair_to_vega_lite_spec(chart)
        with _LOCK:
            if key not in _SPECS:
                _SPECS[key] = spec
                weakref.finalize(chart, _SPECS.pop, key, None)  # runs before the id can be reused
            spec = _SPECS[key]
    return spec


def show_chart(chart: alt.TopLevelMixin, *, where=st, **options):
    """Render `chart` as `st.altair_chart(chart, **options)` would, from its kept spec; returns what
    that returns (the selection state when `on_select` is set). `where`: a container or column."""
    return where.vega_lite_chart(spec=chart_spec(chart), **options)


def kept_specs() -> int:
    """How many chart specs are kept now (for tests: they leave with their charts)."""
    return len(_SPECS)
