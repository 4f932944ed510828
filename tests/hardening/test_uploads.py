"""Uploads go to disk as they arrive (issue 12): each is copied into the import's temporary folder a
megabyte at a time, never read whole into another buffer, and the folder goes with the plan."""
from __future__ import annotations

import io

from engine.importing import TempFiles
from ui import uploads


class _Upload(io.BytesIO):
    """Stands in for Streamlit's UploadedFile (a BytesIO with a name, size and file id), recording reads."""

    def __init__(self, name: str, data: bytes, file_id: str) -> None:
        super().__init__(data)
        self.name, self.size, self.file_id, self.reads = name, len(data), file_id, []

    def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        return super().read(size)


def test_uploads_are_written_in_chunks_under_the_import_folder():
    data = b"Id,Name\n" + b"001A,Acme\n" * 500_000  # 5 MB
    first, second = _Upload("Account.csv", data, "f1"), _Upload("../../etc/passwd", b"Id\n1\n", "f2")
    first.read(10)  # Streamlit may have read it before: the copy starts at the beginning again
    first.reads.clear()
    temp = TempFiles()
    try:
        files = uploads.save_uploads([first, second], temp)
        assert [name for name, _ in files] == ["Account.csv", "../../etc/passwd"]
        assert [path.read_bytes() for _, path in files] == [data, b"Id\n1\n"]
        assert all(path.is_relative_to(temp.root) for _, path in files)  # a name cannot leave the folder
        assert files[1][1].name == "passwd"
        assert first.reads and all(0 < size <= 1 << 20 for size in first.reads)  # never the whole file at once
        assert len(first.reads) >= 5
    finally:
        temp.cleanup()
    assert not temp.root.exists()
