"""The board: at-risk accounts and expansion candidates at the as-of month,
each list largest ARR first. A picked row opens that account in review mode.

The lists are tabs, each the page's full width: side by side they left each
~600 px at 1366 px, so everything after the score needed sideways scrolling.
Full width, the room reads account, ARR, score, renewal, CSM owner and the
latest decision without scrolling; the top reason and the evidence follow
(all reasons are in review mode)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from nrr_core import formatting, review

from .. import view
from . import navigation
from .tables import board_columns

if TYPE_CHECKING:
    import pandas as pd

SHOWN = view.SHOWN_ROWS
HEIGHT = 460


def _open_picked(table_key: str, ids: list[str]) -> None:
    rows = st.session_state[table_key]["selection"]["rows"]
    if rows:
        navigation.open_review(ids[rows[0]])


def _draw_list(frame: pd.DataFrame, arr: float, key: str, empty: str, currency: str, month: str) -> None:
    if frame.empty:
        view.nothing(empty)
        return
    total = len(frame)
    st.caption(f"{total:,} accounts · {formatting.money(arr, currency)} ARR"
               + (f" · the {SHOWN} largest shown (the CSV has all)" if total > SHOWN else "")
               + " · pick a row to review it")
    ids = list(frame.account_id[:SHOWN])
    view.table(frame[:SHOWN], board_columns(currency), key=key, height=HEIGHT,
               on_select=lambda: _open_picked(key, ids), selection_mode="single-row")
    view.frame_download("Download CSV (all rows, every column)", frame, f"{key.replace('_table', '')}-{month}.csv",
                        f"download_{key}")


def _tiles(board: review.Board, currency: str) -> None:
    c = st.columns(4)
    c[0].metric("At-risk accounts", f"{len(board.at_risk):,}", border=True,
                help=f"Risk score of {board.scorecard.risk_threshold} or more ({board.scorecard.risk_threshold + review.GROWTH_EXTRA_POINTS} "
                     f"for an account growing strongly), or a latest decision of at risk / watch")
    c[1].metric("ARR at risk", formatting.money(board.at_risk_arr, currency), border=True)
    c[2].metric("Expansion candidates", f"{len(board.expansion):,}", border=True,
                help=f"Expansion score of {board.scorecard.expansion_threshold} or more and not at risk, or a latest "
                     "decision of expansion")
    c[3].metric("At-risk renewals within 90 days", f"{board.at_risk_renewing_90:,}", border=True)


def draw(board: review.Board, currency: str) -> None:
    """The board's tiles and its two lists (``data.board``)."""
    _tiles(board, currency)
    if not board.has_signals:
        st.caption("No account signals are loaded (signals.csv), so the scores use revenue history, renewal "
                   "dates, sponsors and reviews only.")
    risk_tab, growth_tab = st.tabs([f"At risk ({len(board.at_risk):,})",
                                    f"Expansion candidates ({len(board.expansion):,})"])
    with risk_tab:
        _draw_list(board.at_risk, board.at_risk_arr, "risk_table", "No selected account is at risk this month.",
                   currency, board.month)
    with growth_tab:
        _draw_list(board.expansion, board.expansion_arr, "growth_table",
                   "No selected account is an expansion candidate this month.", currency, board.month)
