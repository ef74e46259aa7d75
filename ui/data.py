"""Cached access to nrr_core for the pages.

One ``db.Snapshots`` per process holds the read-only connection (a cursor per
query). Each script run pins one snapshot (``pin_snapshot``) and every result
is cached on (data version, function, arguments), so a reload of the database
is picked up on the next rerun without a restart, and no page ever mixes old
and new figures.

Pages call an nrr_core function through ``get``, passing the function itself
(``data.get(metrics.breakdown, filters, "segment", month)``), so a reader can
jump from the page to the code that computes the figure.
"""
from __future__ import annotations

import threading

import streamlit as st

from nrr_core import db, insight, review
from nrr_core.months import label, parse_month
from nrr_core.demo import write_demo
from nrr_core.review.decisions import Decision, DecisionStore

from .settings import load_settings

@st.cache_resource(show_spinner=False)
def settings():
    return load_settings()


@st.cache_resource(show_spinner=False)
def _snapshots(path: str) -> db.Snapshots:
    return db.Snapshots(path)


@st.cache_resource(show_spinner=False)
def _demo_lock() -> threading.Lock:
    return threading.Lock()


def ensure_database() -> None:
    """On first start, generate the demo book (with visible progress)."""
    path = settings().db_path
    if path.exists():
        return
    with _demo_lock():
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with st.status("First start: generating the demo book (about 2,000 accounts, 36 months)…",
                       expanded=True) as status:
            write_demo(path, progress=lambda message: status.write(message))
            status.update(label="Demo book ready", state="complete", expanded=False)


SNAPSHOT_KEY = "_nrr_snapshot"


def pin_snapshot() -> None:
    """Fix the data version for this script run (app.py calls it first).

    Every query of the run then reads the same snapshot, so a reload in the
    middle of a page never mixes old and new figures; the next run picks up
    the new file."""
    st.session_state[SNAPSHOT_KEY] = _snapshots(str(settings().db_path)).get()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(_con, data_version, qualified_name: str, _fn, args: tuple, kwargs: tuple):
    # The key is (data version, qualified name, arguments): _con and _fn are not hashed.
    return _fn(_con, *args, **dict(kwargs))


def _pinned():
    return st.session_state.get(SNAPSHOT_KEY) or _snapshots(str(settings().db_path)).get()


def qualified_name(fn) -> str:
    """``'nrr_core.metrics.breakdown'`` for ``metrics.breakdown``; ValueError for
    anything that is not a named nrr_core function (a lambda, a method of an
    object, another package's function), whose name could not key the cache."""
    module, name = getattr(fn, "__module__", "") or "", getattr(fn, "__qualname__", "") or ""
    if not module.startswith("nrr_core.") or not name or "<" in name or "." in name:
        raise ValueError(f"not an nrr_core function: {fn!r}")
    return f"{module}.{name}"


def get(fn, *args, **kwargs):
    """``fn(con, *args, **kwargs)`` on the pinned snapshot's connection, cached
    on the data version, ``fn``'s qualified name and the arguments (which must
    be hashable or picklable: Filters, Period, months as text)."""
    data_version, con = _pinned()
    return _cached(con, data_version, qualified_name(fn), fn, args, tuple(sorted(kwargs.items())))


# Review decisions are read fresh on every run (a small SQLite or PostgreSQL read), so a
# decision recorded in one session shows in every other on its next rerun.

def decisions() -> DecisionStore:
    return DecisionStore(settings().decisions_path)


def decisions_key() -> tuple[str, int]:
    """(path, version) of the decisions store: the arguments that key a cached
    result on what people recorded (``review.board_at``, ``forecast.forecast_at``),
    so a new decision or call shows on the next rerun."""
    store = decisions()
    return str(store.path), store.version()


def board(filters, month: str) -> review.Board:
    """The review board with the latest decisions, cached on the data version
    and the decisions store's version: a decision recorded in any session
    shows on the next rerun, and a rerun without one reads the board made
    before (at 100,000 accounts, putting it together took a third of a
    second on every rerun of the review, renewals and scorecards pages)."""
    return get(review.board_at, filters, month, *decisions_key())


def retrospective(filters, from_month: str, to_month: str):
    """The churn retrospective with the latest decisions (read fresh), scored
    with the cached scorecard in force the month before the window."""
    card = get(review.calibrate, label(parse_month(from_month) - 1)).scorecard
    return review.retrospective(_pinned()[1], filters, from_month, to_month, decisions(), scorecard=card)


def at_risk_ids(filters, month: str) -> tuple[str, ...]:
    """The review board's at-risk account ids at ``month`` (the voice feed puts their detractors first)."""
    return tuple(sorted(board(filters, month).at_risk.account_id))


def churn_reasons() -> insight.ReasonStore:
    """Churn reasons: a table of the decisions file, read fresh on every run like decisions."""
    return insight.ReasonStore(settings().decisions_path)


def reasons_in_force(retro, from_month: str, to_month: str):
    """The retrospective's rows with the reason in force for each (imported with the data, or recorded)."""
    known = insight.known_reasons(get(insight.imported), churn_reasons())
    return insight.attach(retro, known, from_month, to_month)


def decision_log(filters):
    return review.decision_log(_pinned()[1], filters, decisions())


def decision_history(account_id: str):
    return decisions().history(account_id)


def record_decision(decision: Decision) -> int:
    return decisions().record(decision)
