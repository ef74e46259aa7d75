"""CSM scorecards: every CSM owner's book for the quarter (or year) of the
sidebar's as-of month, one owner's scorecard, and the retention targets.

This page only picks the view (``?scorecard_view=``); each view is drawn by
its module in ui/steering/ from the arguments passed here."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from ui.frame import context, page_header
from ui.steering import data as steering_data, scorecards_view, targets_view

VIEWS = ["All CSMs", "One CSM", "Targets"]

ctx = context()
page_header("CSM scorecards", ctx)
shown_view = st.segmented_control("View", VIEWS, default="All CSMs", key=scorecards_view.VIEW_KEY,
                                  bind="query-params", required=True, label_visibility="collapsed") or "All CSMs"
period = steering_data.scorecard_period(ctx)
st.caption(f"Period {period}: the {'year' if ctx.period.window == 'year' else 'quarter'} of the sidebar's as-of "
           "month", help="Pick the Year window for a year's scorecard, or an earlier as-of month for an earlier "
                         "period.")

if shown_view == "Targets":
    targets_view.draw(ctx)
else:
    cards = steering_data.scorecards(ctx.filters, period)
    if shown_view == "One CSM":
        scorecards_view.draw_one(cards, ctx.currency)
    else:
        scorecards_view.draw_all(cards, ctx.filters, ctx.currency)
