"""Colours that mean the same thing on every page.

Territories and regions get a colour keyed by their id (not by their position in a list), so a
filter never reshuffles them; across the company, neighbours get different colours. Attainment and health use one red/amber/green scale whose thresholds
are settings.
"""
from __future__ import annotations

import zlib

# Territory colours: nine hues from Okabe–Ito's, Paul Tol's and ColorBrewer's colour-blind-safe
# palettes, chosen to be far apart (CIELAB ΔE ≥ 25 between any two) and far from the status colours
# (ΔE ≥ 35 from red, amber, green and grey; no red, orange, yellow or green hue), so a territory's
# colour never reads as below / near / on target. Neighbouring territories get different ones
# (`colour_territories`).
CATEGORICAL: tuple[str, ...] = (
    "#0072B2", "#E7298A", "#4D004B", "#33BBEE", "#253494", "#CC79A7", "#8856A7", "#882255", "#1B3A6B",
)
RED, AMBER, GREEN, GREY = "#D7301F", "#F0A202", "#1A9850", "#9E9E9E"
# Changes: up and down in Okabe–Ito's bluish green and vermillion, darkened to read as text on
# white; they differ in lightness too, so a colour-blind reader tells them apart (and by the sign).
DELTA_UP, DELTA_DOWN = "#00795C", "#B8420A"
STATUS_HUES = ((335, 60), (60, 180))  # red→amber and green hue ranges (degrees) CATEGORICAL keeps out of


_ASSIGNED: dict[str, str] = {}  # the company's colouring, when one was given (`use_territory_colours`)


def territory_colour(territory_id: str | None) -> str:
    """Stable colour of a territory: the company's colouring (neighbours differ), else a checksum
    of its id (not Python's salted hash())."""
    if not territory_id:
        return GREY
    return _ASSIGNED.get(territory_id) or CATEGORICAL[zlib.crc32(territory_id.encode("utf-8")) % len(CATEGORICAL)]


def colour_territories(neighbours: dict[str, set[str]], palette: tuple[str, ...] = CATEGORICAL) -> dict[str, str]:
    """A colour per territory of `neighbours` (id → ids it must differ from) such that neighbours
    differ: greedily, most neighbours first (then by id), each takes the first colour none of its
    coloured neighbours has, looking from its id's checksum on (so an unconstrained territory keeps
    the colour of its id). With more neighbours than colours, the one they use least."""
    colours: dict[str, str] = {}
    order = sorted(neighbours, key=lambda i: (-len(neighbours[i]), i))
    for territory in order:
        taken = [colours[n] for n in neighbours[territory] if n in colours]
        start = zlib.crc32(territory.encode("utf-8")) % len(palette)
        ring = palette[start:] + palette[:start]
        free = [c for c in ring if c not in taken]
        colours[territory] = free[0] if free else min(ring, key=taken.count)
    return colours


def use_territory_colours(colours: dict[str, str]) -> None:
    """Make `colours` (from `colour_territories`) what `territory_colour` answers in this process."""
    _ASSIGNED.clear()
    _ASSIGNED.update(colours)


def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def attainment_colour(attainment: float | None, red_below: float = 0.7, green_from: float = 1.0) -> str:
    if attainment is None or attainment != attainment:  # None or NaN
        return GREY
    if attainment < red_below:
        return RED
    return GREEN if attainment >= green_from else AMBER
