"""What the Overview and Activity charts say: status colours kept for status, titles that fit,
bar labels that name their measure, and a heatmap one outlier cannot wash out."""
from __future__ import annotations

import colorsys

import altair as alt
import polars as pl
import pytest

from engine.charts.activity import heatmap_cap, seasonality_heatmap
from engine.charts.overview import share_chart
from engine.charts.palette import AMBER, CATEGORICAL, GREEN, RED, STATUS_HUES, territory_colour
from engine.charts.theme import TITLE_WIDTH, themed, wrap_title


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def _in(hue: float, low: float, high: float) -> bool:
    return low <= hue <= high if low <= high else hue >= low or hue <= high


def test_territory_colours_never_look_like_a_status():
    assert all(_in(_hue(c), *STATUS_HUES[0]) or _in(_hue(c), *STATUS_HUES[1]) for c in (RED, AMBER, GREEN))
    for colour in CATEGORICAL:
        assert not any(_in(_hue(colour), low, high) for low, high in STATUS_HUES), colour
    assert len(set(CATEGORICAL)) == len(CATEGORICAL)
    assert territory_colour("T-EMEA") == territory_colour("T-EMEA") in CATEGORICAL


@pytest.mark.parametrize(("text", "lines"), [
    ("EMEA is 12% behind target", ["EMEA is 12% behind target"]),
    ("Spanish-speaking LATAM is 64.5% behind target ($14.6M to go) this quarter",
     ["Spanish-speaking LATAM is 64.5% behind target", "($14.6M to go) this quarter"]),
    ("西班牙语拉美落后目标64.5%（还差1,460万美元）本季度需要加把劲才能完成",
     ["西班牙语拉美落后目标64.5%（还差1,460万美元）本季度需", "要加把劲才能完成"]),
])
def test_long_titles_wrap_into_lines_that_fit(text, lines):
    assert wrap_title(text) == lines
    assert all(sum(2 if ord(c) > 0x2E80 else 1 for c in line) <= TITLE_WIDTH for line in lines)
    chart = themed(alt.Chart(pl.DataFrame({"x": [1]}).to_pandas()).mark_bar().encode(x="x:Q").properties(title=text))
    assert chart.to_dict()["title"] == (text if len(lines) == 1 else lines)


def _table() -> pl.DataFrame:
    return pl.DataFrame({"id": ["A", "B"], "name": ["Americas", "EMEA"], "won": [300.0, 100.0],
                         "target": [250.0, 200.0], "attainment": [1.2, 0.5], "gap": [-50.0, 100.0]})


@pytest.mark.parametrize(("lang", "label"), [("en", '"" + datum.share_text + " of won"'),
                                             ("zh", '"占赢单" + datum.share_text + ""')])
def test_share_bars_say_what_their_labels_measure(lang, label):
    spec = share_chart(_table(), lang).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert texts[0]["transform"] == [{"calculate": label, "as": "label"}]
    assert texts[0]["encoding"]["text"]["field"] == "label"


def _matrix(shares: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"region": [f"R{i // 12}" for i in range(len(shares))],
                         "month": [i % 12 + 1 for i in range(len(shares))],
                         "won": [s * 1000 for s in shares], "share": shares})


def test_one_outlier_cell_does_not_wash_out_the_heatmap():
    # three regions selling 5–12% a month, and one that sold once: 100% in March
    shares = [0.05 + 0.01 * (i % 8) for i in range(36)] + [0.0, 0.0, 1.0] + [0.0] * 9
    cap = heatmap_cap(pl.Series(shares))
    assert cap == pytest.approx(0.12)  # the 95th percentile of the 37 cells that sold
    spec = seasonality_heatmap(_matrix(shares)).to_dict()
    assert spec["encoding"]["color"]["scale"] == {"scheme": "blues", "domain": [0, cap], "clamp": True}
    assert spec["title"]["subtitle"].startswith("Colours stop at 12.0% (the 95th percentile of the cells)")


def test_an_even_heatmap_keeps_its_full_scale():
    shares = [1 / 12] * 24
    assert heatmap_cap(pl.Series(shares)) is None
    spec = seasonality_heatmap(_matrix(shares)).to_dict()
    assert spec["encoding"]["color"]["scale"] == {"scheme": "blues"} and "subtitle" not in str(spec["title"])
