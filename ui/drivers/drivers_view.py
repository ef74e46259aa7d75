"""Retention drivers: each group against the rest, ranked by ARR impact, in plain words first."""
from __future__ import annotations

import streamlit as st

from nrr_core import insight
from nrr_core.insight import charts as insight_charts
from nrr_core.insight.rules import JourneyRules

from .. import data, view
from ..review.tables import fit_height

TOP = 3


def draw(f, as_of: str, rules: JourneyRules, currency: str) -> None:
    frame = data.get(insight.drivers, f, as_of, rules)
    ranked = frame[frame.ranked]
    if ranked.empty:
        view.nothing("Too few accounts started 12 or more months before the as-of month to compare groups "
                     f"(each group and its rest need {rules.min_group}).")
        return
    st.subheader("What goes with keeping revenue a year after the start")
    for sentence in insight.top_drivers(frame, TOP).summary:
        st.text("• " + sentence)
    st.caption("These are associations in this book, not causes: a group can differ from the rest in many ways "
               "at once (larger accounts adopt faster and sit in other segments). Time to value is observed "
               "inside the same first year. What a size band costs to serve is not in the data: weigh the "
               "starting-ARR rows against it for a minimum deal size.")
    top = ranked.head(10)
    st.plotly_chart(insight_charts.drivers_chart(top, "NRR a year after start: the ten groups with the largest "
                                                      "ARR impact, against the rest"), key="drivers_chart",
                    width="stretch")
    st.subheader("Every group against the rest")
    view.table(frame, {
        "rank": st.column_config.NumberColumn("Rank", format="%d", width="small"),
        "dimension": st.column_config.TextColumn("Dimension"),
        "group": st.column_config.TextColumn("Group", width="large"),
        "accounts": view.count_column("Accounts"),
        "rest_accounts": view.count_column("Rest"),
        "arr_impact": view.change_column("ARR impact", currency),
        "nrr": view.percent_column("NRR"),
        "nrr_low": view.percent_column("NRR low"),
        "nrr_high": view.percent_column("NRR high"),
        "rest_nrr": view.percent_column("Rest NRR"),
        "logo_retention": view.percent_column("Logos kept"),
        "logo_low": view.percent_column("Logos low"),
        "logo_high": view.percent_column("Logos high"),
        "rest_logo_retention": view.percent_column("Rest logos kept"),
        "grr": view.percent_column("GRR"),
        "rest_grr": view.percent_column("Rest GRR"),
    }, key="drivers_table", height=fit_height(len(frame), most=14), download=f"retention-drivers-{as_of}")
    st.caption("Over the accounts whose first revenue month s is 12 or more months before the as-of month, each "
               "over its own year s to s + 12: NRR = MRR at s + 12 ÷ MRR at s, GRR caps each account at its "
               "start, logos kept = share active at s + 12. Low / high: 95 % intervals (Wilson for logos, delta "
               "method for NRR). ARR impact = (group NRR − rest NRR) × the group's starting ARR; groups under "
               f"{rules.min_group} accounts (or with a rest that small) are listed without a rank.")
