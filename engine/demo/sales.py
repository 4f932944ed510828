"""The demo company's sales history: exchange rates, deals and activities.

Deals close with fiscal seasonality (quarter ends, a strong Q4), each territory with its own win
rate, sales cycle and momentum, so regions really differ; open deals mostly close in the coming
months and some are overdue. Everything is vectorised numpy/polars from one seeded generator.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from engine.demo.care import care_touches
from engine.demo.people import PRODUCT_LINES
from engine.metrics.periods import add_months

CURRENCY_USD = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CNY": 0.139, "JPY": 0.0067, "BRL": 0.19, "CAD": 0.74,
                "AUD": 0.66, "INR": 0.012, "MXN": 0.055, "KRW": 0.00075, "SGD": 0.74, "CHF": 1.12, "SEK": 0.095}
CURRENCY_OF_COUNTRY = {
    "US": "USD", "CA": "CAD", "GB": "GBP", "IE": "EUR", "DE": "EUR", "AT": "EUR", "CH": "CHF", "FR": "EUR",
    "ES": "EUR", "PT": "EUR", "IT": "EUR", "NL": "EUR", "BE": "EUR", "LU": "EUR", "FI": "EUR", "SE": "SEK",
    "NO": "EUR", "DK": "EUR", "PL": "EUR", "CZ": "EUR", "HU": "EUR", "RO": "EUR", "SK": "EUR", "CN": "CNY",
    "JP": "JPY", "KR": "KRW", "AU": "AUD", "NZ": "AUD", "SG": "SGD", "IN": "INR", "BR": "BRL", "MX": "MXN"}
ROUNDING = {"JPY": -4, "KRW": -5, "INR": -3}
OPEN_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review")
OPEN_PROBABILITY = (0.1, 0.2, 0.4, 0.6, 0.8)
OPEN_FORECAST = ("Pipeline", "Pipeline", "Best Case", "Best Case", "Commit")
PRODUCT_MIX = (0.3, 0.25, 0.2, 0.15, 0.1)
PRODUCT_SIZE = (1.3, 1.0, 0.9, 0.6, 0.3)
SEGMENT_DEAL = {"SMB": (9_000, 1.1, 0.6, 1.0), "Mid-Market": (38_000, 1.0, 1.0, 2.2),
                "Enterprise": (160_000, 0.85, 1.8, 4.0)}  # median USD, win factor, cycle factor, deal weight
ACTIVITY_TYPES = ("call", "email", "meeting", "visit")
ACTIVITY_MIX = (0.35, 0.35, 0.2, 0.1)
DEAL_WORK_TO_CARE = 0.5  # of the activities drawn on deals, this share becomes account care
OUTCOMES = {"call": (("connected", "no answer", "left voicemail"), (0.55, 0.25, 0.2)),
            "email": (("sent", "replied"), (0.7, 0.3)),
            "meeting": (("held", "rescheduled", "cancelled"), (0.8, 0.12, 0.08)),
            "visit": (("completed", "rescheduled"), (0.9, 0.1))}
SUBJECTS = {"call": ("Discovery call", "Follow-up call", "Pricing call", "Check-in"),
            "email": ("Proposal sent", "Follow-up", "Case study", "Meeting recap"),
            "meeting": ("Product demo", "Quarterly business review", "Negotiation", "Kick-off"),
            "visit": ("Site visit", "Executive visit", "Workshop on site")}


def labels(options: tuple[str, ...], codes: np.ndarray, name: str) -> pl.Series:
    """options[codes] as a polars string column: no per-row Python strings, so millions stay cheap."""
    return pl.Series(name, options, dtype=pl.String).gather(codes)


def _by_segment(segment: pl.Series, field: int) -> np.ndarray:
    return segment.replace_strict({k: float(v[field]) for k, v in SEGMENT_DEAL.items()},
                                  return_dtype=pl.Float64).to_numpy()


def month_index(day: date, origin: date) -> int:
    return (day.year - origin.year) * 12 + day.month - origin.month


def build_fx(rng: np.random.Generator, first: date, last: date, reporting: str) -> tuple[pl.DataFrame, dict]:
    """Monthly rates from `first` to `last` (first days of months): fx_rates rows (currency,
    rate_to_reporting, valid_from) and {currency: array of rate per month} for converting deals."""
    months = month_index(last, first) + 1
    usd = {}
    for currency, base in CURRENCY_USD.items():
        walk = np.exp(np.cumsum(rng.normal(0, 0.012, months))) if currency != "USD" else np.ones(months)
        usd[currency] = base * walk
    if reporting not in usd:
        reporting = "USD"
    rates = {c: np.round(values / usd[reporting], 8) for c, values in usd.items()}
    starts = [add_months(first, i) for i in range(months)]
    frame = pl.DataFrame({
        "currency": [c for c in rates for _ in range(months)],
        "rate_to_reporting": np.concatenate([rates[c] for c in rates]),
        "valid_from": starts * len(rates)}, schema_overrides={"valid_from": pl.Date})
    return frame, rates


def seasonality(month_starts: list[date], fiscal_start_month: int) -> np.ndarray:
    """Relative weight of closing in each month: quarter ends peak, Q4 peaks most, Q1 is slow."""
    weights = []
    for start in month_starts:
        position = (start.month - fiscal_start_month) % 12
        weights.append((0.8, 0.95, 1.45)[position % 3] * (0.85, 1.0, 1.0, 1.3)[position // 3])
    return np.array(weights)


def territory_profiles(rng: np.random.Generator, territory_ids: list[str]) -> pl.DataFrame:
    """territory_id, win_rate, cycle_days, momentum — how each territory sells."""
    k = len(territory_ids)
    return pl.DataFrame({"territory_id": territory_ids, "win_rate": rng.uniform(0.2, 0.42, k),
                         "cycle_days": rng.uniform(35, 110, k), "momentum": rng.uniform(0.8, 1.25, k)})


def build_deals(rng: np.random.Generator, accounts: pl.DataFrame, n: int, first_month: date, anchor: date,
                fiscal_start_month: int, fx_first: date, rates: dict) -> pl.DataFrame:
    """n deals over the accounts that have a territory, with the deals columns of DESIGN.md."""
    eligible = accounts.filter(pl.col("territory_id").is_not_null()).select(
        "account_id", "name", "segment", "iso2", "owner_rep_id", "territory_id")
    weight = _by_segment(eligible["segment"], 3) * rng.gamma(1.5, 1.0, eligible.height)
    picked = rng.choice(eligible.height, n, p=weight / weight.sum())
    deals = eligible[picked]
    territories = sorted(eligible["territory_id"].unique().to_list())
    profiles = territory_profiles(rng, territories)

    anchor_month = date(anchor.year, anchor.month, 1)
    horizon = month_index(anchor_month, first_month) + 10
    month_starts = [add_months(first_month, i) for i in range(horizon)]
    season = seasonality(month_starts, fiscal_start_month)
    ahead = np.maximum(0, np.arange(horizon) - month_index(anchor_month, first_month))
    close_month = np.empty(n, dtype=np.int64)
    territory = deals["territory_id"].to_numpy()
    for row in profiles.iter_rows(named=True):
        rows = np.flatnonzero(territory == row["territory_id"])
        weights = season * (1.12 * row["momentum"]) ** (np.arange(horizon) / 12) * 0.78 ** ahead
        cdf = np.cumsum(weights) / weights.sum()
        close_month[rows] = np.minimum(np.searchsorted(cdf, rng.random(len(rows))), horizon - 1)
    starts = np.array(month_starts, dtype="datetime64[D]")[close_month]
    days_in_month = (np.array([add_months(m, 1) for m in month_starts], dtype="datetime64[D]")[close_month] - starts
                     ).astype(np.int64)
    quarter_end = np.array([(m.month - fiscal_start_month) % 3 == 2 for m in month_starts])[close_month]
    skew = np.where(quarter_end, rng.random(n) ** 0.6, rng.random(n))
    close = starts + np.minimum((skew * days_in_month).astype(np.int64), days_in_month - 1)
    anchor64 = np.datetime64(anchor, "D")

    prof = deals.select("territory_id").join(profiles, on="territory_id", how="left", maintain_order="left")
    seg_win = _by_segment(deals["segment"], 1)
    product = rng.choice(len(PRODUCT_LINES), n, p=PRODUCT_MIX)
    win_p = np.clip(prof["win_rate"].to_numpy() * seg_win * (1.1 - 0.05 * product), 0.05, 0.8)
    closed = close <= anchor64
    overdue = closed & (close > anchor64 - 45) & (rng.random(n) < 0.15)
    status_code = np.where(~closed | overdue, 0, np.where(rng.random(n) < win_p, 1, 2))  # open, won, lost

    seg_median = _by_segment(deals["segment"], 0)
    usd = seg_median * np.exp(rng.normal(0, 0.75, n)) * np.asarray(PRODUCT_SIZE)[product]
    currencies = tuple(CURRENCY_USD)
    code_of = {c: i for i, c in enumerate(currencies)}
    currency = deals["iso2"].replace_strict({k: code_of[v] for k, v in CURRENCY_OF_COUNTRY.items()},
                                            default=code_of["USD"], return_dtype=pl.Int64).to_numpy()
    currency = np.where(rng.random(n) < 0.1, code_of["USD"], currency)  # multinationals buy in dollars
    rate_month = np.minimum(close, anchor64).astype("datetime64[M]").astype(np.int64) - \
        np.datetime64(fx_first, "M").astype(np.int64)
    amount = np.empty(n)
    amount_rc = np.empty(n)
    for code, rate in rates.items():
        rows = np.flatnonzero(currency == code_of[code])
        local = np.round(usd[rows] / (rate[rate_month[rows]] / rates["USD"][rate_month[rows]]), ROUNDING.get(code, -2))
        amount[rows] = np.maximum(local, 10.0 ** -ROUNDING.get(code, -2))
        amount_rc[rows] = amount[rows] * rate[rate_month[rows]]

    seg_cycle = _by_segment(deals["segment"], 2)
    cycle = np.clip(prof["cycle_days"].to_numpy() * seg_cycle * np.exp(rng.normal(0, 0.5, n)), 5, 540).astype(np.int64)
    created = close - cycle
    created = np.where(status_code == 0, np.minimum(created, anchor64 - rng.integers(0, 14, n)), created)

    # Stage codes 0-4 are the open stages, 5 won, 6 lost.
    stage_code = np.clip(4 - (close - anchor64).astype(np.int64) // 40 + rng.integers(-1, 2, n), 0, 4)
    stage_code = np.where(status_code == 1, 5, np.where(status_code == 2, 6, stage_code))
    probability = np.asarray(OPEN_PROBABILITY + (1.0, 0.0))[stage_code]
    frame = deals.select("account_id", "owner_rep_id", "territory_id", pl.col("name").alias("_account_name")).with_columns(
        pl.Series("amount", amount), labels(currencies, currency, "currency"),
        pl.Series("amount_rc", amount_rc), labels(OPEN_STAGES + ("Closed Won", "Closed Lost"), stage_code, "stage"),
        labels(("open", "won", "lost"), status_code, "status"), pl.Series("probability", probability),
        labels(OPEN_FORECAST + ("Closed", "Omitted"), stage_code, "forecast_category"),
        labels(PRODUCT_LINES, product, "product_line"),
        pl.Series("created_date", created), pl.Series("close_date", close))
    frame = frame.with_columns(pl.concat_str("_account_name", pl.lit(" – "), "product_line").alias("name")
                               ).drop("_account_name")
    frame = frame.with_row_index("_draw").sort("created_date", "_draw").drop("_draw")
    return frame.with_columns(
        pl.concat_str(pl.lit("DEAL-"), (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(7)).alias("deal_id"))


def build_activities(rng: np.random.Generator, deals: pl.DataFrame, accounts: pl.DataFrame, n: int,
                     first_month: date, anchor: date, specialist_of: dict[str, str],
                     care_extra: int = 0) -> pl.DataFrame:
    """n + care_extra activities: work on deals between their creation and close, and account care
    (engine/demo/care.py: each customer's rhythm of touches, a neglected minority). The care is
    drawn from a child generator, so every draw of `rng` — and the targets drawn after — is as it
    was before care existed."""
    anchor64 = np.datetime64(anchor, "D")
    on_deals = int(n * 0.8)
    status_weight = np.where((deals["status"] == "lost").to_numpy(), 0.7, 1.0)
    picked = deals.select("account_id", "deal_id", "owner_rep_id", "territory_id", "created_date", "close_date")[
        rng.choice(deals.height, on_deals, p=status_weight / status_weight.sum())]
    start = picked["created_date"].to_numpy().astype("datetime64[D]")
    end = np.minimum(picked["close_date"].to_numpy().astype("datetime64[D]"), anchor64)
    span = np.maximum((end - start).astype(np.int64), 0)
    day_deal = start + (rng.random(on_deals) * (span + 1)).astype(np.int64)
    owned = accounts.filter(pl.col("owner_rep_id").is_not_null())
    lone = owned[rng.integers(0, owned.height, n - on_deals)]
    first64 = np.datetime64(first_month, "D")
    day_lone = first64 + rng.integers(0, (anchor64 - first64).astype(np.int64) + 1, n - on_deals)
    frame = pl.concat([
        picked.select("account_id", "deal_id", pl.col("owner_rep_id").alias("rep_id"), "territory_id"),
        lone.select("account_id", pl.lit(None, dtype=pl.String).alias("deal_id"),
                    pl.col("owner_rep_id").alias("rep_id"), "territory_id")])
    day = np.concatenate([day_deal, day_lone])
    child = rng.spawn(1)[0]
    minutes, kind, outcome, subject = _kinds(rng, n)
    joining = rng.random(n) < 0.1
    frame, day = _with_care(child, frame, day, accounts, on_deals, care_extra, first_month, anchor)
    if frame.height > n:
        more = _kinds(child, frame.height - n)
        minutes, kind, outcome, subject = (np.concatenate([a, b]) for a, b in zip((minutes, kind, outcome, subject), more))
        joining = np.concatenate([joining, child.random(frame.height - n) < 0.1])
    ts = day.astype("datetime64[m]") + minutes
    outcome_options = tuple(o for t in ACTIVITY_TYPES for o in OUTCOMES[t][0])
    subject_options = tuple(s for t in ACTIVITY_TYPES for s in SUBJECTS[t])
    # Specialists join some meetings and visits of their region.
    joins = pl.Series((kind >= 2) & joining)
    specialist = pl.col("territory_id").replace_strict(specialist_of, default=None, return_dtype=pl.String)
    frame = frame.with_columns(
        pl.when(joins & specialist.is_not_null()).then(specialist).otherwise(pl.col("rep_id")).alias("rep_id"),
        labels(ACTIVITY_TYPES, kind, "type"), pl.Series("ts", ts.astype("datetime64[us]")),
        labels(outcome_options, outcome, "outcome"), labels(subject_options, subject, "subject")
    ).drop("territory_id")
    frame = frame.with_row_index("_draw").sort("ts", "_draw").drop("_draw")
    return frame.with_columns(
        pl.concat_str(pl.lit("ACT-"), (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(7)).alias("activity_id"))


def _kinds(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Minute of the day, type, outcome and subject codes of n activities. Outcomes and subjects
    are numbered across all types, so one label list serves every row."""
    minutes = rng.integers(8 * 60, 18 * 60, n)
    kind = rng.choice(len(ACTIVITY_TYPES), n, p=ACTIVITY_MIX)
    outcome = np.empty(n, dtype=np.int64)
    subject = np.empty(n, dtype=np.int64)
    outcome_offset = subject_offset = 0
    for code, name in enumerate(ACTIVITY_TYPES):
        rows = np.flatnonzero(kind == code)
        options, p = OUTCOMES[name]
        outcome[rows] = outcome_offset + rng.choice(len(options), len(rows), p=p)
        subject[rows] = subject_offset + rng.integers(0, len(SUBJECTS[name]), len(rows))
        outcome_offset += len(options)
        subject_offset += len(SUBJECTS[name])
    return minutes, kind, outcome, subject


def _with_care(rng: np.random.Generator, frame: pl.DataFrame, day: np.ndarray, accounts: pl.DataFrame,
               on_deals: int, extra: int, first_month: date, anchor: date) -> tuple[pl.DataFrame, np.ndarray]:
    """The account-alone rows and DEAL_WORK_TO_CARE of the deal rows redrawn as care touches, and
    `extra` care touches appended after them."""
    deal_rows = np.flatnonzero(rng.random(on_deals) < DEAL_WORK_TO_CARE)
    rows = np.concatenate([deal_rows, np.arange(on_deals, frame.height)])
    touches = care_touches(rng, accounts, rows.size + extra, first_month, anchor)
    touches = touches[rng.permutation(touches.height)]
    appended, touches = touches.head(min(extra, touches.height)), touches.slice(min(extra, touches.height))
    rows = np.sort(rows[:touches.height])
    care = touches.select(pl.Series("_row", rows, dtype=pl.Int64), "account_id",
                          pl.lit(None, dtype=pl.String).alias("deal_id"), "rep_id", "territory_id")
    merged = (frame.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64))
              .update(care, on="_row", include_nulls=True).drop("_row"))
    day = day.copy()
    day[rows] = touches["day"].to_numpy()
    columns = ["account_id", "deal_id", "rep_id", "territory_id"]
    added = appended.with_columns(pl.lit(None, dtype=pl.String).alias("deal_id")).select(columns)
    return pl.concat([merged.select(columns), added]), np.concatenate([day, appended["day"].to_numpy()])
