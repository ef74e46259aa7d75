"""Drawing helpers shared by the pages: tiles, tables and messages.

Text from the data (account names, owners) is always passed as plain text
(st.dataframe cells, st.text, markdown with escaping off) — never as HTML.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from nrr_core import formatting
from nrr_core.months import long_label, parse_month


def tile(column, label: str, value, previous, kind: str, help: str, currency: str = "$", since: str = ""):
    """One headline metric with its change against the previous quarter."""
    if kind == "money":
        shown = formatting.money(value, currency)
        delta = None if value is None or previous is None else (
            f"{formatting.money(value - previous, currency)} vs {since}".replace("−", "-"))
    else:
        shown = formatting.percent(value)
        delta = None if value is None or previous is None else (
            f"{formatting.points(value - previous)} vs {since}".replace("−", "-"))
    column.metric(label, shown, delta, help=help, border=True)


def money_column(label: str, currency: str, help: str | None = None):
    return st.column_config.NumberColumn(label, format=f"{currency}%,.0f" if currency == "$" else "%,.0f",
                                         help=help)


def percent_column(label: str, help: str | None = None):
    return st.column_config.NumberColumn(label, format="percent", help=help)


def table(frame: pd.DataFrame, columns: dict, key: str | None = None, height="auto", **kwargs):
    """A read-only table showing ``columns`` (name -> column config) in that order."""
    return st.dataframe(frame, column_order=list(columns), column_config=columns, hide_index=True,
                        key=key, height=height, **kwargs)


def month_name(month: str) -> str:
    return long_label(parse_month(month))


def nothing(message: str) -> None:
    """The plain message shown where a filter or window leaves nothing to draw."""
    st.info(message, icon=":material/info:")
