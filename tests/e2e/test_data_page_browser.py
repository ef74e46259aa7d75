"""The Data page in a real browser: upload accounts.csv and mrr.csv, check the
preview, publish, see the new figures on the overview, then roll back and see
the old ones again. The server runs in open mode with [data_page] open_mode =
true (an nrr.toml in tmp); the book starts as version 1 of the history."""
from __future__ import annotations

from pathlib import Path

import pytest

from nrr_core import formatting, versions
from nrr_core.demo.book import generate_book
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, open_page, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]
ROOT = Path(__file__).resolve().parents[2]


def arr_tile(page) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text="ARR").locator(
        "[data-testid='stMetricValue']").first.inner_text().strip()


def shows(page, text: str, timeout_ms: int = 90_000) -> bool:
    """Wait until ``text`` is on the page and the app is idle (a click's rerun
    may not have started when wait_for_app first looks)."""
    page.get_by_text(text).first.wait_for(timeout=timeout_ms)
    wait_for_app(page)
    return True


def to_overview(page) -> None:
    """The sidebar's first link, in the same session (the overview's URL is the root)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="NRR overview").click()
    wait_for_app(page)
    page.get_by_role("heading", name="NRR overview").wait_for()
    wait_for_app(page)


def test_upload_preview_publish_see_it_on_the_overview_then_roll_back(tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    config = tmp_path / "nrr.toml"
    config.write_text("[data_page]\nopen_mode = true\n", encoding="utf-8")
    monkeypatch.setenv("NRR_CONFIG", str(config))
    monkeypatch.setenv("NRR_DECISIONS", str(tmp_path / "decisions.sqlite"))
    book = tmp_path / "data" / "nrr.duckdb"
    book.parent.mkdir()
    first = versions.publish(versions.stage(book, **generate_book(tmp_path / "old", n_accounts=60, n_months=15)),
                             book, "setup")
    new = generate_book(tmp_path / "new", n_accounts=90, n_months=16, seed=11)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        with running_app(book, tmp_path / "server.log", ROOT) as app:
            page.goto(app.url + "/")
            wait_for_app(page)
            assert arr_tile(page) == formatting.money(first.arr, "$")
            page.locator("[data-testid='stSidebarNav']").wait_for()  # open_page looks for it at once
            open_page(page, "data")
            shows(page, "Load history")
            name = page.get_by_label("Your name (kept in the load history)")
            name.fill("Ana")
            name.press("Tab")
            wait_for_app(page)
            page.locator(".st-key-data_uploads_0 input[type='file']").set_input_files(
                [str(new["accounts"]), str(new["mrr"])])
            shows(page, "What each file is")
            page.get_by_role("button", name="Check", exact=True).click()
            assert shows(page, "The new book against the one in force")
            tiles = page.locator("[data-testid='stMetric']")
            assert tiles.filter(has_text="Accounts").locator("[data-testid='stMetricValue']").inner_text() == "90"
            assert page.get_by_text("Largest differences by account").count() == 1
            assert page.locator("[data-testid='stDataFrame']").count() == 2  # the differences, the load history
            page.get_by_role("button", name="Publish", exact=True).click()
            assert shows(page, "Published version 2")
            published = versions.history(book)[-1]
            assert (published.version, published.who, published.accounts) == (2, "Ana", 90)

            to_overview(page)  # the same session moves to the new book on its next click
            assert arr_tile(page) == formatting.money(published.arr, "$") != formatting.money(first.arr, "$")
            assert page.locator("[data-testid='stSidebar']").get_by_text("90 accounts", exact=False).count() == 1

            page.locator("[data-testid='stSidebarNav']").wait_for()
            open_page(page, "data")
            shows(page, "Roll back to this version")
            page.locator(".st-key-rollback_1").get_by_role("button").click()
            shows(page, "Yes, roll back to version 1")
            assert page.locator("[data-testid='stAlertContentWarning']").filter(has_text="Roll back to version 1").count() == 1
            page.get_by_role("button", name="Yes, roll back to version 1").click()
            assert shows(page, "Version 1 is in force again")
            to_overview(page)
            assert arr_tile(page) == formatting.money(first.arr, "$")
            assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
    assert [(v.version, v.action) for v in versions.history(book)] == [(1, "load"), (2, "load"), (1, "rollback")]


def test_a_stripe_then_a_chargebee_export_load_through_the_page_with_the_cli_figures_then_roll_back(tmp_path,
                                                                                                  monkeypatch):
    """Done-means of the billing import: each export, with an fx file, is
    detected, previewed and published in the browser, and the published book
    has the figures a command-line load of the same files gives."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from nrr_core import db, metrics
    from nrr_core.load import load_book

    billing = ROOT / "tests" / "fixtures" / "billing"
    exports = {"Stripe subscriptions export": billing / "stripe_subscriptions" / "subscriptions.csv",
               "Chargebee subscriptions export": billing / "chargebee_subscriptions" / "Subscriptions.csv"}
    fx = tmp_path / "fx.csv"
    fx.write_text("currency,rate\nUSD,1\nEUR,1.1\nGBP,1.25\n", encoding="utf-8")
    config = tmp_path / "nrr.toml"
    config.write_text("[data_page]\nopen_mode = true\n", encoding="utf-8")
    monkeypatch.setenv("NRR_CONFIG", str(config))
    monkeypatch.setenv("NRR_DECISIONS", str(tmp_path / "decisions.sqlite"))
    book = tmp_path / "data" / "nrr.duckdb"
    book.parent.mkdir()
    versions.publish(versions.stage(book, **generate_book(tmp_path / "old", n_accounts=40, n_months=15)), book,
                     "setup")
    expected = {}
    for title, export in exports.items():  # the command line's book of the same files
        cli_book = tmp_path / f"cli-{export.stem}.duckdb"
        load_book(cli_book, billing=export, fx=fx)
        con = db.connect_read_only(cli_book)
        try:
            expected[title] = metrics.headline(con, None, metrics.book_info(con).as_of_month)
        finally:
            con.close()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        with running_app(book, tmp_path / "server.log", ROOT) as app:
            page.goto(app.url + "/")
            wait_for_app(page)
            page.locator("[data-testid='stSidebarNav']").wait_for()
            for round_no, (title, export) in enumerate(exports.items()):
                open_page(page, "data")
                shows(page, "Load history")
                if round_no == 0:  # the name is kept for the session
                    name = page.get_by_label("Your name (kept in the load history)")
                    name.fill("Ana")
                    name.press("Tab")
                    wait_for_app(page)
                page.locator(f".st-key-data_uploads_{round_no} input[type='file']").set_input_files(
                    [str(export), str(fx)])
                assert shows(page, f"detected: {title}")
                page.get_by_role("button", name="Check", exact=True).click()
                assert shows(page, "The new book against the one in force")
                page.get_by_role("button", name="Publish", exact=True).click()
                assert shows(page, f"Published version {round_no + 2}")
                published = versions.history(book)[-1]
                want = expected[title]
                assert published.arr == pytest.approx(want["arr"])
                assert published.nrr == pytest.approx(want["nrr"]) and published.grr == pytest.approx(want["grr"])
                assert [f.name for f in published.files] == [export.name, "fx.csv"]
                to_overview(page)
                assert arr_tile(page) == formatting.money(want["arr"], "$")
                page.locator("[data-testid='stSidebarNav']").wait_for()
            open_page(page, "data")
            page.locator(".st-key-rollback_2").get_by_role("button").click()
            page.get_by_role("button", name="Yes, roll back to version 2").click()
            assert shows(page, "Version 2 is in force again")
            to_overview(page)
            assert arr_tile(page) == formatting.money(expected["Stripe subscriptions export"]["arr"], "$")
            assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
