"""The frames every metric is computed from, loaded once per store and data version.

Reading 6M deals out of DuckDB takes a second; computing a quarter's figures from an in-memory,
close-date-sorted frame takes milliseconds. So `sales_data(store)` reads the tables once, joins each
deal to its territory node and rep, fills missing reporting-currency amounts from `fx_rates`, and
keeps the result until the store's `data_version()` moves on (every committed data transaction
does that; writes go through `store.transaction()`).
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from engine.metrics.build_gate import one_build_at_a_time
from engine.metrics.result_cache import ResultCache, forget_versioned
from engine.geo.boundaries import account_units
from engine.store.errors import TerrainError
from engine.territories.hierarchy import UNASSIGNED_ID, Hierarchy, build_hierarchy
from engine.store import Store
from engine.access.viewer_store import base_store
from engine.metrics.visible_data import visible_data

DEAL_COLUMNS = ("deal_id", "account_id", "amount", "currency", "amount_rc", "status", "probability",
                "forecast_category", "created_date", "close_date", "owner_rep_id", "territory_id")
ACCOUNT_COLUMNS = ("account_id", "name", "lat", "lon", "owner_rep_id", "territory_id", "industry", "segment")
PLACE_COLUMNS = ("country", "state", "geo_precision")  # read only to tell each account's map `unit`
LOW_CARDINALITY = ("status", "currency", "forecast_category")  # kept in `deals` as pl.Categorical



def month_index(day: pl.Expr) -> pl.Expr:
    """Months since year 0 (year × 12 + month − 1), as Int32: a whole-month period is a range of these."""
    return (day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


class CurrencyError(TerrainError):
    title = "An exchange rate is missing or invalid"


@dataclass
class SalesData:
    """Everything the metrics need, in memory.

    - `deals`: every deal with DEAL_COLUMNS plus `amount_rc` filled, `node` (u32 territory node),
      `rep` (owner_rep_id, String); sorted by close_date (nulls last). LOW_CARDINALITY columns
      are pl.Categorical (compare them with strings; cast before joining them to String columns).
    - `closed`: won/lost deals with a close date: close_date, won (bool), amount, node, rep,
      created_date, account_id — sorted by close_date, for period slicing with search_sorted.
    - `open`: open deals with a close date: close_date, amount, probability, node, rep, sorted.
    - `targets`: scope, scope_id, month (date), amount, node (territory/company scopes; else null).
    - `reps`: rep_id, name, manager_id, active; `members`: territory_id, rep_id, role, node.
    - `accounts`: ACCOUNT_COLUMNS plus node and unit (`engine.geo.boundaries.account_units`).
    - `tree`: the territory Hierarchy.
    - `rep_ids`: the owner ids behind the `rep_code` (u32) columns of `closed` and `open`.
    - `closed_cube`: closed deals summed per (node, rep_code, month = `month_index`): won,
      won_count, closed_count — every period is whole months, so period figures come from here.
    """

    version: str
    tree: Hierarchy
    deals: pl.DataFrame
    closed: pl.DataFrame
    open: pl.DataFrame
    targets: pl.DataFrame
    reps: pl.DataFrame
    members: pl.DataFrame
    accounts: pl.DataFrame
    latest_activity: date | None
    rep_ids: list[str] = field(default_factory=list)
    closed_cube: pl.DataFrame | None = None
    frozen_at: date | None = None  # a snapshot: the day it stands at (see `snapshot`)
    memo: ResultCache = field(default_factory=ResultCache, repr=False)
    memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    frames: dict = field(default_factory=dict, repr=False)
    frame_locks: dict = field(default_factory=dict, repr=False)

    def cached(self, key: tuple, compute):
        """Memoise a derived result for this data version, shared by every session (bounded in
        entries and bytes, least recently used out: `engine.metrics.result_cache`)."""
        return self.memo.get(key, compute)

    def built(self, key: tuple, compute):
        """As `cached`, for a heavy result (every account's health, a period's lead touches, a
        viewer's cut of the deals): built inside the build gate (`engine.metrics.build_gate`),
        taken before the memo's own single flight so that no thread waits for the gate while
        others wait for its entry. A result already in the memo is served without the gate."""
        if key in self.memo:
            return self.memo.get(key, compute)
        with one_build_at_a_time(key[0]):
            return self.memo.get(key, compute)

    def per_version(self, name: str, compute):
        """A frame derived once for this data version and kept as long as it (never evicted, unlike
        `cached`): the few cubes whose one pass over the raw data costs seconds. One thread
        computes it; sessions asking meanwhile wait for that result instead of building it again,
        and a build of another cube waits for it too (`engine.metrics.build_gate`)."""
        found = self.frames.get(name, _MISSING)
        if found is not _MISSING:
            return found
        with one_build_at_a_time(name):
            with self.memo_lock:
                lock = self.frame_locks.setdefault(name, threading.Lock())
            with lock:
                if name not in self.frames:
                    self.frames[name] = compute()
                return self.frames[name]


_cache: "weakref.WeakKeyDictionary[Store, SalesData]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_MISSING = object()




class StoreAsOf:
    """A store seen as it stood at the end of one day (`report --as-of`, the pages' as-of choice).

    Every metric computed through it takes its deals from `snapshot` and treats the day as "now";
    anything else (writes, other tables) is the underlying store's. Being a view, it lets each
    metric function stay as it is: the figures of a past day are the same code on older facts."""

    def __init__(self, store: Store, day: date) -> None:
        self.base, self.day = store, day

    def __getattr__(self, name: str):
        return getattr(self.base, name)


def as_of_store(store: Store, day: date | None) -> "Store | StoreAsOf":
    """`store` seen as of `day` (None: as it is now)."""
    if isinstance(store, StoreAsOf):
        store = store.base
    return store if day is None else StoreAsOf(store, day)


def sales_data(store: "Store | StoreAsOf", reporting_currency: str = "USD") -> SalesData:
    """The cached SalesData of `store`, reloaded when the store's data version moved on. Through a
    StoreAsOf of a day before the data's own "now" (`data_now`): the deals as they stood that day.
    A store bound to a restricted viewer gets only the rows that viewer sees
    (engine.metrics.visible_data); a snapshot is taken of those rows, so it cannot show more."""
    if isinstance(store, StoreAsOf):
        current = sales_data(store.base, reporting_currency)
        day = store.day
        if day >= data_now(current):
            return current
        # a copy of the deals as they stood: a heavy build like the cubes
        return current.built(("snapshot", day), lambda: snapshot(current, day))
    viewer_store, store = store, base_store(store)
    version = f"{store.data_version()}|{reporting_currency}"
    with _lock:
        current = _cache.get(store)
    if current is None or current.version != version:
        # the load waits for a build of the old version still running (and they for it): the gate
        # is taken before `_lock`, never after, so the two cannot wait on each other
        with one_build_at_a_time("sales_data"):
            with _lock:
                current = _cache.get(store)
                if current is None or current.version != version:
                    if current is not None:
                        retire(store, current)
                        # this name held the old version's frames (1.3 GB at 6M deals) while the new loaded
                        current = None
                    current = _load(store, version, reporting_currency)
                    _cache[store] = current
    return visible_data(current, viewer_store)


def retire(store: Store, old: SalesData) -> None:
    """Let an old data version go before the new one loads: without this the server held both
    (5.2 GB at 1M / 6M after an import). Its memo and cubes are emptied too, since a session in
    the middle of a run, or a planner's plan in a session's state, may still hold the SalesData
    itself; the frames such a run reads stay valid, and nothing asks for the old cubes again."""
    _cache.pop(store, None)
    old.memo.clear()
    with old.memo_lock:
        old.frames.clear()
    forget_versioned(store)


def data_now(data: SalesData, today: date | None = None) -> date:
    """The date the figures stand at: today, or the latest closed deal / activity if the data ends
    earlier (an imported 2024 export is looked at as of its last day, not as of today)."""
    if data.frozen_at is not None:
        return data.frozen_at
    today = today or date.today()
    latest = [d for d in (data.closed["close_date"].max() if data.closed.height else None,
                          data.latest_activity) if d is not None]
    return min([today, max(latest)]) if latest else today


def snapshot(data: SalesData, as_of: date) -> SalesData:
    """The deals as they stood at the end of `as_of`, rebuilt from today's rows (docs/as-of.md).

    A deal existed if it was created on or before the day (a deal without a created date only
    once it had closed by then); it was won or lost then if it closed on or before the day, and
    open otherwise — still open, or closed after it — with today's amount, probability and close
    date (the history of those is not kept). Targets, territories, reps and accounts are today's."""
    deals = deals_then(data.deals, as_of)
    closed, open_deals, cube = _deal_frames(deals)
    latest = data.latest_activity
    return SalesData(f"{data.version}|as of {as_of}", data.tree, deals, closed, open_deals, data.targets, data.reps,
                     data.members, data.accounts, None if latest is None else min(latest, as_of), data.rep_ids, cube,
                     frozen_at=as_of)


def deals_then(deals: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The deals that existed at the end of `as_of`, each with the status it had then (see snapshot)."""
    created = pl.col("created_date")
    closed_then = pl.col("status").is_in(["won", "lost"]) & (pl.col("close_date") <= as_of)
    return (deals.filter((created <= as_of) | (created.is_null() & closed_then.fill_null(False)))
            .with_columns(pl.when(closed_then).then(pl.col("status")).otherwise(pl.lit("open")).alias("status")))


def _deal_frames(deals: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """closed, open and closed_cube of SalesData from its close-date-sorted deals."""
    # the columns first, then the rows: filtering copies only what is kept
    closed = (deals.select("close_date", "status", (pl.col("status") == "won").alias("won"),
                           pl.col("amount_rc").alias("amount"), "node", "rep", "created_date", "account_id", "rep_code")
              .filter(pl.col("status").is_in(["won", "lost"]) & pl.col("close_date").is_not_null()).drop("status"))
    open_deals = (deals.select("close_date", "status", pl.col("amount_rc").alias("amount"), "probability", "node", "rep",
                               "rep_code")
                  .filter((pl.col("status") == "open") & pl.col("close_date").is_not_null()).drop("status"))
    closed_cube = (closed.group_by("node", "rep_code", month_index(pl.col("close_date")).alias("month"))
                   .agg(pl.col("amount").filter(pl.col("won")).sum().alias("won"),
                        pl.col("won").sum().cast(pl.Int64).alias("won_count"),
                        pl.len().cast(pl.Int64).alias("closed_count"))
                   .sort("month"))
    return closed, open_deals, closed_cube


def invalidate(store: Store) -> None:
    with _lock:
        _cache.pop(base_store(store), None)


def to_reporting_currency(deals: pl.DataFrame, fx_rates: pl.DataFrame, reporting_currency: str) -> pl.DataFrame:
    """Fill `amount_rc` where it is missing: amount × the rate valid at the deal's close (or created)
    date; amounts already in the reporting currency (or without a currency) are taken as they are.
    Rates must be positive, so a conversion never flips the sign of an amount or of a total."""
    bad = fx_rates.filter(~(pl.col("rate_to_reporting") > 0))
    if bad.height:
        currency, rate = bad.row(0)[:2]
        raise CurrencyError(f"The exchange rate of {currency} is {rate}; rates must be positive.",
                            hint="Correct the fx_rates import, then reload.")
    needs = deals.filter(pl.col("amount_rc").is_null() & pl.col("amount").is_not_null()
                         & pl.col("currency").is_not_null() & (pl.col("currency") != reporting_currency))
    filled = deals.with_columns(pl.when(pl.col("amount_rc").is_null()
                                        & (pl.col("currency").is_null() | (pl.col("currency") == reporting_currency)))
                                .then(pl.col("amount")).otherwise(pl.col("amount_rc")).alias("amount_rc"))
    if needs.height == 0:
        return filled
    rates = fx_rates.select(pl.col("currency"), pl.col("valid_from").cast(pl.Date),
                            pl.col("rate_to_reporting")).sort("valid_from")
    converted = (needs.select("deal_id", "currency", "amount",
                              pl.coalesce("close_date", "created_date").cast(pl.Date).alias("on"))
                 .with_columns(pl.col("on").fill_null(date.max))
                 .sort("on")
                 # both sides are sorted by date above; polars cannot verify that within `by` groups
                 .join_asof(rates, left_on="on", right_on="valid_from", by="currency", strategy="backward",
                            check_sortedness=False))
    missing = converted.filter(pl.col("rate_to_reporting").is_null())
    if missing.height:
        currency, deal = missing["currency"][0], missing["deal_id"][0]
        raise CurrencyError(
            f"Deal {deal} is in {currency}, and no {currency}→{reporting_currency} rate is valid on its date "
            f"({missing.height} deal(s) affected).",
            hint=f"Import an fx_rates row for {currency} valid from that date or earlier.")
    converted = converted.select("deal_id", (pl.col("amount") * pl.col("rate_to_reporting")).alias("converted"))
    return (filled.join(converted, on="deal_id", how="left")
            .with_columns(pl.coalesce("amount_rc", "converted").alias("amount_rc")).drop("converted"))


def _sorted_by_close(columns: list[pl.Series]) -> pl.DataFrame:
    """The deals' `columns` sorted by close_date (nulls last), one column at a time, each replaced
    in the list as its sorted copy is made: a frame's sort gathers every column before the
    unsorted ones go, two copies of the 6M deals at once."""
    order = next(c for c in columns if c.name == "close_date").arg_sort(nulls_last=True)
    for index in range(len(columns)):
        columns[index] = columns[index].gather(order)
    return pl.DataFrame(columns)


def _node_of(node_map: pl.DataFrame) -> pl.Expr:
    """Each row's territory node (u32, null for an unknown territory), looked up from `node_map`."""
    return pl.col("territory_id").replace_strict(node_map["territory_id"], node_map["node"].cast(pl.UInt32),
                                                 default=None, return_dtype=pl.UInt32).alias("node")


def _load(store: Store, version: str, reporting_currency: str) -> SalesData:
    # Built so that no step holds two copies of the 6M deals (docs/scaling.md, **Memory**): the
    # table is read in batches, the sort moves one column at a time, and the node and rep code
    # are looked up as new columns rather than joined (a join copies every column of the frame).
    deals = store.table("deals", list(DEAL_COLUMNS), in_batches=True).with_columns(
        pl.col("created_date").cast(pl.Date), pl.col("close_date").cast(pl.Date))
    deals = to_reporting_currency(deals, store.table("fx_rates"), reporting_currency)
    # A handful of distinct values in millions of rows: as categories each costs 4 bytes a row
    # instead of a 16-byte string view (~0.2 GB at 6M deals); they compare with strings as before.
    deals = deals.with_columns(pl.col(LOW_CARDINALITY).cast(pl.Categorical))
    columns = deals.get_columns()
    del deals  # its columns now live in `columns` alone, which the sort replaces one by one
    deals = _sorted_by_close(columns)
    territories = store.table("territories", ["territory_id", "name", "parent_id", "owner_rep_id", "type"])
    known = territories["territory_id"]
    orphans = deals.select((~pl.col("territory_id").is_in(known.implode()) | pl.col("territory_id").is_null()).any()).item()
    tree = build_hierarchy(territories, with_unassigned=bool(orphans))
    node_map = tree.nodes.select("territory_id", "node")
    unassigned = tree.node_of(UNASSIGNED_ID) if tree.has(UNASSIGNED_ID) else None

    fallback = pl.lit(unassigned, dtype=pl.UInt32)
    deals = deals.with_columns(_node_of(node_map).fill_null(fallback),
                               pl.col("owner_rep_id").alias("rep"),
                               pl.col("probability").cast(pl.Float64))
    # Reps as small integers (index into `rep_ids`, null = no owner) for fast group-bys.
    rep_ids = deals["rep"].drop_nulls().unique().sort().to_list()
    deals = deals.with_columns(pl.col("rep").replace_strict(pl.Series(rep_ids, dtype=pl.String),
                                                            pl.Series(range(len(rep_ids)), dtype=pl.UInt32),
                                                            default=None, return_dtype=pl.UInt32).alias("rep_code"))
    closed, open_deals, closed_cube = _deal_frames(deals)

    targets = store.table("targets").with_columns(pl.col("period_start").cast(pl.Date).dt.month_start().alias("month"))
    root_id = tree.id_of(tree.root)
    targets = (targets.with_columns(
        pl.when(pl.col("scope") == "company").then(pl.lit(root_id))
        .when(pl.col("scope") == "territory").then(pl.col("scope_id")).alias("territory_id"))
        .join(node_map, on="territory_id", how="left")
        .select("scope", "scope_id", "month", "amount", "node"))

    members = store.table("territory_members").join(node_map, on="territory_id", how="left")
    reps = store.table("reps", ["rep_id", "name", "manager_id", "active"])
    accounts = store.table("accounts", [*ACCOUNT_COLUMNS, *PLACE_COLUMNS])
    accounts = (accounts.with_columns(account_units(accounts)).drop(PLACE_COLUMNS)
                .with_columns(_node_of(node_map).fill_null(fallback)))
    latest = store.scalar("SELECT max(ts) FROM activities")
    return SalesData(version, tree, deals, closed, open_deals, targets, reps, members, accounts,
                     latest.date() if latest is not None else None, rep_ids, closed_cube)
