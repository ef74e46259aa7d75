"""The shared frame drawn by app.py on every rerun: sidebar filters bound to the
URL, the reporting period, and the caption every page shows; and the guard
that keeps a page from running without it."""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

import streamlit as st

from nrr_core import Filters, metrics
from nrr_core.filters import ATTRIBUTE_LABELS, ATTRIBUTES
from nrr_core.metrics import BookInfo
from nrr_core.period import WINDOW_LABELS, Period

from . import data, navigation

CONTEXT_KEY = "_nrr_context"
DEFAULT_WINDOW = WINDOW_LABELS["quarter"]

# True only while app.py runs a page (running_page), in that script run. A
# context variable, not session state: a run that ended, or was stopped by a
# rerun, leaves nothing behind that a later run of the session could reuse,
# and other sessions (other threads) never see it.
_IN_FRAME: contextvars.ContextVar[bool] = contextvars.ContextVar("nrr_in_frame", default=False)


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
    # What each URL-bound sidebar widget shows when the URL does not say (start: only with a custom window).
    defaults = {**{name: [] for name in ATTRIBUTES}, "as_of": months[0], "window": DEFAULT_WINDOW, "start": None}
    navigation.restore_url_state(tuple(defaults))
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
    shown = sb.segmented_control("Window", list(WINDOW_LABELS.values()), default=DEFAULT_WINDOW, key="window",
                                 bind="query-params", required=True,
                                 help="Months ending at the as-of month, used by waterfalls and movers: "
                                      "1, 3 or 12 months, or from a month you choose.")
    window = {v: k for k, v in WINDOW_LABELS.items()}.get(shown, "quarter")
    start = None
    if window == "custom":
        earlier = [m for m in months if m <= as_of]
        start = sb.selectbox("From month", earlier, index=min(2, len(earlier) - 1), key="start",
                             bind="query-params")
    shown_values = {**chosen, "as_of": as_of, "window": shown, "start": start}
    navigation.remember_url_state({k: v for k, v in shown_values.items() if v != defaults[k]})
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


@contextlib.contextmanager
def running_page() -> Iterator[None]:
    """app.py runs the chosen page inside this; require_frame() lets a page draw only then."""
    token = _IN_FRAME.set(True)
    try:
        yield
    finally:
        _IN_FRAME.reset(token)


def require_frame() -> None:
    """The first line of every page: return when app.py's frame is running
    this page in this script run; otherwise stop the run, showing only a link
    to the dashboard's root (``/``).

    A page runs without the frame when Streamlit's legacy runner runs a file of
    ``pages/`` on its own: a URL naming the file (``/review_page``) as one of
    the first requests after a server start, or ``AppTest.from_file`` on the
    page. The frame draws the sign-in gate, so such a run must show no figure,
    no account, no error, and not the legacy runner's list of page files.
    """
    if _IN_FRAME.get():
        return
    home = navigation.hide_page_files()
    st.page_link(home, label="Open the NRR dashboard")
    st.stop()
