"""A page never runs without app.py's frame (ui.frame.require_frame).

A page run on its own, as Streamlit's legacy runner does for a URL naming the
file on a fresh server, stops at its first line and shows only a link to the
dashboard's root: no figure, no account, no error. The frame's context of an
earlier run is seeded into the session, so without the guard each page would
draw its figures here. The browser side is tests/e2e/test_page_guard_browser.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nrr_core.cli import write_demo
from ui.auth import VIEWER_KEY
from ui.frame import CONTEXT_KEY

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
DRAWN = ("metric", "plotly_chart", "dataframe", "table", "title", "header", "subheader", "markdown", "caption",
         "exception", "error", "warning", "info", "button", "selectbox", "multiselect", "text_input")


@pytest.fixture(scope="module")
def framed_state(tmp_path_factory):
    """NRR_DB on a demo book, and the session state app.py leaves after one run."""
    path = tmp_path_factory.mktemp("page_guard") / "nrr.duckdb"
    write_demo(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NRR_DB", str(path))
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file("../app.py", default_timeout=60).run()
        assert not at.exception and len(at.metric) == 4  # the frame and its default page drew
        yield {CONTEXT_KEY: at.session_state[CONTEXT_KEY], VIEWER_KEY: at.session_state[VIEWER_KEY]}
        st.cache_data.clear()
        st.cache_resource.clear()


def assert_only_the_link_home(at: AppTest, name: str) -> None:
    for kind in DRAWN:
        assert not at.get(kind), f"{name}: drew {kind}: {[getattr(e, 'value', e) for e in at.get(kind)]}"
    (link,) = at.get("page_link")
    assert link.proto.label == "Open the NRR dashboard"
    assert link.proto.page == ""  # the root, /
    assert not link.proto.external


@pytest.mark.parametrize("page", PAGE_FILES, ids=[p.name for p in PAGE_FILES])
def test_a_page_run_without_the_frame_shows_only_a_link_home(framed_state, page):
    at = AppTest.from_file(f"../pages/{page.name}", default_timeout=60)
    for key, value in framed_state.items():
        at.session_state[key] = value
    at.query_params["account"] = "A00042"  # the accounts page would open this account
    at.run()
    assert_only_the_link_home(at, page.name)


GUARDED = """
import streamlit as st
from ui import frame

runs = st.session_state.get("runs", 0) + 1
st.session_state["runs"] = runs
if runs == 1:  # framed, then a rerun requested from inside the frame
    with frame.running_page():
        frame.require_frame()
        st.metric("inside", 1)
        st.rerun()
elif runs == 2:  # the rerun, without the frame
    frame.require_frame()
    st.metric("outside", 2)
else:  # framed again
    with frame.running_page():
        frame.require_frame()
        st.metric("inside", 3)
"""


def test_only_this_run_counts_as_framed():
    """An earlier run's frame, even one left by st.rerun, never lets a later run through."""
    at = AppTest.from_string(GUARDED, default_timeout=30).run()
    assert at.session_state["runs"] == 2
    assert not at.metric and not at.exception
    assert [link.proto.label for link in at.get("page_link")] == ["Open the NRR dashboard"]
    at.run()
    assert [m.value for m in at.metric] == ["3"]
    assert not at.get("page_link")
