"""Early adoption against retention, per start cohort."""
from __future__ import annotations

import streamlit as st

from nrr_core import formatting, insight
from nrr_core.insight.rules import JourneyRules

from .. import data, view
from ..review.tables import fit_height


def draw(f, as_of: str, rules: JourneyRules) -> None:
    frame = data.get(insight.early_adoption, f, as_of, rules)
    if frame.empty:
        view.nothing("No selected account started inside the data.")
        return
    total = frame.iloc[-1]
    share = f"{rules.early_share * 100:.0f} %"
    days = rules.early_months * 30
    st.subheader("Seats adopted early, and who is still here a year later")
    c = st.columns(4)
    c[0].metric("Seats in use after 60 days", formatting.percent(total.adopted_60d), border=True,
                help=f"Mean over {total.measured_60d:,} accounts with signals 2 months after first revenue")
    c[1].metric("Seats in use after 90 days", formatting.percent(total.adopted_90d), border=True,
                help=f"Mean over {total.measured_90d:,} accounts with signals 3 months after first revenue")
    versus = f"{share}+ vs under {share} of seats in use after {days} days"
    c[2].metric(f"Revenue kept, {share}+", formatting.percent(total.above_revenue_retention), border=True,
                delta=f"{formatting.percent(total.below_revenue_retention)} if under", delta_color="off",
                delta_arrow="off",
                help=f"{versus}: {total.above_accounts:,} vs {total.below_accounts:,} eligible accounts")
    c[3].metric(f"Logos kept, {share}+", formatting.percent(total.above_logo_retention), border=True,
                delta=f"{formatting.percent(total.below_logo_retention)} if under", delta_color="off",
                delta_arrow="off",
                help=f"{versus}: {total.above_accounts:,} vs {total.below_accounts:,} eligible accounts")
    st.caption(f"Kept a year after each account's start, accounts with {share}+ of their seats in use after "
               f"{days} days (the delta: those under).")
    view.table(frame, {
        "cohort": st.column_config.TextColumn("Start quarter"),
        "accounts": view.count_column("Started"),
        "adopted_60d": view.percent_column("Seats used, 60 d"),
        "adopted_90d": view.percent_column("Seats used, 90 d"),
        "above_accounts": view.count_column(f"{share}+: eligible"),
        "above_logo_retention": view.percent_column(f"{share}+: logos kept"),
        "above_revenue_retention": view.percent_column(f"{share}+: revenue kept"),
        "below_accounts": view.count_column("Below: eligible"),
        "below_logo_retention": view.percent_column("Below: logos kept"),
        "below_revenue_retention": view.percent_column("Below: revenue kept"),
    }, key="adoption_table", height=fit_height(len(frame), most=16), download=f"early-adoption-{as_of}")
    st.caption(f"Seats in use after 60 / 90 days = active users ÷ licensed seats 2 / 3 months after the first "
               f"revenue month, the mean over the cohort's accounts with signals then. Retention compares the "
               f"accounts at {share} or more after {rules.early_months} months with those below, over the "
               f"eligible accounts (first revenue 12 or more months before the as-of month): logos kept = share "
               f"active 12 months after their own start; revenue kept = their MRR then ÷ their first month's "
               f"MRR. Accounts already customers in the data's first month are left out.")
