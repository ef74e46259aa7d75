"""The journey: accounts and ARR per phase (as of the month and over time),
time to value by segment and start cohort, and where accounts stall."""
from __future__ import annotations

import math

import streamlit as st

from nrr_core import formatting, insight
from nrr_core.insight import charts as insight_charts
from nrr_core.insight.rules import PHASE_LABELS, JourneyRules

from .. import data, view
from ..review.tables import fit_height


def rules_table(rules: JourneyRules) -> None:
    """The rules in force, in words (nrr.toml [journey])."""
    with st.expander("The rules and thresholds in force (nrr.toml [journey])"):
        for name, text in rules.described():
            st.markdown(f"**{view.plain(name)}**: {view.plain(text)}")


def _mix(f, as_of: str, rules: JourneyRules, currency: str) -> None:
    mix = insight.mix_at(data.get(insight.phases, f, rules), as_of)
    if mix.empty or not mix.accounts.sum():
        view.nothing("No selected account has revenue this month.")
        return
    cols = st.columns(4)
    for col, row in zip(cols, mix.itertuples()):
        col.metric(f"{PHASE_LABELS[row.phase]}: accounts", f"{row.accounts:,}", border=True,
                   delta=f"{formatting.money(row.arr, currency)} ARR ({formatting.percent(row.arr_share)})",
                   delta_color="off", delta_arrow="off")


def _over_time(f, rules: JourneyRules, currency: str, as_of: str) -> None:
    frame = data.get(insight.phases, f, rules)
    frame = frame[frame.month <= as_of]
    if frame.empty:
        return
    measure = st.segmented_control("Show", ["accounts", "arr"], default="accounts", key="phase_measure",
                                   format_func={"accounts": "Accounts", "arr": "ARR"}.get, required=True)
    title = "Accounts per journey phase" if measure == "accounts" else "ARR per journey phase"
    st.plotly_chart(insight_charts.phases_chart(frame, measure, title, currency), key="phases_chart",
                    width="stretch")


def _time_to_value(f, as_of: str, rules: JourneyRules) -> None:
    st.subheader("Time to value")
    by = st.segmented_control("By", ["segment", "quarter"], default="segment", key="ttv_by", required=True,
                              format_func={"segment": "Segment", "quarter": "Start quarter"}.get)
    summary, curve = data.get(insight.time_to_value, f, as_of, by, rules)
    if summary.empty:
        view.nothing("No selected account started inside the data.")
        return
    total = summary.iloc[-1]
    median = "not yet half" if math.isnan(total.median_months) else f"{total.median_months:.0f} months"
    st.markdown(f"Half of the accounts that started inside the data reached value within **{median}**; "
                f"{total.still_onboarding:,} are still onboarding and {total.lost_before_value:,} left before "
                f"reaching it.")
    st.plotly_chart(insight_charts.ttv_chart(curve, "Share of accounts that reached value, by months since "
                                                    "first revenue"), key="ttv_chart", width="stretch")
    view.table(summary, {
        "group": st.column_config.TextColumn("Segment" if by == "segment" else "Start quarter"),
        "accounts": view.count_column("Accounts"),
        "reached": view.count_column("Reached"),
        "still_onboarding": view.count_column("Onboarding"),
        "lost_before_value": view.count_column("Left first"),
        "median_months": st.column_config.NumberColumn("Median (months)", format="%.0f"),
        "reached_1m": view.percent_column("By 1 mo"),
        "reached_3m": view.percent_column("By 3 mo"),
        "reached_6m": view.percent_column("By 6 mo"),
        "reached_12m": view.percent_column("By 12 mo"),
    }, key="ttv_table", height=fit_height(len(summary), most=14), download=f"time-to-value-by-{by}-{as_of}")
    st.caption("Time to value = months from the first revenue month to the first month at the value share "
               "(0 = reached in the first month). Accounts that have not reached value are censored, not "
               "dropped: they count as still onboarding for every month they were seen (to the as-of month, or "
               "to their last month with revenue if they left), and the median and shares are Kaplan-Meier "
               "estimates. Accounts already customers in the data's first month are left out (their start is "
               "earlier).")


def _stalls(f, as_of: str, rules: JourneyRules, currency: str) -> None:
    st.subheader(f"Where accounts stall, {view.month_name(as_of)}")
    stalled = data.get(insight.stalls, f, as_of, rules)
    mix = insight.mix_at(data.get(insight.phases, f, rules), as_of)
    summary = insight.stall_summary(stalled, mix, rules)
    view.table(summary.assign(phase=summary.phase.map(PHASE_LABELS)), {
        "phase": st.column_config.TextColumn("Phase"),
        "limit": st.column_config.NumberColumn("Stalled after (months)"),
        "accounts": view.count_column("Accounts in the phase"),
        "stalled": view.count_column("Stalled"),
        "stalled_share": view.percent_column("Share stalled"),
        "stalled_arr": view.money_column("Stalled ARR", currency),
        "median_months": st.column_config.NumberColumn("Median months in phase (stalled)", format="%.0f"),
    }, key="stall_summary", height=fit_height(len(summary)), download=f"stalls-by-phase-{as_of}")
    if stalled.empty:
        st.caption("No selected account is past its phase's limit.")
        return
    st.caption(f"{len(stalled):,} stalled accounts, largest ARR first. Months in phase count the months in a "
               "row in the current phase up to the as-of month.")
    view.table(stalled.assign(phase=stalled.phase.map(PHASE_LABELS)), {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "phase": st.column_config.TextColumn("Phase"),
        "months_in_phase": st.column_config.NumberColumn("Months in phase"),
        "utilisation": view.percent_column("Seats in use"),
        "arr": view.money_column("ARR", currency),
    }, key="stalled_table", height=fit_height(len(stalled), most=10), download=f"stalled-accounts-{as_of}")


def draw(f, as_of: str, rules: JourneyRules, currency: str) -> None:
    st.subheader(f"Accounts and ARR per phase, {view.month_name(as_of)}")
    _mix(f, as_of, rules, currency)
    _over_time(f, rules, currency, as_of)
    _time_to_value(f, as_of, rules)
    _stalls(f, as_of, rules, currency)
