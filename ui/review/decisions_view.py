"""Decisions: every decision recorded on the selected accounts, newest first,
with the full log as CSV."""
from __future__ import annotations

import streamlit as st

from nrr_core import stores

from .. import data, view
from .tables import decision_columns, fit_height


def draw(f) -> None:
    """The decision log of the selected accounts (``f``)."""
    log = data.decision_log(f)
    st.caption(f"Every decision recorded on the selected accounts, newest first. Stored in "
               f"{view.plain(stores.shown(data.settings().decisions_path))}, which a data reload never touches.")
    if log.empty:
        view.nothing("No decision recorded yet. Record one in Review.")
        return
    view.table(log, {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "account_id": st.column_config.TextColumn("ID"),
        **decision_columns(),
    }, key="decision_log", height=fit_height(len(log), most=15))
    # The file keeps the exact UTC time of each decision (recorded_at), for sorting and audit.
    view.frame_download("Download CSV", log, "review-decisions.csv", "download_decision_log")
