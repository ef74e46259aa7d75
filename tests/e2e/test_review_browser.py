"""The account review in a real browser: a decision recorded in review mode is
on disk, and is still shown after the server restarts and the page reloads."""
from __future__ import annotations

import datetime as dt
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


def test_a_decision_recorded_in_review_mode_survives_a_restart_and_reload(tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("NRR_DECISIONS", str(tmp_path / "decisions.sqlite"))  # the server's store, read below
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
            # Wait for the answer, not for quiet: the rerun may not have started yet.
            page.get_by_text(f"Decision recorded for {account} by Ana from CS.").wait_for(timeout=60_000)
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


# ------------------------------------------- the decision form never carries a draft

DRAFT = {"status": "watch", "department": "Support", "next_action": "Draft typed for the first account",
         "action_owner": "Draft owner", "due_date": "2027/03/15", "note": "Draft note: renewal call went badly"}
EMPTY_DATE = "yyyy/mm/dd"  # the date field's placeholder segments


def form_state(page) -> dict:
    """What the decision form shows, field by field."""
    form = page.locator("[data-testid='stForm']")
    due = form.locator("[data-testid='stDateInput']").get_by_role("spinbutton")
    return {"status": form.locator("[data-testid='stRadioOption'][data-selected='true']").inner_text().strip(),
            "department": form.get_by_label("Owning department").input_value(),
            "next_action": form.get_by_label("Next action").input_value(),
            "action_owner": form.get_by_label("Action owner").input_value(),
            "due_date": "/".join(segment.inner_text() for segment in due.all()),
            "note": form.locator("textarea").input_value()}


def clean_state(status: str) -> dict:
    return {"status": status, "department": "", "next_action": "", "action_owner": "",
            "due_date": EMPTY_DATE, "note": ""}


def type_date(page, day: str) -> None:
    """Type ``day`` (YYYY/MM/DD) into the form's date field, segment by segment."""
    page.locator("[data-testid='stForm'] [data-testid='stDateInput']").get_by_role("spinbutton").first.click()
    page.keyboard.type(day.replace("/", ""), delay=30)
    page.keyboard.press("Escape")  # close the calendar


def type_draft(page, draft: dict) -> None:
    """Type ``draft`` into the form without sending it."""
    form = page.locator("[data-testid='stForm']")
    form.locator("[data-testid='stRadioOption']").filter(has_text=draft["status"]).click()
    department = form.get_by_label("Owning department")
    department.click()
    department.fill(draft["department"])
    department.press("Enter")
    form.get_by_label("Next action").fill(draft["next_action"])
    form.get_by_label("Action owner").fill(draft["action_owner"])
    type_date(page, draft["due_date"])
    form.locator("textarea").fill(draft["note"])
    form.locator("textarea").press("Tab")
    page.wait_for_timeout(300)
    assert form_state(page) == draft  # typed, not sent


def test_a_draft_never_moves_to_another_account(tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("NRR_DECISIONS", str(tmp_path / "decisions.sqlite"))  # the server's store, read below
    book = tmp_path / "nrr.duckdb"
    write_demo(book)
    con = db.connect_read_only(book)
    board = review.board(con, Filters(), metrics.book_info(con).as_of_month)
    con.close()
    queue = board.queue()
    name = {a: board.row(a)["name"] for a in queue[:12]}
    risk = set(board.at_risk.account_id)
    assert set(queue[:12]) <= risk  # all open with "at risk"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})

        def shows(account):
            # A click's rerun may not have started yet: wait for the account's heading, then for the app.
            page.get_by_role("heading", name=name[account], exact=True).wait_for(timeout=30_000)
            wait_for_app(page)
            assert page.get_by_role("heading", name=name[account], exact=True).count() == 1

        with running_app(book, tmp_path / "app.log", ROOT) as app:
            page.goto(app.url + "/")
            wait_for_app(page)
            a, b = queue[5], queue[6]
            page.goto(app.url + f"/review?view=Review&review={a}")
            shows(a)
            page.get_by_label("Your name").fill("Ana from CS")
            page.get_by_label("Your name").press("Tab")
            wait_for_app(page)
            # A draft on A, then Next: B's form is clean, field by field.
            type_draft(page, DRAFT)
            page.get_by_role("button", name="Next").click()
            shows(b)
            assert form_state(page) == clean_state("at risk")
            # Back to A: the draft is gone, not waiting there.
            page.get_by_role("button", name="Previous").click()
            shows(a)
            assert form_state(page) == clean_state("at risk")
            # On to B again and record there: nothing of A's draft goes with it.
            page.get_by_role("button", name="Next").click()
            shows(b)
            form = page.locator("[data-testid='stForm']")
            form.locator("[data-testid='stRadioOption']").filter(has_text="healthy").click()
            page.get_by_role("button", name="Record decision").click()
            shows(queue[7])
            assert page.get_by_text(f"Decision recorded for {b} by Ana from CS.").count() == 1
            # Record a full draft on C (going on to the next account): D's form is clean.
            c, d = queue[7], queue[8]
            type_draft(page, DRAFT)
            page.get_by_role("button", name="Record decision").click()
            shows(d)
            assert page.get_by_text(f"Decision recorded for {c} by Ana from CS.").count() == 1
            assert form_state(page) == clean_state("at risk")
            # One click on D's untouched form records nothing of C's draft: an
            # at-risk decision without a department is refused, and D stays.
            page.get_by_role("button", name="Record decision").click()
            refused = page.get_by_text("an at-risk decision needs the department that owns the risk")
            refused.wait_for(timeout=30_000)
            shows(d)
            assert refused.count() == 1
            # A due date before today is refused with a message, and D's draft stays as typed.
            today = dt.datetime.now(dt.timezone.utc).date()
            past = today - dt.timedelta(days=21)
            late = {**DRAFT, "due_date": f"{past:%Y/%m/%d}"}
            type_draft(page, late)
            page.get_by_role("button", name="Record decision").click()
            refused = page.get_by_text(f"the due date {past:%Y-%m-%d} is in the past: it must be today "
                                       f"({today:%Y-%m-%d}, UTC) or later")
            refused.wait_for(timeout=30_000)
            shows(d)
            assert refused.count() == 1
            assert form_state(page) == late
            assert page.locator("[data-testid='stException']").count() == 0
        rows = sqlite3.connect(tmp_path / "decisions.sqlite").execute(
            "SELECT account_id, status, department, next_action, action_owner, due_date, note "
            "FROM decisions ORDER BY id").fetchall()
        assert rows == [
            (b, "healthy", None, None, None, None, None),
            (c, "watch", "Support", DRAFT["next_action"], "Draft owner", "2027-03-15", DRAFT["note"]),
        ]
        browser.close()
