"""The specialist pool (销售资源池): product experts, solution engineers and technical support that
a territory requests for a deal.

Requests queue in `resource_requests` (so they survive a restart). `allocate` serves the queue in
order — urgency (3 = now … 1 = can wait), then the region's `pool_priority` (lower first; unset
last), then deal size, then who asked first — giving each request the least-loaded specialist
whose skills name the requested skill, preferring one seated in the requesting region. A
specialist carries at most `capacity` allocations at once (DEFAULT_LOAD when none is set). Each
decision keeps its reasons (JSON in `reason`); `release` frees the specialist.
"""
from __future__ import annotations

import json
from datetime import datetime

import polars as pl

from engine.i18n import fmt_money, t
from engine.store import Store
from engine.store.errors import NotFoundError, TerrainError
from engine.territories.tree import log_change, territory_row
from engine.territories.guard import checked_actor

DEFAULT_LOAD = 3
URGENCIES = (1, 2, 3)
STATUSES = ("queued", "allocated", "released")


class PoolError(TerrainError):
    title = "The specialist request was refused"


def _now() -> datetime:
    return datetime.now()


def _region_of(parents: dict, territory_id: str | None) -> str | None:
    """The territory's top-level region (the child of the root)."""
    chain = []
    while territory_id is not None and territory_id in parents and territory_id not in chain:
        chain.append(territory_id)
        territory_id = parents[territory_id]
    return chain[-2] if len(chain) >= 2 else (chain[-1] if chain else None)


def request_specialist(store: Store, deal_id: str, skill: str, *, urgency: int = 2, territory_id: str | None = None,
                       actor: str | None = None) -> str:
    """Queue a request for a specialist with `skill` on the deal (for the deal's territory unless
    another is given); returns its id (RQ0001, …)."""
    skill = (skill or "").strip()
    if not skill:
        raise PoolError("A request needs the skill asked for.", hint="e.g. 'Analytics' or 'Solution engineering'.")
    if urgency not in URGENCIES:
        raise PoolError(f"Urgency {urgency} is not 1, 2 or 3.", hint="3 = needed now, 1 = can wait.")
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        deal = tx.query("SELECT deal_id, territory_id, status FROM deals WHERE deal_id = ?", [deal_id])
        if deal.is_empty():
            raise NotFoundError(f"There is no deal with id '{deal_id}'.", hint="Pick an open deal.")
        if deal["status"][0] != "open":
            raise PoolError(f"Deal {deal_id} is {deal['status'][0]}; specialists are requested for open deals.")
        territory_id = territory_id or deal["territory_id"][0]
        if territory_id is None:
            raise PoolError(f"Deal {deal_id} has no territory to request for.", hint="Name the requesting territory.")
        territory_row(tx, territory_id)
        last = tx.scalar("SELECT max(TRY_CAST(substr(request_id, 3) AS INTEGER)) FROM resource_requests") or 0
        request_id = f"RQ{last + 1:04d}"
        tx.execute("INSERT INTO resource_requests (request_id, deal_id, territory_id, skill, urgency, status, "
                   "requested_at, actor) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
                   [request_id, deal_id, territory_id, skill, urgency, _now(), actor])
    return request_id


def _specialists(store: Store) -> pl.DataFrame:
    """`rep_id, name, skills (lower-case), capacity, load, regions` of every active specialist."""
    reps = store.query(
        "SELECT r.rep_id, r.name, list_transform(coalesce(r.skills, []), lambda s: lower(s)) AS skills, "
        "coalesce(nullif(r.capacity, 0), ?) AS capacity, "
        "(SELECT count(*) FROM resource_requests q WHERE q.specialist_rep_id = r.rep_id AND q.status = 'allocated') AS load "
        "FROM reps r WHERE coalesce(r.active, TRUE) AND (r.role = 'specialist' OR r.rep_id IN "
        "(SELECT rep_id FROM territory_members WHERE role = 'specialist'))", [DEFAULT_LOAD])
    parents = dict(store.rows("SELECT territory_id, parent_id FROM territories"))
    seats = store.rows("SELECT rep_id, territory_id FROM territory_members WHERE role = 'specialist'")
    regions: dict[str, set] = {}
    for rep, territory in seats:
        regions.setdefault(rep, set()).add(_region_of(parents, territory))
    return reps.with_columns(pl.Series("regions", [sorted(x for x in regions.get(r, ()) if x) for r in reps["rep_id"]],
                                       dtype=pl.List(pl.String)))


def queue(store: Store) -> pl.DataFrame:
    """The queued requests in the order they are served: `order, request_id, deal_id, deal, amount,
    territory_id, region_id, region_priority, skill, urgency, requested_at`."""
    frame = store.query(
        "SELECT q.request_id, q.deal_id, d.name AS deal, coalesce(d.amount_rc, d.amount, 0) AS amount, q.territory_id, "
        "q.skill, q.urgency, q.requested_at FROM resource_requests q LEFT JOIN deals d USING (deal_id) "
        "WHERE q.status = 'queued'")
    parents = dict(store.rows("SELECT territory_id, parent_id FROM territories"))
    priorities = dict(store.rows("SELECT territory_id, pool_priority FROM territories"))
    regions = [_region_of(parents, t) for t in frame["territory_id"]]
    frame = frame.with_columns(pl.Series("region_id", regions, dtype=pl.String),
                               pl.Series("region_priority", [priorities.get(r) for r in regions], dtype=pl.Int64))
    return (frame.sort(["urgency", "region_priority", "amount", "requested_at", "request_id"],
                       descending=[True, False, True, False, False], nulls_last=True)
            .with_row_index("order", offset=1).with_columns(pl.col("order").cast(pl.Int64)))


def allocate(store: Store, *, actor: str | None = None) -> pl.DataFrame:
    """Serve the queue once, in one transaction: `request_id, specialist_rep_id, reason` for every
    request decided (allocated or left queued for want of a free specialist with the skill)."""
    waiting = queue(store)
    specialists = _specialists(store)
    load = dict(zip(specialists["rep_id"], specialists["load"]))
    decided = []
    for request in waiting.iter_rows(named=True):
        skill = request["skill"].lower()
        fits = [s for s in specialists.iter_rows(named=True) if skill in s["skills"] and load[s["rep_id"]] < s["capacity"]]
        reason = {"order": request["order"], "urgency": request["urgency"], "region": request["region_id"],
                  "region_priority": request["region_priority"], "amount": request["amount"], "skill": request["skill"]}
        if not fits:
            decided.append((request["request_id"], None, json.dumps({**reason, "outcome": "waiting"})))
            continue
        best = min(fits, key=lambda s: (load[s["rep_id"]], request["region_id"] not in s["regions"], s["rep_id"]))
        reason.update(outcome="allocated", load=load[best["rep_id"]], capacity=best["capacity"],
                      same_region=request["region_id"] in best["regions"])
        load[best["rep_id"]] += 1
        decided.append((request["request_id"], best["rep_id"], json.dumps(reason)))
    frame = pl.DataFrame(decided, schema={"request_id": pl.String, "specialist_rep_id": pl.String, "reason": pl.String},
                         orient="row")
    now = _now()
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        for request_id, rep_id, reason in decided:
            if rep_id is None:
                tx.execute("UPDATE resource_requests SET reason = ? WHERE request_id = ?", [reason, request_id])
            else:
                tx.execute("UPDATE resource_requests SET status = 'allocated', specialist_rep_id = ?, allocated_at = ?, "
                           "reason = ?, actor = coalesce(?, actor) WHERE request_id = ?",
                           [rep_id, now, reason, actor, request_id])
    return frame


def release(store: Store, request_id: str, *, actor: str | None = None) -> None:
    """The specialist is done on the deal (or the request is withdrawn): frees their load."""
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        status = tx.scalar("SELECT status FROM resource_requests WHERE request_id = ?", [request_id])
        if status is None:
            raise NotFoundError(f"There is no request '{request_id}'.", hint="List the pool's requests.")
        if status == "released":
            raise PoolError(f"Request {request_id} was already released.")
        tx.execute("UPDATE resource_requests SET status = 'released', released_at = ?, actor = coalesce(?, actor) "
                   "WHERE request_id = ?", [_now(), actor, request_id])


def requests_table(store: Store, status: str | None = None) -> pl.DataFrame:
    """Every request (or those of one status) with names: `request_id, status, deal_id, deal,
    territory, skill, urgency, specialist_rep_id, specialist, requested_at, allocated_at,
    released_at, reason` — who is booked where, newest first."""
    return store.query(
        "SELECT q.request_id, q.status, q.deal_id, d.name AS deal, t.name AS territory, q.skill, q.urgency, "
        "q.specialist_rep_id, r.name AS specialist, q.requested_at, q.allocated_at, q.released_at, q.reason "
        "FROM resource_requests q LEFT JOIN deals d USING (deal_id) LEFT JOIN territories t ON t.territory_id = q.territory_id "
        "LEFT JOIN reps r ON r.rep_id = q.specialist_rep_id WHERE ? IS NULL OR q.status = ? "
        "ORDER BY q.requested_at DESC, q.request_id DESC", [status, status])


def reason_text(reason: str | None, lang: str = "en", currency: str = "USD") -> str:
    """A stored decision's reasons as one sentence in `lang`."""
    if not reason:
        return ""
    r = json.loads(reason)
    head = t("pool.why.order", lang, order=r["order"], urgency=r["urgency"],
             priority="–" if r["region_priority"] is None else r["region_priority"],
             amount=fmt_money(r["amount"], lang, currency))
    if r["outcome"] == "waiting":
        return f"{head}; {t('pool.why.waiting', lang, skill=r['skill'])}"
    where = t("pool.why.same_region" if r["same_region"] else "pool.why.other_region", lang)
    return f"{head}; {t('pool.why.allocated', lang, skill=r['skill'], load=r['load'], capacity=r['capacity'])} {where}"


def set_pool_priority(store: Store, territory_id: str, priority: int | None, *, actor: str | None = None) -> None:
    """A region's place in the pool's queue (lower first; None = after every region with one)."""
    actor = checked_actor(store, actor, "territories")  # refused unless the role may; the signed-in user is recorded
    with store.transaction() as tx:
        old = territory_row(tx, territory_id)
        tx.execute("UPDATE territories SET pool_priority = ? WHERE territory_id = ?", [priority, territory_id])
        log_change(tx, territory_id, "pool_priority", actor, old=old["pool_priority"], new=priority)


def find_open_deals(store: Store, text: str, limit: int = 50) -> dict[str, str]:
    """deal_id → name (the id when unnamed) of up to `limit` open deals, largest first, whose name
    contains `text` (any case) or whose id is `text`."""
    text = (text or "").strip()
    return {d: n or d for d, n in store.rows(
        "SELECT deal_id, name FROM deals WHERE status = 'open' AND (? = '' OR contains(lower(name), lower(?)) "
        "OR deal_id = ?) ORDER BY coalesce(amount_rc, amount) DESC NULLS LAST, deal_id LIMIT ?", [text, text, text, limit])}


def specialist_skills(store: Store) -> list[str]:
    """Every skill a specialist carries, sorted (the choices of a request)."""
    return [r[0] for r in store.rows("SELECT DISTINCT unnest(skills) FROM reps WHERE role = 'specialist' ORDER BY 1")]
