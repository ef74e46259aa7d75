"""Stage, compare, publish and roll back books; the files beside the database.

Beside the book ``<folder>/<name>.duckdb`` live:

- ``.<name>.staged-<id>``: a book built by ``stage`` and not yet published
  (removed by ``publish`` or ``Staged.discard``; ones left over for a day are
  removed by the next ``stage``);
- ``versions/v<NNNN>.duckdb``: a kept copy of every published book, the newest
  ``keep`` of them (older copies are deleted, their history rows kept and
  marked pruned);
- ``history.sqlite``: the load history (``history.py``).

One book per folder: two books in one folder would share the history.
``decisions.sqlite`` (review decisions) is never read or written here.

The swap is always ``os.replace`` of a complete, closed file over the book, so
a reader sees the old book or the new one, never a mix; a rollback copies the
kept version to a new file first, so the book in force is a new file (new
inode and mtime) and the app's data version (``db.data_version``) changes even
when the restored book was in force before.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
import shutil
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pandas as pd

from .. import db
from ..errors import NrrError
from ..load import LoadSummary, load_book
from ..months import label
from .history import FILE_NAME, FileInfo, HistoryStore, Version

DEFAULT_KEEP = 5
DIFFERENCES_SHOWN = 20
STALE_STAGED_SECONDS = 24 * 3600
VERSIONS_DIR = "versions"


def history_path(db_path) -> Path:
    return Path(db_path).resolve().with_name(FILE_NAME)


def versions_dir(db_path) -> Path:
    return Path(db_path).resolve().parent / VERSIONS_DIR


def version_file(db_path, version: int) -> Path:
    return versions_dir(db_path) / f"v{version:04d}.duckdb"


def default_who() -> str:
    """The OS user running the command line (its loads are recorded in this name)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


# --------------------------------------------------------------------------- figures

@dataclass(frozen=True)
class BookFigures:
    """One book's size and headline figures at its as-of month (``sql/versions/figures.sql``)."""

    first_month: str
    as_of: str
    months: int
    accounts: int
    active_accounts: int
    mrr_rows: int
    arr: float
    nrr: float | None
    grr: float | None
    logo_retention: float | None
    load_id: str


def _none_if_nan(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _figures(frame: pd.DataFrame) -> BookFigures | None:
    if frame.empty:
        return None
    r = frame.iloc[0]
    first, as_of = int(r.first_idx), int(r.as_of_idx)
    return BookFigures(label(first), label(as_of), as_of - first + 1, int(r.accounts), int(r.active_accounts),
                       int(r.mrr_rows), float(r.arr), _none_if_nan(r.nrr), _none_if_nan(r.grr),
                       _none_if_nan(r.logo_retention), str(r.load_id))


def book_figures(path) -> BookFigures:
    """The figures of the book at ``path`` (opened read-only, then closed)."""
    con = db.connect_read_only(path)
    try:
        return _figures(db.run(con, "versions/figures", own_cursor=False))
    finally:
        con.close()


# --------------------------------------------------------------------------- stage

@dataclass
class Staged:
    """A book built from input files into a staging file beside the database,
    not yet in force. ``publish`` puts it in force; ``discard`` removes it."""

    path: Path
    db_path: Path
    files: tuple[FileInfo, ...]
    summary: LoadSummary
    figures: BookFigures

    def discard(self) -> None:
        db.remove_database(self.path)

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def _input_files(inputs: dict) -> list[Path]:
    """The file paths among ``load_book``'s keyword arguments (a path, or a list
    of paths such as ``invoice_lines=[...]``); other values (``as_of``, a
    column mapping) are not files."""
    found = []
    for value in inputs.values():
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(item, (str, os.PathLike)) and Path(item).is_file():
                found.append(Path(item))
    return found


def file_info(path: Path) -> FileInfo:
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return FileInfo(Path(path).name, size, digest.hexdigest())


def _remove_stale_staged(folder: Path, name: str) -> None:
    cutoff = time.time() - STALE_STAGED_SECONDS
    for stale in folder.glob(f".{name}.staged-*"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except OSError:
            pass


def stage(db_path, progress: Callable[[str], None] | None = None, **inputs) -> Staged:
    """Build a new book from ``inputs`` (``load_book``'s keyword arguments,
    passed through unchanged) into a staging file in the database's folder.

    Nothing in force is replaced and the history is not written. Raises what
    ``load_book`` raises (``InputError`` naming the file, line and problem);
    then no staging file is left.
    """
    db_path = Path(db_path)
    folder = db_path.resolve().parent
    if not folder.is_dir():
        raise NrrError(f"cannot write the database: folder {folder} does not exist")
    _remove_stale_staged(folder, db_path.name)
    files = tuple(file_info(p) for p in _input_files(inputs))
    path = folder / f".{db_path.name}.staged-{uuid.uuid4().hex[:12]}"
    try:
        summary = load_book(path, progress=progress, **inputs)
        figures = book_figures(path)
    except BaseException:
        db.remove_database(path)
        raise
    return Staged(path, db_path, files, summary, figures)


# --------------------------------------------------------------------------- preview

@dataclass(frozen=True)
class Preview:
    """A staged book against the book in force (``current`` None before the first one).

    ``differences``: account_id, name, presence, arr_current, arr_new,
    arr_change: the largest per-account ARR differences at each book's as-of
    month, accounts in one book only included (``sql/versions/account_differences.sql``).
    """

    current: BookFigures | None
    staged: BookFigures
    differences: pd.DataFrame = field(repr=False)


def preview(current_db, staged: Staged, limit: int = DIFFERENCES_SHOWN) -> Preview:
    """Compare ``staged`` with the book at ``current_db`` (absent: compared with nothing).

    Both files are attached read-only to one in-memory DuckDB session
    (``sql/versions/attach.sql``); nothing is written.
    """
    current_db = Path(current_db)
    has_current = current_db.is_file()
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        try:
            if has_current:
                db.run_script(con, "versions/attach", {"current": str(current_db), "staged": str(staged.path)})
            else:
                db.run_script(con, "versions/attach_staged_only", {"staged": str(staged.path)})
        except duckdb.Error as exc:
            raise NrrError(f"cannot compare the books: {str(exc).splitlines()[0]}") from None
        con.execute("USE cur")
        current = _figures(db.run(con, "versions/figures", own_cursor=False))
        con.execute("USE new")
        new = _figures(db.run(con, "versions/figures", own_cursor=False))
        diffs = db.run(con, "versions/account_differences", {"limit": int(limit)}, own_cursor=False)
    finally:
        con.close()
    return Preview(current if has_current else None, new, diffs)


# --------------------------------------------------------------------------- publish, rollback

def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_durably(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file, fsync'd, then
    renamed: ``target`` is complete or absent. A new file: new inode and mtime."""
    tmp = target.with_name(f".{target.name}.copy-{uuid.uuid4().hex[:8]}")
    try:
        with source.open("rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    except BaseException:
        db.remove_database(tmp)
        raise
    _fsync_dir(target.parent)


def _row(version: int, action: str, who: str, files: Iterable[FileInfo], f: BookFigures,
         now: dt.datetime | None) -> dict:
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return {"version": version, "action": action, "who": who, "files": tuple(files),
            "published_at": when.isoformat(timespec="seconds"), "accounts": f.accounts, "mrr_rows": f.mrr_rows,
            "first_month": f.first_month, "as_of": f.as_of, "months": f.months, "arr": f.arr, "nrr": f.nrr,
            "grr": f.grr, "logo_retention": f.logo_retention, "load_id": f.load_id}


def _check_who(who: str) -> str:
    who = (who or "").strip()
    if not who:
        raise NrrError("say who publishes (a name or e-mail address): it is kept in the load history")
    return who[:200]


def _writer(db_path: Path) -> tuple[HistoryStore, sqlite3.Connection]:
    store = HistoryStore(history_path(db_path))
    con = store.connect(writing=True)
    con.execute("BEGIN IMMEDIATE")  # one publisher or rollback at a time, to the end of the swap
    return store, con


def publish(staged: Staged, db_path, who: str, files: Iterable[FileInfo] | None = None, *,
            keep: int = DEFAULT_KEEP, now: dt.datetime | None = None) -> Version:
    """Put ``staged`` in force at ``db_path`` and record it; return its history row.

    In one history transaction: the next version id; a kept copy in
    ``versions/``; the history row; ``os.replace`` of the staged file over the
    book; pruning the kept copies past the newest ``keep``; commit. If anything
    fails before the swap, the book and the history are as they were.
    ``files`` (default: the staged input files) is what the history names.
    """
    db_path = Path(db_path)
    who = _check_who(who)
    if keep < 1:
        raise NrrError(f"keep must be at least 1 version, not {keep}")
    if not staged.exists:
        raise NrrError("the checked files are gone (already published or discarded): check them again")
    if staged.path.resolve().parent != db_path.resolve().parent:
        raise NrrError("a staged book publishes only to the database it was staged for")
    files = tuple(staged.files if files is None else files)
    store, con = _writer(db_path)
    kept_copy = None
    try:
        version = store.next_version(con)
        kept_copy = version_file(db_path, version)
        kept_copy.parent.mkdir(exist_ok=True)
        _copy_durably(staged.path, kept_copy)
        entry = store.record(con, _row(version, "load", who, files, staged.figures, now))
        os.replace(staged.path, db_path)
        _fsync_dir(db_path.resolve().parent)
        kept_copy = None  # in force now: never removed below
        _prune(store, con, db_path, keep)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        if kept_copy is not None:
            db.remove_database(kept_copy)
        raise
    finally:
        con.close()
    return _entry(db_path, entry)


def _prune(store: HistoryStore, con: sqlite3.Connection, db_path: Path, keep: int) -> None:
    for version in store.kept_versions(con)[keep:]:
        db.remove_database(version_file(db_path, version))
        store.mark_pruned(con, version)


def _entry(db_path: Path, entry: int) -> Version:
    return next(v for v in HistoryStore(history_path(db_path)).every() if v.entry == entry)


def history(db_path) -> list[Version]:
    """Every publish and rollback of the book at ``db_path``, oldest first
    (the last one is in force, ``live``). [] when nothing was ever published."""
    return HistoryStore(history_path(db_path)).every()


def rollback(db_path, version: int, who: str, *, now: dt.datetime | None = None) -> Version:
    """Put the kept copy of ``version`` back in force at ``db_path`` and record it.

    The copy is copied to a new file beside the book, then ``os.replace``d over
    it (the kept copy stays kept). NrrError when there is no history, the
    version is unknown, or its copy was pruned.
    """
    db_path = Path(db_path)
    who = _check_who(who)
    rows = history(db_path)
    if not rows:
        raise NrrError(f"no load history beside {db_path}: nothing was published there to roll back to")
    known = [r for r in rows if r.version == version]
    if not known:
        raise NrrError(f"unknown version {version}: the history has versions "
                       f"{', '.join(str(v) for v in sorted({r.version for r in rows}))}")
    source = version_file(db_path, version)
    if not known[-1].kept:
        raise NrrError(f"version {version} was pruned (only the newest versions are kept): it cannot be restored")
    if not source.is_file():
        raise NrrError(f"version {version}: its kept copy {source} is missing")
    loaded = known[0]  # the load that made it: its files and figures
    figures = book_figures(source)
    tmp = db_path.resolve().with_name(f".{db_path.name}.rollback-{uuid.uuid4().hex[:8]}")
    _copy_durably(source, tmp)
    store, con = _writer(db_path)
    try:
        entry = store.record(con, _row(version, "rollback", who, loaded.files, figures, now))
        os.replace(tmp, db_path)
        _fsync_dir(db_path.resolve().parent)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        db.remove_database(tmp)
        raise
    finally:
        con.close()
    return _entry(db_path, entry)
