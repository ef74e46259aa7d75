"""Renewals: the selected accounts' renewals per month or quarter with their
ARR, risk, latest decision and expected outcome, the next 90 and 180 days
highlighted, and a drill from a month to its accounts (drawn by
ui/steering/renewals_view.py)."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

from ui.frame import context, page_header
from ui.steering import data as steering_data, renewals_view

ctx = context()
page_header("Renewals", ctx)
renewals_view.draw(steering_data.calendar(ctx.filters, ctx.period.to_month), ctx.currency)
