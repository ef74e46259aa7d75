"""The board pack in the app: one click builds the PDF (or the editable PPTX
deck) and downloads it.

``pdf_maker(filters, period)`` (and ``deck_maker``) returns the callable a ``st.download_button``
takes as its ``data``: Streamlit runs it when the button is clicked, on a
thread of its own (no session there), so everything it needs is captured
during the page run: the pinned data snapshot, the settings and the decisions
store. It reads the review board's lists and the period's churn retrospective
with the latest decisions, then builds the pack, cached on the data version
and every argument (filters, period, currency, benchmarks, the lists
themselves, the decisions store's version and the targets in force, so a new
decision, forecast call or target gives a new pack). The pack prints no server
path: ``make_pack`` is left at its placeholder database name.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from nrr_core import NrrError, forecast, pack, review, steering

from . import data

HELP = ("A landscape PDF for a QBR or board meeting, built on the server for these filters and period: headline "
        "figures, NRR trend, the period's MRR bridge, retention by segment, the forecast and its track record, "
        "retention against target, the CSM scorecards, the review board's lists, the accounts that churned or "
        "contracted, the definitions and the commands that reproduce every figure.")


def problem() -> str | None:
    """Why the pack cannot be built here (no browser for its charts), or None."""
    return pack.browser_problem()


DECK_HELP = ("The same pack as an editable PowerPoint deck: native charts whose data sits in the deck, so they can "
             "be restyled before a board meeting. No browser needed.")


def file_name(period, suffix: str = "pdf") -> str:
    return f"nrr-board-pack-{period.from_month}-to-{period.to_month}.{suffix}"


@st.cache_data(max_entries=16, show_spinner=False)
def _board_pack(_con, data_version, filters, period, currency: str, benchmarks: tuple, at_risk, expansion,
                retro_frame, retro_summary: tuple, headline: str = "nrr", decisions_path: str | None = None,
                decisions_version: int = 0, targets=None) -> pack.BoardPack:
    return pack.make_pack(_con, filters, period, currency=currency, benchmarks=dict(benchmarks), headline=headline,
                          reviews=(at_risk, expansion), retrospective=(retro_frame, dict(retro_summary)),
                          decisions=review.stored_decisions(decisions_path), targets=targets)


@st.cache_data(max_entries=16, show_spinner=False)
def _board_deck(_con, data_version, filters, period, currency: str, benchmarks: tuple, at_risk, expansion,
                retro_frame, retro_summary: tuple, headline: str = "nrr", decisions_path: str | None = None,
                decisions_version: int = 0, targets=None) -> bytes:
    return pack.build_deck(_con, filters, period, currency=currency, benchmarks=dict(benchmarks), headline=headline,
                           reviews=(at_risk, expansion), retrospective=(retro_frame, dict(retro_summary)),
                           decisions=review.stored_decisions(decisions_path), targets=targets)


def pdf_maker(filters, period) -> Callable[[], bytes]:
    """The PDF bytes of the board pack for ``filters`` and ``period``, built
    when called (see the module docstring). Raises NrrError (no browser)."""
    return _maker(filters, period, deck=False)


def deck_maker(filters, period) -> Callable[[], bytes]:
    """The PPTX bytes of the board deck for ``filters`` and ``period``, built when called."""
    return _maker(filters, period, deck=True)


def _maker(filters, period, *, deck: bool) -> Callable[[], bytes]:
    if data.SNAPSHOT_KEY not in st.session_state:  # a page run without app.py (cold deep link)
        data.pin_snapshot()
    data_version, con = st.session_state[data.SNAPSHOT_KEY]
    settings, store = data.settings(), data.decisions()
    benchmarks = tuple(sorted(settings.benchmarks.items()))

    def build() -> bytes:
        missing = None if deck else problem()
        if missing:
            raise NrrError(missing)
        month = period.to_month
        board = review.board(con, filters, month, store)
        frame, summary = review.retrospective(con, filters, period.from_month, month, store)
        columns = pack.REVIEW_COLUMNS
        made = (_board_deck if deck else _board_pack)(
            con, data_version, filters, period, settings.currency, benchmarks,
            board.at_risk[[c for c in columns if c in board.at_risk.columns]],
            board.expansion[[c for c in columns if c in board.expansion.columns]],
            frame, tuple(sorted(summary.items())), settings.headline, str(store.path), store.version(),
            steering.TargetStore(settings.targets_path).in_force())
        return made if deck else made.pdf

    return build
