"""Roll-ups: ARR at risk by owning department and by CSM owner, executive
sponsor coverage of the top accounts, and the churn retrospective of the
period (who was lost, and whether a review or the score saw it coming)."""
from __future__ import annotations

import streamlit as st

from nrr_core import formatting, review
from nrr_core.period import Period
from nrr_core.review import charts as review_charts

from .. import data, view
from . import reasons_view
from .tables import fit_height

_BY = {"department": ("By owning department (latest decision)", "Department"),
       "csm_owner": ("By CSM owner", "CSM owner")}


def _at_risk(board: review.Board, currency: str, as_of: str) -> None:
    st.subheader(f"ARR at risk, {view.month_name(as_of)}")
    if board.at_risk.empty:
        view.nothing("No selected account is at risk this month.")
        return
    for col, by in zip(st.columns(2, gap="large"), _BY):
        title, label = _BY[by]
        with col:
            rolled = review.at_risk_rollup(board.at_risk, by)
            st.plotly_chart(review_charts.rollup_chart(rolled.head(12), title, currency), key=f"rollup_{by}",
                            width="stretch")
            view.table(rolled, {
                "value": st.column_config.TextColumn(label),
                "accounts": view.count_column("Accounts"),
                "arr": view.money_column("ARR at risk", currency),
                "share": view.percent_column("Share"),
            }, key=f"rollup_table_{by}", height=fit_height(len(rolled)),
                download=f"arr-at-risk-by-{by.replace('_', '-')}-{as_of}")


def _sponsors(f, currency: str, as_of: str) -> None:
    st.subheader("Executive-sponsor coverage of the top accounts")
    uncovered, cover = data.get(review.sponsor_coverage, f, as_of)
    if not cover["accounts"]:
        view.nothing("No selected account has revenue this month.")
        return
    c = st.columns(3)
    c[0].metric("Accounts making up 80 % of ARR", f"{cover['accounts']:,}", border=True)
    c[1].metric("With an executive sponsor",
                f"{cover['with_sponsor']:,} ({formatting.percent(cover['account_share'])})", border=True)
    c[2].metric("Their share of that ARR", formatting.percent(cover["arr_share"]), border=True)
    if uncovered.empty:
        st.caption("Every one of them has an executive sponsor.")
        return
    st.caption(f"{len(uncovered):,} of them have no executive sponsor, largest first. *Rank* is the account's "
               f"place among all {cover['accounts']:,} top accounts by ARR (the missing ranks have a sponsor); "
               "*Share of ARR* is its own share of the selection's ARR; *Unsponsored, running* adds up those "
               "shares down the list: the selection's ARR at the top that has no sponsor.")
    view.table(uncovered, {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "name": st.column_config.TextColumn("Account", width="medium"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "arr": view.money_column("ARR", currency),
        "arr_share": view.percent_column("Share of ARR", "This account's ARR ÷ the selection's ARR"),
        "uncovered_share": view.percent_column("Unsponsored, running",
                                               "Share of the selection's ARR in this row and the rows above"),
    }, key="uncovered_table", height=fit_height(len(uncovered), most=8),
        download=f"top-accounts-without-sponsor-{as_of}")


def _surprise_tile(column, summary: dict) -> None:
    """The share of lost ARR no review flagged, or, when no review had been
    recorded before the window, that (a share would only say 100 %)."""
    help_text = ("Share of the lost ARR whose account had no at-risk or watch decision recorded before the month "
                 "of the loss")
    if summary["reviews_before_window"]:
        column.metric("Surprise churn", formatting.percent(summary["surprise_share"]), border=True, help=help_text,
                      height="stretch")
        return
    with column.container(border=True, height="stretch"):
        st.markdown(":small[Surprise churn]", help=help_text)
        st.markdown("**No reviews recorded before this window**")


def _retrospective(f, period: Period, currency: str) -> None:
    st.subheader(f"Churn retrospective, {period.describe()}")
    lost, summary = data.retrospective(f, period.from_month, period.to_month)
    if lost.empty:
        view.nothing("No selected account churned or contracted in this window.")
        return
    c = st.columns(4)
    # Tiles stretch to the tallest, which is the surprise tile when it holds a sentence.
    c[0].metric("Accounts lost or shrunk", f"{summary['accounts']:,}", border=True, height="stretch",
                help=f"Churned or contracted in the window; {summary['churned_accounts']:,} of them churned")
    c[1].metric("ARR lost", formatting.money(summary["lost_arr"], currency), border=True, height="stretch")
    _surprise_tile(c[2], summary)
    c[3].metric("Score saw it coming", formatting.percent(summary["score_caught_share"]), border=True, height="stretch",
                help=f"Share of the lost ARR whose account had a risk score of {summary['risk_threshold']}+ in the "
                     "month before its first loss (points in force the month before the window)")
    view.table(lost, {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "first_loss_month": st.column_config.TextColumn("First loss"),
        "kind": st.column_config.TextColumn("Kind"),
        "lost_arr": view.money_column("ARR lost", currency),
        "arr_before": view.money_column("ARR before", currency),
        "score_before": st.column_config.NumberColumn("Risk score before", format="%d"),
        "flagged_by_score": st.column_config.CheckboxColumn("Score flagged"),
        "flagged_in_review": st.column_config.CheckboxColumn("Flagged in a review"),
        "flagged_on": st.column_config.TextColumn("Flagged on"),
    }, key="retro_table", height=fit_height(len(lost), most=10),
        download=f"churn-retrospective-{period.from_month}-{period.to_month}")
    reasons_view.draw(lost, period, currency)


def draw(board: review.Board, f, period: Period, currency: str) -> None:
    """The roll-ups of ``board`` (at the period's last month) and the
    retrospective of ``period`` for the selected accounts (``f``)."""
    _at_risk(board, currency, period.to_month)
    _sponsors(f, currency, period.to_month)
    _retrospective(f, period, currency)
