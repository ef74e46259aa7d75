"""The dashboard's pages, and the work-around Streamlit's ``pages/`` folder needs.

One rule names the pages: the script of the page at ``/<url>`` is
``pages/<url with - as _>_page.py`` (``/churn-vs-expansion`` is
``pages/churn_vs_expansion_page.py``); tests/test_app_structure.py keeps it so.
The suffix matters: Streamlit derives a name from each file in ``pages/``
(``review_page``), and a URL equal to that name would make AppTest and a cold
deep link run the page without app.py (docs/engineering-notes.md, "pages/ and
AppTest").

Why a work-around at all: with a ``pages/`` folder beside app.py, Streamlit
runs the first script runs after a server start through its legacy multipage
runner, until some run calls ``st.navigation`` (the switch is process-wide,
``PagesManager.uses_pages_directory``). That runner runs app.py as its main
page, or a file of ``pages/`` on its own when the URL names the file. This
module and its twin, restore_url_state (the frontend can drop the URL-bound
filters during that switch), hold the app's only uses of Streamlit's runtime
internals.
"""
from __future__ import annotations

from pathlib import Path
from unittest.mock import NonCallableMock

import streamlit as st
from streamlit.logger import get_logger
from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_log = get_logger("nrr")
ROOT = Path(__file__).resolve().parent.parent
STARTED_KEY = "_nrr_started"
URL_STATE_KEY = "_nrr_url_state"  # (page script hash, {widget key: value}) of the session's last run


def pages(data_page_visible: bool = False) -> list[st.Page]:
    """Every page of the dashboard, in sidebar order; the first is the default (``/``).

    The Data page is always declared, so its URL resolves, but listed in the
    sidebar only for those who may load data (``data_page_visible``, from
    ui/data_page/access.py); the page itself refuses everyone else.

    Built afresh on every run: ``st.navigation`` marks the page it picks on
    the Page object itself, so sessions (threads) must not share the objects.
    """
    return [
        st.Page("pages/overview_page.py", title="NRR overview", icon=":material/monitoring:",
                url_path="overview", default=True),
        st.Page("pages/churn_vs_expansion_page.py", title="Churn vs expansion", icon=":material/waterfall_chart:",
                url_path="churn-vs-expansion"),
        st.Page("pages/retention_page.py", title="Retention curves", icon=":material/ssid_chart:",
                url_path="retention"),
        st.Page("pages/accounts_page.py", title="Accounts", icon=":material/apartment:", url_path="accounts"),
        st.Page("pages/review_page.py", title="Account review", icon=":material/fact_check:", url_path="review"),
        st.Page("pages/forecast_page.py", title="Forecast", icon=":material/trending_up:", url_path="forecast"),
        st.Page("pages/scorecards_page.py", title="CSM scorecards", icon=":material/leaderboard:",
                url_path="scorecards"),
        st.Page("pages/renewals_page.py", title="Renewals", icon=":material/event_repeat:", url_path="renewals"),
        st.Page("pages/drivers_page.py", title="What makes customers stick", icon=":material/route:",
                url_path="drivers"),
        st.Page("pages/definitions_page.py", title="NRR definitions", icon=":material/compare_arrows:",
                url_path="definitions"),
        st.Page("pages/methodology_page.py", title="Methodology", icon=":material/menu_book:",
                url_path="methodology"),
        st.Page("pages/present_page.py", title="Present", icon=":material/co_present:", url_path="present"),
        st.Page("pages/data_page.py", title="Data", icon=":material/upload_file:", url_path="data",
                visibility="visible" if data_page_visible else "hidden"),
    ]


def leave_legacy_runner() -> None:
    """Call first in app.py: on a session's first run through the legacy
    runner, restart the run under ``st.navigation`` on the requested page,
    with the URL's query parameters. Otherwise return at once.

    The legacy runner files URL-bound widgets under the wrong page, so the
    first visitor's filters would vanish on their first page change. Calling
    ``st.navigation`` switches the process to the current runner and resolves
    the requested page; switching to it restarts this run cleanly. Covered on
    a fresh server by tests/e2e/test_browser.py. Not under AppTest: it resets
    the switch before every run and always runs the legacy runner (the
    url_paths in ``pages()`` keep that working), so this applies to a real
    server only. A cold deep link to a non-default page still shows
    Streamlit's "Page not found" notice, sent before app.py runs (README).
    """
    # AppTest runs scripts under a mock Runtime (its "global.appTest" option
    # reads False inside the script run, so it cannot tell).
    under_apptest = isinstance(Runtime._instance, NonCallableMock)
    if PagesManager.uses_pages_directory and not under_apptest and STARTED_KEY not in st.session_state:
        st.session_state[STARTED_KEY] = True
        # Hidden: a run the sign-in gate stops draws no navigation of its own,
        # so a signed-out first visitor would keep this list of pages.
        requested = st.navigation(pages(), position="hidden")
        st.switch_page(requested, query_params={key: st.query_params.get_all(key) for key in st.query_params})
    st.session_state[STARTED_KEY] = True


def hide_page_files() -> st.Page:
    """For a page refused outside the frame: replace the legacy runner's
    sidebar list of every file with a hidden navigation, and return app.py's
    page (a link to it opens ``/``).

    The hidden list holds app.py and every file of ``pages/`` under the names
    the legacy runner gave them, so the page that was requested is found and
    Streamlit sends no "Page not found" notice. It also moves the process off
    the legacy runner, as app.py would.
    """
    home = st.Page(ROOT / "app.py", title="NRR dashboard", default=True)
    files = sorted(p for p in (ROOT / "pages").glob("*.py") if not p.name.startswith((".", "__")))
    st.navigation([home] + [st.Page(p) for p in files], position="hidden")
    return home


def restore_url_state(keys: tuple[str, ...]) -> None:
    """Call before drawing the URL-bound widgets named by ``keys``: when this
    run changed page but the browser sent none of them, give the widgets back
    the values this session last showed (Streamlit then writes them to the
    URL again).

    Why: in the first session after a server start, Streamlit's frontend can
    lose track of the bound widgets during the legacy-runner switch
    (leave_legacy_runner); its next page change then sends an empty query
    string and no widget values, and the change after that resets every
    filter, so a CS lead's segment silently became "All accounts" two clicks
    later. A healthy page change always carries the bound values (the frontend
    copies them across), so an empty one can only be this. Moving through the
    browser's history is left alone: there the address is the user's choice.
    """
    ctx = get_script_run_ctx()
    last = st.session_state.get(URL_STATE_KEY)
    if ctx is None or last is None or ctx.is_history_navigation:
        return
    last_page, values = last
    if ctx.page_script_hash == last_page or any(key in st.query_params for key in keys):
        return
    for key, value in values.items():
        st.session_state[key] = value
    if values:
        _log.info("url_state_restored keys=%s", ",".join(sorted(values)))


def remember_url_state(values: dict) -> None:
    """Call after drawing the URL-bound widgets: keep what they show for
    restore_url_state (only values that differ from the widget defaults)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        st.session_state[URL_STATE_KEY] = (ctx.page_script_hash, values)
