"""The movable pieces of an auto-balance and who neighbours whom.

Auto-balance moves *units* — all accounts of a postal code, city or state (or single accounts) — not
loose accounts, so a redrawn map stays readable. A unit that today straddles two territories becomes
one piece per territory, so every piece has exactly one current owner and moving it never splits an
existing assignment. Two pieces are neighbours when one is among the other's k nearest by centroid
distance (a kNN graph: cheap, needs no boundary shapes, and works on points from any country);
pieces of the same unit are always neighbours. Contiguity of a territory means its pieces form a
connected subgraph.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import polars as pl

EARTH_RADIUS_KM = 6371.0088
UNIT_KINDS = ("account", "postal_code", "city", "state")
NEIGHBOURS_K = 6


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km; broadcasts like numpy."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Pieces:
    """Pieces (unit × current territory) as parallel numpy arrays, indexed 0..n-1.

    `territory` holds indices into `territories`; `distance_km[p, t]` is the distance from piece p's
    centroid to territory t's home base; `neighbours[p]` are the adjacent pieces (sorted, symmetric).
    """

    unit: list[str]
    territory: np.ndarray
    value: np.ndarray
    accounts: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    fixed: np.ndarray
    territories: list[str]
    distance_km: np.ndarray
    neighbours: list[np.ndarray]
    account_piece: pl.DataFrame  # account_id, piece

    @property
    def size(self) -> int:
        return len(self.unit)


UNIT_FALLBACK = {"postal_code": ("postal_code", "city", "state"), "city": ("city", "state"), "state": ("state",)}
UNIT_SCOPE = {"postal_code": ("country",), "city": ("country", "state"), "state": ("country",)}


def unit_key(columns: list[str], kind: str) -> pl.Expr:
    """The unit an account belongs to, scoped by the fields above it (a city name is only unique
    within its state and country). An account whose unit field is empty falls back to the next
    coarser unit (postal code → city → state) and, with none of them, is a unit of its own — never
    lumped together with every other blank."""
    account = pl.concat_str([pl.lit("account:"), pl.col("account_id").cast(pl.String)])
    if kind == "account":
        return pl.col("account_id").cast(pl.String)
    key = account
    for level in reversed(UNIT_FALLBACK[kind]):
        if level not in columns:
            continue
        field = pl.col(level).cast(pl.String).str.strip_chars()
        parts = [pl.col(c).cast(pl.String).fill_null("") for c in UNIT_SCOPE[level] if c in columns]
        if level == "city" and "state" not in columns:
            parts = parts[:1]
        scoped = pl.concat_str([pl.lit(f"{level}:"), pl.concat_str([*parts, field], separator="/")])
        key = pl.when(field.is_null() | (field == "")).then(key).otherwise(scoped)
    return key


def build_pieces(accounts: pl.DataFrame, homes: pl.DataFrame, *, unit: str = "postal_code",
                 k: int = NEIGHBOURS_K) -> Pieces:
    """Group accounts into pieces.

    `accounts`: account_id, territory_id, value, lat, lon, locked (bool), plus the unit column
    (postal_code/city/state, with state and country when present). `homes`: territory_id, home_lat,
    home_lon — one row per territory that may receive accounts. Accounts without coordinates take
    their territory's home base (travel is then unchanged by staying, which is the honest default).
    """
    territories = sorted(set(homes["territory_id"].to_list()))
    index = {t: i for i, t in enumerate(territories)}
    home = homes.unique("territory_id").sort("territory_id")
    home_lat, home_lon = home["home_lat"].to_numpy(), home["home_lon"].to_numpy()
    located = (accounts
               .join(home.rename({"home_lat": "_hl", "home_lon": "_ho"}), on="territory_id", how="left")
               .with_columns(lat=pl.coalesce("lat", "_hl"), lon=pl.coalesce("lon", "_ho"),
                             unit=unit_key(accounts.columns, unit))
               .with_columns(pl.col("lat").fill_null(0.0), pl.col("lon").fill_null(0.0)))
    grouped = (located.group_by("unit", "territory_id")
               .agg(value=pl.col("value").fill_null(0.0).sum(), accounts=pl.len(),
                    lat=pl.col("lat").mean(), lon=pl.col("lon").mean(), fixed=pl.col("locked").any())
               .sort("unit", "territory_id")
               .with_row_index("piece"))
    account_piece = located.join(grouped.select("unit", "territory_id", "piece"),
                                 on=["unit", "territory_id"]).select("account_id", "piece")
    lat, lon = grouped["lat"].to_numpy(), grouped["lon"].to_numpy()
    distance = haversine_km(lat[:, None], lon[:, None], home_lat[None, :], home_lon[None, :])
    units = grouped["unit"].to_list()
    return Pieces(
        unit=units,
        territory=np.array([index[t] for t in grouped["territory_id"].to_list()], dtype=np.int64),
        value=grouped["value"].to_numpy().astype(float),
        accounts=grouped["accounts"].to_numpy().astype(np.int64),
        lat=lat, lon=lon, fixed=grouped["fixed"].to_numpy().astype(bool),
        territories=territories, distance_km=distance,
        neighbours=knn_graph(lat, lon, units, k),
        account_piece=account_piece.with_columns(pl.col("piece").cast(pl.Int64)),
    )


def knn_graph(lat: np.ndarray, lon: np.ndarray, units: list[str], k: int) -> list[np.ndarray]:
    """Symmetric k-nearest-neighbour adjacency, deterministic (ties resolved by index).

    Neighbours are ranked on a local equirectangular projection: exact enough to say who is next
    to whom, and an order of magnitude cheaper than great-circle distances on every pair."""
    n = len(lat)
    if n <= 1:
        return [np.zeros(0, dtype=np.int64) for _ in range(n)]
    take = min(k, n - 1)
    y = np.radians(lat) * EARTH_RADIUS_KM
    x = np.radians(lon) * EARTH_RADIUS_KM * np.cos(np.radians(lat))
    sources, targets = [], []
    for start in range(0, n, 1024):  # blocks keep the distance matrix small at 20,000 pieces
        stop = min(n, start + 1024)
        block = (x[start:stop, None] - x[None, :]) ** 2 + (y[start:stop, None] - y[None, :]) ** 2
        block[np.arange(stop - start), np.arange(start, stop)] = np.inf
        nearest = np.argpartition(block, take - 1, axis=1)[:, :take]
        sources.append(np.repeat(np.arange(start, stop), take))
        targets.append(nearest.reshape(-1))
    src, dst = np.concatenate(sources), np.concatenate(targets)
    same_unit: dict[str, list[int]] = {}
    for p, name in enumerate(units):
        same_unit.setdefault(name, []).append(p)
    pairs = [(p, q) for members in same_unit.values() if len(members) > 1 for p in members for q in members]
    if pairs:
        extra = np.array(pairs, dtype=np.int64)
        src, dst = np.concatenate([src, extra[:, 0]]), np.concatenate([dst, extra[:, 1]])
    both = np.concatenate([src * n + dst, dst * n + src])
    codes = np.unique(both[(both // n) != (both % n)])
    src, dst = codes // n, codes % n
    bounds = np.searchsorted(src, np.arange(n + 1))
    return [dst[bounds[p]:bounds[p + 1]].astype(np.int64) for p in range(n)]


def components(members: np.ndarray, neighbours: list[np.ndarray], in_territory: np.ndarray) -> int:
    """Number of connected components among `members` (pieces where `in_territory` is True)."""
    seen: set[int] = set()
    count = 0
    for start in members.tolist():
        if start in seen:
            continue
        count += 1
        queue = deque([start])
        seen.add(start)
        while queue:
            p = queue.popleft()
            for q in neighbours[p].tolist():
                if in_territory[q] and q not in seen:
                    seen.add(q)
                    queue.append(q)
    return count


def territory_components(pieces: Pieces, assignment: np.ndarray) -> dict[str, int]:
    """Connected components per territory under `assignment` (piece → territory index)."""
    result = {}
    for t, name in enumerate(pieces.territories):
        mask = assignment == t
        members = np.flatnonzero(mask)
        result[name] = components(members, pieces.neighbours, mask) if members.size else 0
    return result
