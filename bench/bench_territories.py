"""Benchmark of territory management at scale: duplicates, unowned accounts, owner suggestions and
retiring a territory, on a seeded synthetic company (default 1M accounts, 1,000 territories).

Planted: 1 in 500 customers held again by another rep under a variant of its name (case, legal
form, full-width characters, punctuation) and the same website; 1% of accounts without owner and
territory. Times the real engine functions and, for comparison, the same name normalisation written
as a per-row Python function over pandas (the way it is often written). Prints timings and peak RSS.

    .venv/bin/python bench/bench_territories.py [--accounts 1000000] [--territories 1000]
"""
from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.store import Store  # noqa: E402
from engine.territories.duplicates import LATIN_SUFFIXES, duplicate_groups, nfkc, normalised_name  # noqa: E402
from engine.territories.suggestions import suggest_owners  # noqa: E402
from engine.territories.tree import retire_territory  # noqa: E402
from engine.territories.unowned import unowned_accounts  # noqa: E402

WORDS = ["North", "Star", "Blue", "River", "Peak", "Cedar", "Iron", "Bright", "Silver", "Oak", "Stone", "Falcon",
         "Harbor", "Pine", "Summit", "Delta", "Nova", "Atlas", "Orion", "Vale"]
TRADES = ["Logistics", "Bank", "Foods", "Systems", "Pharma", "Motors", "Energy", "Retail", "Labs", "Media"]
SUFFIXES = ["Inc.", "Ltd", "GmbH", "LLC", "S.A.", "Corp.", "AG", "B.V."]


def synthetic(store: Store, n: int, n_territories: int, seed: int = 7) -> None:
    rng = np.random.default_rng(random.Random(seed).randrange(2**32))
    territory_ids = [f"T{i:04d}" for i in range(n_territories)]
    parents = [None] + [territory_ids[(i - 1) // 10] for i in range(1, n_territories)]
    reps = [f"R{i:04d}" for i in range(n_territories * 2)]
    pieces = rng.integers(0, len(WORDS), (n, 2))
    names = [f"{WORDS[a]}{WORDS[b].lower()} {TRADES[i % len(TRADES)]} {i} {SUFFIXES[i % len(SUFFIXES)]}"
             for i, (a, b) in enumerate(pieces)]
    code = rng.integers(0, n_territories, n)
    owner = np.array(reps)[code * 2 + rng.integers(0, 2, n)]
    accounts = pl.DataFrame({
        "account_id": [f"A{i:07d}" for i in range(n)], "name": names,
        "website": [f"www.{n_.split()[0].lower()}-{i}.com" for i, n_ in enumerate(names)],
        "industry": rng.choice(TRADES, n), "segment": rng.choice(["SMB", "Mid-Market", "Enterprise"], n),
        "country": rng.choice(["US", "DE", "CN", "GB"], n), "state": rng.choice(["CA", "NY", "BY", "GD"], n),
        "territory_id": np.array(territory_ids)[code], "owner_rep_id": owner})
    orphan = rng.random(n) < 0.01
    accounts = accounts.with_columns(pl.when(pl.Series(orphan)).then(None).otherwise(pl.col("territory_id")).alias("territory_id"),
                                     pl.when(pl.Series(orphan)).then(None).otherwise(pl.col("owner_rep_id")).alias("owner_rep_id"))
    copies = accounts.filter(pl.int_range(pl.len()) % 500 == 7).with_columns(
        ("B" + pl.col("account_id").str.slice(1)).alias("account_id"),
        pl.col("name").str.to_uppercase().str.replace(r"\s\S+$", " Co., Ltd.").alias("name"))
    with store.transaction() as tx:
        tx.insert_frame("territories", pl.DataFrame({"territory_id": territory_ids, "name": territory_ids,
                                                     "parent_id": parents, "type": "geo"}))
        tx.insert_frame("reps", pl.DataFrame({"rep_id": reps, "name": reps, "capacity": 600,
                                              "skills": [[TRADES[i % len(TRADES)]] for i in range(len(reps))]}))
        tx.insert_frame("territory_members", pl.DataFrame({"territory_id": [territory_ids[i // 2] for i in range(len(reps))],
                                                           "rep_id": reps, "role": "owner"}))
        tx.insert_frame("accounts", pl.concat([accounts, copies]))


def python_normalise(name: str) -> str:
    """The same normalisation as a per-row Python function (the pandas `.apply` way)."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = re.sub(r"[.'’`/\\]", "", text).replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text).strip()
    words = text.split()
    while len(words) > 1 and words[-1] in LATIN_SUFFIXES:
        words.pop()
    return "".join(words)


def timed(label: str, fn, budget: str = ""):
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    print(f"{label:<52} {took * 1000:>9.0f} ms  {budget}", flush=True)
    return result, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--territories", type=int, default=1_000)
    args = parser.parse_args()
    store = Store.open(":memory:")
    timed(f"build {args.accounts:,} accounts, {args.territories:,} territories",
          lambda: synthetic(store, args.accounts, args.territories))
    groups, polars_time = timed("duplicate_groups (name, domain; vectorised)", lambda: duplicate_groups(store),
                                "budget ≤ 5 s")
    print(f"  found {groups['group_id'].n_unique():,} customers held twice (planted {args.accounts // 500:,})")
    import pandas as pd

    frame = store.table("accounts", ["name"])

    def polars_names() -> pl.DataFrame:
        return pl.DataFrame({"name": nfkc(frame["name"])}).select(normalised_name(pl.col("name"), normalise=False))

    _, polars_names = timed("  name normalisation alone, polars (nfkc + normalised_name)", polars_names)
    names = pd.Series(frame["name"].to_list())
    _, python_time = timed("  same name normalisation, pandas .apply (Python)", lambda: names.apply(python_normalise))
    print(f"  ratio python / polars on the normalisation: {python_time / polars_names:.1f}×; "
          f"the whole polars search (all keys, grouping) is {python_time / polars_time:.1f}× the Python names alone")
    unowned, _ = timed("unowned_accounts (all)", lambda: unowned_accounts(store), "budget ≤ 1 s")
    print(f"  {unowned.height:,} unowned")
    account = unowned["account_id"][0]
    timed("suggest_owners (one account, top 3)", lambda: suggest_owners(store, account), "budget ≤ 1 s")
    held = store.scalar("SELECT count(*) FROM accounts WHERE territory_id = 'T0005'")
    timed(f"retire T0005 ({held:,} accounts, children lifted)",
          lambda: retire_territory(store, "T0005", to_territory_id="T0006"), "budget ≤ 2 s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
