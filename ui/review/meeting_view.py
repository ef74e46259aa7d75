"""Review mode: one account at a time, in the board's order (at risk first,
then expansion candidates, largest ARR first in each), with why it is on the
board, its signals, revenue and movements, its previous decisions and the
form that records this review's decision."""
from __future__ import annotations

import streamlit as st

from nrr_core import charts, formatting, metrics, review
from nrr_core.metrics import MOVEMENT_LABELS
from nrr_core.review import charts as review_charts

from .. import data, view
from . import decision_form, navigation
from .tables import decision_columns, fit_height


def _pick(queue: list[str], names: dict[str, str], risky: set[str]) -> str | None:
    """The account picker with previous / next; returns the account shown.
    ``?review=<id>`` opens that account when it is on the board. A link to an
    account that is not (another month, other filters) opens nothing: taking
    the board's first account instead would put the next decision on an
    account the reader did not ask for. None then, after saying so."""
    if st.session_state.get(navigation.PICK) not in queue:
        wanted = st.query_params.get("review")
        if wanted and wanted not in queue:
            st.warning(view.plain(
                f"Account {wanted} is not on the review board for these filters and this month, so it cannot be "
                "reviewed here. Its revenue and history are on the Accounts page; or start the review with the "
                "board's first account."), icon=":material/search_off:")
            left, right = st.columns(2)
            left.page_link("pages/accounts_page.py", label=view.plain(f"Open {wanted} on the Accounts page"),
                           query_params={"account": wanted}, icon=":material/person_search:")
            right.button("Start with the board's first account", on_click=navigation.step, args=(queue, +1),
                         key="review_start_first")
            return None
        st.session_state[navigation.PICK] = queue[0] if wanted is None else wanted
    nav = st.columns([6, 1, 1], vertical_alignment="bottom")
    account_id = nav[0].selectbox(
        "Account under review", queue, key=navigation.PICK, on_change=navigation.picked,
        format_func=lambda a: f"{'At risk' if a in risky else 'Expansion'} · {names[a]}")
    st.query_params["review"] = account_id
    nav[1].button("Previous", on_click=navigation.step, args=(queue, -1), width="stretch",
                  icon=":material/arrow_back:")
    nav[2].button("Next", on_click=navigation.step, args=(queue, +1), width="stretch",
                  icon=":material/arrow_forward:")
    st.caption(f"{queue.index(account_id) + 1} of {len(queue)} on the board "
               f"({len(risky)} at risk first, then expansion candidates; largest ARR first in each)")
    return account_id


def _header(row: dict, currency: str) -> None:
    st.subheader(view.plain(row["name"]))
    renewal = row["renewal_date"]
    renewal_text = f"renews {renewal:%Y-%m-%d}" + (f" ({row['renewal_flag']})" if row["renewal_flag"] else "") \
        if renewal is not None else "no renewal date"
    st.caption(view.plain(f"{row['account_id']} · {row['segment']} · {row['region']} · {row['industry']} · "
                          f"CSM {row['csm_owner']} · executive sponsor {row['executive_sponsor'] or 'none'} · "
                          f"{renewal_text}"))
    c = st.columns(4)
    c[0].metric("ARR", formatting.money(row["arr"], currency), border=True)
    c[1].metric("12-month NRR", formatting.percent(row["nrr_12m"]), border=True)
    c[2].metric("Risk score", f"{row['risk_score']}", border=True)
    c[3].metric("Expansion score", f"{row['expansion_score']}", border=True)


def _evidence(row: dict, currency: str, points: dict) -> None:
    """Why it is on the board, its signals, its revenue and its movements."""
    kind, account_id = row["list"], row["account_id"]
    why, trends = st.columns(2, gap="large")
    with why:
        st.markdown(f"**Why it is on the board** ({'risk' if kind == 'risk' else 'expansion'} factors)")
        view.table(review.contributions(row, kind, points), {
            "factor": st.column_config.TextColumn("Factor", width="medium"),
            "points": st.column_config.NumberColumn("Points", format="%d"),
            "evidence": st.column_config.TextColumn("Evidence", width="medium"),
        }, key="review_factors")
        if row.get("growing_strongly"):
            st.caption(f"Growing strongly (12-month NRR of {review.GROWTH_NRR:.0%} or more and an expansion or "
                       f"cross-sell in the last {review.GROWTH_MONTHS} months): at risk only from "
                       f"{row['risk_threshold']} points.")
        other = "expansion" if kind == "risk" else "risk"
        st.caption(f"{other.capitalize()} score: {row[f'{other}_score']} "
                   f"({view.plain(review.reasons(row, other, limit=None, points=points)) or 'no factor'}).")
    with trends:
        signals = data.get(review.account_signals, account_id)
        if signals.empty:
            view.nothing("No signals recorded for this account.")
        else:
            st.plotly_chart(review_charts.signal_trends_chart(signals), key="review_signals", width="stretch")
    history, moves = st.columns([6, 5], gap="large")
    with history:
        products = data.get(metrics.account_products, account_id)
        st.plotly_chart(charts.account_history_chart(products, "MRR by product line", currency),
                        key="review_history", width="stretch")
    with moves:
        st.markdown("**Movements**")
        view.table(data.get(metrics.account_movements, account_id), {
            "month": st.column_config.TextColumn("Month"),
            **{m: view.change_column(label, currency) for m, label in MOVEMENT_LABELS.items()},
            "ending_mrr": view.money_column("MRR after", currency),
        }, key="review_moves", height=320)


def _previous_decisions(row: dict) -> None:
    st.markdown("**Previous decisions**")
    if row["decision_status"]:
        st.markdown(view.plain(review.decision_summary(row)), help="The latest decision recorded for this account")
    past = data.decision_history(row["account_id"])
    if past.empty:
        st.caption("No decision recorded yet for this account.")
    else:
        view.table(past, decision_columns(), key="review_past", height=fit_height(len(past), most=5))


def draw(board: review.Board, currency: str, as_of: str) -> None:
    """Review mode over ``board`` (``data.board`` at ``as_of``)."""
    queue = board.queue()
    if not queue:
        view.nothing("The board is empty for these filters and this month: nothing to review.")
        return
    risky = set(board.at_risk.account_id)
    names = dict(zip(board.at_risk.account_id, board.at_risk.name)) | dict(
        zip(board.expansion.account_id, board.expansion.name))
    account_id = _pick(queue, names, risky)
    if account_id is None:
        return
    row = board.row(account_id)
    _header(row, currency)
    _evidence(row, currency, board.scorecard.points)
    _previous_decisions(row)
    decision_form.draw(account_id, row["name"], row["list"], as_of,
                       advance=lambda: navigation.step(queue, +1) if len(queue) > 1 else None)
