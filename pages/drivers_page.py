"""What makes customers stick: the customer journey (phases, time to value,
stalls), early adoption against retention, retention drivers, and the
customer's voice. The page picks the section (``?section=``); each is drawn by
its module in ui/drivers/ from the arguments passed here."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from ui import data
from ui.drivers import adoption_view, drivers_view, journey_view, voice_view
from ui.frame import context, page_header

SECTIONS = ["Journey", "Early adoption", "Drivers", "Customer voice"]

ctx = context()
page_header("What makes customers stick", ctx)
f, as_of, cur = ctx.filters, ctx.period.to_month, ctx.currency
rules = data.settings().journey
section = st.segmented_control("Section", SECTIONS, default="Journey", key="section", bind="query-params",
                               required=True, label_visibility="collapsed") or "Journey"
journey_view.rules_table(rules)

if section == "Journey":
    journey_view.draw(f, as_of, rules, cur)
elif section == "Early adoption":
    adoption_view.draw(f, as_of, rules)
elif section == "Drivers":
    drivers_view.draw(f, as_of, rules, cur)
else:
    voice_view.draw(f, ctx.period, data.at_risk_ids(f, as_of))
