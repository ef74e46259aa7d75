"""Who may use the Data page, which can replace the figures everyone reads.

With sign-in configured: only the e-mail addresses in ``[data_page] owners``
(nrr.toml). In open mode (no sign-in): nobody, unless ``[data_page] open_mode
= true``: anyone who could reach the port could otherwise publish numbers.
Non-owners get the page hidden from the navigation and, at its URL, a refusal.
"""
from __future__ import annotations

import streamlit as st

from .. import auth, data, view


def refusal(viewer: str | None, signed_in: bool, owners: tuple[str, ...], open_mode: bool) -> str | None:
    """Why this viewer may not use the Data page, or None when they may."""
    if signed_in:
        if viewer and viewer.strip().lower() in owners:
            return None
        return ("Only the data owners listed in nrr.toml ([data_page] owners) can load data. Ask one of them, "
                "or an administrator, to add your address.")
    if open_mode:
        return None
    return ("The Data page is off: no sign-in is configured (open mode), so anyone who can reach this address "
            "could replace the figures. Configure sign-in and list the data owners, or set "
            "[data_page] open_mode = true in nrr.toml on a machine nobody else can reach (see the README).")


def current_refusal(viewer: str | None) -> str | None:
    s = data.settings()
    return refusal(viewer, auth.sign_in_configured(), s.data_owners, s.data_open_mode)


def visible(viewer: str | None) -> bool:
    """app.py: list the Data page in the navigation for this viewer?"""
    return current_refusal(viewer) is None


def require_owner() -> None:
    """The Data page's first step after the frame: stop with the refusal unless allowed."""
    message = current_refusal(auth.current_viewer())
    if message is not None:
        st.title("Data")
        st.warning(message, icon=":material/lock:")
        st.stop()


NAME_KEY = "data_publisher"
_NAME = "_data_publisher_name"  # kept by the session: a widget's own value is dropped when another page runs


def publisher() -> str:
    """Who publishes: the signed-in viewer, or (open mode) a name typed once per session."""
    viewer = auth.current_viewer()
    if viewer:
        st.caption(f"Loads and rollbacks are recorded as {view.plain(viewer)} (signed in).")
        return viewer
    name = st.text_input("Your name (kept in the load history)", value=st.session_state.get(_NAME, ""),
                         max_chars=100, key=NAME_KEY, placeholder="Who publishes or rolls back",
                         on_change=lambda: st.session_state.update({_NAME: st.session_state[NAME_KEY]}))
    st.session_state[_NAME] = name
    return name.strip()
