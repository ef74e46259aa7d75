"""The account review in a real browser: a decision recorded in review mode is
on disk, and is still shown after the server restarts and the page reloads."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nrr_core import Filters, db, metrics, review
from nrr_core.cli import write_demo
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]


def test_a_decision_recorded_in_review_mode_survives_a_restart_and_reload(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    book = tmp_path / "nrr.duckdb"
    write_demo(book)
    con = db.connect_read_only(book)
    board = review.board(con, Filters(), metrics.book_info(con).as_of_month)
    con.close()
    account = board.queue()[0]
    review_url = f"/review?view=Review&review={account}"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        with running_app(book, tmp_path / "first.log", ROOT) as app:
            page.goto(app.url + "/")
            wait_for_app(page)
            page.goto(app.url + review_url)
            wait_for_app(page)
            assert page.get_by_role("heading", name=board.row(account)["name"]).count() == 1
            name = page.get_by_label("Your name")
            name.fill("Ana from CS")
            name.press("Tab")
            wait_for_app(page)
            page.get_by_text("watch", exact=True).click()
            page.get_by_label("Next action").fill("Call the CFO <b>today</b>")
            page.get_by_text("Go to the next account after recording").click()  # untick: stay here
            page.get_by_role("button", name="Record decision").click()
            wait_for_app(page)
            assert page.get_by_text(f"Decision recorded for {account} by Ana from CS.").count() == 1
            assert page.get_by_text("Latest decision: watch").count() == 1
        rows = sqlite3.connect(tmp_path / "decisions.sqlite").execute(
            "SELECT account_id, status, next_action, recorded_by FROM decisions").fetchall()
        assert rows == [(account, "watch", "Call the CFO <b>today</b>", "Ana from CS")]

        with running_app(book, tmp_path / "second.log", ROOT) as app:  # a restart
            page.goto(app.url + "/")
            wait_for_app(page)
            page.goto(app.url + review_url)
            wait_for_app(page)
            page.reload()
            wait_for_app(page)
            latest = page.get_by_text("Latest decision: watch")
            assert latest.count() == 1
            assert "next: Call the CFO <b>today</b>" in latest.inner_text()  # shown as typed, not as HTML
            assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
