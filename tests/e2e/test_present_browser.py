"""Presentation mode in a real browser: auto-advance moves the slide selector
and the URL's ?slide= with the slide shown (AppTest cannot see the URL), the
filters stay in the URL, and no slide shows the chart toolbar."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from nrr_core.cli import write_demo
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, open_page, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]
SLIDE_SECONDS = 20  # pages/present_page.py: SECONDS
TICK = 2  # pages/present_page.py: TICK


def _slide_in_url(page) -> list[str]:
    return parse_qs(urlsplit(page.url).query).get("slide", [])


def _selected_slide(page) -> str:
    return page.locator(".st-key-slide button[aria-checked='true']").inner_text().strip()


def test_auto_advance_moves_the_selector_and_the_url(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    book = tmp_path / "nrr.duckdb"
    write_demo(book)
    with sync_api.sync_playwright() as pw, running_app(book, tmp_path / "streamlit.log", ROOT) as app:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            # The first session after a server start is special (app.py): one throwaway visit.
            warm = browser.new_page()
            warm.goto(app.url + "/")
            wait_for_app(warm)
            warm.close()
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(app.url + "/?segment=SMB")
            wait_for_app(page)
            open_page(page, "present")
            assert page.locator("h2").filter(has_text="1 / 5").count() == 1
            page.locator(".st-key-auto label").first.click()
            wait_for_app(page)
            assert _selected_slide(page) == "1"
            page.wait_for_timeout((SLIDE_SECONDS + TICK + 1) * 1000)
            wait_for_app(page, settle_ms=200)
            assert page.locator("h2").filter(has_text="2 / 5").count() == 1
            assert _selected_slide(page) == "2"
            assert _slide_in_url(page) == ["2"], page.url
            assert "segment=SMB" in page.url and "auto=true" in page.url
            # No toolbar over a slide, even under the pointer.
            page.locator(".js-plotly-plot").first.hover()
            assert page.locator(".modebar").count() == 0
        finally:
            browser.close()
