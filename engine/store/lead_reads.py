"""The reads the lead, contact and activity-type KPIs are built from, reduced in DuckDB.

- `lead_facts`: one row per lead with what its KPIs ask (created, first activity logged on it,
  converted, the first won deal of its converted account on or after the conversion);
- `contact_facts`: one row per contact with its account's territory.
(The activities per type the lead KPIs count are `activity_reads.activity_type_cells`.)
Territory ids come back as they are stored; the metrics map them to territory nodes.
"""
from __future__ import annotations

import polars as pl

from engine.store.database import Session

# A lead's first touch is its first activity (activities.lead_id, e.g. a Salesforce task whose
# WhoId is the lead); its customer day is the first won deal of its converted account closed on
# or after the conversion. Both are joined through 64-bit hashes of the ids (a fraction of the
# memory of joining the strings at a million leads).
_LEAD_FACTS = """
WITH touches AS (
    SELECT hash(lead_id) AS lead_key, min(ts) AS first_touch FROM activities
    WHERE lead_id IS NOT NULL AND ts IS NOT NULL GROUP BY 1),
converted AS (
    SELECT hash(lead_id) AS lead_key, converted_account_id, converted_at FROM leads
    WHERE converted_at IS NOT NULL AND converted_account_id IS NOT NULL),
wins AS (
    SELECT c.lead_key, min(d.close_date) AS first_win
    FROM converted c JOIN deals d ON d.account_id = c.converted_account_id
    WHERE d.status = 'won' AND d.close_date >= c.converted_at GROUP BY 1)
SELECT CAST(l.created_at AS TIMESTAMP) AS created, l.territory_id, l.owner_rep_id AS rep,
       CAST(t.first_touch AS TIMESTAMP) AS first_touch, l.converted_at, w.first_win
FROM leads l
LEFT JOIN touches t ON t.lead_key = hash(l.lead_id)
LEFT JOIN wins w ON w.lead_key = hash(l.lead_id)
WHERE l.created_at IS NOT NULL
ORDER BY created
"""

_CONTACT_FACTS = """
SELECT CAST(c.created_at AS TIMESTAMP) AS created, a.territory_id, a.account_id IS NOT NULL AS account_found,
       c.owner_rep_id AS rep
FROM contacts c LEFT JOIN accounts a ON a.account_id = c.account_id
WHERE c.created_at IS NOT NULL
ORDER BY created
"""


def lead_facts(session: Session) -> pl.DataFrame:
    """Columns created, territory_id, rep, first_touch (first activity on the lead; null when
    none), converted_at (date), first_win (date; null when none) — sorted by created. Leads
    without a creation time are not counted."""
    return session.query(_LEAD_FACTS)


def contact_facts(session: Session) -> pl.DataFrame:
    """Columns created, territory_id (of the contact's account), account_found, rep — sorted by created."""
    return session.query(_CONTACT_FACTS)
