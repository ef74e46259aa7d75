"""Which account review mode shows, and moving between accounts.

The account under review is ``st.session_state[PICK]`` (and ``?review=<id>``
in the URL, written by review mode). Every move goes through here, so every
move also drops the decision form's drafts (``decision_form.forget_drafts``):
what was typed for one account never waits, half-filled, on another.
"""
from __future__ import annotations

import streamlit as st

from . import decision_form

# Not a bound widget: a bound selectbox would put its shown label (the name)
# in the URL, not the ID.
PICK = "review_pick"
VIEW = "view"


def step(queue: list[str], delta: int) -> None:
    """Move ``delta`` places along ``queue`` (the board's review order),
    wrapping around at either end; from an account not in it, start at the
    first (``delta`` > 0) or the last."""
    here = st.session_state.get(PICK)
    position = queue.index(here) if here in queue else (-1 if delta > 0 else 0)
    decision_form.forget_drafts()
    st.session_state[PICK] = queue[(position + delta) % len(queue)]


def picked() -> None:
    """The account picker changed: the drafts of the account left behind go."""
    decision_form.forget_drafts()


def open_review(account_id: str) -> None:
    """Open ``account_id`` in review mode (a row picked on the board)."""
    decision_form.forget_drafts()
    st.session_state[PICK] = account_id
    st.session_state[VIEW] = "Review"
