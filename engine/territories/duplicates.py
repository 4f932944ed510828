"""Duplicates (重复跟进): the same customer held as several accounts, often by several reps.

Two accounts are the same customer when they share a normalised name (Unicode NFKC, so full-width
ＡＢＣ is ABC; case; punctuation; legal suffixes such as Inc, Ltd, GmbH, S.p.A., 有限公司,
股份有限公司), a web domain, or — when the accounts table has those columns — a phone number or a
tax id. Matches chain (A~B by name, B~C by domain: one customer), found by a vectorised label
propagation over the keys, never a Python loop over rows. Merging a group gives every copy one
owner and territory in one transaction, with an `assignment_log` row per account changed.
"""
from __future__ import annotations

import polars as pl

from engine.store import Store
from engine.store.errors import TerrainError
from engine.territories.ownership import check_targets, reassign_accounts

# Legal forms at the end of a name, after dots are dropped and punctuation is a space ("co ltd",
# "sa de cv" repeat: the group strips any run of them).
LATIN_SUFFIXES = (
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp", "lp", "plc",
    "gmbh", "mbh", "ag", "kg", "se", "sa", "sas", "sarl", "sl", "srl", "spa", "bv", "nv", "oy", "oyj", "ab", "as",
    "dac", "lda", "ltda", "kk", "kft", "sro", "pty", "pte", "pvt", "sdn", "bhd", "sp", "z", "oo", "de", "cv",
    "group", "holding", "holdings")
CHINESE_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团有限公司", "集团公司", "集团", "公司")
KEYS = ("name", "domain", "phone", "tax_id")
GROUP_COLUMNS = ("group_id", "account_id", "name", "owner_rep_id", "owner", "territory_id", "territory",
                 "website", "matched_on", "created_at", "copies", "reps", "suggested_rep_id")


class DuplicateError(TerrainError):
    title = "The duplicates could not be merged"


def nfkc(values: pl.Series) -> pl.Series:
    """Unicode NFKC (full-width ＡＢＣ１ → ABC1) of the values that need it: NFKC costs ~1 µs a
    string, and most names are plain ASCII, so only the others are normalised."""
    needs = values.str.contains(r"[^\x00-\x7F]").fill_null(False)
    if not needs.any():
        return values
    rows = needs.arg_true()
    return values.scatter(rows, values.gather(rows).str.normalize("NFKC"))


def normalised_name(name: pl.Expr, *, normalise: bool = True) -> pl.Expr:
    """The comparable core of a company name ('' when nothing is left). `normalise=False` when
    the names went through `nfkc` already."""
    latin = "|".join(LATIN_SUFFIXES)
    text = ((name.str.normalize("NFKC") if normalise else name).str.to_lowercase()
            .str.replace_all(r"[.'’`/\\]", "").str.replace_all("&", " and ", literal=True)
            .str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
            .str.replace(r"^the\s+", ""))
    # A legal form goes only after a first word ("Inc" alone stays "inc"): Latin ones need the
    # space before them, a Chinese one a character (capture groups would cost 10× here).
    core = (text.str.replace(rf"(?:\s+(?:{latin}))+$", "")
            .str.replace(f"(\\S)(?:{'|'.join(CHINESE_SUFFIXES)})+$", "$1"))
    return core.str.replace_all(" ", "", literal=True)  # single spaces only, after the runs above


def web_domain(website: pl.Expr, *, normalise: bool = True) -> pl.Expr:
    """The host of a website or e-mail address without scheme, www, port or path ('acme.com')."""
    host = ((website.str.normalize("NFKC") if normalise else website).str.to_lowercase().str.strip_chars()
            .str.replace(r"^[a-z][a-z0-9+.-]*://", "").str.replace(r"^[^@/]*@", "")
            .str.replace(r"[/?#].*$", "").str.replace(r":\d+$", "").str.replace(r"^www\d*\.", "")
            .str.strip_chars("."))
    return host.str.extract(r"^([^.]+\..+)$", 1)  # null without a dot: not a domain


def phone_key(phone: pl.Expr) -> pl.Expr:
    """The last 9 digits of a phone number (country prefixes and trunk zeros vary between copies)."""
    digits = phone.cast(pl.String).str.normalize("NFKC").str.replace_all(r"\D", "")
    return pl.when(digits.str.len_chars() >= 7).then(digits.str.slice(-9))


def tax_key(tax_id: pl.Expr) -> pl.Expr:
    key = tax_id.cast(pl.String).str.normalize("NFKC").str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")
    return pl.when(key.str.len_chars() >= 5).then(key)


def match_keys(accounts: pl.DataFrame) -> pl.DataFrame:
    """`account_id` plus one key column per KEYS entry the frame can give (null = no key)."""
    columns = set(accounts.columns)
    accounts = accounts.with_columns(nfkc(accounts[c]) for c in ("name", "website") if c in columns)
    keys = [normalised_name(pl.col("name"), normalise=False).alias("name")]
    if "website" in columns:
        keys.append(web_domain(pl.col("website"), normalise=False).alias("domain"))
    if "phone" in columns:
        keys.append(phone_key(pl.col("phone")).alias("phone"))
    if "tax_id" in columns:
        keys.append(tax_key(pl.col("tax_id")).alias("tax_id"))
    # lazily, so the sub-expressions each key repeats are computed once (common subexpressions)
    frame = accounts.lazy().select("account_id", *keys).collect()
    return frame.with_columns(pl.when(pl.col("name") != "").then(pl.col("name")).alias("name"))


def customer_groups(keys: pl.DataFrame) -> pl.DataFrame:
    """`account_id, group_id, matched_on` for accounts that share a key with another account.
    group_id is the smallest account_id of the connected group; matched_on lists the keys shared."""
    key_columns = [c for c in KEYS if c in keys.columns]
    shared = [(pl.col(k).is_not_null() & (pl.len().over(k) > 1)).alias(f"_{k}") for k in key_columns]
    frame = keys.with_columns(shared).filter(pl.any_horizontal(f"_{k}" for k in key_columns))
    frame = frame.with_columns(pl.col("account_id").alias("group_id"))
    for _ in range(64):  # label propagation: each pass joins groups that share any key
        before = frame["group_id"]
        for k in key_columns:
            frame = frame.with_columns(
                pl.when(pl.col(f"_{k}")).then(pl.min_horizontal("group_id", pl.col("group_id").min().over(k)))
                .otherwise(pl.col("group_id")).alias("group_id"))
        if frame["group_id"].equals(before):
            break
    matched = pl.concat_list(pl.when(pl.col(f"_{k}")).then(pl.lit(k)) for k in key_columns).list.drop_nulls()
    return frame.select("account_id", "group_id", matched.alias("matched_on"))


def duplicate_groups(store: Store, *, territory_id: str | None = None, rep_id: str | None = None) -> pl.DataFrame:
    """One row per account that is a copy of another: the GROUP_COLUMNS, sorted by group then
    created_at. `copies` and `reps` count the group's accounts and distinct owners;
    `suggested_rep_id` is the owner of the copy held first (earliest created), the default of a
    merge. Filters keep the groups with any copy in `territory_id` or held by `rep_id`."""
    wanted = [c for c in ("account_id", "name", "website", "phone", "tax_id", "owner_rep_id", "territory_id",
                          "created_at") if c in store.columns("accounts")]
    accounts = store.table("accounts", wanted)
    groups = customer_groups(match_keys(accounts))
    reps = store.table("reps", ["rep_id", "name"]).rename({"rep_id": "owner_rep_id", "name": "owner"})
    territories = store.table("territories", ["territory_id", "name"]).rename({"name": "territory"})
    frame = (groups.join(accounts, on="account_id").join(reps, on="owner_rep_id", how="left")
             .join(territories, on="territory_id", how="left")
             .sort("group_id", "created_at", "account_id", nulls_last=True)
             .with_columns(pl.len().over("group_id").alias("copies"),
                           pl.col("owner_rep_id").n_unique().over("group_id").alias("reps"),
                           pl.col("owner_rep_id").drop_nulls().first().over("group_id").alias("suggested_rep_id")))
    if "website" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("website"))
    for column, value in (("territory_id", territory_id), ("owner_rep_id", rep_id)):
        if value is not None:
            frame = frame.filter((pl.col(column) == value).any().over("group_id"))
    return frame.select(*GROUP_COLUMNS)


def duplicate_summary(groups: pl.DataFrame) -> dict[str, int]:
    """groups, accounts (copies in them) and split_groups (held by more than one rep)."""
    per_group = groups.group_by("group_id").agg(pl.col("reps").first())
    return {"groups": per_group.height, "accounts": groups.height,
            "split_groups": int((per_group["reps"] > 1).sum())}


def merge_ownership(store: Store, account_ids: list[str], *, rep_id: str | None = None,
                    territory_id: str | None = None, actor: str | None = None) -> int:
    """Give every account of one customer the same owner (`rep_id`, default the owner of the copy
    held first) and territory (default that copy's), in one transaction; open deals follow. Each
    account changed gets an `assignment_log` row (reason `duplicate-merge:<first account>`).
    Returns the number of accounts changed."""
    account_ids = sorted(set(account_ids))
    if len(account_ids) < 2:
        raise DuplicateError("A merge needs at least two accounts of the same customer.",
                             hint="Pick a duplicate group from the list.")
    copies = store.query("SELECT account_id, owner_rep_id, territory_id, created_at FROM accounts "
                         "WHERE account_id IN (SELECT unnest(?)) ORDER BY created_at NULLS LAST, account_id",
                         [account_ids])
    missing = sorted(set(account_ids) - set(copies["account_id"]))
    if missing:
        raise DuplicateError(f"The account(s) {', '.join(missing[:5])} do not exist.", hint="Refresh the duplicates list.")
    first = copies.row(0, named=True)
    rep_id = rep_id or next((r for r in copies["owner_rep_id"] if r is not None), None)
    if territory_id is None:
        held = copies.filter(pl.col("owner_rep_id") == rep_id)
        territory_id = next((t for t in (held if held.height else copies)["territory_id"] if t is not None), None)
    check_targets(store, rep_id, territory_id)
    reason = f"duplicate-merge:{first['account_id']}"
    return reassign_accounts(store, copies["account_id"].to_list(), rep_id=rep_id, territory_id=territory_id,
                             reason=reason, actor=actor, set_rep=True, set_territory=True)
