"""The load history (every publish and rollback, newest first) and rolling
back to a kept version, after a confirmation. Read fresh on every run (a small
SQLite read), so a load from the command line shows on the next click."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from nrr_core import NrrError, formatting, versions

from .. import data, view
from .check_view import MESSAGE

PENDING = "_data_rollback_pending"  # the version a click asked to restore, awaiting confirmation


def _frame(rows: list[versions.Version]) -> pd.DataFrame:
    return pd.DataFrame([{
        "version": v.version, "published": v.published, "who": v.who, "action": v.action,
        "files": v.file_names(), "accounts": v.accounts, "as_of": v.as_of, "arr": v.arr, "nrr": v.nrr,
        "grr": v.grr, "kept": "yes" if v.kept else "pruned", "live": "in force" if v.live else "",
    } for v in reversed(rows)])


def draw(who: str, currency: str, load_id: str) -> None:
    settings = data.settings()
    st.subheader("Load history")
    rows = versions.history(settings.db_path)
    if not rows:
        view.nothing("No load recorded yet: the book in force was not published here or with "
                     "`python -m nrr_core load` (the demo book, for instance).")
        return
    if rows[-1].load_id != load_id:
        st.caption("The book in force is not the last one in this history (it was written another way, such as "
                   "`python -m nrr_core demo`). Publishing or rolling back puts a recorded version in force.")
        rows[-1] = versions.Version(**{**rows[-1].__dict__, "live": False})
    view.table(_frame(rows), {
        "version": st.column_config.NumberColumn("Version", format="%d"),
        "published": st.column_config.TextColumn("When"),
        "who": st.column_config.TextColumn("Who"),
        "action": st.column_config.TextColumn("Action"),
        "files": st.column_config.TextColumn("Files"),
        "accounts": st.column_config.NumberColumn("Accounts", format="%d"),
        "as_of": st.column_config.TextColumn("As of"),
        "arr": view.money_column("ARR", currency),
        "nrr": view.percent_column("NRR"),
        "grr": view.percent_column("GRR"),
        "kept": st.column_config.TextColumn("Copy", help=f"The newest {settings.keep_versions} versions are kept "
                                                         "for rollback; older copies are pruned"),
        "live": st.column_config.TextColumn("Now"),
    }, key="load_history")
    live = next((v.version for v in reversed(rows) if v.live), None)
    kept = {}
    for v in reversed(rows):
        if v.kept and v.action == "load" and v.version != live:
            kept.setdefault(v.version, v)
    if not kept:
        return
    st.markdown("**Roll back**")
    pending = st.session_state.get(PENDING)
    for v in kept.values():
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.text(f"Version {v.version} · {v.published} by {v.who} · {v.first_month} to {v.as_of} · "
                  f"{v.accounts:,} accounts · {v.file_names()}")
        if right.button("Roll back to this version", key=f"rollback_{v.version}", disabled=pending is not None):
            st.session_state[PENDING] = v.version
            st.rerun()
    if pending in kept:
        _confirm(kept[pending], who, currency)
    else:
        st.session_state.pop(PENDING, None)


def _confirm(v: versions.Version, who: str, currency: str) -> None:
    st.warning(f"Roll back to version {v.version} ({v.first_month} to {v.as_of}, ARR "
               f"{view.plain(formatting.money(v.arr, currency))})? Everyone sees its figures from their next "
               "click. The rollback is recorded in the history, and the current version stays kept.",
               icon=":material/history:")
    if not who:
        st.caption("Type your name above to roll back.")
    yes, no = st.columns(2)
    if yes.button(f"Yes, roll back to version {v.version}", type="primary", key="rollback_confirm", disabled=not who):
        st.session_state.pop(PENDING, None)
        try:
            done = versions.rollback(data.settings().db_path, v.version, who)
        except NrrError as exc:
            st.session_state[MESSAGE] = ("error", str(exc))
        else:
            st.session_state[MESSAGE] = ("ok", f"Version {done.version} is in force again ({done.first_month} to "
                                               f"{done.as_of}). Every page shows it from the next click.")
        st.rerun()
    if no.button("Cancel", key="rollback_cancel"):
        st.session_state.pop(PENDING, None)
        st.rerun()

