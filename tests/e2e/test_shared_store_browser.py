"""Two app servers, one truth: two Streamlit servers on different ports share
one PostgreSQL decisions store, so a decision recorded through one is shown by
the other, and the other way round."""
from __future__ import annotations

from pathlib import Path

import pytest

from nrr_core import Filters, db, metrics, review
from nrr_core.cli import write_demo
from nrr_core.review.decisions import DecisionStore
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]


def record(page, status: str, who: str, action: str) -> None:
    """Record a decision with ``status`` on the review page that is open, staying on the account."""
    name = page.get_by_label("Your name")
    name.fill(who)
    name.press("Tab")
    wait_for_app(page)
    page.get_by_text(status, exact=True).click()
    page.get_by_label("Next action").fill(action)
    page.get_by_text("Go to the next account after recording").click()  # untick: stay here
    page.get_by_role("button", name="Record decision").click()
    # Wait for the answer, not for quiet: the rerun may not have started yet.
    page.get_by_text(f"by {who}.").first.wait_for(timeout=60_000)
    wait_for_app(page)


def test_a_decision_recorded_on_one_app_server_shows_on_the_other(tmp_path, monkeypatch, postgres_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    url = postgres_server.new_database()
    monkeypatch.setenv("NRR_DECISIONS", url)  # both servers inherit it, and PGPASSWORD
    book = tmp_path / "nrr.duckdb"
    write_demo(book, n_accounts=400, n_months=24)  # a small book: two servers compute it at once
    con = db.connect_read_only(book)
    board = review.board(con, Filters(), metrics.book_info(con).as_of_month)
    con.close()
    account = board.queue()[0]
    review_url = f"/review?view=Review&review={account}"
    with sync_api.sync_playwright() as pw, \
            running_app(book, tmp_path / "one.log", ROOT) as one, running_app(book, tmp_path / "two.log", ROOT) as two:
        assert one.url != two.url
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        first = browser.new_page(viewport={"width": 1366, "height": 900})
        second = browser.new_page(viewport={"width": 1366, "height": 900})
        for page, app in ((first, one), (second, two)):
            page.goto(app.url + "/")  # as a person arrives: the front page, then the account
            wait_for_app(page, timeout_ms=90_000)  # a first run computes the book's figures
            page.goto(app.url + review_url)
            wait_for_app(page, timeout_ms=90_000)
            assert page.get_by_text("Latest decision:").count() == 0  # nothing recorded yet

        record(first, "watch", "Ana on server one", "Call the CFO")
        assert first.get_by_text(f"Decision recorded for {account} by Ana on server one.").count() == 1
        second.reload()
        wait_for_app(second)
        latest = second.get_by_text("Latest decision: watch")
        assert latest.count() == 1 and "next: Call the CFO" in latest.inner_text()

        record(second, "healthy", "Bo on server two", "Send the renewal")
        first.reload()
        wait_for_app(first)
        assert first.get_by_text("Latest decision: healthy").count() == 1
        for page in (first, second):
            assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
    every = DecisionStore(url).every()
    assert every[["account_id", "status", "recorded_by"]].values.tolist() == [
        [account, "watch", "Ana on server one"], [account, "healthy", "Bo on server two"]]
