"""The forecast in a real browser: a forecast call recorded in the account
review moves the Forecast page's forward NRR by what nrr_core computes for
the decisions store with that call (issue 13)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nrr_core import Filters, db, forecast, formatting, metrics, review
from nrr_core.cli import write_demo
from nrr_core.review.decisions import DecisionStore
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]
# The first forecast in a server calibrates the scorecard of every past month: slow on a busy machine.
SLOW_MS = 240_000


def forward_nrr(page) -> str:
    """The value of the Forecast page's "Forward NRR by …" tile."""
    tile = page.locator("[data-testid='stMetric']").filter(has_text="Forward NRR by")
    return tile.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_a_lost_call_on_a_large_account_moves_the_forward_nrr_by_the_forecasts_amount(tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    store_path = tmp_path / "decisions.sqlite"
    monkeypatch.setenv("NRR_DECISIONS", str(store_path))  # the server's store, read below
    book = tmp_path / "nrr.duckdb"
    write_demo(book)
    con = db.connect_read_only(book)
    try:
        board = review.board(con, Filters(), metrics.book_info(con).as_of_month)
        account = board.queue()[0]  # the largest at-risk account
        before = forecast.forecast(con).table.nrr_base.iloc[-1]
    finally:
        con.close()
    with sync_api.sync_playwright() as pw, running_app(book, tmp_path / "app.log", ROOT) as app:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(app.url + "/")
            wait_for_app(page, timeout_ms=SLOW_MS)
            page.goto(app.url + "/forecast")
            wait_for_app(page, timeout_ms=SLOW_MS)
            assert forward_nrr(page) == formatting.percent(before)

            page.goto(app.url + f"/review?view=Review&review={account}")
            wait_for_app(page, timeout_ms=SLOW_MS)
            assert page.get_by_role("heading", name=board.row(account)["name"]).count() == 1
            page.get_by_label("Your name").fill("Ana from CS")
            page.get_by_label("Your name").press("Tab")
            wait_for_app(page, timeout_ms=SLOW_MS)
            form = page.locator("[data-testid='stForm']")
            form.locator("[data-testid='stRadioOption']").filter(has_text="at risk").click()
            for label, value in (("Owning department", "Customer Success"),
                                 ("Forecast call on the renewal", "lost")):
                box = form.get_by_role("combobox", name=label)
                box.click()
                box.fill(value)
                box.press("Enter")
            page.get_by_text("Go to the next account after recording").click()  # untick: stay here
            page.get_by_role("button", name="Record decision").click()
            # Wait for the answer, not for quiet: the rerun may not have started yet.
            page.get_by_text(f"Decision recorded for {account} by Ana from CS.").wait_for(timeout=SLOW_MS)
            wait_for_app(page, timeout_ms=SLOW_MS)
            assert page.get_by_text(f"Decision recorded for {account} by Ana from CS.").count() == 1

            store = DecisionStore(store_path)
            assert store.every().forecast_call.tolist() == ["lost"]
            con = db.connect_read_only(book)
            try:
                after = forecast.forecast(con, None, Filters(), forecast.HORIZON, store).table.nrr_base.iloc[-1]
            finally:
                con.close()
            # A lost call takes the account's whole MRR out at its renewal: the forecast must fall.
            assert formatting.percent(after) != formatting.percent(before) and after < before
            page.goto(app.url + "/forecast")
            wait_for_app(page, timeout_ms=SLOW_MS)
            assert forward_nrr(page) == formatting.percent(after)
        finally:
            browser.close()
