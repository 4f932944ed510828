"""A chart kept for every session is checked against the Vega-Lite schema once, not on every
rerun (ui/shared.py `validated_once`): the check is 70–140 ms of pure Python a chart, under the lock
Streamlit holds for every session's chart conversion."""
from __future__ import annotations

import altair as alt
import polars as pl
import pytest

from ui.shared import validated_once


def _chart() -> alt.Chart:
    return alt.Chart(pl.DataFrame({"a": [1, 2], "b": [3, 4]})).mark_bar().encode(x="a:Q", y="b:Q")


def test_the_spec_is_the_same_and_checked_only_the_first_time():
    plain, kept = _chart(), validated_once(_chart())
    assert kept.to_dict() == plain.to_dict()
    kept.mark = "no-such-mark"   # would fail the schema check if it were made again
    plain.mark = "no-such-mark"
    with pytest.raises(Exception, match="no-such-mark"):
        plain.to_dict()
    assert kept.to_dict()["mark"] == {"type": "no-such-mark"}  # no check: the kept spec is trusted


def test_a_spec_that_fails_its_first_check_is_checked_again():
    bad = _chart()
    bad.mark = "no-such-mark"
    kept = validated_once(bad)
    for _ in range(2):
        with pytest.raises(Exception, match="no-such-mark"):
            kept.to_dict()


def test_a_call_without_the_check_does_not_count_as_one():
    kept = validated_once(_chart())
    kept.to_dict(validate=False)
    kept.mark = "no-such-mark"
    with pytest.raises(Exception, match="no-such-mark"):
        kept.to_dict()


def test_layers_and_other_values():
    layered = validated_once(_chart() + _chart().mark_line())
    assert validated_once(layered) is layered and layered.to_dict()["layer"]
    frame = pl.DataFrame({"a": [1]})
    assert validated_once(frame) is frame and validated_once(None) is None
