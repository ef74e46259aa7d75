"""NRR dashboard: the frame. Page config, demo book on first start, sidebar
filters (bound to the URL, shared by every page), navigation.

Every st.Page has a url_path unlike its file name in pages/ (see
docs/engineering-notes.md, "pages/ and AppTest"): tests/test_app_structure.py
keeps it that way.
"""
import logging

import streamlit as st

from nrr_core import NrrError
from ui import data, frame

st.set_page_config(page_title="NRR dashboard", page_icon=":material/trending_up:", layout="wide")

PAGES = [
    st.Page("pages/nrr_overview.py", title="NRR overview", icon=":material/monitoring:",
            url_path="overview", default=True),
    st.Page("pages/churn_expansion.py", title="Churn vs expansion", icon=":material/waterfall_chart:",
            url_path="churn-vs-expansion"),
    st.Page("pages/retention_curves.py", title="Retention curves", icon=":material/ssid_chart:",
            url_path="retention"),
    st.Page("pages/account_list.py", title="Accounts", icon=":material/apartment:", url_path="accounts"),
]

try:
    data.ensure_database()
    frame.draw_sidebar()
except Exception:  # never a traceback on screen; the server log keeps the details
    logging.getLogger("nrr").exception("the dashboard frame failed")
    st.error("The NRR database could not be opened. Check the server log, or reload the data "
             "with `python -m nrr_core load` (see the README).")
    st.stop()

pg = st.navigation(PAGES)
try:
    pg.run()
except NrrError as exc:  # a request the data cannot answer, worded for the user
    st.warning(str(exc))
except Exception:
    logging.getLogger("nrr").exception("page %s failed", pg.title)
    st.error("This view could not be drawn. The details are in the server log.")
