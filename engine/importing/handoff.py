"""The hand-off of a checked table from the import worker to the server: one Arrow IPC file.

The worker writes the checked table once, uncompressed, with pyarrow's IPC writer from polars'
zero-copy Arrow export (polars' own `write_ipc` spent 1.7× the CPU and wall time on a 5M-deal
table, on the import's critical path); the server memory-maps it (pyarrow's reader, no copy) and
unlinks it at once. Columns that no row fills (an export without currencies or territories) travel
as their names and types only. The file goes to shared memory when it has room for it (see
`TempFiles.handoff_path`), else — also when shared memory fills up during the write — to the
import's temporary folder. The problems travel beside it as a small IPC file of their own.
"""
from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from engine.importing.raw import ROW, TempFiles
from engine.importing.validate import CheckedTable

# (frame path, problems path, rows in, target rows split, notes, column order, the (name, type) of
# the columns left out because no row fills them)
Answer = tuple


def write_checked(checked: CheckedTable, temp: TempFiles) -> Answer:
    """In the worker: write `checked` for the server; the answer that names its files."""
    frame = checked.frame
    # A column no row fills (an export without currencies, territories…) costs 16 bytes a row in
    # the file all the same: a fifth of a 5M-deal hand-off. Its name and type are enough.
    empty = [(name, dtype) for name, dtype in frame.schema.items()
             if frame.height and name != ROW and frame[name].null_count() == frame.height]
    frame = frame.drop([name for name, _ in empty])
    frame_path = temp.handoff_path(frame.estimated_size())
    try:
        write_table(frame, frame_path)
    except OSError:
        if frame_path.parent == temp.root:
            raise
        frame_path.unlink(missing_ok=True)  # shared memory filled up meanwhile: the import's folder then
        frame_path = temp.new_path(".arrow")
        write_table(frame, frame_path)
    problems_path = temp.new_path(".arrow")
    checked.problems.write_ipc(problems_path, compression="uncompressed")
    return frame_path, problems_path, checked.rows_in, checked.split_rows, checked.notes, checked.frame.columns, empty


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """`frame` as an uncompressed Arrow IPC file at `path`: its buffers as they are (string views
    included), without the copy per column polars' writer makes."""
    import pyarrow as pa  # the worker imports it while idle (worker.main), so no file waits for it

    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def read_checked(answer: Answer) -> CheckedTable:
    """In the server: the checked table the worker wrote, over the mapped pages of its file; both
    files are unlinked at once (the mapped pages stay readable until the frame goes, and the space
    with them, where a big file's table would otherwise stay until the import ends)."""
    frame_path, problems_path, rows_in, split_rows, notes, order, empty = answer
    frame = mapped(frame_path)
    if empty:  # the columns without a single value travelled as their names and types only
        frame = frame.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in empty).select(order)
    problems = pl.read_ipc(problems_path)
    for path in (frame_path, problems_path):
        os.unlink(path)
    return CheckedTable(frame, problems, rows_in, split_rows, notes)


def mapped(path: str | os.PathLike) -> pl.DataFrame:
    """The IPC file at `path` as a frame over its memory-mapped pages: no copy (polars' own reader
    copies every buffer, a second of CPU and 1.2 GB for 5M deals)."""
    import pyarrow as pa

    return pl.from_arrow(pa.ipc.open_file(pa.memory_map(str(path))).read_all(), rechunk=False)
