"""Reads of the CRM's leads and their follow-ups, reduced in DuckDB.

Which leads still wait for a first follow-up is an anti-join of the leads against the activities
that name them (`activities.lead_id`); at 8M activities that is a semi-join DuckDB does in
parallel, where polars would first have to hold every activity's lead id in the server.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

# A lead waits when it arrived by `cutoff`, is not converted, its status is still a first status
# (or empty), and no activity on it happened before `until`.
_WAITING_LEADS = """
SELECT l.lead_id, l.name, l.company, l.status, l.owner_rep_id, l.territory_id, l.created_at
FROM leads l
WHERE l.created_at <= $cutoff AND l.converted_at IS NULL
  AND (l.status IS NULL OR list_contains($statuses, lower(trim(l.status))))
  AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.lead_id AND a.ts < $until)
ORDER BY l.created_at, l.lead_id
"""


def waiting_leads(store, cutoff: datetime, until: datetime, statuses: list[str]) -> pl.DataFrame:
    """Columns lead_id, name, company, status, owner_rep_id, territory_id, created_at of the leads
    created by `cutoff` that nothing followed up before `until`; `statuses` (lower case) are the
    statuses that mean "not contacted yet". Oldest first."""
    return store.query(_WAITING_LEADS, {"cutoff": cutoff, "until": until, "statuses": statuses})
