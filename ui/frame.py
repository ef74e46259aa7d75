"""The shared frame drawn by app.py on every rerun: sidebar filters bound to the
URL, the reporting period, and the caption every page shows."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from nrr_core import Filters, metrics
from nrr_core.filters import ATTRIBUTE_LABELS, ATTRIBUTES
from nrr_core.metrics import BookInfo
from nrr_core.period import WINDOW_LABELS, Period

from . import data

CONTEXT_KEY = "_nrr_context"


@dataclass(frozen=True)
class Context:
    filters: Filters
    period: Period
    info: BookInfo
    currency: str
    benchmarks: dict

    def caption(self) -> str:
        return f"{self.filters.describe()} · {self.period.describe()}"


def draw_sidebar() -> Context:
    """Draw the filters once (in app.py, before the page runs) and return the context."""
    info: BookInfo = data.get(metrics.book_info)
    values = data.get(metrics.attribute_values)
    months = info.months()[::-1]  # newest first
    sb = st.sidebar
    sb.header("Filters")
    chosen = {}
    for name in ATTRIBUTES:
        chosen[name] = sb.multiselect(ATTRIBUTE_LABELS[name], values.get(name, []), key=name,
                                      bind="query-params", placeholder="All")
    sb.header("Period")
    # Bound widgets write their shown value into the URL, so months show as
    # YYYY-MM (as on the command line) and windows as plain words: ?as_of=2026-09&window=Year
    as_of = sb.selectbox("As of month", months, index=0, key="as_of", bind="query-params",
                         help="The last month shown (YYYY-MM). Retention figures are trailing twelve months to it.")
    shown = sb.segmented_control("Window", list(WINDOW_LABELS.values()), default="Quarter", key="window",
                                 bind="query-params", required=True,
                                 help="Months ending at the as-of month, used by waterfalls and movers: "
                                      "1, 3 or 12 months, or from a month you choose.")
    window = {v: k for k, v in WINDOW_LABELS.items()}.get(shown, "quarter")
    start = None
    if window == "custom":
        earlier = [m for m in months if m <= as_of]
        start = sb.selectbox("From month", earlier, index=min(2, len(earlier) - 1), key="start",
                             bind="query-params")
    filters = Filters(**chosen)
    period = Period.within(info.first_month, as_of or info.as_of_month, window or "quarter", start)
    sb.caption(f"Data: {info.first_month} to {info.as_of_month} · {info.accounts:,} accounts · "
               f"loaded {info.loaded_at:%Y-%m-%d %H:%M} · version {info.load_id[:8]}")
    settings = data.settings()
    ctx = Context(filters, period, info, settings.currency, settings.benchmarks)
    st.session_state[CONTEXT_KEY] = ctx
    return ctx


def context() -> Context:
    """The context app.py drew for this run (pages call this first)."""
    return st.session_state[CONTEXT_KEY]


def page_header(title: str, ctx: Context) -> None:
    from .view import plain

    st.title(title)
    st.caption(plain(ctx.caption()))
