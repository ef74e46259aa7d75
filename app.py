"""NRR dashboard: the frame. Page config, sign-in gate, demo book on first
start, sidebar filters (bound to the URL, shared by every page), navigation.

The pages and their URLs are listed in ui/navigation.py, with the one
work-around Streamlit's pages/ folder needs. Pages run only inside this frame
(ui/frame.py, require_frame).
"""
import time
from pathlib import Path

import streamlit as st
from streamlit.logger import get_logger

from nrr_core import NrrError
from ui import auth, data, frame, navigation
from ui.data_page import access as data_access

log = get_logger("nrr")

# A local icon: a Material icon here would make every browser fetch it from Google.
st.set_page_config(page_title="NRR dashboard", page_icon=str(Path(__file__).with_name("ui") / "favicon.png"),
                   layout="wide")

navigation.leave_legacy_runner()  # the first run after a server start (ui/navigation.py)

viewer = auth.require_viewer(data.settings().allowed_domains)  # stops here until signed in, if configured
auth.remember_viewer(viewer)  # the review board records decisions in this name
try:
    data.ensure_database()
    data.pin_snapshot()
    frame.draw_sidebar()
    auth.show_viewer(viewer)
except Exception:  # never a traceback on screen; the server log keeps the details
    log.exception("the dashboard frame failed")
    st.error("The NRR database could not be opened. Check the server log, or reload the data "
             "with `python -m nrr_core load` (see the README).")
    st.stop()

# Every page listed: Streamlit would hide those past the tenth behind "View more" (the Data page among them).
pg = st.navigation(navigation.pages(data_page_visible=data_access.visible(viewer)), expanded=True)
started = time.perf_counter()
try:
    with frame.running_page():
        pg.run()
except NrrError as exc:  # a request the data cannot answer, worded for the user
    st.warning(str(exc))
except Exception:
    log.exception("page %s failed", pg.url_path or "overview")
    st.error("This view could not be drawn. The details are in the server log.")
finally:
    # Server-side render time of every page run, for operators and the load test.
    log.info("page_time page=%s ms=%.1f", pg.url_path or "overview", (time.perf_counter() - started) * 1e3)
