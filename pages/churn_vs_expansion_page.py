"""Churn vs expansion: the window's MRR waterfall and NRR bridge, movements over
time, the split by segment, and the accounts behind any movement."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from nrr_core import charts, formatting, metrics
from nrr_core.filters import ATTRIBUTE_LABELS, ATTRIBUTES
from nrr_core.metrics import MOVEMENT_LABELS, MOVEMENTS
from ui import data, view
from ui.frame import context, page_header

ctx = context()
page_header("Churn vs expansion", ctx)
f, p, cur = ctx.filters, ctx.period, ctx.currency


def pick_movement(chart_key: str, scope: str) -> None:
    """A click on a waterfall bar lists the accounts behind it."""
    points = st.session_state[chart_key]["selection"]["points"]
    steps = [pt.get("customdata", [None])[0] for pt in points if pt.get("customdata")]
    if steps and steps[0] in MOVEMENTS:
        st.session_state["movement"] = steps[0]
        st.session_state["scope"] = scope


waterfall = data.get(metrics.waterfall, f, p.from_month, p.to_month)
values = waterfall.set_index("step").mrr
if (waterfall.mrr == 0).all():
    view.nothing("No revenue for these filters in this window. Clear a filter or pick another period.")
    st.stop()

left, right = st.columns(2)
left.plotly_chart(charts.waterfall_chart(waterfall, f"MRR waterfall · {p.describe()}", cur), key="waterfall",
                  width="stretch", on_select=lambda: pick_movement("waterfall", "all"), selection_mode="points")
left.caption(f"MRR at the end of {view.month_name(p.previous().to_month)}, every movement of "
             f"{p.describe()}, and MRR at the end of {view.month_name(p.to_month)}. Click a bar to list its accounts.")
bridge = data.get(metrics.nrr_bridge, f, p.from_month, p.to_month)
b = bridge.set_index("step").mrr
nrr = data.get(metrics.window_nrr, f, p.from_month, p.to_month)
if nrr is not None:
    right.plotly_chart(charts.waterfall_chart(bridge, f"NRR bridge · existing accounts · {formatting.percent(nrr)} "
                                                      "net retention", cur),
                       key="nrr_bridge", width="stretch", on_select=lambda: pick_movement("nrr_bridge", "existing"),
                       selection_mode="points")
    right.caption(f"Only accounts active before the window (no new logos): ending ÷ starting MRR = "
                  f"{formatting.percent(nrr)}, the window's net revenue retention.")
else:
    with right:
        view.nothing("No accounts were active before this window, so there is no NRR bridge.")

st.subheader("Accounts behind a movement")
c1, c2 = st.columns([2, 1])
movement = c1.selectbox("Movement", list(MOVEMENTS), index=None, key="movement", bind="query-params",
                        format_func=MOVEMENT_LABELS.get, placeholder="Choose a movement or click a bar above")
scope = c2.segmented_control("Accounts", ["all", "existing"], default="all", key="scope", required=True,
                             format_func={"all": "Waterfall (all)", "existing": "NRR bridge (existing)"}.get)
if movement:
    accounts = data.get(metrics.movement_accounts, f, movement, p.from_month, p.to_month, scope == "existing")
    bar = (b if scope == "existing" else values)[movement]
    if accounts.empty:
        view.nothing(f"No {MOVEMENT_LABELS[movement].lower()} in this window.")
    else:
        total = formatting.money(accounts.arr_amount.sum(), cur, precise=True)
        st.caption(f"{len(accounts):,} accounts · total {total} ARR: 12 × the {MOVEMENT_LABELS[movement]} bar's "
                   f"{formatting.money(bar, cur, precise=True)} MRR.")
        view.table(accounts, {
            "name": st.column_config.TextColumn("Account"),
            "account_id": st.column_config.TextColumn("ID"),
            "segment": st.column_config.TextColumn("Segment"),
            "region": st.column_config.TextColumn("Region"),
            "csm_owner": st.column_config.TextColumn("CSM owner"),
            "arr_amount": view.change_column(f"{MOVEMENT_LABELS[movement]} ARR", cur,
                                             help="The account's movement over the window as ARR (12 × MRR)"),
            "months": st.column_config.NumberColumn("Months", help="Months in the window with this movement"),
        }, key="movement_accounts", height=320, download=f"{movement}-accounts-{p.from_month}-to-{p.to_month}")

st.subheader("Churn and contraction against expansion and cross-sell over time")
g1, g2 = st.columns([1, 2])
grain = g1.segmented_control("Bars per", ["month", "quarter"], default="month", key="grain", required=True,
                             format_func=str.capitalize, bind="query-params")
with_new = g2.toggle("Include new logos and reactivations", key="with_new", bind="query-params")
first = ctx.info.months()[1] if len(ctx.info.months()) > 1 else ctx.info.first_month
over_time = data.get(metrics.movements_by, f, grain, first, p.to_month)
title = (f"MRR gained and lost per {grain}, with net new MRR" if with_new else
         f"Existing accounts: MRR lost and expanded per {grain}, with the net")
st.plotly_chart(charts.movements_over_time_chart(over_time, title, cur, include_new=with_new), key="over_time",
                width="stretch")
st.caption(f"Starts after the first month of data ({view.month_name(ctx.info.first_month)}), where every active "
           "account counts as new. Partial quarters at either end cover fewer months.")

st.subheader(f"Side by side · {p.describe()}")
split = st.segmented_control("Split by", list(ATTRIBUTES), default="segment", key="split_by", required=True,
                             format_func=ATTRIBUTE_LABELS.get, bind="query-params")
by_group = data.get(metrics.bridge_by, f, split, p.from_month, p.to_month)
if by_group.empty:
    view.nothing("No group has revenue in this window.")
else:
    st.plotly_chart(charts.segment_bridge_chart(
        by_group, f"Losses and gains by {ATTRIBUTE_LABELS[split].lower()}, as a share of starting MRR", cur),
        key="by_group", width="stretch")
