"""The reads of the 8M activities, aggregated in DuckDB: the two the activity KPIs are built from,
and the planner's workload per account.

8M activities joined to 1M accounts and 6M deals are cheap for DuckDB's parallel joins and dear as
polars frames of strings held in the server, so both reads leave the database already reduced:
- `activity_type_cells` (once per data version): activities counted per (account's territory,
  deal's territory, rep, month, type) — the activity KPIs and the lead KPIs' kinds both sum it;
- `lead_touches`: the deals and accounts created in a period with their first activity at or after
  creation (on the deal itself or on its account), found with DuckDB's ASOF joins.
- `activities_per_account`: each account's activities and visits in a time window (the what-if
  planner's workload), 1M rows back instead of 8M;
- `activities_since`: the activities of a recent window plus, per account, its last activity
  before it — all the health score's recency and trend need, a fraction of the 8M rows.
Territory ids come back as they are stored; the metrics map them to territory nodes.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from engine.store.database import Session

# Only activities whose account is unknown or sits in no known territory need their deal's
# territory, so only those few probe the 6M deals. `placed` is read twice: NOT MATERIALIZED lets
# each branch stream it instead of DuckDB holding all 8M placed rows at once (1.4 → 0.5 GB peak at
# 1M accounts / 8M activities, the same CPU: docs/scaling.md, **Memory**).
_ACTIVITY_TYPE_CELLS = """
WITH placed AS NOT MATERIALIZED (
    SELECT a.deal_id, a.rep_id AS rep, CAST(year(a.ts) * 12 + month(a.ts) - 1 AS INTEGER) AS month,
           lower(trim(a.type)) AS type,
           ac.territory_id AS account_territory, ac.account_id IS NOT NULL AS account_found,
           ac.account_id IS NOT NULL AND ac.territory_id IN (SELECT territory_id FROM territories) AS placed
    FROM activities a LEFT JOIN accounts ac ON ac.account_id = a.account_id
    WHERE a.ts IS NOT NULL)
SELECT account_territory, account_found, CAST(NULL AS VARCHAR) AS deal_territory, false AS deal_found, rep, month,
       type, CAST(count(*) AS BIGINT) AS activities
FROM placed WHERE placed GROUP BY ALL
UNION ALL
SELECT p.account_territory, p.account_found, de.territory_id, de.deal_id IS NOT NULL, p.rep, p.month, p.type,
       CAST(count(*) AS BIGINT)
FROM placed p LEFT JOIN deals de ON de.deal_id = p.deal_id
WHERE NOT p.placed GROUP BY ALL
"""

# A lead's first touch: the earliest activity at or after its creation and before `cap`, on the
# deal (deal leads) or on its account (both kinds). Deals carry a creation date, so they count from
# its midnight. Ids are joined by their 64-bit hashes: an ASOF join over hashed keys needs a fraction
# of the memory of one over strings; `acts`, read twice, is streamed rather than held (NOT MATERIALIZED).
_LEAD_TOUCHES = """
WITH leads AS (
    SELECT true AS is_deal, hash(account_id) AS account_key, hash(deal_id) AS deal_key,
           CAST(created_date AS TIMESTAMP) AS created, territory_id, owner_rep_id AS rep
    FROM deals WHERE created_date >= CAST($start AS DATE) AND created_date < CAST($end AS DATE)
    UNION ALL
    SELECT false, hash(account_id), NULL, CAST(created_at AS TIMESTAMP), territory_id, owner_rep_id
    FROM accounts WHERE created_at >= $start AND created_at < $end),
acts AS NOT MATERIALIZED (SELECT account_id, deal_id, CAST(ts AS TIMESTAMP) AS ts FROM activities WHERE ts >= $start AND ts < $cap),
on_deal AS (SELECT hash(deal_id) AS deal_key, ts FROM acts WHERE deal_id IS NOT NULL),
on_account AS (SELECT hash(account_id) AS account_key, ts FROM acts WHERE account_id IS NOT NULL)
SELECT l.is_deal, l.created, least(d.ts, a.ts) AS first_touch, l.territory_id, l.rep
FROM leads l
ASOF LEFT JOIN on_deal d ON l.deal_key = d.deal_key AND l.created <= d.ts
ASOF LEFT JOIN on_account a ON l.account_key = a.account_key AND l.created <= a.ts
"""


def activity_type_cells(session: Session) -> pl.DataFrame:
    """Columns account_territory, account_found, deal_territory, deal_found, rep, month
    (year × 12 + month − 1), type (lower case, trimmed), activities. Activities without a
    timestamp are not counted."""
    return session.query(_ACTIVITY_TYPE_CELLS)


def lead_touches(session: Session, start: datetime, end: datetime, cap: datetime) -> pl.DataFrame:
    """The deals and accounts created in [start, end): columns is_deal, created, first_touch (the
    first activity at or after creation and before `cap`; null when none), territory_id, rep."""
    return session.query(_LEAD_TOUCHES, {"start": start, "end": end, "cap": cap})


_PER_ACCOUNT = """
SELECT account_id, CAST(count(*) AS DOUBLE) AS activities,
       CAST(count(*) FILTER (WHERE list_contains($visit_types, lower(type))) AS DOUBLE) AS visits
FROM activities
WHERE account_id IS NOT NULL AND ts >= $start AND ts < $end
GROUP BY account_id
"""


def activities_per_account(session: Session, start: datetime, end: datetime,
                           visit_types: tuple[str, ...]) -> pl.DataFrame:
    """Columns account_id, activities, visits (those whose lower-cased type is one of
    `visit_types`): activities with a timestamp in [start, end), per account that has any."""
    return session.query(_PER_ACCOUNT, {"start": start, "end": end, "visit_types": list(visit_types)})


_SINCE = """
SELECT account_id, ts FROM activities WHERE account_id IS NOT NULL AND ts >= $since AND ts < $end
UNION ALL
SELECT account_id, max(ts) AS ts FROM activities WHERE account_id IS NOT NULL AND ts < $since GROUP BY account_id
"""


def activities_since(session: Session, since: datetime, end: datetime) -> pl.DataFrame:
    """Columns account_id, ts: every activity in [since, end), and each account's last activity
    before `since` (one row). Per account, the latest activity before `end` and every count over a
    window starting at or after `since` are the same as over all its activities."""
    return session.query(_SINCE, {"since": since, "end": end})
