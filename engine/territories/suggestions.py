"""Top-3 owners for an unassigned or new account, each with the reasons for it.

A rep scores points for what fits (weights below): skill tags (`reps.skills`) naming the account's
industry, segment or the product lines of its deals; sitting in the account's territory — or, for
an account without one, in the territory that holds most accounts of its state or country; a book
that already has accounts of its country and of its size; and headroom (`reps.capacity` minus the
accounts held). A rep at capacity loses points rather than vanishing, so a small team still gets
three names. Confirming a suggestion is one logged reassignment.
"""
from __future__ import annotations

import polars as pl

from engine.i18n import t
from engine.store import Store
from engine.store.errors import NotFoundError
from engine.territories.ownership import check_targets
from engine.territories.unowned import assign_accounts

WEIGHTS = {"industry": 3.0, "segment": 1.0, "product": 1.0, "territory": 3.0, "country": 1.5, "size": 1.0,
           "headroom": 2.0, "full": -2.0}
SUGGESTION_COLUMNS = ("rank", "rep_id", "rep", "score", "territory_id", "territory", "held", "capacity", "reasons")


def _account(store: Store, account_id: str) -> dict:
    frame = store.query("SELECT account_id, name, industry, segment, country, state, territory_id FROM accounts "
                        "WHERE account_id = ?", [account_id])
    if frame.is_empty():
        raise NotFoundError(f"There is no account with id '{account_id}'.", hint="Pick an account from the list.")
    return frame.row(0, named=True)


def _home_territory(store: Store, account: dict) -> str | None:
    """The account's territory, else the territory holding most accounts of its state (then country)."""
    if account["territory_id"] is not None:
        return account["territory_id"]
    for where, values in (("country = ? AND state = ?", [account["country"], account["state"]]),
                          ("country = ?", [account["country"]])):
        if any(v is None for v in values):
            continue
        home = store.scalar(f"SELECT territory_id FROM accounts WHERE territory_id IS NOT NULL AND {where} "
                            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", values)
        if home is not None:
            return home
    return None


def suggest_owners(store: Store, account_id: str, k: int = 3) -> pl.DataFrame:
    """The k best reps for the account: SUGGESTION_COLUMNS, best first. `reasons` is a list of
    {key, value, count, held, capacity} structs (see `reason_texts`); `territory_id` is where the
    account would go with that rep (its own territory, else the rep's seat in its home territory,
    else the rep's first owned territory)."""
    account = _account(store, account_id)
    home = _home_territory(store, account)
    products = [r[0] for r in store.rows("SELECT DISTINCT product_line FROM deals WHERE account_id = ? "
                                         "AND product_line IS NOT NULL ORDER BY 1", [account_id])]
    reps = store.query(
        "SELECT r.rep_id, r.name AS rep, coalesce(r.skills, []) AS skills, r.capacity, "
        "coalesce(h.held, 0) AS held, coalesce(h.same_country, 0) AS same_country, "
        "coalesce(h.same_segment, 0) AS same_segment, m.role AS home_role, o.first_owned "
        "FROM reps r LEFT JOIN (SELECT owner_rep_id, count(*) AS held, count(*) FILTER (WHERE country = ?) AS same_country, "
        "count(*) FILTER (WHERE segment = ?) AS same_segment FROM accounts WHERE account_id <> ? GROUP BY 1) h "
        "ON h.owner_rep_id = r.rep_id "
        "LEFT JOIN territory_members m ON m.rep_id = r.rep_id AND m.territory_id = ? "
        "LEFT JOIN (SELECT rep_id, min(territory_id) AS first_owned FROM territory_members "
        "WHERE coalesce(role, 'owner') = 'owner' GROUP BY 1) o ON o.rep_id = r.rep_id "
        # only people who can carry accounts: active, with a capacity or a book already
        "WHERE coalesce(r.active, TRUE) AND (coalesce(r.capacity, 0) > 0 OR h.held > 0)",
        [account["country"], account["segment"], account_id, home])
    if reps.is_empty():
        return pl.DataFrame(schema={c: pl.String for c in SUGGESTION_COLUMNS})
    skills = pl.col("skills").list.eval(pl.element().str.to_lowercase())

    def has(value: str | None) -> pl.Expr:
        return pl.lit(False) if value is None else skills.list.contains(value.lower())

    headroom = pl.col("capacity") - pl.col("held")
    reason = {  # each reason as a struct when it applies, else null
        "industry": has(account["industry"]), "segment": has(account["segment"]),
        "territory": pl.col("home_role").is_not_null(), "country": pl.col("same_country") > 0,
        "size": pl.col("same_segment") > 0, "headroom": headroom > 0,
        "full": pl.col("capacity").is_not_null() & (headroom <= 0),
    }
    names = dict(store.rows("SELECT territory_id, name FROM territories"))
    values = {"industry": account["industry"], "segment": account["segment"], "territory": names.get(home, home),
              "country": account["country"], "size": account["segment"]}
    product_hits = [has(p) for p in products]
    score = sum(pl.when(cond).then(pl.lit(WEIGHTS[key])).otherwise(0.0) for key, cond in reason.items()
                if key not in ("headroom", "territory"))
    score = (score + pl.when(reason["territory"]).then(
        pl.when(pl.col("home_role") == "owner").then(WEIGHTS["territory"]).otherwise(WEIGHTS["territory"] / 3))
        .otherwise(0.0)
        + pl.when(reason["headroom"]).then(WEIGHTS["headroom"] * (headroom / pl.col("capacity")).clip(0, 1)).otherwise(0.0)
        + sum((pl.when(hit).then(WEIGHTS["product"]).otherwise(0.0) for hit in product_hits), pl.lit(0.0)))
    structs = [pl.when(cond).then(pl.struct(
        key=pl.lit(key), value=pl.lit(values.get(key), pl.String),
        count=(headroom if key == "headroom" else pl.col("same_country") if key == "country" else pl.lit(None)).cast(pl.Int64),
        held=pl.col("held").cast(pl.Int64), capacity=pl.col("capacity").cast(pl.Int64)))
        for key, cond in reason.items()]
    structs += [pl.when(hit).then(pl.struct(key=pl.lit("product"), value=pl.lit(p, pl.String), count=pl.lit(None, pl.Int64),
                                            held=pl.col("held").cast(pl.Int64), capacity=pl.col("capacity").cast(pl.Int64)))
                for p, hit in zip(products, product_hits)]
    ranked = (reps.with_columns(score.round(2).alias("score"), pl.concat_list(structs).list.drop_nulls().alias("reasons"),
                                headroom.fill_null(0).alias("_headroom"))
              .sort(["score", "_headroom", "rep_id"], descending=[True, True, False]).head(k)
              .with_row_index("rank", offset=1)
              .with_columns(pl.when(pl.lit(account["territory_id"] is not None)).then(pl.lit(account["territory_id"]))
                            .when(pl.col("home_role").is_not_null()).then(pl.lit(home))
                            .otherwise(pl.col("first_owned")).alias("territory_id")))
    return ranked.with_columns(
        pl.col("rank").cast(pl.Int64),
        pl.col("territory_id").replace_strict(names, default=None, return_dtype=pl.String).alias("territory"),
    ).select(SUGGESTION_COLUMNS)


def reason_texts(reasons: list[dict], lang: str = "en") -> list[str]:
    """The reasons of one suggestion as sentences in `lang`."""
    return [t(f"tadmin.why.{r['key']}", lang, value=r["value"], count=r["count"], held=r["held"],
              capacity=r["capacity"]) for r in reasons]


def confirm_suggestion(store: Store, account_id: str, rep_id: str, territory_id: str | None = None, *,
                       actor: str | None = None) -> int:
    """Give the account to the rep (and territory, when given) — one `assignment_log` row, reason
    `suggestion`. Returns 1 when the account changed, 0 when it was already so held."""
    _account(store, account_id)
    check_targets(store, rep_id, territory_id)
    return assign_accounts(store, [account_id], rep_id=rep_id, territory_id=territory_id, actor=actor,
                           reason="suggestion")
