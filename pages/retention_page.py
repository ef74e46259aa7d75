"""Retention curves: revenue and logo retention by months since start, one
curve per group, eligible accounts shown; and the cohort triangle."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from nrr_core import charts, metrics, triangle
from nrr_core.filters import ATTRIBUTE_LABELS
from ui import data, view
from ui.frame import context, page_header

ctx = context()
page_header("Retention curves", ctx)
f = ctx.filters

GROUPS = {"segment": "Segment", "quarter": "Start quarter", "region": "Region", "industry": "Industry",
          "csm_owner": "CSM owner"}
MEASURES = {"revenue_retention": "Revenue", "logo_retention": "Logos"}

c1, c2 = st.columns([3, 1])
by = c1.segmented_control("One curve per", list(GROUPS), default="segment", key="curve_by", required=True,
                          format_func=GROUPS.get, bind="query-params")
measure = c2.segmented_control("Retention of", list(MEASURES), default="revenue_retention", key="measure",
                               required=True, format_func=MEASURES.get, bind="query-params")
curves = data.get(metrics.cohorts, f, by)
if curves.empty:
    view.nothing("No accounts with revenue match these filters.")
    st.stop()
what = MEASURES[measure].lower()
st.plotly_chart(charts.retention_curves_chart(
    curves, measure, f"{MEASURES[measure]} retained by months since each account's start, per "
                     f"{GROUPS[by].lower()}"), key="curves", width="stretch")
st.caption("Each point is over the accounts whose start plus that many months is not after the as-of month "
           f"(the eligible accounts, lower panel). Hollow points rest on fewer than 10 accounts: read them with "
           f"care. {MEASURES[measure]} retention can pass 100% when accounts expand or come back.")

st.subheader(f"Cohort triangle: {what} retention by start quarter")
cells = data.get(triangle.cohort_triangle, f, "quarter", measure, 3)
st.plotly_chart(charts.cohort_heatmap(cells, f"{MEASURES[measure]} retained, by start quarter (rows) and months "
                                             "since start (columns, every 3 months)"), key="triangle", width="stretch")
first_cohort = cells.values.index[0]
st.caption(f"The first cohort, {first_cohort}, also holds every account already active in the first month of "
           f"data ({view.month_name(ctx.info.first_month)}): their true start is earlier.")
with st.expander("The numbers behind the curves"):
    view.table(curves, {
        "cohort": st.column_config.TextColumn(GROUPS[by] if by in GROUPS else ATTRIBUTE_LABELS.get(by, by)),
        "months_since_start": st.column_config.NumberColumn("Months since start"),
        "eligible_accounts": st.column_config.NumberColumn("Eligible accounts"),
        "accounts_active": st.column_config.NumberColumn("Active"),
        "starting_mrr": view.money_column("Starting MRR", ctx.currency),
        "mrr": view.money_column("MRR", ctx.currency),
        "revenue_retention": view.percent_column("Revenue retention"),
        "logo_retention": view.percent_column("Logo retention"),
    }, key="curve_numbers", height=360, download=f"retention-by-{by}")
