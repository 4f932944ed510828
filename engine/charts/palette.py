"""Colours that mean the same thing on every page.

Territories and regions get a colour keyed by their id (not by their position in a list), so a
filter never reshuffles them. Attainment and health use one red/amber/green scale whose thresholds
are settings.
"""
from __future__ import annotations

import zlib

# Territory colours, taken from Okabe–Ito and Paul Tol's palettes (colour-blind safe) but only
# the blues, cyans, violets and neutrals: no red, orange, yellow or green, which mean
# below / near / on target on every page, so a territory's colour never reads as a status.
CATEGORICAL: tuple[str, ...] = (
    "#0072B2", "#56B4E9", "#332288", "#88CCEE", "#AA4499", "#CC79A7",
    "#117A8B", "#6F4C9B", "#44AABB", "#882E72", "#9E9AC8", "#1B3A6B",
)
RED, AMBER, GREEN, GREY = "#D7301F", "#F0A202", "#1A9850", "#9E9E9E"
# Changes: up and down in Okabe–Ito's bluish green and vermillion, darkened to read as text on
# white; they differ in lightness too, so a colour-blind reader tells them apart (and by the sign).
DELTA_UP, DELTA_DOWN = "#00795C", "#B8420A"
STATUS_HUES = ((340, 60), (75, 165))  # red→amber and green hue ranges (degrees) CATEGORICAL keeps out of


def territory_colour(territory_id: str | None) -> str:
    """Stable colour of a territory: a checksum of its id (not Python's salted hash())."""
    if not territory_id:
        return GREY
    return CATEGORICAL[zlib.crc32(territory_id.encode("utf-8")) % len(CATEGORICAL)]


def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def attainment_colour(attainment: float | None, red_below: float = 0.7, green_from: float = 1.0) -> str:
    if attainment is None or attainment != attainment:  # None or NaN
        return GREY
    if attainment < red_below:
        return RED
    return GREEN if attainment >= green_from else AMBER
