"""Who may see the figures: OIDC sign-in through st.login when an [auth]
section is configured in .streamlit/secrets.toml, else an explicit open mode.

With sign-in configured, nothing of the data is read or drawn before the
viewer has signed in, and ``[auth] allowed_domains`` in nrr.toml can restrict
access to e-mail addresses of some domains.
"""
from __future__ import annotations

import streamlit as st


def email_allowed(email: str | None, domains: tuple[str, ...]) -> bool:
    """True when ``domains`` is empty, or ``email`` is at one of them (or a subdomain).

    ``email_allowed("ana@corp.example.com", ("example.com",))`` is True;
    ``"ana@example.com.evil.io"`` and an address without ``@`` are not.
    """
    if not domains:
        return True
    if not email or email.count("@") != 1:
        return False
    host = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.strip().lower().lstrip("@") for d in domains))


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def require_viewer(allowed_domains: tuple[str, ...]) -> str | None:
    """Stop the run unless the viewer may see the data; return who it is.

    Open mode (no [auth]): returns None and the sidebar says so.
    """
    if not sign_in_configured():
        return None
    if not st.user.get("is_logged_in", False):
        st.title("NRR dashboard")
        st.write("This dashboard shows company revenue. Sign in with your work account to continue.")
        st.button("Sign in", type="primary", on_click=st.login, key="sign_in")
        st.stop()
    email = st.user.get("email")
    if not email_allowed(email, allowed_domains):
        st.title("NRR dashboard")
        st.error("This account is not allowed to see these figures. Sign in with an account of "
                 f"{' or '.join(allowed_domains)}.")
        st.button("Sign out", on_click=st.logout, key="sign_out_refused")
        st.stop()
    return str(email or st.user.get("name") or "signed-in user")


def show_viewer(viewer: str | None) -> None:
    """The sidebar line that says who is looking, or that nobody had to sign in."""
    if viewer is None:
        st.sidebar.caption("Open mode: no sign-in is configured, so anyone who can reach this address can see "
                           "these figures. Run it on a trusted network only (see the README to add sign-in).")
    else:
        st.sidebar.caption(f"Signed in as {viewer}")
        st.sidebar.button("Sign out", on_click=st.logout, key="sign_out")


VIEWER_KEY = "_nrr_viewer"


def remember_viewer(viewer: str | None) -> None:
    """app.py keeps who is signed in for the pages (None in open mode)."""
    st.session_state[VIEWER_KEY] = viewer


def current_viewer() -> str | None:
    """The signed-in viewer of this session, or None in open mode."""
    return st.session_state.get(VIEWER_KEY)
