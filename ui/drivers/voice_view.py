"""The customer's voice: NPS and response rate over time, and the comment feed.

Comments are untrusted text: shown only in table cells (plain text, never
markdown, HTML or links) and searched as plain text."""
from __future__ import annotations

import streamlit as st

from nrr_core import insight
from nrr_core.insight import charts as insight_charts
from nrr_core.months import parse_month, quarter_label
from nrr_core.period import Period

from .. import data, view
from ..review.tables import fit_height

KIND_LABELS = {"detractor": "Detractor", "passive": "Passive", "promoter": "Promoter", "no score": "No score"}


def draw(f, period: Period, at_risk: tuple[str, ...]) -> None:
    trend = data.get(insight.nps_trend, f, "quarter")
    trend = trend[trend.period <= quarter_label(parse_month(period.to_month))]
    st.subheader("NPS and survey response rate by quarter")
    if trend.responses.sum() == 0:
        view.nothing("No survey answers for the selected accounts.")
    else:
        st.plotly_chart(insight_charts.nps_chart(trend, "NPS by segment"), key="nps_chart", width="stretch")
        st.plotly_chart(insight_charts.nps_chart(trend, "Survey response rate by segment", "response_rate"),
                        key="response_chart", width="stretch")
        st.caption("The latest quarter holds only the months up to the as-of month.")
        with st.expander("The numbers behind the chart"):
            view.table(trend.assign(nps_points=trend.nps * 100), {
                "period": st.column_config.TextColumn("Quarter"),
                "segment": st.column_config.TextColumn("Segment"),
                "responses": view.count_column("Answers"),
                "promoters": view.count_column("Promoters"),
                "detractors": view.count_column("Detractors"),
                "nps_points": st.column_config.NumberColumn("NPS (points)", format="%.0f"),
                "response_rate": view.percent_column("Response rate"),
            }, key="nps_table", height=360, download="nps-by-quarter")
            st.caption("NPS = promoters (9–10) % − detractors (0–6) % of the answers with a score, shown from "
                       "−100 to 100. Response rate = answers ÷ active "
                       "account-months.")
    st.subheader(f"What customers say, {period.describe()}")
    search = st.text_input("Search the comments", key="voice_search", max_chars=200,
                           placeholder="a word or phrase, e.g. onboarding")
    feed = data.get(insight.comment_feed, f, period.from_month, period.to_month, search, at_risk)
    if feed.empty:
        view.nothing("No comment matches." if search else "No comments in this window.")
        return
    st.caption(f"{len(feed):,} comment{'' if len(feed) == 1 else 's'}. Detractor comments of accounts on the review board's at-risk list come "
               "first, then other detractors, then the rest; newest first within each.")
    view.table(feed.assign(kind=feed.kind.map(KIND_LABELS)), {
        "month": st.column_config.TextColumn("Month"),
        "name": st.column_config.TextColumn("Account", width="medium"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "score": st.column_config.NumberColumn("Score", format="%d"),
        "kind": st.column_config.TextColumn("Answer"),
        "at_risk": st.column_config.CheckboxColumn("At risk"),
        "comment": st.column_config.TextColumn("Comment", width="large"),
    }, key="voice_feed", height=fit_height(len(feed), most=14), download=f"nps-comments-{period.to_month}")
