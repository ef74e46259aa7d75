"""The form that records the room's decision on the account under review.

A draft must never move from one account to another. A browser keeps what was
typed into a form, unsent, for as long as a field keeps its id; with one key
per field for every account, a draft typed for one account showed on the next
after *Next* or *Record* and one click recorded it there. So every field's key
carries the account id (``field_key``): the next account's fields are other
widgets and open empty. Moving between accounts also drops every draft the
session holds (``forget_drafts``, called by ``navigation``), and *Record*
reads the fields of the account the form was drawn for and records on it.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

import streamlit as st

from nrr_core import NrrError
from nrr_core.review.decisions import DEPARTMENTS, FORECAST_CALLS, STATUSES, Decision

from .. import auth, data, view

FIELDS = ("status", "department", "action", "owner", "due", "note", "call")
_DRAFT = "d_"        # every draft field's key starts with this, then the field, "@" and the account id
ADVANCE = "d_advance"  # a preference of the session, kept from account to account
MESSAGE = "_decision_message"


def field_key(field: str, account_id: str) -> str:
    """The widget key of one form field for one account."""
    return f"{_DRAFT}{field}@{account_id}"


def forget_drafts() -> None:
    """Drop every account's unsaved form fields from the session."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(_DRAFT) and "@" in k]:
        del st.session_state[key]


# The picker's earliest day. Not today: Streamlit (1.67) silently replaces a
# date typed below a date input's minimum by its default (empty), so a past due
# date typed into the form would be recorded as no due date at all. It reaches
# Decision.checked instead, which refuses it with a message, and the form keeps it.
_EARLIEST = dt.date(2000, 1, 1)


def _save(account_id: str, recorder: str, book_month: str, advance: Callable[[], None]) -> None:
    """*Record*: ``account_id`` is bound when the form is drawn, so the decision
    goes to the account whose form was submitted, built from its own fields."""
    s = st.session_state

    def value(field):
        return s.get(field_key(field, account_id))
    decision = Decision(account_id=account_id, status=value("status"), recorded_by=recorder,
                        department=value("department"), next_action=value("action"), action_owner=value("owner"),
                        due_date=value("due"), note=value("note"), book_month=book_month,
                        forecast_call=value("call"))
    try:
        data.record_decision(decision)
    except NrrError as exc:  # the fields keep what was typed, to be corrected
        s[MESSAGE] = ("error", str(exc))
        return
    s[MESSAGE] = ("ok", f"Decision recorded for {account_id} by {recorder}.")
    forget_drafts()
    if s.get(ADVANCE, True):
        advance()


def _recorder() -> str:
    """Who records: the signed-in viewer, or a name typed once per session."""
    viewer = auth.current_viewer()
    if viewer:
        st.caption(f"Recorded as {view.plain(viewer)} (signed in).")
        return viewer
    recorder = st.text_input("Your name", value=st.session_state.get("_reviewer", ""), max_chars=100,
                             key="reviewer_name", placeholder="Asked once per session",
                             on_change=lambda: st.session_state.update(_reviewer=st.session_state["reviewer_name"]))
    st.session_state["_reviewer"] = recorder
    return recorder


def draw(account_id: str, name: str, kind: str, book_month: str, advance: Callable[[], None]) -> None:
    """The form for ``account_id`` (shown as ``name``), on the board's ``kind``
    list ("risk" or "expansion", which sets the status it opens with). Fields
    open empty; ``advance`` moves to the next account after a recording when
    the room asked for it. ``book_month``: the data's as-of month, kept with
    the decision."""
    st.markdown(f"**Record this review's decision on {view.plain(name)}**")
    message = st.session_state.pop(MESSAGE, None)
    if message:
        (st.success if message[0] == "ok" else st.error)(message[1])
    recorder = _recorder()
    key = {field: field_key(field, account_id) for field in FIELDS}
    with st.form(f"decision_form@{account_id}", border=True):
        a, b = st.columns(2)
        a.radio("Status", STATUSES, index=0 if kind == "risk" else 3, horizontal=True, key=key["status"])
        b.selectbox("Owning department", DEPARTMENTS, index=None, key=key["department"],
                    placeholder="Required when at risk")
        a.text_input("Next action", max_chars=200, key=key["action"])
        b.text_input("Action owner", max_chars=200, key=key["owner"])
        a.date_input("Due date", value=None, min_value=_EARLIEST, key=key["due"],
                     help="Today or later (UTC); an earlier date is refused")
        b.selectbox("Forecast call on the renewal", FORECAST_CALLS, index=None, key=key["call"],
                    placeholder="No call",
                    help="Read by the forward forecast: commit = no churn; likely = as modelled; at risk = "
                         "high-risk rates; lost = all of it churns at the renewal. The latest call made stays "
                         "in force until another is recorded.")
        a.checkbox("Go to the next account after recording", value=True, key=ADVANCE)
        st.text_area("Note: history, key challenges, what is needed from other teams", max_chars=4000,
                     key=key["note"], height=100)
        st.form_submit_button("Record decision", type="primary", icon=":material/save:",
                              on_click=_save, args=(account_id, recorder, book_month, advance),
                              disabled=not recorder.strip())
    if not recorder.strip():
        st.caption("Type your name above to record decisions.")
