"""The one Altair look of Terrain: fonts, sizes, palette, number formats.

Builders call `themed(chart)` last (or build from `base(frame)`), so every chart shares the same
typography and colours without registering a global theme that tests would have to reset.
"""
from __future__ import annotations

import altair as alt
import polars as pl

from engine.charts.palette import AMBER, CATEGORICAL, GREEN, GREY, RED

FONT = "Inter, 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"

CONFIG = {
    "font": FONT,
    "title": {"fontSize": 16, "fontWeight": 600, "anchor": "start", "color": "#1F2933", "offset": 10},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500, "labelColor": "#3E4C59",
             "titleColor": "#3E4C59", "gridColor": "#E4E7EB", "domain": False, "tickColor": "#CBD2D9"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "view": {"stroke": None},
    "range": {"category": list(CATEGORICAL)},
    "bar": {"cornerRadiusEnd": 2},
}

# The attainment scale used by every chart: red / amber / green around the two thresholds.
ATTAINMENT_COLOURS = (RED, AMBER, GREEN)


def attainment_scale(red_below: float = 0.7, green_from: float = 1.0) -> alt.Scale:
    return alt.Scale(type="threshold", domain=[red_below, green_from], range=list(ATTAINMENT_COLOURS))


def territory_scale(ids: list[str], colours: list[str]) -> alt.Scale:
    """Colour by territory id with the stable palette (see engine.charts.palette.territory_colour)."""
    return alt.Scale(domain=ids, range=colours)


TITLE_WIDTH = 52  # Latin letters per title line that fit a half-width chart; a CJK character counts 2


def wrap_title(text: str, width: int = TITLE_WIDTH) -> list[str]:
    """A title in lines of at most `width` units (CJK characters count two), broken between words —
    or anywhere in CJK text, which has no spaces — so a long finding is never cut off."""
    def size(part: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
    lines, line = [], ""
    for token in _title_tokens(text):
        if line and size(line + token) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def _title_tokens(text: str) -> list[str]:
    tokens, word = [], ""
    for ch in text:
        if ord(ch) > 0x2E80:  # each CJK character may end a line
            tokens += [word, ch] if word else [ch]
            word = ""
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    return [t for t in [*tokens, word] if t]


def _wrapped(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    title = getattr(chart, "title", alt.Undefined)
    text = title if isinstance(title, str) else getattr(title, "text", None) if isinstance(title, alt.Title) else None
    if isinstance(text, str) and len(wrap_title(text)) > 1:
        if isinstance(title, alt.Title):
            return chart.properties(title=alt.Title(wrap_title(text), subtitle=title.subtitle))
        return chart.properties(title=wrap_title(text))
    return chart


def themed(chart: alt.TopLevelMixin, *, dark: bool = False) -> alt.TopLevelMixin:
    """Apply Terrain's look; `dark=True` for the big-screen board. A long title is wrapped."""
    chart = _wrapped(chart)
    config = dict(CONFIG)
    if dark:
        config = {**config, "background": "#0E1117",
                  "title": {**CONFIG["title"], "color": "#F5F7FA", "fontSize": 24},
                  "axis": {**CONFIG["axis"], "labelColor": "#E4E7EB", "titleColor": "#E4E7EB",
                           "gridColor": "#323F4B", "labelFontSize": 18, "titleFontSize": 18},
                  "legend": {**CONFIG["legend"], "labelColor": "#E4E7EB", "titleColor": "#E4E7EB",
                             "labelFontSize": 16}}
    return chart.configure(**{k: v for k, v in config.items() if k not in ("font", "background")},
                           font=config["font"], background=config.get("background", "white"))


def base(frame: pl.DataFrame) -> alt.Chart:
    """An Altair chart over a polars frame (converted once, as Altair wants a columnar dataset)."""
    return alt.Chart(frame.to_arrow() if frame.height else frame.to_pandas())


NO_DATA_COLOUR = GREY
