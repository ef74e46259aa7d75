"""Reading a CSV file's header row, the same way the loader does.

Rules (shared with ``nrr_core/load.py``): UTF-8 with or without a byte-order
mark; comma-separated, or semicolon-separated when the header has ``;`` and no
``,``; column names matched after trimming, lower-casing and turning runs of
white space into ``_`` (the loader's ``_normalise``, imported so the rule has
one home). ``Current Period End (UTC)`` therefore becomes
``current_period_end_(utc)`` and ``subscriptions.plan_id`` stays as it is.

A file that is empty, binary or not UTF-8 raises ``InputError`` naming the
file and line 1: it is not a CSV file we can read.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..load import _normalise as normalise  # one home for the column-name rule

# How much of a file the header check reads: enough for any real header row.
_HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class Header:
    """A file's header: its path, separator, normalised column names in file order, and their titles as written."""

    path: Path
    delimiter: str
    columns: tuple[str, ...]
    titles: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name

    def index(self) -> dict[str, int]:
        """Normalised column name -> position (the first one if a name repeats)."""
        out: dict[str, int] = {}
        for i, col in enumerate(self.columns):
            out.setdefault(col, i)
        return out


def read_header(path) -> Header:
    """Return the header of the CSV file at ``path`` or raise ``InputError``."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), None, "file not found")
    if not path.is_file():
        raise InputError(str(path), None, "is not a file")
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    return header_of(path, head)


def header_of(path, head: bytes) -> Header:
    """The header in a file's first bytes (``path`` names it in messages): an
    upload held in memory is read by the same rules as a file on disk."""
    path = Path(path)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise InputError(path.name, None, "the file is empty (expected a header row and data rows)")
    # A NUL byte never occurs in CSV text: spreadsheets (xlsx), zips and
    # UTF-16 exports all have them, and each deserves the same answer.
    if b"\x00" in head:
        raise InputError(path.name, 1, "is not a CSV text file (binary content: export it as CSV, UTF-8)")
    first_line = head.splitlines()[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path.name, 1, "is not UTF-8 text (save the file as UTF-8 CSV)") from None
    delimiter = ";" if ";" in text and "," not in text else ","
    try:
        raw = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise InputError(path.name, 1, "the header row cannot be read as CSV") from None
    return Header(path, delimiter, tuple(normalise(c) for c in raw), tuple(c.strip()[:60] for c in raw))
