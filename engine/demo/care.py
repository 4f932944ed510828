"""The demo's account care: the regular touches a rep keeps with each customer, beside deal work.

A real book of customers is not only touched while a deal is open: account managers call, write
and visit on a rhythm (every two to eight weeks here), and a few customers drift out of touch (5%:
their care stopped somewhere in the last two years). Without it the demo's activities sat almost
all on deals, half the customers had not been touched for 90 days and the health score called 59%
of them red (docs/health.md, "Calibration").

Drawn from a child of the demo's generator (`Generator.spawn` does not advance the parent), so the
rest of the demo — deals, targets — is the same draw for draw.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

SPACING_DAYS = (14, 55)      # days between two care touches of one customer
NEGLECTED_SHARE = 0.05       # customers whose care stopped ...
QUIET_SINCE_DAYS = (95, 720)  # ... this many days before the anchor
RAMP_DAYS = 450              # older touches thin out over about this many days (CRM adoption)


def care_touches(rng: np.random.Generator, accounts: pl.DataFrame, count: int, first_month: date,
                 anchor: date) -> pl.DataFrame:
    """`count` care touches (fewer only when the accounts cannot hold that many): account_id,
    rep_id (the owner), territory_id, day — the newest touches of every customer's rhythm first, older ones
    thinning out. `accounts`: account_id, owner_rep_id, territory_id, created_at; ownerless accounts get none."""
    owned = accounts.filter(pl.col("owner_rep_id").is_not_null())
    anchor64, first64 = np.datetime64(anchor, "D"), np.datetime64(first_month, "D")
    created = owned["created_at"].to_numpy().astype("datetime64[D]")
    span = (anchor64 - np.maximum(created, first64)).astype(np.int64)
    span = np.maximum(span, 0)
    spacing = rng.uniform(*SPACING_DAYS, owned.height)
    phase = rng.random(owned.height) * spacing
    quiet = np.where(rng.random(owned.height) < NEGLECTED_SHARE,
                     rng.uniform(*QUIET_SINCE_DAYS, owned.height), 0.0)
    per_account = np.floor(np.maximum(span - phase, 0) / spacing).astype(np.int64) + (span >= phase)
    owner = np.repeat(np.arange(owned.height), per_account)
    step = np.arange(owner.size) - np.repeat(np.cumsum(per_account) - per_account, per_account)
    age = phase[owner] + step * spacing[owner]
    kept = age >= quiet[owner]
    owner, age = owner[kept], age[kept]
    # the `count` touches with the smallest age + an exponential delay: recent rhythm kept whole,
    # older touches ever sparser, so the activity curve rises smoothly instead of stepping
    order = np.argsort(age + rng.exponential(RAMP_DAYS, age.size), kind="stable")[:count]
    order.sort()
    picked = owned[owner[order]]
    return pl.DataFrame({"account_id": picked["account_id"], "rep_id": picked["owner_rep_id"],
                         "territory_id": picked["territory_id"],
                         "day": anchor64 - np.floor(age[order]).astype(np.int64)})
