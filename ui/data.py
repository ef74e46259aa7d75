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

from nrr_core import cli, db, methodology, metrics

from .settings import load_settings

# The metrics functions pages may call through ``query`` (a whitelist).
QUERIES = {
    "book_info", "movements", "movements_by", "nrr_trend", "waterfall", "nrr_bridge", "cohorts",
    "cohort_matrix", "breakdown", "bridge_by", "movement_accounts", "nrr_movers", "top_movers", "headline",
    "account_list", "account_count", "account_detail", "account_products", "account_movements",
    "attribute_values", "worked_example", "metric_sql", "customer_wins", "retention_leaders",
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
            cli.write_demo(path, progress=lambda message: status.write(message))
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
              "metric_sql": lambda _con, metric: methodology.sql_for(metric)}


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(_con, data_version, name: str, args: tuple, kwargs: tuple):
    fn = _ELSEWHERE.get(name) or getattr(metrics, name)
    return fn(_con, *args, **dict(kwargs))


def query(name: str, *args, **kwargs):
    """``metrics.<name>(con, *args, **kwargs)``, cached on the data version."""
    if name not in QUERIES:
        raise ValueError(f"not a page query: {name}")
    data_version, con = st.session_state.get(SNAPSHOT_KEY) or _snapshots(str(settings().db_path)).get()
    return _cached(con, data_version, name, args, tuple(sorted(kwargs.items())))
