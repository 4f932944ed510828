"""Turning the text cells of a CRM export into amounts, dates, timestamps, numbers and flags.

Every parser works on a whole polars Series at once: a fast path handles the clean common form
(`1234.5`, `2024-03-01`) and only the cells it could not read go through the slower regular
expressions, so a 5-million-row column costs one vectorised pass when it is clean. A cell that
cannot be read becomes null; the caller compares against the raw text to report it, so nothing is
ever guessed or dropped silently.

Amount rules: the last of `,` `.` is the decimal separator when both occur; a lone comma is a
thousands separator only when exactly three digits follow it (`12,000`), otherwise it is the decimal
comma (`12,5`); several dots are thousands separators (`1.234.567`). Currency symbols and ISO codes
give the cell's currency (`$` → USD, `¥`/`￥`/`元`/RMB → CNY, `€` → EUR, `£` → GBP …).

Date rules: ISO and `YYYY/MM/DD` year first; slashes with the year last are US month-first
(`MM/DD/YY`, `MM/DD/YYYY`); dots with the year last are day-first (`DD.MM.YYYY`); `2024年3月5日`;
compact `20240305`; Excel serial day numbers (10000–99999); Salesforce timestamps
`2024-01-22T16:14:25.000+0000` (the date as written). Years outside 1900–2199 are refused.
"""
from __future__ import annotations

from datetime import date, datetime, time

import polars as pl

# Symbols before codes so that "US$" wins over "$"; three-letter codes are taken as written.
CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD", "HK$": "HKD", "R$": "BRL", "A$": "AUD", "C$": "CAD", "S$": "SGD", "NT$": "TWD",
    "MX$": "MXN", "$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "元": "CNY",
    "RMB": "CNY", "₹": "INR", "₩": "KRW", "₽": "RUB", "CHF": "CHF", "円": "JPY",
}
_SYMBOL_PATTERN = "|".join(
    sorted((s.replace("$", r"\$") for s in CURRENCY_SYMBOLS), key=len, reverse=True))
_CURRENCY_TOKEN = rf"(?:{_SYMBOL_PATTERN}|\b[A-Z]{{3}}\b)"

_MIN_YEAR, _MAX_YEAR = 1900, 2199
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year)

TRUE_WORDS = ("1", "true", "yes", "y", "t", "x", "是", "真", "checked")
FALSE_WORDS = ("0", "false", "no", "n", "f", "否", "假", "unchecked")


def _text(raw: pl.Series) -> pl.Series:
    """Trimmed text with empty cells as null (spaces, NBSP and the full-width space trimmed)."""
    cleaned = raw.cast(pl.String).str.strip_chars(" \t\r\n\u00a0\u3000")
    return pl.select(pl.when(cleaned == "").then(None).otherwise(cleaned).alias(raw.name)).to_series()


def _fill(first: pl.Series, mask: pl.Series, second: pl.Series) -> pl.Series:
    """`first` with the positions in `mask` replaced by `second` (which has one value per True)."""
    if second.len() == 0:
        return first
    positions = mask.arg_true()
    return first.scatter(positions, second.cast(first.dtype))


def nulls(name: str, length: int, dtype: pl.DataType) -> pl.Series:
    """A column of `length` nulls (built natively: a Python list of 5M Nones costs a second)."""
    return pl.repeat(None, length, dtype=dtype, eager=True).alias(name)


def parse_amounts(raw: pl.Series) -> pl.DataFrame:
    """Amount cells → frame with `amount` (Float64) and `currency` (ISO code from a symbol, or null).

    Unreadable cells give a null amount; empty cells give null for both."""
    text = _text(raw)
    amount = text.cast(pl.Float64, strict=False)
    amount = pl.select(pl.when(amount.is_finite()).then(amount)).to_series()
    currency = nulls("currency", len(text), pl.String)
    needs = (amount.is_null() & text.is_not_null()).fill_null(False)
    if needs.any():
        slow = _parse_amount_text(text.filter(needs))
        amount = _fill(amount, needs, slow["amount"])
        currency = _fill(currency, needs, slow["currency"])
    return pl.DataFrame({"amount": amount.alias("amount"), "currency": currency.alias("currency")})


def _parse_amount_text(text: pl.Series) -> pl.DataFrame:
    frame = pl.DataFrame({"t": text})
    t = pl.col("t")
    token = t.str.extract(f"({_CURRENCY_TOKEN})", 1)
    symbol_map = pl.DataFrame({"token": list(CURRENCY_SYMBOLS), "code": list(CURRENCY_SYMBOLS.values())})
    frame = frame.with_columns(token.alias("token")).join(symbol_map, on="token", how="left", maintain_order="left")
    frame = frame.with_columns(
        pl.coalesce("code", pl.when(pl.col("token").str.contains(r"^[A-Z]{3}$")).then(pl.col("token")))
        .alias("currency"))
    # Remove currency tokens and spacing; what remains must be a signed number.
    body = (t.str.replace_all(_CURRENCY_TOKEN, "")
            .str.replace_all(r"[\s\u00a0\u202f\u3000']", ""))
    negative = body.str.contains(r"^\(.*\)$") | body.str.contains(r"^-") | body.str.contains(r"-$")
    digits = body.str.replace_all(r"^[(+-]+|[)-]+$", "")
    frame = frame.with_columns(negative.alias("negative"), digits.alias("d"))
    d = pl.col("d")
    commas, dots = d.str.count_matches(","), d.str.count_matches(r"\.")
    last_is_comma = d.str.contains(r",[0-9]*$")
    decimal_comma = last_is_comma & ((dots > 0) | ((commas == 1) & ~d.str.contains(r"^[0-9]{1,3},[0-9]{3}$")))
    thousands_dots = (commas == 0) & (dots > 1)
    plain = (pl.when(decimal_comma).then(d.str.replace_all(r"\.", "").str.replace(",", "."))
             .when(thousands_dots).then(d.str.replace_all(r"\.", ""))
             .otherwise(d.str.replace_all(",", "")))
    # Thousands groups must have three digits (two allowed for lakh grouping: 1,23,456).
    well_formed = (
        pl.when(decimal_comma).then(d.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})*,[0-9]+$|^[0-9]*,[0-9]+$"))
        .when(thousands_dots).then(d.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})+$"))
        .otherwise(d.str.contains(r"^[0-9]{1,3}(,[0-9]{2,3})*(\.[0-9]*)?$|^[0-9]*(\.[0-9]+)?$")))
    value = pl.when(well_formed & plain.str.contains(r"^[0-9]*\.?[0-9]+$|^[0-9]+\.$")).then(
        plain.cast(pl.Float64, strict=False))
    value = pl.when(pl.col("negative")).then(-value).otherwise(value)
    return frame.select(value.alias("amount"), pl.col("currency"))


def parse_dates(raw: pl.Series) -> pl.Series:
    """Date cells in any of the module's forms → Date series; unreadable or out-of-range → null."""
    text = _text(raw)
    parsed = text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    needs = (parsed.is_null() & text.is_not_null()).fill_null(False)
    if needs.any():
        # Second fast path: ISO timestamps (Salesforce's CreatedDate) are a date and a time.
        rest = text.filter(needs)
        stamped = rest.str.slice(10, 1).is_in(["T", " "]).fill_null(False)
        dated = pl.select(pl.when(stamped).then(rest.str.head(10).str.strptime(
            pl.Date, "%Y-%m-%d", strict=False))).to_series()
        parsed = _fill(parsed, needs, dated)
        needs = (parsed.is_null() & text.is_not_null()).fill_null(False)
    if needs.any():
        parsed = _fill(parsed, needs, _parse_date_text(text.filter(needs)))
    in_range = parsed.dt.year().is_between(_MIN_YEAR, _MAX_YEAR)
    return pl.select(pl.when(in_range).then(parsed).alias(raw.name)).to_series()


_DATE_REWRITES: tuple[tuple[str, str], ...] = (
    (r"^(\S+?)[ T]\d{1,2}:\d{2}.*$", "$1"),                       # drop a time of day
    (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", "$1-$2-$3"),           # YYYY/MM/DD
    (r"^(\d{1,2})/(\d{1,2})/(\d{4})$", "$3-$1-$2"),                 # MM/DD/YYYY (US)
    (r"^(\d{1,2})/(\d{1,2})/([0-6]\d)$", "20$3-$1-$2"),             # MM/DD/YY, 2000-2069
    (r"^(\d{1,2})/(\d{1,2})/([7-9]\d)$", "19$3-$1-$2"),             # MM/DD/YY, 1970-1999
    (r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", "$3-$2-$1"),               # DD.MM.YYYY
    (r"^(\d{1,2})\.(\d{1,2})\.(\d{2})$", "20$3-$2-$1"),             # DD.MM.YY
    (r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", "$1-$2-$3"),             # 2024年3月5日
    (r"^(\d{4})(\d{2})(\d{2})$", "$1-$2-$3"),                       # 20240305
)
_MONTH_NAME_FORMATS = ("%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%d-%b-%y")


def _parse_date_text(text: pl.Series) -> pl.Series:
    rewritten = text
    for pattern, replacement in _DATE_REWRITES:
        rewritten = rewritten.str.replace(pattern, replacement)
    iso = rewritten.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    serial = text.cast(pl.Float64, strict=False)
    serial_ok = serial.is_between(10000, 99999).fill_null(False)
    from_serial = pl.select(
        pl.when(serial_ok).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.floor().cast(pl.Int64, strict=False)))
    ).to_series()
    named = [text.str.strptime(pl.Date, fmt, strict=False) for fmt in _MONTH_NAME_FORMATS]
    return pl.select(pl.coalesce(iso, from_serial, *named)).to_series()


def parse_timestamps(raw: pl.Series) -> pl.Series:
    """Timestamp cells → naive Datetime (UTC for zoned values); a bare date gives midnight."""
    text = _text(raw)
    # ISO 8601's "Z" (UTC, as Dynamics 365 and HubSpot's API write) is an offset %z does not read.
    zoned = text.str.replace(r"[Zz]$", "+0000").str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%.f%z",
                                                             strict=False)
    parsed = zoned.dt.replace_time_zone(None)
    if parsed.null_count() == text.null_count():
        return _years_in_range(parsed, raw.name)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S",
                "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M"):
        needs = (parsed.is_null() & text.is_not_null()).fill_null(False)
        if not needs.any():
            break
        parsed = _fill(parsed, needs, text.filter(needs).str.strptime(pl.Datetime("us"), fmt, strict=False))
    needs = (parsed.is_null() & text.is_not_null()).fill_null(False)
    if needs.any():
        parsed = _fill(parsed, needs, parse_dates(text.filter(needs)).cast(pl.Datetime("us")))
    return _years_in_range(parsed, raw.name)


def _years_in_range(parsed: pl.Series, name: str) -> pl.Series:
    in_range = parsed.dt.year().is_between(_MIN_YEAR, _MAX_YEAR)
    return pl.select(pl.when(in_range).then(parsed).alias(name)).to_series()


def parse_numbers(raw: pl.Series) -> pl.Series:
    """Plain numbers (counts, coordinates, rates) with the amount rules but no currency."""
    return parse_amounts(raw)["amount"].alias(raw.name)


_MIN_FOUNDED = 1000  # a founding year may be old (banks, breweries); a date's year still needs 1900+


def parse_years(raw: pl.Series) -> pl.Series:
    """Year cells (`2009`, `2009.0`, `FY2009`, `2009年`, or a date: its year) → Float64 year; other
    text and years outside 1000–2199 → null."""
    text = _text(raw)
    digits = text.str.replace(r"^(?:FY|fy)\s*", "").str.replace(r"\s*年$", "")
    number = digits.cast(pl.Float64, strict=False)
    whole = pl.select(pl.when(number.is_between(_MIN_FOUNDED, _MAX_YEAR) & (number.floor() == number))
                      .then(number)).to_series()
    dated = parse_dates(text).dt.year().cast(pl.Float64)
    return pl.select(pl.coalesce(whole, dated).alias(raw.name)).to_series()


def looks_like_years(sample: pl.Series) -> bool:
    """Whether the non-blank cells of a sample are all four-digit years (`2009`): such a column
    is a year, never a date (which would read 2009 as 1 Jan 2009 or refuse it)."""
    text = _text(sample.cast(pl.String)).drop_nulls()
    return bool(text.len()) and bool(text.str.contains(r"^(1[0-9]|2[01])[0-9]{2}(\.0+)?$").all())


def readable_share(kind: str, sample: pl.Series) -> float:
    """The share of a sample's non-blank cells that the parser of `kind` reads (1.0 when blank)."""
    text = _text(sample.cast(pl.String)).drop_nulls()
    if not text.len() or kind not in _READABLE_KINDS:
        return 1.0
    return float(slow_parse(kind, text)["value"].is_not_null().sum()) / text.len()


_READABLE_KINDS = ("amount", "number", "integer", "year", "date", "timestamp", "percent", "flag")


def parse_percent(raw: pl.Series, scale: str) -> pl.Series:
    """Probabilities → fraction 0..1. `scale` is 'percent' (10 → 0.1), 'fraction' (0.1 → 0.1) or
    'auto' (percent when any value exceeds 1, as CRMs export either whole columns of one kind)."""
    text = _text(raw).str.replace(r"\s*%$", "")
    values = parse_numbers(text)
    if scale == "auto":
        scale = "percent" if (values.max() or 0) > 1 or raw.cast(pl.String).str.contains("%").any() else "fraction"
    return (values / 100 if scale == "percent" else values).alias(raw.name)


_FLAG_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
# The spellings exports write (1, TRUE, Yes, …), matched as written: lowercasing every cell of a
# 5-million-row column costs five times more. Other spellings (tRuE) go to the slow path.
_FLAG_TRUE = sorted({form for word in TRUE_WORDS for form in (word, word.upper(), word.title())})
_FLAG_FALSE = sorted({form for word in FALSE_WORDS for form in (word, word.upper(), word.title())})


def clean_text(raw: pl.Expr) -> pl.Expr:
    """A cell trimmed, null when blank: the form the fast expressions below expect. (It names the
    trimmed text twice; check_table trims once in its own step instead.)"""
    text = raw.str.strip_chars()
    return pl.when(text != "").then(text)


def flag_expression(text: pl.Expr) -> pl.Expr:
    """Checkbox cells in their usual spellings (`1`, `TRUE`, `Yes`, `是` / blank, `0`, `false`) →
    Boolean; anything else → null (`parse_flags` reads the rest). `text` is trimmed, null when blank."""
    return (pl.when(text.is_null()).then(False).when(text.is_in(_FLAG_TRUE)).then(True)
            .when(text.is_in(_FLAG_FALSE)).then(False))


def parse_flags(raw: pl.Series) -> pl.Series:
    """Checkbox cells in any case → Boolean; blank → False; other text → null."""
    text = clean_text(pl.lit(raw.cast(pl.String)))
    return pl.select(pl.when(text.is_null()).then(False).otherwise(
        text.str.to_lowercase().replace_strict(_FLAG_WORDS, default=None, return_dtype=pl.Boolean))
        .alias(raw.name)).to_series()


_FIRST_DAY, _LAST_DAY = date(_MIN_YEAR, 1, 1), date(_MAX_YEAR, 12, 31)
_ZONED, _PLAIN = "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S"
# The fast forms of dates and timestamps, the general one last. check_table picks per column the
# form that reads most of a sample of its cells (`fast_form`): one strptime per cell instead of two.
FAST_FORMS = {"date": ("date", "date or timestamp"), "timestamp": ("zoned", "plain", "zoned or plain")}


def fast_form(kind: str, sample: pl.Series) -> str | None:
    """The first fast form (see FAST_FORMS) that reads most of `sample`, a few cells of the column;
    the general form when none reads any. The form only decides speed: what it cannot read goes to
    the slow parsers."""
    forms = FAST_FORMS.get(kind)
    if not forms:
        return None
    frame = pl.DataFrame({"text": sample.cast(pl.String)})
    read = [frame.select(fast_is_valid(kind, fast_expression(kind, pl.col("text"), form), pl.col("text"), form)
                         .fill_null(False).sum()).item() for form in forms]
    return forms[read.index(max(read))] if max(read) else forms[-1]


def fast_expression(kind: str, text: pl.Expr, form: str | None = None) -> pl.Expr:
    """The clean common form of a kind as a lazy expression: plain numbers, ISO dates, ISO/Salesforce
    timestamps, from the cell as read (a padded cell gives null). A value it gives is kept only
    where `fast_is_valid` holds; the other cells go to the slow parsers above. Used inside the CSV
    scan so that a clean column never exists as text in memory. Each expression reads its text
    once: polars does not share repeated sub-expressions across a streaming projection."""
    form = form or FAST_FORMS.get(kind, ("",))[-1]
    if kind in ("amount", "number", "integer", "percent", "year"):
        return text.cast(pl.Float64, strict=False)
    if kind == "date":
        if form == "date":  # exactly an ISO date
            return text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        return text.str.head(10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)  # or a timestamp's date
    if kind == "timestamp":
        zoned = text.str.strptime(pl.Datetime("us", "UTC"), _ZONED, strict=False).dt.replace_time_zone(None)
        plain = text.str.strptime(pl.Datetime("us"), _PLAIN, strict=False)
        return {"zoned": zoned, "plain": plain}.get(form, pl.coalesce(zoned, plain))
    raise ValueError(f"no fast form for {kind}")


def fast_is_valid(kind: str, value: pl.Expr, text: pl.Expr, form: str | None = None) -> pl.Expr:
    """Whether the fast `value` of a cell is its meaning: finite numbers, dates in the years
    Terrain accepts, and for dates only a cell that is a date or starts a timestamp."""
    if kind in ("amount", "number", "integer", "percent"):
        return value.is_finite()
    if kind == "year":
        return value.is_between(_MIN_FOUNDED, _MAX_YEAR) & (value.floor() == value)
    if kind == "date":
        in_years = value.is_between(_FIRST_DAY, _LAST_DAY)
        if form == "date":
            return in_years
        return ((text.str.len_bytes() == 10) | text.str.slice(10, 1).is_in(["T", " "])) & in_years
    return value.is_between(datetime.combine(_FIRST_DAY, time.min), datetime.combine(_LAST_DAY, time.max))


def slow_parse(kind: str, raw: pl.Series) -> pl.DataFrame:
    """The full parsers for the cells the fast form could not read: `value` (+ `currency`)."""
    if kind == "amount":
        return parse_amounts(raw).rename({"amount": "value"})
    if kind in ("number", "integer"):
        return pl.DataFrame({"value": parse_numbers(raw)})
    if kind == "year":
        return pl.DataFrame({"value": parse_years(raw)})
    if kind == "percent":
        return pl.DataFrame({"value": parse_numbers(_text(raw).str.replace(r"\s*%$", ""))})
    if kind == "date":
        return pl.DataFrame({"value": parse_dates(raw)})
    if kind == "flag":
        return pl.DataFrame({"value": parse_flags(raw)})
    return pl.DataFrame({"value": parse_timestamps(raw)})


def parse_amount(text: str | None) -> tuple[float | None, str | None]:
    """One amount cell → (amount, currency); for tests and single values."""
    row = parse_amounts(pl.Series("v", [text], dtype=pl.String)).row(0)
    return row[0], row[1]


def parse_date(text: str | None) -> date | None:
    """One date cell → date or None."""
    return parse_dates(pl.Series("v", [text], dtype=pl.String))[0]


def parse_timestamp(text: str | None) -> datetime | None:
    return parse_timestamps(pl.Series("v", [text], dtype=pl.String))[0]
