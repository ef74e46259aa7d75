"""Recorded review decisions: an append-only store beside the book (SQLite by
default, or a PostgreSQL database that several app servers share, see
``nrr_core.stores``).

The book (DuckDB) is replaced wholesale by every load; decisions are what
people said in meetings and must survive that, a restart, and ten people
pressing "Record" at the same moment. So they live in their own store. In
SQLite (WAL mode) every write is one ``BEGIN IMMEDIATE`` transaction (writers
queue on SQLite's lock, up to ``TIMEOUT`` seconds, instead of failing),
committed with ``synchronous=FULL`` before ``record`` returns; in PostgreSQL
every write is one transaction that first takes the table's writer lock
(writers queue the same way). Triggers refuse updates and deletions (and, in
PostgreSQL, TRUNCATE); a changed mind is a new decision.

A decision may carry the CSM's **forecast call** on the account's renewal
(``FORECAST_CALLS``), which the forward forecast reads (``nrr_core.forecast``).
A store made before calls existed gains the column, empty on its earlier
decisions, the first time it is opened for writing; reading an old store shows
every call as empty.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import asdict, dataclass

import pandas as pd

from .. import db, stores
from ..errors import NrrError

TIMEOUT = 30.0

STATUSES = ("at risk", "watch", "healthy", "expansion")
DEPARTMENTS = ("Customer Success", "Product", "Support", "Sales", "Executive sponsor")
# Statuses that say the account is in danger: the churn retrospective counts a
# loss as foreseen when one of these was recorded before it happened.
RISK_STATUSES = ("at risk", "watch")
# The CSM's call on the renewal, for the forecast: commit (will renew), likely,
# at risk, lost (will not renew). None: no call made.
FORECAST_CALLS = ("commit", "likely", "at risk", "lost")

MAX_SHORT = 200   # status, department, action, owner, recorder
MAX_NOTE = 4000

COLUMNS = ["id", "account_id", "status", "department", "next_action", "action_owner", "due_date", "note",
           "recorded_by", "recorded_at", "book_month", "forecast_call"]


def _sql(name: str) -> str:
    """A statement of this store's SQL folder (``sql/review/decisions/``), read once by ``db.sql_text``."""
    return db.sql_text(f"review/decisions/{name}")


@dataclass(frozen=True)
class Decision:
    """One review decision as the room takes it (``record`` adds who and when)."""

    account_id: str
    status: str
    recorded_by: str
    department: str | None = None
    next_action: str | None = None
    action_owner: str | None = None
    due_date: dt.date | None = None
    note: str | None = None
    book_month: str | None = None
    forecast_call: str | None = None

    def checked(self, today: dt.date | None = None) -> dict:
        """The decision as bound parameters, or NrrError saying what is wrong.

        ``today`` is the day it is recorded (default: today in UTC): a due date
        before it is refused, since an action due in the past cannot be
        planned, only mistyped."""
        values = asdict(self)
        for key, value in values.items():
            if isinstance(value, str):
                value = value.strip() or None
            values[key] = value
        if not values["account_id"]:
            raise NrrError("a decision needs an account")
        if values["status"] not in STATUSES:
            raise NrrError(f"status must be one of {', '.join(STATUSES)}")
        if values["forecast_call"] is not None and values["forecast_call"] not in FORECAST_CALLS:
            raise NrrError(f"forecast call must be one of {', '.join(FORECAST_CALLS)}, or none")
        if values["department"] is not None and values["department"] not in DEPARTMENTS:
            raise NrrError(f"department must be one of {', '.join(DEPARTMENTS)}")
        if values["status"] == "at risk" and not values["department"]:
            raise NrrError("an at-risk decision needs the department that owns the risk")
        if not values["recorded_by"]:
            raise NrrError("a decision needs the name of who records it")
        for key in ("account_id", "recorded_by", "next_action", "action_owner", "book_month"):
            if values[key] and len(values[key]) > MAX_SHORT:
                raise NrrError(f"{key.replace('_', ' ')} is longer than {MAX_SHORT} characters")
        if values["note"] and len(values["note"]) > MAX_NOTE:
            raise NrrError(f"the note is longer than {MAX_NOTE} characters")
        due = values["due_date"]
        today = today or dt.datetime.now(dt.timezone.utc).date()
        if due and due < today:
            raise NrrError(f"the due date {due.isoformat()} is in the past: it must be today "
                           f"({today.isoformat()}, UTC) or later")
        values["due_date"] = due.isoformat() if due else None
        return values


def shown_time(recorded_at) -> str:
    """A stored ``recorded_at`` (ISO 8601, UTC) as people read it:
    "2026-12-01 10:40 UTC"; "" when there is none."""
    if not isinstance(recorded_at, str) or not recorded_at:
        return ""
    return f"{dt.datetime.fromisoformat(recorded_at).astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"


def no_decisions() -> pd.DataFrame:
    """``DecisionStore.latest()`` of a store with nothing recorded."""
    return pd.DataFrame(columns=COLUMNS + ["reviews"])


class DecisionStore:
    """The decisions store at ``path``: a SQLite file (created with its folder
    on first write) or a PostgreSQL URL (``nrr_core.stores``)."""

    SCHEMAS = ("review/decisions/schema",)

    def __init__(self, path: str | os.PathLike):
        self.path = stores.place(path)
        self._store = stores.Store(self.path, "decisions store", self.SCHEMAS, prepare=migrate_sqlite, timeout=TIMEOUT)

    def record(self, decision: Decision, *, now: dt.datetime | None = None) -> int:
        """Append ``decision``; returns its id once it is safely stored.
        ``now`` (default: the clock) is when it is recorded, in UTC; its day is
        the earliest due date accepted."""
        recorded = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        params = decision.checked(today=recorded.date())
        params["recorded_at"] = recorded.isoformat(timespec="seconds")
        (row_id,) = self._store.append("review/decisions/record", [params], "the decision was not saved")
        return row_id

    def _frame(self, name: str, params: dict | None = None, extra: tuple[str, ...] = ()) -> pd.DataFrame:
        frame = self._store.frame(f"review/decisions/{name}", params, COLUMNS + list(extra))
        if "forecast_call" not in frame.columns and "account_id" in frame.columns:  # a store not yet migrated
            frame.insert(frame.columns.get_loc("book_month") + 1, "forecast_call", None)
        return frame

    def latest(self) -> pd.DataFrame:
        """Each account's latest decision (``COLUMNS`` plus ``reviews``, its count)."""
        return self._frame("latest", extra=("reviews",))

    def history(self, account_id: str) -> pd.DataFrame:
        """One account's decisions, newest first: ``COLUMNS`` plus ``recorded``
        (``recorded_at`` as shown on screen, see ``shown_time``)."""
        frame = self._frame("history", {"account_id": str(account_id)})
        return frame.assign(recorded=frame.recorded_at.map(shown_time).astype(object))

    def every(self) -> pd.DataFrame:
        """Every decision, oldest first (``COLUMNS``)."""
        return self._frame("every")

    def version(self) -> int:
        """A number that grows with every decision recorded (0 when none)."""
        if not self._store.exists():
            return 0
        return int(self._frame("version").iloc[0, 0])


def stored_decisions(path: str | None) -> DecisionStore | None:
    """The decisions store at ``path`` (a file or a PostgreSQL URL) when it
    exists (a file is never created here)."""
    return DecisionStore(path) if stores.exists(path) else None


def migrate_sqlite(con: sqlite3.Connection) -> None:
    """A SQLite store made before forecast calls gains the column (the
    PostgreSQL schema has had it from the start)."""
    columns = {row[1] for row in con.execute("PRAGMA table_info(decisions)")}
    if "forecast_call" not in columns:
        try:
            con.execute(_sql("add_forecast_call"))
        except sqlite3.OperationalError as exc:  # another writer migrated it first
            if "duplicate column" not in str(exc):
                raise
