"""Data: upload input files, check them (every problem with file, line and
reason), preview the new book against the one in force, publish it; the load
history, and rolling back to a kept version.

Only data owners see this page (ui/data_page/access.py). This page routes;
the views are in ui/data_page/."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from ui import data
from ui.data_page import access, check_view, history_view, upload_view
from ui.frame import context

access.require_owner()  # stops with a refusal unless this viewer may load data

ctx = context()
st.title("Data")
st.caption("Load new files into the dashboard: check them, compare the new book with the one in force, then "
           "publish. Every publish and rollback is kept in the load history below.")
check_view.show_message()
who = access.publisher()
cap_mb = upload_view.effective_cap_mb(data.settings().max_upload_mb)
uploads, too_big = upload_view.draw(cap_mb)
upload_view.show_problems(too_big)
check_view.draw(uploads, blocked=bool(too_big), who=who, currency=ctx.currency)
history_view.draw(who, ctx.currency, ctx.info.load_id)
