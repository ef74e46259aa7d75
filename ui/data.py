"""Cached access to nrr_core for the pages.

One ``db.Snapshots`` per process holds the read-only connection (a cursor per
query). Each script run pins one snapshot (``pin_snapshot``) and every result
is cached on (data version, query, arguments), so a reload of the database is
picked up on the next rerun without a restart, and no page ever mixes old and
new figures.
"""
from __future__ import annotations

import threading

import streamlit as st

from nrr_core import db, methodology, metrics, pack, review
from nrr_core.demo import write_demo
from nrr_core.review.decisions import Decision, DecisionStore

from .settings import load_settings

# The metrics functions pages may call through ``query`` (a whitelist).
QUERIES = {
    "book_info", "movements", "movements_by", "nrr_trend", "waterfall", "nrr_bridge", "cohorts",
    "cohort_matrix", "breakdown", "bridge_by", "movement_accounts", "nrr_movers", "top_movers", "headline",
    "account_list", "account_count", "account_detail", "account_products", "account_movements",
    "attribute_values", "worked_example", "metric_sql", "customer_wins", "retention_leaders",
    "review_candidates", "backtest", "sponsor_coverage", "account_signals",
}


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


# Page queries that live outside nrr_core.metrics.
_ELSEWHERE = {"worked_example": methodology.worked_example,
              "metric_sql": lambda _con, metric: methodology.sql_for(metric),
              "review_candidates": review.candidates, "backtest": review.backtest,
              "sponsor_coverage": review.sponsor_coverage, "account_signals": review.account_signals}


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(_con, data_version, name: str, args: tuple, kwargs: tuple):
    fn = _ELSEWHERE.get(name) or getattr(metrics, name)
    return fn(_con, *args, **dict(kwargs))


def _pinned():
    return st.session_state.get(SNAPSHOT_KEY) or _snapshots(str(settings().db_path)).get()


def query(name: str, *args, **kwargs):
    """``metrics.<name>(con, *args, **kwargs)``, cached on the data version."""
    if name not in QUERIES:
        raise ValueError(f"not a page query: {name}")
    data_version, con = _pinned()
    return _cached(con, data_version, name, args, tuple(sorted(kwargs.items())))


# Review decisions are read fresh on every run (a small SQLite read), so a
# decision recorded in one session shows in every other on its next rerun.

def decisions() -> DecisionStore:
    return DecisionStore(settings().decisions_path)


def board(filters, month: str) -> review.Board:
    """The review board: cached scores of the data version plus the latest decisions."""
    return review.assemble_board(query("review_candidates", filters, month), decisions().latest(), month)


def retrospective(filters, from_month: str, to_month: str):
    return review.retrospective(_pinned()[1], filters, from_month, to_month, decisions())


def decision_log(filters):
    return review.decision_log(_pinned()[1], filters, decisions())


def decision_history(account_id: str):
    return decisions().history(account_id)


def record_decision(decision: Decision) -> int:
    return decisions().record(decision)


# The board pack (PDF): built on request, cached on the data version and the
# arguments, and kept in the session so its download button survives reruns.

PACK_KEY = "_nrr_board_pack"


@st.cache_data(max_entries=16, show_spinner=False)
def _board_pack(_con, data_version, filters, period, currency: str, benchmarks: tuple, db_label: str,
                at_risk, expansion) -> pack.BoardPack:
    return pack.make_pack(_con, filters, period, currency=currency, benchmarks=dict(benchmarks),
                          reviews=(at_risk, expansion), db_path=db_label)


def build_board_pack(filters, period) -> pack.BoardPack:
    """The board pack for these filters and period, with the review board's
    lists at the period's last month. Raises NrrError (no browser, old data)."""
    data_version, con = _pinned()
    s = settings()
    lists = board(filters, period.to_month)
    built = _board_pack(con, data_version, filters, period, s.currency, tuple(sorted(s.benchmarks.items())),
                        str(s.db_path), _for_pack(lists.at_risk), _for_pack(lists.expansion))
    st.session_state[PACK_KEY] = ((data_version, filters, period), built)
    return built


def _for_pack(frame):
    return frame[[c for c in pack.REVIEW_COLUMNS if c in frame.columns]]


def board_pack_ready(filters, period) -> pack.BoardPack | None:
    """The pack this session built for exactly these filters, period and data, if any."""
    key, built = st.session_state.get(PACK_KEY) or (None, None)
    return built if key == (_pinned()[0], filters, period) else None
