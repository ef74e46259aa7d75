"""Column settings the review views share: the board lists' columns (built
from ``nrr_core.review.columns.SCREEN``, the one place their order and labels
live), a recorded decision's columns, and a table height that fits its rows."""
from __future__ import annotations

import streamlit as st

from nrr_core.review.columns import SCREEN, Column

from .. import view

# Only the widths the room needs to read a row; every other column sizes to its content.
_WIDTHS = {"name": "medium", "decision_action": "medium", "top_reason": "large"}
ROW_PX = 35  # st.dataframe's default row (and header) height


def column_setting(column: Column, currency: str):
    """One ``SCREEN`` column as a column setting, by its kind (text, money,
    percent, int, date); the account name stays pinned while scrolling."""
    help_text = column.help or None
    width = _WIDTHS.get(column.key)
    if column.kind == "money":
        return view.money_column(column.label, currency, help=help_text)
    if column.kind == "percent":
        return view.percent_column(column.label, help_text)
    if column.kind == "int":
        return st.column_config.NumberColumn(column.label, format="%d", width="small", help=help_text)
    if column.kind == "date":
        return st.column_config.DateColumn(column.label, format="YYYY-MM-DD", help=help_text)
    return st.column_config.TextColumn(column.label, width=width, help=help_text,
                                       pinned=True if column.key == "name" else None)


def board_columns(currency: str) -> dict:
    """The board lists' columns, in ``SCREEN`` order."""
    return {c.key: column_setting(c, currency) for c in SCREEN}


def decision_columns() -> dict:
    """A recorded decision (``DecisionStore.history``, ``review.decision_log``)."""
    return {
        "recorded": st.column_config.TextColumn("Recorded"),
        "status": st.column_config.TextColumn("Status"),
        "department": st.column_config.TextColumn("Owning dept."),
        "next_action": st.column_config.TextColumn("Next action", width="medium"),
        "action_owner": st.column_config.TextColumn("Action owner"),
        "due_date": st.column_config.TextColumn("Due"),
        "note": st.column_config.TextColumn("Note", width="large"),
        "recorded_by": st.column_config.TextColumn("Recorded by"),
        "book_month": st.column_config.TextColumn("Data as of"),
        "forecast_call": st.column_config.TextColumn("Forecast call"),
    }


def fit_height(rows: int, most: int = 12) -> int:
    """Pixels for a table of ``rows`` rows: all of them up to ``most`` (no
    empty rows below), then ``most`` with a scroll bar."""
    return ROW_PX * (max(1, min(rows, most)) + 1) + 3
