"""Score quality: how the points in force were set and the out-of-time proof
against the judgment points (``review.calibrate``), then the back-test of the
score in force over past months, its figures and each factor on its own
(``review.backtest``)."""
from __future__ import annotations

import streamlit as st

from nrr_core import formatting, review
from nrr_core.review import charts as review_charts

from .. import data, view


def percent_tile(column, label: str, value, help: str) -> None:
    column.metric(label, formatting.percent(value), border=True, help=help)


COMPARED = {
    "lift": ("Risk: lift in the top 10 %", "x"),
    "precision_at_k": ("Risk: precision in the top 50", "%"),
    "caught_share": ("Risk: lost MRR caught by the top 10 %", "%"),
    "flagged_share": ("Risk: accounts at or above the threshold", "%"),
    "flagged_precision": ("Risk: of them, lost revenue", "%"),
    "expansion_lift": ("Expansion: lift in the top 10 %", "x"),
    "expansion_precision_at_k": ("Expansion: precision in the top 50", "%"),
    "expansion_caught_share": ("Expansion: MRR caught by the top 10 %", "%"),
}


def _calibration(as_of: str) -> None:
    """The scorecard in force: its proof out of time, and each factor's points."""
    c = data.get(review.calibrate, as_of)
    card = c.scorecard
    st.subheader("The points in force")
    st.markdown(view.plain(card.note))
    st.caption(view.plain(card.threshold_note))
    if not c.comparison.empty:
        st.markdown(f"**Out of time**: each score set on **{c.fit_months[0]}–{c.fit_months[1]}** only, then "
                    f"ranking the accounts of **{c.test_months[0]}–{c.test_months[1]}**, which it never saw "
                    f"(whole book, {int(c.comparison.account_months.iloc[0]):,} account-months).")
        view.table(review.comparison_table(c.comparison, COMPARED), {
            "figure": st.column_config.TextColumn("Figure", width="medium"),
            **{name: st.column_config.TextColumn(name.capitalize()) for name in c.comparison.score},
        }, key="calibration_table")
    view.table(card.factors, {
        "label": st.column_config.TextColumn("Factor", width="medium"),
        "kind": st.column_config.TextColumn("Score"),
        "judgment": st.column_config.NumberColumn("Judgment points", format="%d"),
        "coefficient": st.column_config.NumberColumn("Fitted log-odds", format="%.2f"),
        "out_of_time_lift": st.column_config.NumberColumn("Lift out of time", format="%.2f×"),
        "points": st.column_config.NumberColumn("Points in force", format="%d"),
        "status": st.column_config.TextColumn("Why", width="large"),
    }, key="scorecard_table", download=f"scorecard-{as_of}")


def draw(f, as_of: str) -> None:
    """The scorecard in force at ``as_of``, then the back-test of the selected
    accounts (``f``) up to ``as_of`` with it."""
    _calibration(as_of)
    st.subheader("Back-test of the score in force")
    bt = data.get(review.backtest, f, as_of, scorecard=data.get(review.calibrate, as_of).scorecard)
    if bt is None:
        view.nothing(f"The back-test needs months with 6 months of history before and {review.HORIZON} after; "
                     "this book (or as-of month) has none.")
        return
    s = bt.summary
    st.markdown(
        f"For every month from **{bt.from_month}** to **{bt.to_month}**, the selected accounts active that month "
        f"were ranked by the risk score computed **from that month's data only**, then we looked at the "
        f"following **{bt.horizon} months**: did they churn or contract? {s['account_months']:,} account-months "
        f"over {s['months']} months.")
    c = st.columns(4)
    c[0].metric("Lift in the top 10 %", f"{s['lift']:.1f}×", border=True,
                help="Churn-or-contraction rate of the top 10 % by risk score ÷ the rate of all accounts")
    percent_tile(c[1], "Top 10 %: lost revenue", s["top_lost_rate"],
                 f"Share of the top 10 % that churned or contracted; all accounts: "
                 f"{formatting.percent(s['base_lost_rate'])}")
    percent_tile(c[2], f"Precision in the top {s['top_k']}", s["precision_at_k"],
                 f"Share of the {s['top_k']} highest scores each month that churned or contracted")
    percent_tile(c[3], "Lost ARR caught", s["caught_share"],
                 "Share of all MRR lost to churn and contraction that came from the top 10 %")
    st.caption(f"All accounts: {formatting.percent(s['base_lost_rate'])} churned or contracted within "
               f"{bt.horizon} months; churn alone {formatting.percent(s['base_churn_rate'])} against "
               f"{formatting.percent(s['top_churn_rate'])} in the top 10 % ({s['churn_lift']:.1f}×). Accounts "
               f"at or above the board's threshold ({bt.scorecard.risk_threshold} points): "
               f"{formatting.percent(s['flagged_share'])} of accounts, "
               f"{formatting.percent(s['flagged_precision'])} of them lost revenue, "
               f"{formatting.percent(s['flagged_caught_share'])} of the lost MRR.")
    st.plotly_chart(review_charts.backtest_chart(bt.monthly, s["top_share"], bt.horizon), key="backtest_chart",
                    width="stretch")
    e = st.columns(3)
    e[0].metric("Expansion score: lift in the top 10 %", f"{s['expansion_lift']:.1f}×", border=True,
                help="Expansion-or-cross-sell rate of the top 10 % by expansion score ÷ the rate of all accounts")
    percent_tile(e[1], f"Expansion precision in the top {s['top_k']}", s["expansion_precision_at_k"],
                 f"All accounts: {formatting.percent(s['base_grew_rate'])} expanded within {bt.horizon} months")
    percent_tile(e[2], "Expansion MRR the top 10 % caught", s["expansion_caught_share"],
                 "Share of all expansion and cross-sell MRR that came from the top 10 %")
    st.markdown("**Each factor on its own** (rate = churned or contracted for risk factors, expanded for "
                "expansion factors, in the following months)")
    view.table(bt.factors, {
        "factor": st.column_config.TextColumn("Factor", width="medium"),
        "kind": st.column_config.TextColumn("Score"),
        "points": st.column_config.NumberColumn("Points", format="%d"),
        "share": view.percent_column("Accounts with it", "Share of account-months where the factor held"),
        "rate_with": view.percent_column("Rate with it"),
        "rate_without": view.percent_column("Rate without it"),
        "lift": st.column_config.NumberColumn("Lift", format="%.2f×", help="Rate with ÷ rate without"),
    }, key="factor_table", download=f"score-factors-{as_of}")
    st.caption("Not back-tested: the renewal factors (the data holds only each account's next renewal date, "
               "not past ones, and churned accounts have none, so using them for past months would leak the "
               "outcome) and the review factor (decisions are recorded from now on). The executive sponsor is "
               "today's value for every month. Where the points in force were set on these same months, "
               "these figures are in-sample: the out-of-time comparison above is the honest test. The "
               "factors and their rules are on the Methodology page.")
