"""Offline geocoding: country names, the precision chain, distances."""
from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.geo import geocoding as geo


def place(**columns) -> dict:
    """Place one account given as keyword columns; returns its row."""
    frame = pl.DataFrame({k: [v] for k, v in columns.items()},
                         schema={k: (pl.Float64 if k in ("lat", "lon") else pl.String) for k in columns})
    return geo.place_accounts(frame).row(0, named=True)


@pytest.mark.parametrize("value, iso2", [
    ("US", "US"), ("USA", "US"), ("U.S.A.", "US"), (" united states ", "US"), ("United States of America", "US"),
    ("中国", "CN"), ("China", "CN"), ("CHN", "CN"), ("cn", "CN"), ("中华人民共和国", "CN"),
    ("Deutschland", "DE"), ("Germany", "DE"), ("DEU", "DE"), ("UK", "GB"), ("United Kingdom", "GB"),
    ("England", "GB"), ("Brasil", "BR"), ("México", "MX"), ("Schweiz", "CH"), ("日本", "JP"),
    ("South Korea", "KR"), ("The Netherlands", "NL"), ("Holland", "NL"), ("香港", "HK"),
    ("Narnia", None), ("", None), ("   ", None), (None, None),
])
def test_normalise_country(value, iso2):
    assert geo.normalise_country(value) == iso2


def test_normalise_countries_keeps_order_and_length():
    values = pl.Series("country", ["Deutschland", None, "USA", "Narnia", "USA", "中国"])
    assert geo.normalise_countries(values).to_list() == ["DE", None, "US", None, "US", "CN"]


@pytest.mark.parametrize("columns, precision, lat, lon", [
    # a US ZIP, ZIP+4, and a ZIP whose leading zero a spreadsheet dropped
    ({"country": "US", "postal_code": "94105"}, "postal_code", 37.7864, -122.3892),
    ({"country": "United States", "postal_code": "94105-1234"}, "postal_code", 37.7864, -122.3892),
    ({"country": "USA", "postal_code": "2134"}, "postal_code", 42.3535, -71.1329),
    # a city, by its own name, by an English alternate, and by its Chinese name
    ({"country": "Deutschland", "city": "München"}, "city", 48.13743, 11.57549),
    ({"country": "DEU", "city": "Cologne"}, "city", 50.93333, 6.95),
    ({"country": "中国", "city": "上海"}, "city", 31.22222, 121.45806),
    ({"country": "China", "state": "广东省", "city": "深圳市"}, "city", 22.54554, 114.0683),
    ({"city": "成都"}, "city", 30.66667, 104.06667),
    ({"city": "北京"}, "city", 39.9075, 116.39723),
    ({"country": "CN", "city": "广州"}, "city", 23.11667, 113.25),
    ({"country": "USA", "city": "New York"}, "city", 40.71427, -74.00597),
    # the state disambiguates a city name; without a country, the largest city of that name wins
    ({"country": "US", "state": "TX", "city": "Paris"}, "city", 33.66094, -95.55551),
    ({"city": "Paris"}, "city", 48.85341, 2.3488),
])
def test_place_exact_points(columns, precision, lat, lon):
    row = place(**columns)
    assert row["geo_precision"] == precision
    assert row["lat"] == pytest.approx(lat, abs=1e-4)
    assert row["lon"] == pytest.approx(lon, abs=1e-4)


def test_precision_chain_takes_the_most_precise_source_available():
    frame = pl.DataFrame({
        "account_id": ["exact", "postal", "city", "state", "state-alone", "country", "unknown-city", "nothing", "narnia"],
        "country": ["US", "US", "US", "US", None, "France", "Japan", None, "Narnia"],
        "state": ["CA", "CA", "CA", "California", "TX", None, None, None, None],
        "city": ["San Francisco", "San Francisco", "San Francisco", None, None, None, "Xyzzyville", None, None],
        "postal_code": ["94105", "94105", None, None, None, None, None, None, None],
        "lat": [1.5, None, None, None, None, None, None, None, None],
        "lon": [2.5, None, None, None, None, None, None, None, None],
    })
    placed = geo.place_accounts(frame)
    assert placed["geo_precision"].to_list() == [
        "exact", "postal_code", "city", "state", "state", "country", "country", None, None]
    assert placed.row(0, named=True)["lat"] == 1.5 and placed.row(0, named=True)["lon"] == 2.5
    assert placed.filter(pl.col("geo_precision").is_null())["lat"].null_count() == 2
    # every other column is returned unchanged, in the same order
    assert placed.drop("lat", "lon", "geo_precision").equals(frame.drop("lat", "lon"))
    assert placed.columns == frame.columns + ["geo_precision"]


@pytest.mark.parametrize("lat, lon", [(0.0, 0.0), (91.0, 10.0), (10.0, -200.0), (None, 10.0)])
def test_unusable_coordinates_are_replaced(lat, lon):
    row = place(country="US", postal_code="94105", lat=lat, lon=lon)
    assert row["geo_precision"] == "postal_code" and row["lat"] == pytest.approx(37.7864)


def test_postal_code_wins_over_a_contradicting_state():
    # A row of the real Salesforce sample: BillingState ID (Idaho) but ZIP 74929 (Oklahoma).
    row = place(country="United States", state="ID", city="Katherinemouth", postal_code="74929")
    assert row["geo_precision"] == "postal_code"
    assert 33.6 < row["lat"] < 37.1 and -103.0 < row["lon"] < -94.4  # Oklahoma, not Idaho


def test_frame_without_address_columns_gets_null_places():
    placed = geo.place_accounts(pl.DataFrame({"account_id": ["a", "b"]}))
    assert placed["geo_precision"].to_list() == [None, None]
    assert placed["lat"].null_count() == 2


def test_many_accounts_place_by_distinct_places():
    frame = pl.DataFrame({"country": ["US", "中国", "DE"] * 20_000, "city": ["Boston", "上海", "Berlin"] * 20_000})
    placed = geo.place_accounts(frame)
    assert placed.height == 60_000
    assert placed["geo_precision"].unique().to_list() == ["city"]
    assert placed["lat"][1] == pytest.approx(31.22222, abs=1e-4)


@pytest.mark.parametrize("a, b, km", [
    ((40.7128, -74.006), (51.5074, -0.1278), 5570.23),   # New York – London
    ((31.2304, 121.4737), (39.9042, 116.4074), 1067.31),  # Shanghai – Beijing
    ((0.0, 0.0), (0.0, 0.0), 0.0),
    ((0.0, 0.0), (0.0, 180.0), math.pi * geo.EARTH_RADIUS_KM),
])
def test_haversine_km(a, b, km):
    assert geo.haversine_km(*a, *b) == pytest.approx(km, abs=0.01)


def test_haversine_km_on_arrays_and_as_polars_expression():
    frame = pl.DataFrame({"lat1": [40.7128, 31.2304], "lon1": [-74.006, 121.4737],
                          "lat2": [51.5074, 39.9042], "lon2": [-0.1278, 116.4074]})
    from_arrays = geo.haversine_km(*(frame[c].to_numpy() for c in frame.columns))
    from_expression = frame.select(geo.haversine_km(*(pl.col(c) for c in frame.columns)).alias("km"))["km"]
    assert np.allclose(from_arrays, [5570.23, 1067.31], atol=0.01)
    assert np.allclose(from_expression.to_numpy(), from_arrays)
    to_point = frame.select(geo.haversine_km_expr(pl.col("lat1"), pl.col("lon1"), 51.5074, -0.1278).alias("km"))
    assert to_point["km"][0] == pytest.approx(5570.23, abs=0.01)


def test_shipped_tables_are_small_and_complete():
    sizes = {p.name: p.stat().st_size for p in geo.GEO_DIR.glob("*.parquet")}
    assert {f"{name}.parquet" for name in geo.TABLES} <= set(sizes)
    assert sum(sizes.values()) < 5 * 1024 * 1024
    states = geo.states()
    assert states.filter(pl.col("iso2") == "US").height == 51
    assert states.filter(pl.col("iso2") == "CN").height == 31
    assert states["lat"].null_count() == 0
    assert geo.countries().filter(pl.col("iso2") == "CN")["name_zh"][0] == "中国"


text = st.one_of(st.none(), st.text(max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(text, text, text, text), min_size=1, max_size=8))
def test_place_accounts_never_fails_on_arbitrary_text(rows):
    frame = pl.DataFrame({"country": [r[0] for r in rows], "state": [r[1] for r in rows],
                          "city": [r[2] for r in rows], "postal_code": [r[3] for r in rows]},
                         schema={c: pl.String for c in ("country", "state", "city", "postal_code")})
    placed = geo.place_accounts(frame)
    assert placed.height == frame.height
    assert set(placed["geo_precision"].to_list()) <= {None, "postal_code", "city", "state", "country"}
    located = placed.drop_nulls("lat")
    assert located["lat"].is_between(-90, 90).all() and located["lon"].is_between(-180, 180).all()
    assert (placed["lat"].is_null() == placed["geo_precision"].is_null()).all()


def test_shipped_tables_match_a_fresh_build_from_the_packages():
    # Catches data/geo/ going stale after a change to engine/geo/sources.py or geo_names.py:
    # regenerate with `.venv/bin/python scripts/build_geodata.py`.
    from engine.geo.sources import build_all

    built = build_all()
    for name, frame in geo.tables().items():
        assert built[name].equals(frame), name
