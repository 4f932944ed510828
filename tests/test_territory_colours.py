"""Territory colours: far apart, far from the status colours, and different on neighbours."""
from __future__ import annotations

import math
import zlib
from itertools import combinations

import pytest

from engine.charts import palette
from engine.charts.palette import AMBER, CATEGORICAL, GREEN, GREY, RED, colour_territories, territory_colour
from engine.charts.territory_colours import company_colours, territory_neighbours, unit_neighbours
from engine.demo.company import build_demo
from engine.metrics.sales_data import sales_data
from engine.store import Store


def _lab(colour: str) -> tuple[float, float, float]:
    """sRGB hex → CIELAB (D65)."""
    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92
    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x, y, z = ((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047, r * 0.2126 + g * 0.7152 + b * 0.0722,
               (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883)

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str) -> float:
    return math.dist(_lab(a), _lab(b))


def test_palette_colours_are_far_apart_and_far_from_status_colours():
    assert min(_delta_e(a, b) for a, b in combinations(CATEGORICAL, 2)) >= 25
    assert min(_delta_e(a, s) for a in CATEGORICAL for s in (RED, AMBER, GREEN, GREY)) >= 35


def _ring(territory: str) -> list[str]:
    start = zlib.crc32(territory.encode()) % len(CATEGORICAL)
    return list(CATEGORICAL[start:] + CATEGORICAL[:start])


@pytest.mark.parametrize(("neighbours", "expected"), [
    # alone: the colour of its id
    ({"A": set()}, {"A": _ring("A")[0]}),
    # a triangle: three different colours, the first coloured (most neighbours, then id) keeps its own
    ({"A": {"B", "C"}, "B": {"A", "C"}, "C": {"A", "B"}}, None),
])
def test_colouring_small_graphs(neighbours, expected):
    colours = colour_territories(neighbours)
    if expected is not None:
        assert colours == expected
    assert all(colours[a] != colours[b] for a in neighbours for b in neighbours[a])
    first = sorted(neighbours, key=lambda i: (-len(neighbours[i]), i))[0]
    assert colours[first] == _ring(first)[0]


def test_more_neighbours_than_colours_takes_the_least_used():
    hub = {f"T{i}" for i in range(len(CATEGORICAL) + 1)}
    neighbours = {"HUB": hub, **{t: {"HUB"} | (hub - {t}) for t in hub}}  # a complete graph of 11
    colours = colour_territories(neighbours)
    counts = sorted(list(colours.values()).count(c) for c in CATEGORICAL)
    assert counts[-1] == 2 and counts[0] == 1  # 11 territories on 9 colours: two used twice, never three times


def test_shipped_units_know_their_neighbours():
    near = unit_neighbours()
    assert {"US-NV", "US-OR", "US-AZ"} <= near["US-CA"] and "US-NY" not in near["US-CA"]
    assert {"FR", "CH", "AT", "PL"} <= near["DE"] and "ES" not in near["DE"]


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("colours") / "demo.duckdb")
    build_demo(store)
    yield sales_data(store)
    store.close()


def test_no_two_neighbouring_demo_territories_share_a_colour(demo_data, monkeypatch):
    monkeypatch.setattr(palette, "_ASSIGNED", {})
    neighbours = territory_neighbours(demo_data)
    # geographic neighbours and siblings are in the graph; far-apart leaves are not
    assert "T-US-MOUNTAIN" in neighbours["T-US-PACIFIC"] and "T-CA" in neighbours["T-US-PACIFIC"]
    assert "T-EMEA-FRANCE" in neighbours["T-EMEA-DACH"] and "T-GC-SOUTH" in neighbours["T-APAC-ASEAN"]
    assert "T-APAC" in neighbours["T-EMEA"]  # regions: siblings
    assert "T-EMEA-UKI" not in neighbours["T-US-PACIFIC"]
    colours = company_colours(demo_data)
    clashes = [(a, b) for a in neighbours for b in neighbours[a] if colours[a] == colours[b]]
    assert clashes == []
    # what every chart and map asks from now on
    assert all(territory_colour(t) == c for t, c in colours.items())
    assert set(colours.values()) <= set(CATEGORICAL)
