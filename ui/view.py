"""Drawing helpers shared by the pages: tiles, tables and messages.

Text from the data (account names, owners) is always passed as plain text
(st.dataframe cells, st.text, markdown with escaping off) — never as HTML.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from nrr_core import export, formatting
from nrr_core.months import long_label, parse_month


def tile(column, label: str, value, previous, kind: str, help: str, currency: str = "$", since: str = ""):
    """One headline metric with its change since ``previous``; ``since`` says
    when that was, in the delta's own words (``'a year ago'``)."""
    if kind == "money":
        shown = formatting.money(value, currency)
        delta = None if value is None or previous is None else (
            f"{formatting.money(value - previous, currency)} vs {since}".replace("−", "-"))
    else:
        shown = formatting.percent(value)
        delta = None if value is None or previous is None else (
            f"{formatting.points(value - previous)} vs {since}".replace("−", "-"))
    column.metric(label, shown, delta, help=help, border=True)


_PERCENT = "%.1f%%"


def money_column(label: str, currency: str, help: str | None = None):
    """Amounts that are never negative (ARR, MRR): ``$1,234``."""
    fmt = currency.replace("%", "%%") + "%,.0f"
    return st.column_config.NumberColumn(label, format=fmt, help=help)


def count_column(label: str, help: str | None = None):
    """Counts (accounts, answers): ``12,345``, with the thousands separator every other figure has."""
    return st.column_config.NumberColumn(label, format="%,.0f", help=help)


def change_column(label: str, currency: str, help: str | None = None):
    """Signed amounts (movements, changes): ``+1,234`` / ``-1,234``, currency in the label."""
    return st.column_config.NumberColumn(f"{label} ({currency})", format="%+,.0f", help=help)


def percent_column(label: str, help: str | None = None):
    """Ratios stored as fractions, shown as ``104.3%`` (table() scales them)."""
    return st.column_config.NumberColumn(label, format=_PERCENT, help=help)


# Rows of a long account list sent to the browser (largest first); its CSV has every row.
SHOWN_ROWS = 200


def table(frame: pd.DataFrame, columns: dict, key: str, height="auto", download: str | None = None,
          every_row: pd.DataFrame | None = None, **kwargs):
    """A read-only table showing ``columns`` (name -> column config) in that order.

    Percent columns are scaled to percent on a copy, so every ratio shows with
    one decimal (Streamlit's own percent format varies the decimals). With
    ``download`` (a file name without .csv), a button below saves the same
    columns as CSV: ratios as fractions and amounts unrounded, as the command
    line writes them, and text made safe to open in a spreadsheet.
    ``every_row``: the rows the CSV holds when ``frame`` is only the first
    ``SHOWN_ROWS`` of them (default: ``frame``)."""
    shown = frame
    scaled = [name for name, cfg in columns.items()
              if isinstance(cfg, dict) and (cfg.get("type_config") or {}).get("format") == _PERCENT]
    if scaled:
        shown = frame.assign(**{name: frame[name] * 100 for name in scaled if name in frame})
    result = st.dataframe(shown, column_order=list(columns), column_config=columns, hide_index=True,
                          key=key, height=height, placeholder="–", **kwargs)
    if download:
        rows = frame if every_row is None else every_row
        frame_download("Download CSV", rows[[c for c in columns if c in rows]], f"{download}.csv", f"download_{key}")
    return result


def csv_download(label: str, make: Callable[[], bytes], file_name: str, key: str, help: str | None = None) -> None:
    """A button that saves the CSV ``make()`` returns. The file is made when the
    button is clicked, not on every rerun: at 100,000 accounts it is megabytes."""
    st.download_button(label, make, file_name=file_name, mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:", type="tertiary", help=help)


def frame_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """``csv_download`` of ``frame``, safe to open in a spreadsheet (``export.to_csv_bytes``)."""
    csv_download(label, lambda: export.to_csv_bytes(frame), file_name, key)


def month_name(month: str) -> str:
    return long_label(parse_month(month))


def nothing(message: str) -> None:
    """The plain message shown where a filter or window leaves nothing to draw."""
    st.info(message, icon=":material/info:")


_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


# Invisible, zero-width: placed inside "http:", "www." and "@", it stops
# markdown's autolinking of bare addresses without changing what is shown.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)(?=[:.])|(?=@)")


def plain(text) -> str:
    """Escape untrusted text (account names, owners) for Streamlit markdown, so
    it shows as typed: no links (bare addresses included), images, HTML or
    formatting."""
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, str(text))
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
