"""The byte scan that spares checking every text cell for control characters (delimited text):
it must find each control character the cell check removes, wherever it is in the file, and
nothing else (tab, CR/LF, accented and Chinese text are text)."""
from __future__ import annotations

import re

import pytest

from engine.importing import import_files
from engine.importing.delimited import has_control_bytes
from engine.importing.raw import CHUNK_BYTES
from engine.importing.validate import CONTROL_CHARACTERS
from engine.store import Store

CLEAN = "Id,Name\r\n001A,Müller\tGmbH\r\n001B,北京贸易\r\n001C,\"two\nlines\"\r\n".encode()


@pytest.mark.parametrize(("content", "found"), [
    (CLEAN, False),
    (b"", False),
    (CLEAN + b"001D,Acme\x00 Corp\n", True),
    (CLEAN + b"001D,Ly\x07on\n", True),
    (CLEAN + b"001D,esc\x1b\n", True),
    (CLEAN + b"001D,del\x7f\n", True),
    (CLEAN + b"001D,form\x0cfeed\n", True),
    (CLEAN + b"001D,vertical\x0btab\n", True),
    (b"x" * CHUNK_BYTES + b"\x01", True),  # in the second chunk read
    (b"x" * (CHUNK_BYTES - 1) + b"\x1f", True),  # the last byte of the first chunk
    (b"x" * (CHUNK_BYTES + 5), False),
])
def test_control_bytes_are_found_wherever_they_are(tmp_path, content, found):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    assert has_control_bytes(path) is found


def test_every_control_character_the_cell_check_removes_is_found_by_the_scan(tmp_path):
    path = tmp_path / "export.csv"
    for code in range(128):
        path.write_bytes(b"Id,Name\n001A,a" + bytes([code]) + b"b\n")
        assert has_control_bytes(path) is bool(re.fullmatch(CONTROL_CHARACTERS, chr(code))), code


def test_a_control_character_deep_in_a_big_file_is_still_removed_with_its_note(tmp_path):
    rows = 200_000  # ~3.5 MB of clean rows, then one with a NUL past the first chunk
    path = tmp_path / "accounts.csv"
    body = "".join(f"A{i:07d},Account {i}\n" for i in range(rows))
    path.write_bytes(b"Id,Name\n" + body.encode() + b"B0000001,Bad\x00Name\n")
    assert path.stat().st_size > CHUNK_BYTES
    store = Store.open(":memory:")
    result = import_files(store, [path], reporting_currency="USD", entity="accounts")
    assert store.scalar("SELECT name FROM accounts WHERE account_id = 'B0000001'") == "BadName"
    assert [w for w in result.warnings if "control characters" in w] == [
        f"accounts.csv: removed control characters (such as NUL) from 1 cell of column 'Name', first on row "
        f"{rows + 2}; they are not text"]
    assert store.count("accounts") == rows + 1
    store.close()
