"""The load history: an append-only SQLite file beside the book (``history.sqlite``).

Why SQLite and not a JSON-lines file: the history must stay true when two
people publish at once and when the machine stops mid-write. SQLite gives both
for free, as the review decisions store already relies on: every write is one
``BEGIN IMMEDIATE`` transaction (a second publisher queues on the lock instead
of interleaving), committed with ``synchronous=FULL`` in WAL mode before the
call returns, and a torn write is rolled back on the next open. Append-only is
enforced by the file itself, not by this module: triggers refuse DELETE and
every UPDATE except marking a version's kept copy pruned (0 -> 1), so even a
hand-run ``sqlite3`` session cannot rewrite what was published. A JSON-lines
file would need its own locking, fsync and torn-line recovery, and anyone with
an editor could change it silently.

The history is never touched by a load's failure (nothing is written until the
new book is in place) and it never touches ``decisions.sqlite``.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .. import db
from ..errors import NrrError

TIMEOUT = 30.0
FILE_NAME = "history.sqlite"


def _sql(name: str) -> str:
    """A statement of this store's SQL folder (``sql/versions/history/``), read once by ``db.sql_text``."""
    return db.sql_text(f"versions/history/{name}")


@dataclass(frozen=True)
class FileInfo:
    """One input file of a load: its name (no folder), size in bytes and SHA-256."""

    name: str
    size: int
    sha256: str

    def describe(self) -> str:
        return f"{self.name} ({self.size} bytes, sha256 {self.sha256})"


@dataclass(frozen=True)
class Version:
    """One row of the load history: a publish (``action`` "load") or a rollback.

    ``version`` names the book: a load gets a new one, a rollback carries the
    version it restored. ``kept``: its copy is still in ``versions/`` (it can be
    rolled back to). ``live``: this row is the latest, so its book is in force.
    """

    entry: int
    version: int
    action: str
    published_at: str
    who: str
    files: tuple[FileInfo, ...]
    accounts: int
    mrr_rows: int
    first_month: str
    as_of: str
    months: int
    arr: float
    nrr: float | None
    grr: float | None
    logo_retention: float | None
    load_id: str
    kept: bool
    live: bool = False

    @property
    def published(self) -> str:
        """``published_at`` as people read it: ``2026-12-01 10:40 UTC``."""
        return f"{dt.datetime.fromisoformat(self.published_at).astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"

    def file_names(self) -> str:
        return ", ".join(f.name for f in self.files)


class HistoryStore:
    """The history file at ``path`` (created on the first write)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def connect(self, *, writing: bool = False) -> sqlite3.Connection:
        return db.open_store(self.path, "load history", _sql("schema") if writing else None, TIMEOUT)

    # The writer's steps, each inside the caller's BEGIN IMMEDIATE transaction
    # (versions.publish and versions.rollback hold it across the file swap).
    @staticmethod
    def next_version(con: sqlite3.Connection) -> int:
        return int(con.execute(_sql("next_version")).fetchone()[0])

    @staticmethod
    def record(con: sqlite3.Connection, row: dict) -> int:
        params = {**row, "files": json.dumps([f.__dict__ for f in row["files"]])}
        return int(con.execute(_sql("record"), params).fetchone()[0])

    @staticmethod
    def kept_versions(con: sqlite3.Connection) -> list[int]:
        return [int(v) for (v,) in con.execute(_sql("kept_versions")).fetchall()]

    @staticmethod
    def mark_pruned(con: sqlite3.Connection, version: int) -> None:
        con.execute(_sql("mark_pruned"), {"version": version})

    def every(self) -> list[Version]:
        """Every row, oldest first; the last one is marked ``live``. [] without a file."""
        if not self.path.is_file():
            return []
        con = self.connect()
        try:
            cur = con.execute(_sql("every"))
            names = [c[0] for c in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
        except sqlite3.Error as exc:
            raise NrrError(f"cannot read the load history {self.path}: {exc}") from None
        finally:
            con.close()
        out = []
        for i, r in enumerate(rows):
            files = tuple(FileInfo(**f) for f in json.loads(r.pop("files")))
            pruned = bool(r.pop("pruned"))
            entry = r.pop("id")
            out.append(Version(entry=entry, files=files, kept=not pruned, live=i == len(rows) - 1, **r))
        return out
