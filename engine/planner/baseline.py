"""The what-if baseline: every per-account figure the planner needs, read once per data version.

A move in the planner must answer in milliseconds on a million accounts, so nothing is queried per
move: the baseline turns accounts, deals, activities, targets, territories and reps into numpy
columns (one row per account, in a fixed order) and territory/rep membership into integer codes.
A move is then an array assignment plus a delta on a few per-group sums (see `engine.planner.plan`).
The deals come from the frames every page already holds (`engine.metrics.sales_data`) and the
activities leave DuckDB counted per account, so building it reads no big table a second time
(it held ~1 GB more at 1M accounts / 6M deals / 8M activities when it did).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from engine.access.viewer_store import base_store, restrict_frame
from engine.store.activity_reads import activities_per_account
from engine.metrics.periods import Period, period_containing
from engine.store.settings import Settings, load_settings
from engine.store import Session

# The additive per-account figures, in the column order of `Baseline.metrics`.
METRICS: tuple[str, ...] = ("won", "pipeline", "potential", "activities", "visit_hours")
# Activity types counted as visits (the rest are calls, e-mails ... : workload, not travel).
VISIT_TYPES = ("visit", "meeting", "event", "site visit", "onsite", "拜访", "会议")
EARTH_RADIUS_KM = 6371.0088

ACCOUNT_ATTRIBUTES = ("account_id", "name", "industry", "segment", "annual_revenue", "employees",
                      "country", "state", "city", "postal_code", "lat", "lon")


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between arrays of points (degrees); NaN where a point is missing."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=np.float64)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def default_as_of(deals: pl.DataFrame, today: date | None = None) -> date:
    """Today, or the day after the last won deal when the data ends more than a year ago
    (a historical export or a sample): a trailing-12-month view of an old file should not be empty."""
    today = today or date.today()
    won = deals.filter(pl.col("status") == "won")["close_date"].drop_nulls()
    if won.is_empty():
        return today
    last = won.max()
    return today if last >= one_year_before(today) else last + timedelta(days=1)


@dataclass(eq=False)
class Baseline:
    """The live assignment and per-account figures, as columns indexed by account position.

    - `accounts`: polars frame, one row per account in position order, columns ACCOUNT_ATTRIBUTES +
      `territory_id`, `owner_rep_id` (the live assignment) + METRICS.
    - `territories`: `territory_id, name, parent_id, owner_rep_id, target, plannable`, row i = code i.
      Code T (= len(territories)) means "no territory". Targets are the sum of the territory's
      monthly targets over `target_period`, the fiscal year containing `as_of` (targets stay with
      the territory when accounts move; the planner compares them with what the accounts bring).
    - `reps`: `rep_id, name, email, home_lat, home_lon, target`, row i = code i; code R = no rep.
    - `territory_code`, `rep_code`: int32 per account; `metrics`: float64 (accounts × METRICS),
      column-major so that `metrics[:, i]` is a contiguous column;
      `distance_km`: per account, from the home base of its serving rep (its owner, else its
      territory's owner rep); NaN when either point is unknown.
    Won revenue and activities count the 12 months before `as_of`; pipeline is every open deal.
    """

    as_of: date
    target_period: Period
    visit_hours_per_visit: float
    mileage_rate: float
    accounts: pl.DataFrame
    territories: pl.DataFrame
    reps: pl.DataFrame
    territory_code: np.ndarray
    rep_code: np.ndarray
    metrics: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    territory_owner: np.ndarray  # rep code of each territory's owner (R = none), length T + 1
    rep_home_lat: np.ndarray  # length R + 1, NaN for "no rep"
    rep_home_lon: np.ndarray
    distance_km: np.ndarray
    territory_index: dict[str, int] = field(default_factory=dict)
    rep_index: dict[str, int] = field(default_factory=dict)
    data_version: int | None = None  # the store's data version it was read at (`shared_baseline`)

    @property
    def n_territories(self) -> int:
        return self.territories.height

    @property
    def n_reps(self) -> int:
        return self.reps.height

    @property
    def n_accounts(self) -> int:
        return self.accounts.height

    def indices_of(self, account_ids) -> tuple[np.ndarray, list[str]]:
        """Positions of the given account ids (deduplicated, in input order), and the ids that are
        not accounts. Accounts are sorted by id, so this is a binary search, not a join."""
        wanted = np.asarray(list(account_ids), dtype=str)
        positions, found = self.positions_of(wanted)
        unknown = wanted[~found].tolist()
        positions = positions[found]
        _, first = np.unique(positions, return_index=True)
        return positions[np.sort(first)].astype(np.int64), unknown

    def positions_of(self, account_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position, found) per id of `account_ids`, aligned with them (a position is meaningless
        where `found` is False): what a replay by account id needs, each id with its own row."""
        sorted_ids = getattr(self, "_sorted_ids", None)
        if sorted_ids is None:
            sorted_ids = self._sorted_ids = self.accounts["account_id"].to_numpy().astype(str)
        wanted = np.asarray(account_ids, dtype=str)
        if wanted.size == 0 or sorted_ids.size == 0:
            return np.zeros(wanted.size, dtype=np.int64), np.zeros(wanted.size, dtype=bool)
        positions = np.minimum(np.searchsorted(sorted_ids, wanted), sorted_ids.size - 1)
        return positions.astype(np.int64), sorted_ids[positions] == wanted

    def serving_rep(self, territory_code: np.ndarray, rep_code: np.ndarray) -> np.ndarray:
        """The rep whose home base an account's travel is measured from: its owner, else the territory's."""
        return np.where(rep_code == self.n_reps, self.territory_owner[territory_code], rep_code)

    def distances(self, positions: np.ndarray, territory_code: np.ndarray, rep_code: np.ndarray) -> np.ndarray:
        """Travel km of the accounts at `positions` if they had these territory and rep codes."""
        serving = self.serving_rep(territory_code, rep_code)
        return haversine_km(self.lat[positions], self.lon[positions],
                            self.rep_home_lat[serving], self.rep_home_lon[serving])


def _codes(ids: pl.Series, index: pl.DataFrame, none_code: int) -> np.ndarray:
    """Map ids to integer codes by a join (fast on a million rows); null → `none_code`."""
    frame = pl.DataFrame({"id": ids}).with_row_index("order").join(index, on="id", how="left",
                                                                   maintain_order="left")
    return frame["code"].fill_null(none_code).to_numpy().astype(np.int32)


def _with_unknown(known: pl.DataFrame, key: str, referenced: pl.Series, extra: dict) -> pl.DataFrame:
    """Ids referenced by accounts but missing from their own table become rows named by the id,
    so no account is silently dropped from a before/after."""
    missing = referenced.drop_nulls().unique().sort()
    missing = missing.filter(~missing.is_in(known[key].implode()))
    if missing.is_empty():
        return known
    rows = pl.DataFrame({key: missing, "name": missing}).with_columns(
        [pl.lit(v).alias(k) for k, v in extra.items()])
    return pl.concat([known, rows.select(known.columns).cast(known.schema)], how="vertical")


def _with_member_owners(territories: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """A territory without `owner_rep_id` takes its owner from `territory_members` (role owner;
    the first by rep id when several)."""
    owners = members.filter(pl.col("role").fill_null("owner") == "owner").sort("rep_id") \
        .group_by("territory_id").agg(pl.col("rep_id").first().alias("member_owner"))
    return territories.join(owners, on="territory_id", how="left", maintain_order="left").with_columns(
        owner_rep_id=pl.coalesce("owner_rep_id", "member_owner")).drop("member_owner")


def _per_account(accounts: pl.DataFrame, frame: pl.DataFrame, aggregate: pl.Expr, name: str) -> np.ndarray:
    """`aggregate` of `frame` per account, in the accounts' order (0 where an account has no rows)."""
    return _in_account_order(accounts, frame.group_by("account_id").agg(aggregate.cast(pl.Float64).alias(name)), name)


def _in_account_order(accounts: pl.DataFrame, per_account: pl.DataFrame, name: str) -> np.ndarray:
    """Column `name` of `per_account` (one row per account id) in the accounts' order, 0 where missing."""
    joined = accounts.select("account_id").join(per_account, on="account_id", how="left", maintain_order="left")
    return joined[name].fill_null(0.0).to_numpy().astype(np.float64)


def _deals(store: Session, settings: Settings) -> pl.DataFrame:
    """account_id, status, amount, amount_rc, close_date of every deal: the shared SalesData frame
    of the whole company (a viewer's accounts are cut below; their deals are theirs wherever the
    deal is placed), read once per data version for every page."""
    from engine.metrics.sales_data import StoreAsOf, sales_data

    plain = store.base if isinstance(store, StoreAsOf) else store
    return sales_data(base_store(plain), settings.reporting_currency).deals.select(
        "account_id", "status", "amount", "amount_rc", "close_date")


def _targets(targets: pl.DataFrame, scope: str, period: Period, ids: pl.Series) -> pl.Series:
    sums = targets.filter((pl.col("scope") == scope) & (pl.col("period_start") >= period.start)
                          & (pl.col("period_start") < period.end)).group_by("scope_id").agg(
        pl.col("amount").sum().alias("target"))
    joined = pl.DataFrame({"scope_id": ids}).join(sums, on="scope_id", how="left", maintain_order="left")
    return joined["target"].fill_null(0.0)


def build_baseline(store: Session, *, as_of: date | None = None,
                   settings: Settings | None = None) -> Baseline:
    """Read the store once and build the planner's baseline (see `Baseline` for what it holds)."""
    settings = settings or load_settings()
    # A viewer-bound store plans only what its viewer sees (engine.access).
    accounts = restrict_frame(store, store.table(
        "accounts", list(ACCOUNT_ATTRIBUTES) + ["territory_id", "owner_rep_id"]), account_column="account_id") \
        .sort("account_id")
    deals = _deals(store, settings)
    targets = store.table("targets")
    as_of = as_of or default_as_of(deals)
    year_ago = one_year_before(as_of)
    period = period_containing(as_of, "year", settings.fiscal_year_start_month)

    territories = _with_member_owners(
        restrict_frame(store, store.table("territories", ["territory_id", "name", "parent_id", "owner_rep_id"]))
        .sort("territory_id"),
        store.table("territory_members"))
    territories = _with_unknown(territories, "territory_id", accounts["territory_id"],
                                {"parent_id": None, "owner_rep_id": None})
    parents = territories["parent_id"].drop_nulls().implode()
    territories = territories.with_columns(
        target=_targets(targets, "territory", period, territories["territory_id"]),
        plannable=~pl.col("territory_id").is_in(parents)
        | pl.col("territory_id").is_in(accounts["territory_id"].drop_nulls().implode()))

    reps = store.table("reps", ["rep_id", "name", "email", "home_lat", "home_lon"]).sort("rep_id")
    reps = _with_unknown(reps, "rep_id", pl.concat([accounts["owner_rep_id"], territories["owner_rep_id"]]),
                         {"email": None, "home_lat": None, "home_lon": None})
    reps = reps.with_columns(target=_targets(targets, "rep", period, reps["rep_id"]))

    n_t, n_r = territories.height, reps.height
    t_index = territories.select(pl.col("territory_id").alias("id")).with_row_index("code")
    r_index = reps.select(pl.col("rep_id").alias("id")).with_row_index("code")
    territory_code = _codes(accounts["territory_id"], t_index, n_t)
    rep_code = _codes(accounts["owner_rep_id"], r_index, n_r)
    territory_owner = np.append(_codes(territories["owner_rep_id"], r_index, n_r), np.int32(n_r))

    amount = pl.coalesce("amount_rc", "amount").fill_null(0.0)
    won = _per_account(accounts, deals.filter(
        (pl.col("status") == "won") & (pl.col("close_date") >= year_ago) & (pl.col("close_date") < as_of)),
        amount.sum(), "won")
    pipeline = _per_account(accounts, deals.filter(pl.col("status") == "open"), amount.sum(), "pipeline")
    recent = activities_per_account(store, datetime.combine(year_ago, datetime.min.time()),
                                    datetime.combine(as_of, datetime.min.time()), VISIT_TYPES)
    activity_count = _in_account_order(accounts, recent.select("account_id", "activities"), "activities")
    visits = _in_account_order(accounts, recent.select("account_id", "visits"), "visits")
    potential = accounts["annual_revenue"].fill_null(0.0).to_numpy().astype(np.float64)
    metrics = np.column_stack([won, pipeline, potential, activity_count, visits * settings.visit_hours])
    accounts = accounts.with_columns(
        [pl.Series(name, metrics[:, i]) for i, name in enumerate(METRICS)])

    home_lat = np.append(reps["home_lat"].cast(pl.Float64).fill_null(np.nan).to_numpy(), np.nan)
    home_lon = np.append(reps["home_lon"].cast(pl.Float64).fill_null(np.nan).to_numpy(), np.nan)
    lat = accounts["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy().copy()
    lon = accounts["lon"].cast(pl.Float64).fill_null(np.nan).to_numpy().copy()
    baseline = Baseline(
        as_of=as_of, target_period=period, visit_hours_per_visit=settings.visit_hours,
        mileage_rate=settings.mileage_rate_per_km, accounts=accounts, territories=territories, reps=reps,
        territory_code=territory_code, rep_code=rep_code, metrics=np.asfortranarray(metrics),
        lat=lat, lon=lon, territory_owner=territory_owner, rep_home_lat=home_lat, rep_home_lon=home_lon,
        distance_km=np.empty(0), territory_index=dict(zip(territories["territory_id"], range(n_t))),
        rep_index=dict(zip(reps["rep_id"], range(n_r))))
    baseline.distance_km = baseline.distances(np.arange(accounts.height), territory_code, rep_code)
    return baseline


def shared_baseline(store, settings: Settings | None = None) -> Baseline:
    """The baseline of the store's current data version, built once per process and shared by every
    session (and by the warm start): it takes seconds at a million accounts and is read-only —
    a session's moves live in its own `Plan`. Dropped with its data version."""
    from engine.metrics.sales_data import sales_data

    settings = settings or load_settings()
    data = sales_data(store, settings.reporting_currency)
    def build() -> Baseline:
        version = store.data_version()
        baseline = build_baseline(store, settings=settings)
        baseline.data_version = version
        return baseline

    return data.per_version(("planner_baseline", settings), build)


def is_current(baseline: Baseline, store, settings: Settings) -> bool:
    """Whether `baseline` is still the store's `shared_baseline` (no write has moved the data on
    since), asked without building one: a session still holding an old one lets it go. After a
    write the answer comes from the data version alone, so asking loads nothing."""
    from engine.metrics.sales_data import sales_data

    if baseline.data_version is not None and baseline.data_version != store.data_version():
        return False
    data = sales_data(store, settings.reporting_currency)
    return data.frames.get(("planner_baseline", settings)) is baseline
