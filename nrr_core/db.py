"""Opening a book database and running the named queries in ``sql/``.

Every query lives in ``nrr_core/sql/<name>.sql`` with ``$named`` parameters.
``run`` binds values, never formats them into SQL, and passes each statement
only the parameters it names (DuckDB refuses extra ones), so callers can hand
over one merged dict: the filter's parameters plus the query's own.
"""
from __future__ import annotations

import functools
import os
import sqlite3
import threading
from pathlib import Path

import duckdb
import pandas as pd

from .errors import NrrError

SQL_DIR = Path(__file__).with_name("sql")
DEFAULT_DB = Path("data") / "nrr.duckdb"

# Read connections cannot touch files other than the database, and never try
# to download extensions (there is no network for it, and no need).
HARDENED = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


@functools.cache
def sql_text(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


# The in-memory DuckDB that splits query files into statements, opened once per
# process: opening one takes 30-60 ms, which every file paid before (a load reads
# some twenty files, a report command three to five).
_PARSER: list = []
_PARSER_LOCK = threading.Lock()


@functools.cache
def _statements(name: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The statements of a query file with the parameter names each wants."""
    with _PARSER_LOCK:
        if not _PARSER:
            _PARSER.append(duckdb.connect())
        parsed = _PARSER[0].extract_statements(sql_text(name))
    return tuple((s.query, frozenset(s.named_parameters)) for s in parsed)


def _bind(wanted: frozenset[str], params: dict, name: str) -> dict:
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query {name} needs parameter(s) {sorted(missing)}")
    return {key: params[key] for key in wanted}


def run(con, name: str, params: dict | None = None, *, own_cursor: bool = True) -> pd.DataFrame:
    """Run the single-statement query ``sql/<name>.sql`` and return a DataFrame.

    Uses a fresh cursor so one shared connection can serve many threads. The
    loader passes ``own_cursor=False``: its TEMP staging tables are visible to
    its own connection only.
    """
    params = params or {}
    (query, wanted), = _statements(name)
    if not own_cursor:
        return con.execute(query, _bind(wanted, params, name)).df()
    with con.cursor() as cur:
        return cur.execute(query, _bind(wanted, params, name)).df()


def run_script(con, name: str, params: dict | None = None) -> None:
    """Run every statement of ``sql/<name>.sql`` in order (used by the loader)."""
    params = params or {}
    for query, wanted in _statements(name):
        con.execute(query, _bind(wanted, params, name))


def open_store(path: Path, what: str, schema: str | None = None, timeout: float = 30.0):
    """A connection to one of the SQLite stores people write to (review
    decisions, targets, the load history), in autocommit mode so each writer
    opens its own transaction. With ``schema`` (the store's schema script:
    tables and the triggers that refuse UPDATE and DELETE) it is opened for
    writing: the folder and file are made if missing, the journal is WAL with
    ``synchronous=FULL`` (a recorded row survives a power cut) and the schema
    runs (idempotent). ``what`` names the store in the one error line."""
    if schema is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise NrrError(f"cannot open the {what} {path}: {exc}") from None
    if schema is not None:
        con.execute("PRAGMA journal_mode=WAL")  # kept by the file once set
        con.execute("PRAGMA synchronous=FULL")
        con.executescript(schema)
    return con


# The review scorecards calibrated for a database, kept beside it (review/card_file.py).
CARDS_SUFFIX = ".scorecards.json"


def remove_database(path: str | os.PathLike) -> None:
    """Delete a database file, its write-ahead log and its scorecards file,
    whichever exist (a staging or temporary book, or a pruned version, that
    must leave nothing behind)."""
    path = Path(path)
    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + CARDS_SUFFIX)):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def connect_read_only(path: str | os.PathLike):
    """The hardened, read-only connection the app and the reports use."""
    path = Path(path)
    if not path.is_file():
        raise NrrError(f"no database at {path}: create one with `python -m nrr_core demo --db {path}` "
                       f"or `python -m nrr_core load --db {path} ...`")
    try:
        return duckdb.connect(str(path), read_only=True, config=HARDENED)
    except duckdb.Error as exc:
        raise NrrError(f"{path} is not a readable NRR database ({str(exc).splitlines()[0]})") from None


def data_version(path: str | os.PathLike) -> tuple[int, int]:
    """Changes whenever a load replaces the file (it is a new inode each time)."""
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_ino)


class Snapshots:
    """Read-only connections that follow a database file across reloads.

    DuckDB caches one instance per canonical path, so reconnecting to the same
    path after ``load`` replaced the file would return the old data. Each data
    version is therefore opened through its own hard link
    (``.<name>.snap-<inode>`` beside the file): queries already running keep
    their consistent old snapshot, new ones see the new file, and no query
    ever mixes the two. Where no link can be made (read-only folder), the old
    connection is closed and the file reopened. Thread-safe; one per process.
    """

    def __init__(self, path: str | os.PathLike):
        import threading

        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: tuple[tuple[int, int], object] | None = None
        self._retired: list = []

    def get(self):
        """(version, connection) for the file as it is now."""
        version = data_version(self.path)
        with self._lock:
            if self._current and self._current[0] == version:
                return self._current
            con = self._open(version)
            if self._current:
                self._retired.append(self._current[1])
            # Keep one retired generation for queries still running on it.
            while len(self._retired) > 1:
                _close_quietly(self._retired.pop(0))
            self._current = (version, con)
            return self._current

    def _open(self, version):
        link = self.path.with_name(f".{self.path.name}.snap-{version[1]}")
        try:
            if link.exists() and link.stat().st_ino != version[1]:
                link.unlink()
            if not link.exists():
                os.link(self.path, link)
            target = link
        except OSError:
            target = self.path
            if self._current:
                _close_quietly(self._current[1])
                self._current = None
        con = connect_read_only(target)
        for stale in self.path.parent.glob(f".{self.path.name}.snap-*"):
            if stale != link:
                try:
                    stale.unlink()  # open connections keep their inode alive
                except OSError:
                    pass
        return con

    def close(self):
        with self._lock:
            for con in self._retired + ([self._current[1]] if self._current else []):
                _close_quietly(con)
            self._retired, self._current = [], None


def _close_quietly(con):
    try:
        con.close()
    except Exception:
        pass
