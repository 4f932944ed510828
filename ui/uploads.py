"""Uploaded files on their way to the importer: written to the import's temporary folder in
chunks as Streamlit hands them over (never copied whole into another buffer), and the temporary
folders of a server that is gone swept away once per server process.

The folder belongs to the import plan (engine.importing.TempFiles): it goes when the import is
finished, when the session's plan is replaced or dropped, or at the next start-up after a crash.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from engine.importing import TempFiles, sweep_stale

_CHUNK = 1 << 20


@st.cache_resource(show_spinner=False)
def sweep_once() -> int:
    """Remove what earlier server processes left in the temp folder (uploads, transcoded copies)."""
    return sweep_stale()


def save_uploads(uploads, temp: TempFiles) -> list[tuple[str, Path]]:
    """(display name, path on disk) of each upload, written under `temp` in 1 MB chunks."""
    files = []
    for upload in uploads:
        folder = temp.root / upload.file_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (Path(upload.name).name or "upload")
        upload.seek(0)
        with open(path, "wb") as target:
            shutil.copyfileobj(upload, target, _CHUNK)
        files.append((upload.name, path))
    return files
