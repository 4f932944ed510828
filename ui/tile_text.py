"""KPI tiles whose words read whole: a tile's label and its delta's description wrap onto a second
line instead of being cut with an ellipsis ("vs last qua…", "线索响应（中位…").

Streamlit draws `st.metric` text on one line and clips what does not fit; at 1280–1440 px with
the sidebar open, four or five tiles in a row leave ~150 px for "projected vs target" beside its
delta. There is no theme option for it, so one static stylesheet (no data in it) lets those two
parts wrap; values stay on one line (pages lay tiles out so that their values fit).
"""
from __future__ import annotations

import streamlit as st

TILE_CSS = """<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] *,
[data-testid="stMetricDeltaDescription"],
[data-testid="stMetricDeltaDescription"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word;
}
[data-testid="stMetricLabel"] { height: auto !important; min-height: 0 !important; }
div:has(> [data-testid="stMetricDelta"]) { flex-wrap: wrap; overflow: visible !important; row-gap: 0.15rem; }
</style>"""


def let_tile_text_wrap() -> None:
    """Once per run, from the shell: the stylesheet goes to Streamlit's event container (a
    style-only st.html takes no room on the page)."""
    st.html(TILE_CSS)
