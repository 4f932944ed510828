"""Figures first, heavy elements right after: the first draw of a page in a browser tab.

A chart, a map and a data grid each need their JavaScript loaded and compiled in the browser, and
Streamlit's frontend holds back elements that arrive together until the slowest of them can be
drawn. Sent in the same run as the KPI tiles they kept the tiles off the screen for another
0.6–0.9 s (measured with bench/bench_first_paint.py). So on a page's first draw in a session the
page sends its light part with placeholders for the heavy part, and a tiny browser-side probe
reports the first frame painted; that report reruns the placeholders' fragment, which then draws
the heavy part. Later runs in the session (a filter, a drill-down, the language) draw everything
at once. The price: the chart, map and table come ~0.3 s later than when all came together.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

# Two animation frames: the first is the one that paints what the run sent, the second starts
# once that paint is done. Runs in the page's own document (components are not sandboxed); it
# is fixed text and is given no data.
_PROBE = st.components.v2.component("terrain_first_paint", js="""
export default function ({ setTriggerValue }) {
  requestAnimationFrame(() => requestAnimationFrame(() => setTriggerValue("painted", true)));
}
""")


def painted_key(page: str) -> str:
    """The session-state flag set once `page` has been painted in this session."""
    return f"_painted_{page}"


def _draw_now_key(page: str) -> str:
    """One-shot flag: the fragment rerun that follows the paint report is the deferred draw."""
    return f"_draw_now_{page}"


def _report_paint(page: str) -> None:
    st.session_state[painted_key(page)] = True
    st.session_state[_draw_now_key(page)] = True


def after_first_paint(page: str, draw: Callable[[], None], hold: Callable[[], None]) -> None:
    """Call `draw()` where the page's heavy elements go — at once if this tab has painted `page`
    before, else once it has: until then `hold()` draws placeholders of the same size."""
    if st.session_state.get(painted_key(page)):
        draw()
    else:
        _deferred(page, draw, hold)


@st.fragment
def _deferred(page: str, draw: Callable[[], None], hold: Callable[[], None]) -> None:
    # A fragment, so that the paint report reruns only this part: nothing above it is recomputed
    # or sent again (a full rerun here made the whole page another ~0.2 s later).
    if not st.session_state.get(painted_key(page)):
        hold()
        _PROBE(key=f"first-paint-{page}", on_painted_change=partial(_report_paint, page), height=0)
    elif st.session_state.pop(_draw_now_key(page), False):
        draw()
    else:
        # A click on what draw() drew (a chart selection, …) reruns this fragment; the whole page
        # answers it instead, as it does when no fragment is involved.
        st.rerun()
