"""Delimited text (CSV, TSV, `;` or `|` separated) read as lazy text columns without loading it whole.

Text is UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), or one of the Windows and East
Asian code pages Excel writes, decided on the evidence of the whole file (`encodings.py`) or chosen
by the user; non-UTF-8 text is transcoded to a temporary UTF-8 file in chunks. The delimiter is
sniffed from the first lines. Ragged rows (more or fewer fields than the header) are found while
the table is read for checking, by `structure_problems`, so a big export is read once.
"""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from engine.i18n import t
from engine.store.errors import Problem
from engine.importing import encodings
from engine.importing.limits import ENV_OF, Limits
from engine.importing.notes import Note
from engine.importing.problems import EXTRA_FIELD
from engine.importing.raw import (CHUNK_BYTES, DELIMITERS, LINE_SEPARATOR, NO_DATA_ROWS, SAMPLE_BYTES,
                                  Digest, RawTable, TempFiles, open_frame, unique_headers, unreadable)


def detect_encoding(head: bytes) -> str | None:
    """The encoding judged from the first bytes of a file alone (`encodings.detect` weighs the
    whole file): 'utf-8', 'utf-8-sig', 'utf-16', a candidate of `encodings.CANDIDATES`, or None."""
    return encodings.decide(head).encoding


def _looks_binary(text: str) -> bool:
    """Binary data is full of control characters; a text export has at most a few stray ones (a
    NUL in a cell), which the check removes with a note (validate.py)."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > max(16, len(text) // 50)


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, bytes]:
    """(row, bytes) of the first sequence that `encoding` cannot decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    row = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            try:
                row += decoder.decode(chunk).count("\n")
            except UnicodeDecodeError as error:
                good = chunk[:error.start].decode(encoding, errors="replace")
                return row + good.count("\n"), chunk[error.start:error.start + 4]
    return row, b""


def _transcode(path: Path, encoding: str, target: Path) -> tuple[int, bytes] | None:
    """Copy `path` to `target` as UTF-8; returns (row, bytes) of an undecodable sequence, if any."""
    decoder = codecs.getincrementaldecoder(encoding)()
    row = 1
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        while True:
            chunk = source.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                good = chunk[:error.start].decode(encoding, errors="replace")
                return row + good.count("\n"), chunk[error.start:error.start + 4]
            row += text.count("\n")
            out.write(text.lstrip("\ufeff") if row == 1 else text)
            if not chunk:
                return None


# Control characters as UTF-8 bytes (C0 but tab, line feed and carriage return; DEL): no byte of a
# multi-byte sequence is below 0x80, so a file without these bytes has no such character in any cell.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def has_control_bytes(path: Path) -> bool:
    """Whether the UTF-8 text at `path` holds a control character anywhere (see validate.py).
    One pass of bytes.translate costs a third of looking for them cell by cell in every text
    column (0.4 s against 1.2 s of CPU for 5M deals), and a clean file, the usual one, needs no more."""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if chunk.translate(None, _NOT_CONTROL_BYTES):
                return True
    return False


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the header and the following lines into the same number (> 1) of
    fields most often; `,` for a single-column file."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        records = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        score = (sum(1 for r in records if len(r) == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def unreadable_reason(error: Exception) -> str:
    """A CSV the parser gave up on (typically an unbalanced quote), in one sentence."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return Note("import.problem.not_csv", error=first)  # the parser's own words stay as they are


def read_failure(table: RawTable, error: Exception) -> Problem:
    """What a failed read of `table` means for the user: bytes that are not UTF-8 (found only
    past the sampled head, with their row), or a CSV the parser gave up on."""
    if "utf-8" in str(error).lower() and table.text_path is not None:
        return _bad_encoding(table.file_name, *_first_bad_byte(table.text_path, "utf-8"))
    return Problem(table.file_name, None, None, None, unreadable_reason(error))


def _bad_encoding(name: str, row: int, sample: bytes, encoding: str = "utf-8") -> Problem:
    return Problem(name, row, None, sample.hex(" "), Note("import.problem.bad_encoding", encoding=encodings.label(encoding),
                                                          encoding_zh=encodings.label(encoding, "zh")))


def _bad_encoding_problem(name: str, sha: Digest, row: int, sample: bytes, encoding: str = "utf-8") -> RawTable:
    return RawTable(name, [], None, sha, [_bad_encoding(name, row, sample, encoding)])


def read_delimited(path: Path, name: str, sha: Digest, head: bytes, temp: TempFiles, limits: Limits | None = None,
                   encoding: str | None = None) -> RawTable:
    """The table of a text export; `encoding` (a codec name) overrides the detected one."""
    limits = limits or Limits()
    if not head.strip():
        return unreadable(name, sha, None, None, None, Note("import.problem.empty_file"))
    detection = encodings.Detection(encodings.normalise_name(encoding)) if encoding else encodings.detect(path, head)
    encoding = detection.encoding
    if encoding is None:
        if _looks_binary(head.decode("latin-1")):
            return unreadable(name, sha, None, None, None, Note("import.problem.binary"))
        row, sample = _first_bad_byte(path, "utf-8")
        return _bad_encoding_problem(name, sha, row, sample)
    text_head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    if _looks_binary(text_head):
        return unreadable(name, sha, None, None, None, Note("import.problem.binary"))
    utf8_path = path
    if encoding not in ("utf-8", "utf-8-sig"):
        utf8_path = temp.new_path()
        failure = _transcode(path, encoding, utf8_path)
        if failure:
            return _bad_encoding_problem(name, sha, *failure, encoding)
    lines = text_head.lstrip("\ufeff").splitlines()[:50]
    if len(head) >= SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut
    delimiter = sniff_delimiter(lines)
    header_record = next(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter), [])
    if not any(cell.strip() for cell in header_record):
        return unreadable(name, sha, 1, None, None,
                           "has no header row: the first line must name the columns")
    if len(header_record) > limits.max_columns:
        return unreadable(name, sha, 1, None, None,
                          f"has {len(header_record):,} columns, more than the {limits.max_columns:,} an import "
                          f"reads ({ENV_OF['max_columns']}); remove the columns you do not need")
    headers = unique_headers(header_record)
    if len(head) < SAMPLE_BYTES and not any(line.strip() for line in lines[1:]):
        return unreadable(name, sha, 2, None, None, NO_DATA_ROWS, headers)
    table = RawTable(name, headers, None, sha, [], encoding, delimiter, utf8_path,
                     _sample(lines[1:], delimiter, headers), kind="delimited", source_path=path,
                     notes=[Note("import.note.of_file", file=name, note=detection.doubt)] if detection.doubt else [],
                     encodings=list(detection.alternatives))
    table.frame = open_frame(table)
    return table


def _sample(lines: list[str], delimiter: str, headers: list[str]) -> pl.DataFrame:
    """The sniffed lines after the header as text columns (short records padded, long ones cut)."""
    width = len(headers)
    records = [(record + [""] * width)[:width]
               for record in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
    columns = {header: [record[i] or None for record in records] for i, header in enumerate(headers)}
    return pl.DataFrame(columns, schema={header: pl.String for header in headers})


def structure_problems(table: RawTable, suspects: pl.Series, records: int) -> tuple[list[Problem], list[int]]:
    """The ragged rows of a delimited table and the row numbers of its empty lines.

    `suspects` are the rows `structure_columns` marks (a field past the header, or an empty last
    column) among the `records` rows the CSV reader gave. When the file has as many lines as
    records (no quoted cell spans lines), a row's line is its number and only the suspects' lines
    are read and counted. Otherwise every line is judged in one exact pass."""
    if suspects.is_empty() or table.text_path is None:
        return [], []
    lines = pl.scan_csv(table.text_path, has_header=False, separator=LINE_SEPARATOR, quote_char=None,
                        schema={"line": pl.String}, truncate_ragged_lines=True, extra_columns="ignore",
                        empty_string_is_null=False, encoding="utf8", raise_if_empty=False)
    width = len(table.headers)
    candidates = None
    if lines.select(pl.len()).collect().item() == records + 1:
        candidates = _ragged_candidates(lines, table.delimiter, width, suspects)
    if candidates is None or candidates["odd"].any():  # a quoted cell spans lines: number records exactly
        candidates = _ragged_candidates(lines, table.delimiter, width, None)
    problems = []
    blank_rows = [int(r) for r in candidates.filter(pl.col("blank"))["record"]]
    for record, fields, text in candidates.filter(~pl.col("blank")).select("record", "fields", "line").iter_rows():
        if fields > width:
            column, key = t(EXTRA_FIELD, "en", number=width + 1), "import.problem.ragged_more"
        else:
            column, key = table.headers[fields], "import.problem.ragged_fewer"
        problems.append(Problem(table.file_name, int(record), column, text, Note(key, fields=fields, width=width)))
    return problems, blank_rows


def _ragged_candidates(lines: pl.LazyFrame, delimiter: str, width: int,
                       suspects: pl.Series | None) -> pl.DataFrame:
    """The lines to report: record, fields, blank, line (cut to 200 characters), odd.

    With `suspects` every line is a record (numbered like rows: the header is 1) and only those
    records are judged; lines with an odd number of quotes come back with `odd` set, telling the
    caller a cell spans lines after all. Without, records are numbered by a running count of
    quotes (a line inside a quoted cell starts none), which holds the whole file in memory.
    A line that starts a record and has balanced quotes is judged by its delimiter count, after
    removing the quoted parts when it has quotes (only those lines pay for the regular expression)."""
    line = pl.col("line")
    if suspects is not None:
        lines = (lines.with_row_index("record", offset=1).with_columns(pl.col("record").cast(pl.Int64))
                 .filter(pl.col("record").is_in(suspects.cast(pl.Int64).implode())))
    counted = lines.with_columns(line.str.count_matches('"', literal=True).alias("quotes"),
                                 line.str.count_matches(delimiter, literal=True).alias("delimiters"))
    if suspects is not None:
        counted = counted.with_columns(pl.lit(True).alias("starts"))
    else:
        counted = (counted
                   .with_columns(((pl.col("quotes").cum_sum() - pl.col("quotes")) % 2 == 0).alias("starts"))
                   .with_columns(pl.col("starts").cast(pl.Int64).cum_sum().alias("record")))
    odd = (pl.col("quotes") % 2 == 1) & pl.lit(suspects is not None)
    return (counted
            .filter((pl.col("starts") & (pl.col("quotes") % 2 == 0)
                     & ((pl.col("quotes") > 0) | (pl.col("delimiters") + 1 != width))) | odd)
            .with_columns((line.str.strip_chars().str.len_bytes() == 0).alias("blank"), odd.alias("odd"))
            .with_columns((pl.when(pl.col("quotes") > 0)
                           .then(line.str.replace_all('"[^"]*"', "").str.count_matches(delimiter, literal=True))
                           .otherwise(pl.col("delimiters")) + 1).alias("fields"))
            .filter(pl.col("blank") | (pl.col("fields") != width) | pl.col("odd"))
            .select("record", "fields", "blank", line.str.slice(0, 200), "odd")
            .collect(engine="streaming"))
