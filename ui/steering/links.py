"""Links from the steering views to an account: its review (review mode of
the Account review page, which opens accounts on the board) or, for an
account not on the board, its page on Accounts. Relative URLs, so they work
under any base path; ids are URL-encoded (they are untrusted text)."""
from __future__ import annotations

from urllib.parse import quote

import streamlit as st


def account_link(account_id: str, on_board: bool) -> str:
    """``review?view=Review&review=<id>`` (ui/review/navigation.py: ``view`` is
    the page's bound view control, ``review`` the account review mode opens)
    for an account on the review board, else ``accounts?account=<id>``."""
    if on_board:
        return f"review?view=Review&review={quote(str(account_id), safe='')}"
    return f"accounts?account={quote(str(account_id), safe='')}"


def link_column():
    """The table column of ``account_link`` values: shows "review" or "accounts"."""
    return st.column_config.LinkColumn("Open", display_text=r"^(review|accounts)\?",
                                       help="review: the account in review mode (it is on the board); "
                                            "accounts: its revenue and movements")
