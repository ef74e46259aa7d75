"""Where the stores people write to live: a SQLite file (the default) or one
PostgreSQL database that several app servers share.

The review decisions, the churn reasons (a table of the decisions store) and
the targets are written through ``Store``, which speaks to either backend with
the same API and the same guarantees:

- append-only: SQLite triggers, or PostgreSQL statement triggers that refuse
  UPDATE, DELETE and TRUNCATE (``sql/stores/postgresql/append_only.sql`` and
  each store's ``postgresql/schema.sql``);
- one transaction per write, writers taking turns (SQLite's ``BEGIN
  IMMEDIATE``; in PostgreSQL an advisory lock per table, the store's
  ``postgresql/lock.sql``) so ids are committed in order and "the largest id
  is the latest" holds;
- values always bound: the shared ``.sql`` files use ``$named`` parameters,
  turned into psycopg's ``%(named)s`` here; a store's PostgreSQL folder holds
  only the statements whose text differs (schema, ready, lock, table lookups).

In PostgreSQL the tables' owner could still drop a trigger. Where that matters,
an administrator makes the tables (any run as the owner does) and grants the
app's role only SELECT and INSERT (and USAGE on the id sequences): a store
whose tables and triggers are in place is used without running its DDL.

A store's *place* (``place``) is a ``Path`` or a URL
``postgresql://user@host:port/database``. The URL never carries a password:
libpq reads it from the environment (``PGPASSWORD``, or the file named by
``PGPASSFILE``, default ``~/.pgpass``), so nrr.toml holds none. A URL with a
password, or one missing its host or database, is refused with one line.

The load history stays in SQLite beside the book (``versions.history``): it
describes the kept book files on that machine's disk, which only the machine
that publishes has.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import re
import urllib.parse
from pathlib import Path

import pandas as pd

from . import db
from .errors import NrrError

SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 10  # seconds to reach the server before one clear error
_PARAM = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)")


def is_url(value) -> bool:
    """Whether ``value`` names a PostgreSQL database rather than a file."""
    return isinstance(value, str) and value.strip().lower().split("://", 1)[0] in SCHEMES and "://" in value


def place(value: str | os.PathLike) -> Path | str:
    """A store's place: the checked URL (see ``checked_url``) or a Path."""
    if is_url(value):
        return checked_url(value)
    return Path(value)


def checked_url(url: str) -> str:
    """``url`` stripped, or NrrError naming what is wrong with it (never echoing a password)."""
    url = url.strip()
    example = "write it as postgresql://user@host:port/database, the password in PGPASSWORD or PGPASSFILE"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise NrrError(f"the store URL {_hide(url)} is malformed ({exc}): {example}") from None
    query = urllib.parse.parse_qs(parts.query)
    if parts.password is not None or "password" in query:
        raise NrrError(f"the store URL {_hide(url)} holds a password: remove it and set PGPASSWORD or "
                       f"PGPASSFILE in the app's environment instead")
    if not parts.hostname:
        raise NrrError(f"the store URL {url} names no host: {example}")
    if not parts.path.strip("/") or "/" in parts.path.strip("/"):
        raise NrrError(f"the store URL {url} names no database: {example}")
    if port is not None and port == 0:
        raise NrrError(f"the store URL {url} has port 0: {example}")
    return url


def _hide(url: str) -> str:
    """``url`` with anything between ``://`` and ``@`` (user and password) and its query left out."""
    head, _, rest = url.partition("://")
    host = rest.rsplit("@", 1)[-1] if "@" in rest else rest
    return f"{head}://…@{host.split('?', 1)[0]}" if "@" in rest else f"{head}://{host.split('?', 1)[0]}"


def shown(where: Path | str) -> str:
    """A store's place as shown on a page: the file's name, or the URL (which holds no password)."""
    return where if isinstance(where, str) else Path(where).name


def exists(where: Path | str | None) -> bool:
    """Whether there is a store to read at ``where``: a file that exists, or any
    PostgreSQL URL (its tables are made on first use)."""
    if where is None or where == "":
        return False
    return True if is_url(where) else Path(where).is_file()


def sql(name: str, postgresql: bool) -> str:
    """The text of ``sql/<name>.sql``; for PostgreSQL, ``<folder>/postgresql/<file>.sql``
    where the statement differs from the shared one."""
    if postgresql:
        folder, _, base = name.rpartition("/")
        own = f"{folder}/postgresql/{base}" if folder else f"postgresql/{base}"
        if (db.SQL_DIR / f"{own}.sql").is_file():
            return db.sql_text(own)
    return db.sql_text(name)


def pg_params(text: str) -> str:
    """``$named`` parameters as psycopg's ``%(named)s`` (a literal % doubled)."""
    return _PARAM.sub(r"%(\1)s", text.replace("%", "%%"))


class Store:
    """One store at ``where`` (a Path or a PostgreSQL URL).

    ``what`` names it in error lines ("decisions store"); ``schemas`` are the
    schema scripts (``sql/`` names) run before writing (SQLite, which also
    makes the folder and file) or before first use in a process (PostgreSQL,
    where a table already in place with its trigger, ``postgresql/ready.sql``,
    is left as it is);
    ``prepare`` (SQLite only) runs on a writing connection after them (a
    migration of an older file). ``timeout`` is how long a writer waits for
    its turn, in seconds.
    """

    def __init__(self, where: Path | str, what: str, schemas: tuple[str, ...], *, prepare=None,
                 timeout: float = 30.0):
        self.where = place(where) if isinstance(where, str) else Path(where)
        self.what = what
        self.schemas = tuple(schemas)
        self.prepare = prepare
        self.timeout = timeout

    @property
    def postgresql(self) -> bool:
        return isinstance(self.where, str)

    def exists(self) -> bool:
        return exists(self.where)

    # ---------------------------------------------------------------- reading
    def frame(self, name: str, params: dict | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """The rows of the query ``sql/<name>.sql`` as a DataFrame; ``columns``
        (empty) when the store does not exist yet."""
        if not self.exists():
            return pd.DataFrame(columns=columns or [])
        names, rows = self.read(name, params)
        return pd.DataFrame(rows, columns=names)

    def read(self, name: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
        """(column names, rows) of the query ``sql/<name>.sql``."""
        if self.postgresql:
            return self._read_pg(name, params)
        con = db.open_store(self.where, self.what, None, self.timeout)
        try:
            cur = con.execute(sql(name, False), params or {})
            return [c[0] for c in cur.description], cur.fetchall()
        finally:
            con.close()

    # ---------------------------------------------------------------- writing
    def append(self, name: str, rows: list[dict], failure: str) -> list[int]:
        """Run the insert ``sql/<name>.sql`` (which returns the new id) once per
        row, all in one transaction: every row or none. Returns the ids once
        committed; a failure raises NrrError "<failure> (<why>); try again"."""
        if self.postgresql:
            return self._append_pg(name, rows, failure)
        con = db.open_store(self.where, self.what, "\n".join(db.sql_text(s) for s in self.schemas), self.timeout)
        try:
            if self.prepare is not None:
                self.prepare(con)
            con.execute("BEGIN IMMEDIATE")
            ids = [int(con.execute(sql(name, False), row).fetchone()[0]) for row in rows]
            con.execute("COMMIT")
            return ids
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise NrrError(f"{failure} ({exc}); try again") from None
        finally:
            con.close()

    def _read_pg(self, name: str, params: dict | None) -> tuple[list[str], list[tuple]]:
        """A read on an idle connection kept from an earlier read (pages read the
        stores on every rerun; a new login costs more than the query), or a new one.
        A kept connection that fails (the server restarted) is dropped and the read
        tried once more on a new one."""
        import psycopg

        statement = _pg_statement(sql(name, True), params)
        for kept in (True, False):
            con = _idle_connection(self) if kept else None
            if kept and con is None:
                continue
            con = con or _pg_connect(self)
            try:
                cur = con.execute(*statement)
                result = [c.name for c in cur.description], cur.fetchall()
            except psycopg.Error as exc:  # e.g. the server went away, or a table was dropped
                con.close()
                if kept and isinstance(exc, psycopg.OperationalError):
                    continue
                raise NrrError(f"cannot read the {self.what} at {self.where}: {_first_line(exc)}") from None
            _keep_idle(self, con)
            return result
        raise AssertionError("unreachable")

    def _append_pg(self, name: str, rows: list[dict], failure: str) -> list[int]:
        import psycopg

        folder = name.rpartition("/")[0]
        with _pg_connect(self) as con:
            try:
                with con.transaction():
                    # Writers take turns, as SQLite's BEGIN IMMEDIATE makes them: ids commit in order.
                    con.execute(sql(f"{folder}/lock", True))
                    statement = pg_params(sql(name, True))
                    return [int(con.execute(statement, row).fetchone()[0]) for row in rows]
            except psycopg.Error as exc:
                raise NrrError(f"{failure} ({_first_line(exc)}); try again") from None


def _pg_statement(text: str, params: dict | None):
    """(query, params) for psycopg: placeholders converted only when values are bound."""
    if params:
        return pg_params(text), params
    return text, None


def _first_line(exc: Exception) -> str:
    line = next((s.strip() for s in str(exc).splitlines() if s.strip()), type(exc).__name__)
    return line.removeprefix("connection failed: ")


# Schemas already run in this process, by (URL, schema names): the scripts are
# idempotent, but running them on every read would cost a round of DDL each time.
_READY: set[tuple[str, tuple[str, ...]]] = set()
_READY_LOCK = threading.Lock()


# Idle read connections kept for later reads (the newest MAX_IDLE, whatever
# their store), so a page's reads reuse a login. Writes open their own.
MAX_IDLE = 8
_IDLE: list[tuple[str, object]] = []
_IDLE_LOCK = threading.Lock()


def _idle_connection(store: Store):
    """A kept idle connection to ``store``'s database with its schema in place, or None."""
    con = None
    with _IDLE_LOCK:
        for i in range(len(_IDLE) - 1, -1, -1):
            if _IDLE[i][0] == store.where:
                con = _IDLE.pop(i)[1]
                break
    if con is not None:
        try:
            _ensure_schema(con, store)
        except NrrError:
            return None
    return con


def _keep_idle(store: Store, con) -> None:
    """Keep ``con`` for a later read if it is idle, closing the oldest kept one past MAX_IDLE."""
    from psycopg.pq import TransactionStatus

    if con.closed or con.info.transaction_status != TransactionStatus.IDLE:
        con.close()
        return
    with _IDLE_LOCK:
        _IDLE.append((store.where, con))
        evicted = _IDLE.pop(0)[1] if len(_IDLE) > MAX_IDLE else None
    if evicted is not None:
        evicted.close()


def _pg_connect(store: Store):
    """An autocommit connection to ``store``'s database with its schema in place,
    or NrrError in one line: the server unreachable, the login refused."""
    try:
        import psycopg
    except ImportError:
        raise NrrError(f"the {store.what} is PostgreSQL but psycopg is not installed "
                       f"(pip install -r requirements.txt)") from None
    try:
        con = psycopg.connect(store.where, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                              options=f"-c lock_timeout={int(store.timeout * 1000)}",
                              application_name="nrr")
    except psycopg.Error as exc:
        raise NrrError(f"cannot reach the {store.what} at {store.where}: {_first_line(exc)}") from None
    _ensure_schema(con, store)
    return con


def _ensure_schema(con, store: Store) -> None:
    """Run ``store``'s schemas on ``con`` unless this process already has (or
    its tables and triggers are in place); NrrError, closing ``con``, when that fails."""
    import psycopg

    key = (store.where, store.schemas)
    if key not in _READY:
        try:
            with _READY_LOCK:
                if key not in _READY:
                    # Tables already in place with their triggers are used as they are: an
                    # administrator may have made them and granted the app only SELECT and INSERT.
                    missing = [schema for schema in store.schemas
                               if not con.execute(sql(f"{schema.rpartition('/')[0]}/ready", True)).fetchone()[0]]
                    if missing:
                        with con.transaction():
                            con.execute(db.sql_text("stores/postgresql/append_only"))
                            for schema in missing:
                                con.execute(sql(schema, True))
                    _READY.add(key)
        except psycopg.Error as exc:
            con.close()
            raise NrrError(f"cannot set up the {store.what} at {store.where}: {_first_line(exc)}") from None


def create_tables(url: str) -> None:
    """Make the decisions, churn-reason and targets tables with their triggers
    in the PostgreSQL database at ``url``, as the role of the URL (which then
    owns them); tables already in place are left as they are. For an
    administrator who grants the app's role only SELECT and INSERT:
    ``python -c 'from nrr_core import stores; stores.create_tables("postgresql://admin@host/nrr")'``."""
    from .insight.reasons import ReasonStore
    from .steering.targets import TargetStore

    if not is_url(url):
        raise NrrError(f"create_tables needs a postgresql://user@host:port/database URL, not {str(url)[:60]!r}")
    ReasonStore(url).every()  # the decisions' schema, then the churn reasons'
    TargetStore(url).in_force()
