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

from engine.geo.boundaries import account_units
from engine.store.errors import TerrainError
from engine.territories.hierarchy import UNASSIGNED_ID, Hierarchy, build_hierarchy
from engine.store import Store

DEAL_COLUMNS = ("deal_id", "account_id", "amount", "currency", "amount_rc", "status", "probability",
                "forecast_category", "created_date", "close_date", "owner_rep_id", "territory_id")
ACCOUNT_COLUMNS = ("account_id", "name", "lat", "lon", "owner_rep_id", "territory_id", "industry", "segment")
PLACE_COLUMNS = ("country", "state", "geo_precision")  # read only to tell each account's map `unit`



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
      `rep` (owner_rep_id, String); sorted by close_date (nulls last).
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
    memo: dict = field(default_factory=dict, repr=False)
    memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cached(self, key: tuple, compute):
        """Memoise a derived result for this data version (bounded: oldest entries are evicted).
        Streamlit serves sessions from several threads: two may compute the same entry, harmlessly."""
        with self.memo_lock:
            if key in self.memo:
                return self.memo[key]
        value = compute()
        with self.memo_lock:
            while len(self.memo) >= 256:
                self.memo.pop(next(iter(self.memo)))
            self.memo[key] = value
        return value


_cache: "weakref.WeakKeyDictionary[Store, SalesData]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()




def sales_data(store: Store, reporting_currency: str = "USD") -> SalesData:
    """The cached SalesData of `store`, reloaded when the store's data version moved on."""
    version = f"{store.data_version()}|{reporting_currency}"
    with _lock:
        current = _cache.get(store)
        if current is None or current.version != version:
            current = _load(store, version, reporting_currency)
            _cache[store] = current
        return current


def invalidate(store: Store) -> None:
    with _lock:
        _cache.pop(store, None)


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


def _load(store: Store, version: str, reporting_currency: str) -> SalesData:
    deals = store.table("deals", list(DEAL_COLUMNS)).with_columns(
        pl.col("created_date").cast(pl.Date), pl.col("close_date").cast(pl.Date))
    deals = to_reporting_currency(deals, store.table("fx_rates"), reporting_currency)
    territories = store.table("territories", ["territory_id", "name", "parent_id", "owner_rep_id", "type"])
    known = set(territories["territory_id"].to_list())
    orphan_deals = deals.filter(~pl.col("territory_id").is_in(list(known)) | pl.col("territory_id").is_null())
    tree = build_hierarchy(territories, with_unassigned=orphan_deals.height > 0)
    node_map = tree.nodes.select("territory_id", "node")
    unassigned = tree.node_of(UNASSIGNED_ID) if tree.has(UNASSIGNED_ID) else None

    fallback = pl.lit(unassigned, dtype=pl.UInt32)
    deals = (deals.join(node_map, on="territory_id", how="left")
             .with_columns(pl.col("node").fill_null(fallback).cast(pl.UInt32),
                           pl.col("owner_rep_id").alias("rep"),
                           pl.col("probability").cast(pl.Float64))
             .sort("close_date", nulls_last=True))
    # Reps as small integers (index into `rep_ids`, null = no owner) for fast group-bys.
    rep_ids = deals["rep"].drop_nulls().unique().sort().to_list()
    rep_codes = pl.DataFrame({"rep": pl.Series(rep_ids, dtype=pl.String), "rep_code": pl.Series(range(len(rep_ids)), dtype=pl.UInt32)})
    deals = deals.join(rep_codes, on="rep", how="left", maintain_order="left")
    closed = (deals.filter(pl.col("status").is_in(["won", "lost"]) & pl.col("close_date").is_not_null())
              .select("close_date", (pl.col("status") == "won").alias("won"), pl.col("amount_rc").alias("amount"),
                      "node", "rep", "created_date", "account_id", "rep_code"))
    open_deals = (deals.filter((pl.col("status") == "open") & pl.col("close_date").is_not_null())
                  .select("close_date", pl.col("amount_rc").alias("amount"), "probability", "node", "rep", "rep_code"))
    closed_cube = (closed.group_by("node", "rep_code", month_index(pl.col("close_date")).alias("month"))
                   .agg(pl.col("amount").filter(pl.col("won")).sum().alias("won"),
                        pl.col("won").sum().cast(pl.Int64).alias("won_count"),
                        pl.len().cast(pl.Int64).alias("closed_count"))
                   .sort("month"))

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
                .join(node_map, on="territory_id", how="left")
                .with_columns(pl.col("node").fill_null(fallback).cast(pl.UInt32)))
    latest = store.scalar("SELECT max(ts) FROM activities")
    return SalesData(version, tree, deals, closed, open_deals, targets, reps, members, accounts,
                     latest.date() if latest is not None else None, rep_ids, closed_cube)
