"""Units, the neighbour graph and connected components."""
from __future__ import annotations

import numpy as np
import polars as pl

from engine.planner.balance.units import build_pieces, components, haversine_km, knn_graph
from tests.balance.helpers import line_company


def test_haversine_of_a_known_pair():
    # San Francisco → New York is about 4,130 km
    assert round(float(haversine_km(37.7749, -122.4194, 40.7128, -74.0060))) == 4129


def test_neighbour_graph_is_symmetric_and_links_same_unit_pieces():
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(30, 40, 50), rng.uniform(-100, -90, 50)
    units = [f"U{i}" for i in range(49)] + ["U0"]  # piece 49 is U0 again (a unit split between territories)
    graph = knn_graph(lat, lon, units, 4)
    for p, neighbours in enumerate(graph):
        assert p not in neighbours
        assert len(neighbours) >= 4
        for q in neighbours:
            assert p in graph[q]
    assert 49 in graph[0] and 0 in graph[49]


def test_components_counts_connected_pieces():
    neighbours = [np.array([1]), np.array([0]), np.array([3]), np.array([2])]
    mask = np.array([True, True, True, False])
    assert components(np.flatnonzero(mask), neighbours, mask) == 2
    mask[3] = True
    assert components(np.flatnonzero(mask), neighbours, mask) == 2


def test_a_unit_split_between_territories_is_one_piece_per_territory():
    data = line_company({"T1": 2, "T2": 2})
    accounts = data.accounts.with_columns(postal_code=pl.lit("90001"), value=pl.lit(1.0), locked=pl.lit(False))
    pieces = build_pieces(accounts, data.homes, unit="postal_code")
    assert pieces.size == 2
    assert pieces.unit == ["postal_code:US/90001", "postal_code:US/90001"]
    assert pieces.accounts.tolist() == [2, 2]
    assert pieces.territories == ["T1", "T2"]


def test_accounts_without_a_unit_value_fall_back_to_a_coarser_unit_then_to_themselves():
    data = line_company({"T1": 4})
    accounts = data.accounts.with_columns(
        postal_code=pl.Series([None, "", None, "90003"]), city=pl.Series(["Fresno", None, None, "Napa"]),
        state=pl.Series(["CA", "CA", None, "CA"]), value=pl.lit(1.0), locked=pl.lit(False))
    pieces = build_pieces(accounts, data.homes, unit="postal_code")
    assert sorted(pieces.unit) == ["account:A002", "city:US/CA/Fresno", "postal_code:US/90003", "state:US/CA"]
