"""Learning from churn, under the churn retrospective: why each churned or
contracted account was lost (the taxonomy of nrr_core/insight/reasons.py,
with exit-interview notes, recorded append-only beside the decisions), and
the lost ARR rolled up by reason and by owning department per quarter,
flagged beforehand or a surprise. Notes are untrusted text: table cells only."""
from __future__ import annotations

import streamlit as st

from nrr_core import NrrError, formatting, insight
from nrr_core.insight.reasons import REASON_DEPARTMENT, REASON_KEYS, REASON_LABELS, ChurnReason
from nrr_core.period import Period

from .. import data, view
from .decision_form import _recorder
from .tables import fit_height

MESSAGE = "_reason_message"
_BY = {"reason": "Reason", "department": "Owning department"}


def _rollups(attached, period: Period, currency: str) -> None:
    for by in _BY:
        with st.container():
            st.markdown(f"**Lost ARR by {_BY[by].lower()} and quarter**")
            rolled = insight.rollup(attached, by)
            view.table(rolled, {
                "quarter": st.column_config.TextColumn("Quarter"),
                "value": st.column_config.TextColumn(_BY[by]),
                "accounts": view.count_column("Accounts"),
                "lost_arr": view.money_column("ARR lost", currency),
                "flagged_in_review_arr": view.money_column("Flagged in a review", currency),
                "flagged_by_score_arr": view.money_column("Flagged by the score", currency),
                "surprise_arr": view.money_column("Surprise", currency),
                "surprise_share": view.percent_column("Surprise share"),
            }, key=f"reason_rollup_{by}", height=fit_height(len(rolled), most=10),
                download=f"lost-arr-by-{by}-{period.from_month}-{period.to_month}")


def _save(options: dict, recorder: str) -> None:
    s = st.session_state
    picked = s.get("reason_account")
    if picked not in options:
        s[MESSAGE] = ("error", "Pick an account first.")
        return
    account_id, loss_month = options[picked]
    reason = ChurnReason(account_id=account_id, loss_month=loss_month, reason=s.get("reason_key") or "",
                         recorded_by=recorder, notes=s.get("reason_notes"))
    try:
        data.churn_reasons().record(reason)
    except NrrError as exc:
        s[MESSAGE] = ("error", str(exc))
        return
    s[MESSAGE] = ("ok", f"Reason recorded for {account_id} by {recorder}.")
    for key in ("reason_notes", "reason_key"):
        s.pop(key, None)


def _form(attached) -> None:
    st.markdown("**Record why an account was lost**")
    message = st.session_state.pop(MESSAGE, None)
    if message:
        (st.success if message[0] == "ok" else st.error)(message[1])
    recorder = _recorder()
    order = attached.sort_values(["reason_source", "lost_arr"], ascending=[False, False], na_position="first")
    options = {f"{r.name} · {r.first_loss_month} · {r.kind}": (r.account_id, r.first_loss_month)
               for r in order.itertuples()}
    with st.form("churn_reason_form", border=True):
        st.selectbox("Account (name · first loss month · kind)", list(options), index=None, key="reason_account",
                     placeholder="Unrecorded losses first")
        st.selectbox("Reason", REASON_KEYS, index=None, key="reason_key",
                     format_func=lambda k: f"{REASON_LABELS[k]} (owner: {REASON_DEPARTMENT[k]})")
        st.text_area("Exit-interview notes", max_chars=4000, key="reason_notes", height=90)
        st.form_submit_button("Record reason", type="primary", icon=":material/save:", on_click=_save,
                              args=(options, recorder), disabled=not recorder.strip())
    st.caption("Reasons are kept like decisions: append-only. A changed mind is a new reason; the latest counts "
               "(one recorded here beats one imported with the data).")


def draw(lost, period: Period, currency: str) -> None:
    """Reasons for the retrospective's rows (``lost``, from ``data.retrospective``)."""
    st.subheader("Why revenue was lost")
    attached = data.reasons_in_force(lost, period.from_month, period.to_month)
    missing = attached.reason.isna()
    st.caption(f"{int((~missing).sum()):,} of {len(attached):,} losses have a reason "
               f"({formatting.money(attached.lost_arr[~missing].sum(), currency)} of "
               f"{formatting.money(attached.lost_arr.sum(), currency)} lost ARR). Each account's lost ARR in the "
               "window counts in the quarter of its first loss; *Surprise* is lost ARR that neither a review nor "
               "the score flagged beforehand. Departments own reasons as documented in the README.")
    _rollups(attached, period, currency)
    view.table(attached, {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "first_loss_month": st.column_config.TextColumn("First loss"),
        "kind": st.column_config.TextColumn("Kind"),
        "lost_arr": view.money_column("ARR lost", currency),
        "reason_label": st.column_config.TextColumn("Reason"),
        "department": st.column_config.TextColumn("Owning dept."),
        "notes": st.column_config.TextColumn("Exit-interview notes", width="large"),
        "reason_source": st.column_config.TextColumn("From"),
        "flagged_in_review": st.column_config.CheckboxColumn("Flagged in a review"),
        "flagged_by_score": st.column_config.CheckboxColumn("Score flagged"),
    }, key="reason_table", height=fit_height(len(attached), most=8),
        download=f"churn-reasons-{period.from_month}-{period.to_month}")
    _form(attached)
