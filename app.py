"""NRR dashboard: the frame. Page config, demo book on first start, sidebar
filters (bound to the URL, shared by every page), navigation.

Every st.Page has a url_path unlike its file name in pages/ (see
docs/engineering-notes.md, "pages/ and AppTest"): tests/test_app_structure.py
keeps it that way.
"""
import time
from pathlib import Path
from unittest.mock import NonCallableMock

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.logger import get_logger
from streamlit.runtime.pages_manager import PagesManager

from nrr_core import NrrError
from ui import auth, data, frame

log = get_logger("nrr")

# A local icon: a Material icon here would make every browser fetch it from Google.
st.set_page_config(page_title="NRR dashboard", page_icon=str(Path(__file__).with_name("ui") / "favicon.png"),
                   layout="wide")

PAGES = [
    st.Page("pages/overview_page.py", title="NRR overview", icon=":material/monitoring:",
            url_path="overview", default=True),
    st.Page("pages/churn_vs_expansion_page.py", title="Churn vs expansion", icon=":material/waterfall_chart:",
            url_path="churn-vs-expansion"),
    st.Page("pages/retention_page.py", title="Retention curves", icon=":material/ssid_chart:",
            url_path="retention"),
    st.Page("pages/accounts_page.py", title="Accounts", icon=":material/apartment:", url_path="accounts"),
    st.Page("pages/review_page.py", title="Account review", icon=":material/fact_check:", url_path="review"),
    st.Page("pages/methodology_page.py", title="Methodology", icon=":material/menu_book:",
            url_path="methodology"),
    st.Page("pages/present_page.py", title="Present", icon=":material/co_present:", url_path="present"),
]

# AppTest recomputes the flag before every run and always runs the legacy runner
# (the url_paths above keep that working), so the fix applies to a real server only.
UNDER_APPTEST = isinstance(Runtime._instance, NonCallableMock)
if PagesManager.uses_pages_directory and not UNDER_APPTEST and "_nrr_started" not in st.session_state:
    # First run after a server start: Streamlit saw pages/ beside app.py and ran
    # this script through its legacy multipage runner, which files URL-bound
    # widgets under the wrong page (the first visitor's filters would vanish on
    # their first page change). st.navigation switches the process to the
    # current runner and resolves the requested page; switching to it with the
    # URL's parameters restarts this run cleanly. Covered on a fresh server by
    # tests/e2e/test_browser.py.
    st.session_state["_nrr_started"] = True
    requested = st.navigation(PAGES)
    st.switch_page(requested, query_params={key: st.query_params.get_all(key) for key in st.query_params})
st.session_state["_nrr_started"] = True

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

pg = st.navigation(PAGES)
started = time.perf_counter()
try:
    pg.run()
except NrrError as exc:  # a request the data cannot answer, worded for the user
    st.warning(str(exc))
except Exception:
    log.exception("page %s failed", pg.url_path or "overview")
    st.error("This view could not be drawn. The details are in the server log.")
finally:
    # Server-side render time of every page run, for operators and the load test.
    log.info("page_time page=%s ms=%.1f", pg.url_path or "overview", (time.perf_counter() - started) * 1e3)
