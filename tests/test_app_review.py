"""The Account review page through AppTest: the board, review mode, recording a
decision, the back-test, roll-ups and the decision log show nrr_core's figures."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, formatting, metrics, review
from nrr_core.review.decisions import Decision, DecisionStore
from nrr_core.cli import write_demo
from ui.review.decision_form import field_key
from tests import app_env

PAGE = "pages/review_page.py"
CURRENCY = "$"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app_review")
    path = folder / "nrr.duckdb"
    write_demo(path)
    with app_env.serving(path, decisions=folder / "decisions.sqlite"):
        yield path


@pytest.fixture(scope="module")
def as_of(con):
    return metrics.book_info(con).as_of_month


@pytest.fixture
def store(book):
    return DecisionStore(book.with_name("decisions.sqlite"))


def run_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["Account review"]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("params, filters", [({}, Filters()), ({"segment": "SMB"}, Filters.of(segment="SMB"))])
def test_board_shows_core_lists_and_totals(con, as_of, store, params, filters):
    board = review.board(con, filters, as_of, store)
    at = run_page(params)
    shown = tiles(at)
    assert shown["At-risk accounts"] == f"{len(board.at_risk):,}"
    assert shown["ARR at risk"] == formatting.money(board.at_risk_arr, CURRENCY)
    assert shown["Expansion candidates"] == f"{len(board.expansion):,}"
    risk_table, growth_table = at.dataframe[0].value, at.dataframe[1].value
    assert list(risk_table.account_id) == list(board.at_risk.account_id[:200])
    assert list(growth_table.account_id) == list(board.expansion.account_id[:200])
    assert list(risk_table.score[:5]) == list(board.at_risk.score[:5])
    assert len(board.at_risk) > 10 and len(board.expansion) > 10


def test_review_mode_opens_the_account_from_the_url_and_steps_through_the_board(con, as_of, store):
    board = review.board(con, Filters(), as_of, store)
    queue = board.queue()
    at = run_page({"view": "Review", "review": queue[1]})
    row = board.row(queue[1])
    assert at.subheader[0].value.replace("\\", "") == row["name"]
    assert tiles(at)["Risk score"] == str(row["risk_score"])
    assert tiles(at)["ARR"] == formatting.money(row["arr"], CURRENCY)
    factors = at.dataframe[0].value
    assert factors.points.sum() == row["risk_score"]
    next(b for b in at.button if b.label == "Next").click().run()
    assert at.selectbox(key="review_pick").value == queue[2]
    next(b for b in at.button if b.label == "Previous").click().run()
    next(b for b in at.button if b.label == "Previous").click().run()
    assert at.selectbox(key="review_pick").value == queue[0]
    next(b for b in at.button if b.label == "Previous").click().run()
    assert at.selectbox(key="review_pick").value == queue[-1]  # wraps around


def test_a_link_to_an_account_not_on_the_board_opens_no_other_account_for_a_decision(con, as_of, store):
    board = review.board(con, Filters(), as_of, store)
    outside = next(a for a in metrics.account_list(con, Filters(), as_of).account_id if a not in board.queue())
    at = run_page({"view": "Review", "review": outside})
    assert [w.value for w in at.warning][0].startswith(f"Account {outside} is not on the review board")
    assert not at.subheader and "review_pick" not in [s.key for s in at.selectbox]
    assert not [b for b in at.button if b.label == "Record decision"], "no form to put a decision on"
    assert at.query_params["review"] == outside  # the link is kept, not rewritten to another account
    at.button(key="review_start_first").click().run()
    assert at.selectbox(key="review_pick").value == board.queue()[0]


def test_recording_a_decision_stores_it_shows_it_and_moves_on(con, as_of, store):
    queue = review.board(con, Filters(), as_of, store).queue()
    account = queue[3]
    before = len(store.every())
    at = run_page({"view": "Review", "review": account})
    at.text_input(key="reviewer_name").set_value("Ana Review").run()
    at.radio(key=field_key("status", account)).set_value("at risk")
    at.selectbox(key=field_key("department", account)).set_value("Product")
    at.text_input(key=field_key("action", account)).set_value("Ship the SSO fix")
    at.text_input(key=field_key("owner", account)).set_value("PM team")
    at.text_area(key=field_key("note", account)).set_value("=HYPERLINK(\"x\") <b>not bold</b>")
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert not at.exception and not at.error
    saved = store.every()
    assert len(saved) == before + 1
    last = saved.iloc[-1]
    assert (last.account_id, last.status, last.department, last.next_action, last.recorded_by, last.book_month) == (
        account, "at risk", "Product", "Ship the SSO fix", "Ana Review", as_of)
    assert last.note == "=HYPERLINK(\"x\") <b>not bold</b>"
    assert [s.value for s in at.success] == [f"Decision recorded for {account} by Ana Review."]
    assert at.selectbox(key="review_pick").value == queue[4]  # on to the next account
    # The board now carries the decision.
    at.segmented_control(key="view").set_value("Board").run()
    risk_table = at.dataframe[0].value.set_index("account_id")
    assert risk_table.loc[account, "decision_status"] == "at risk"


def test_a_decision_recorded_in_another_session_shows_on_the_next_rerun(con, as_of, store):
    at = run_page()
    before = int(tiles(at)["Expansion candidates"].replace(",", ""))
    every = review.candidates(con, None, as_of)
    quiet = next(a for a in every.sort_values(["expansion_score", "account_id"]).account_id
                 if a not in review.board(con, Filters(), as_of, store).queue())
    store.record(Decision(quiet, "expansion", "Bo Other"))   # as another session would
    at.run()
    assert int(tiles(at)["Expansion candidates"].replace(",", "")) == before + 1


def test_an_at_risk_decision_without_a_department_is_refused_and_nothing_is_written(con, as_of, store):
    account = review.board(con, Filters(), as_of, store).queue()[0]
    before = len(store.every())
    at = run_page({"view": "Review", "review": account})
    at.text_input(key="reviewer_name").set_value("Bo").run()
    at.radio(key=field_key("status", account)).set_value("at risk")
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert [e.value for e in at.error] == ["an at-risk decision needs the department that owns the risk"]
    assert len(store.every()) == before
    assert at.selectbox(key="review_pick").value == account


def test_score_quality_shows_the_core_backtest(con, as_of):
    bt = review.backtest(con, Filters(), as_of)
    at = run_page({"view": "Score quality"})
    shown = tiles(at)
    assert shown["Lift in the top 10 %"] == f"{bt.summary['lift']:.1f}×"
    assert shown["Top 10 %: lost revenue"] == formatting.percent(bt.summary["top_lost_rate"])
    assert shown["Precision in the top 50"] == formatting.percent(bt.summary["precision_at_k"])
    assert shown["Lost ARR caught"] == formatting.percent(bt.summary["caught_share"])
    factors = at.dataframe[-1].value  # the calibration's two tables come first
    assert list(factors.key) == list(bt.factors.key)


def test_score_quality_shows_the_points_in_force_and_their_out_of_time_proof(con, as_of):
    c = review.calibrate(con, as_of)
    at = run_page({"view": "Score quality"})
    proof, card = at.dataframe[0].value, at.dataframe[1].value
    assert list(proof.columns) == ["figure", *c.comparison.score]
    lift = proof.set_index("figure").loc["Risk: lift in the top 10 %"]
    assert [lift[s] for s in c.comparison.score] == [f"{v:.2f}×" for v in c.comparison.lift]
    assert list(card.points) == list(c.scorecard.factors.points)
    no_lift = card[card.status == "no lift out of time: 0 points"]
    assert len(no_lift) and (no_lift.points == 0).all()
    assert any(c.scorecard.note[:40] in m.value.replace("\\", "") for m in at.markdown)


def test_rollups_show_sponsor_coverage_and_the_retrospective(con, as_of, store):
    from nrr_core.period import Period
    info = metrics.book_info(con)
    period = Period.within(info.first_month, as_of, "quarter")
    _, cover = review.sponsor_coverage(con, Filters(), as_of)
    lost, summary = review.retrospective(con, Filters(), period.from_month, period.to_month, store)
    at = run_page({"view": "Roll-ups"})
    shown = tiles(at)
    assert shown["Accounts making up 80 % of ARR"] == f"{cover['accounts']:,}"
    assert shown["Their share of that ARR"] == formatting.percent(cover["arr_share"])
    assert shown["ARR lost"] == formatting.money(summary["lost_arr"], CURRENCY)
    assert summary["reviews_before_window"] == 0  # every decision of this module is recorded after the window
    assert "Surprise churn" not in shown and "No reviews recorded before this window" in markdown(at)
    assert len(lost) == summary["accounts"] > 0


def test_decision_log_lists_recorded_decisions_with_a_csv_download(store, con, as_of):
    # A decision of its own, so the log is never empty whichever tests ran
    # first: "healthy" on an account on neither list changes no list.
    on_board = set(review.board(con, Filters(), as_of, store).queue())
    account = next(a for a in metrics.account_list(con, Filters(), as_of, "").account_id if a not in on_board)
    store.record(Decision(account, "healthy", "Log test", note="recorded for the decision log"))
    at = run_page({"view": "Decisions"})
    log = store.every()
    assert len(at.dataframe[0].value) == len(log) > 0
    assert any(b.proto.label.startswith("Download CSV") for b in at.get("download_button"))


def test_decision_log_says_so_when_nothing_was_recorded(tmp_path, monkeypatch):
    # Another store is another deployment: the app's cached store is let go.
    monkeypatch.setenv("NRR_DECISIONS", str(tmp_path / "empty.sqlite"))
    app_env.clear_caches()
    try:
        at = run_page({"view": "Decisions"})
    finally:
        app_env.clear_caches()
    assert any("No decision recorded yet" in i.value for i in at.info)
    assert not at.dataframe


@pytest.mark.parametrize("params", [
    {"view": "<script>alert(1)</script>"},
    {"view": "Review", "review": "<img src=x onerror=alert(1)>"},
    {"view": "Review", "review": "' OR 1=1 --", "segment": "No such segment"},
])
def test_hostile_query_params_do_not_break_the_page(params):
    run_page(params)


# ------------------------------------------------ the decision form, account by account

def form_values(at: AppTest) -> dict:
    """What the decision form shows, field by field (found by label, not key)."""
    def one(elements, label):
        return next(e for e in elements if e.label == label).value
    return {"status": one(at.radio, "Status"), "department": one(at.selectbox, "Owning department"),
            "next_action": one(at.text_input, "Next action"), "action_owner": one(at.text_input, "Action owner"),
            "due_date": one(at.date_input, "Due date"),
            "note": next(t for t in at.text_area if t.label.startswith("Note")).value}


def form_ids(at: AppTest) -> set[str]:
    """The element ids of the decision form's fields. A browser keeps what was
    typed into a form, unsent, for as long as a field's id stays the same: a
    field that kept its id from one account to the next would show (and then
    submit) the previous account's draft, whatever the server holds."""
    labels = {"Status", "Owning department", "Next action", "Action owner", "Due date"}
    fields = [*at.radio, *at.selectbox, *at.text_input, *at.date_input, *at.text_area]
    ids = {e.id for e in fields if e.label in labels or e.label.startswith("Note")}
    assert len(ids) == 6
    return ids


def fill_form(at: AppTest, **values) -> None:
    """Type a draft into the decision form (nothing is sent until a button is pressed)."""
    setters = {"status": lambda: next(e for e in at.radio if e.label == "Status"),
               "department": lambda: next(e for e in at.selectbox if e.label == "Owning department"),
               "next_action": lambda: next(e for e in at.text_input if e.label == "Next action"),
               "action_owner": lambda: next(e for e in at.text_input if e.label == "Action owner"),
               "due_date": lambda: next(e for e in at.date_input if e.label == "Due date"),
               "note": lambda: next(t for t in at.text_area if t.label.startswith("Note"))}
    for name, value in values.items():
        setters[name]().set_value(value)


def clean_form(board, account_id: str) -> dict:
    """The form as it must open for ``account_id``: its list's status, nothing else."""
    status = "at risk" if account_id in set(board.at_risk.account_id) else "expansion"
    return {"status": status, "department": None, "next_action": "", "action_owner": "", "due_date": None,
            "note": ""}


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


DRAFT = {"status": "watch", "department": "Support", "next_action": "Draft action for A",
         "action_owner": "Draft owner", "due_date": dt.date.today() + dt.timedelta(days=30),
         "note": "Draft note typed on A"}


def test_a_draft_never_moves_to_the_next_account_and_is_not_recorded_there(con, as_of, store):
    board = review.board(con, Filters(), as_of, store)
    queue = board.queue()
    a, b = queue[10], queue[11]
    before = len(store.every())
    at = run_page({"view": "Review", "review": a})
    at.text_input(key="reviewer_name").set_value("Cy").run()
    drafted_on_a = form_ids(at)
    fill_form(at, **DRAFT)
    click(at, "Next")
    assert at.selectbox(key="review_pick").value == b
    assert form_values(at) == clean_form(board, b)
    assert form_ids(at).isdisjoint(drafted_on_a)
    click(at, "Previous")  # back to A: the draft is gone, not waiting to be recorded
    assert at.selectbox(key="review_pick").value == a
    assert form_values(at) == clean_form(board, a)
    click(at, "Next")
    assert form_values(at) == clean_form(board, b)
    fill_form(at, status="healthy")
    click(at, "Record decision")
    saved = store.every()
    assert len(saved) == before + 1
    last = saved.iloc[-1]
    assert (last.account_id, last.status) == (b, "healthy")
    missing = [c for c in ("department", "next_action", "action_owner", "due_date", "note") if pd.isna(last[c])]
    assert missing == ["department", "next_action", "action_owner", "due_date", "note"]


def test_after_recording_on_one_account_the_next_account_form_is_clean(con, as_of, store):
    board = review.board(con, Filters(), as_of, store)
    queue = board.queue()
    a, b = queue[20], queue[21]
    before = len(store.every())
    at = run_page({"view": "Review", "review": a})
    at.text_input(key="reviewer_name").set_value("Cy").run()
    recorded_on_a = form_ids(at)
    fill_form(at, **DRAFT)
    click(at, "Record decision")
    assert [s.value for s in at.success] == [f"Decision recorded for {a} by Cy."]
    assert at.selectbox(key="review_pick").value == b
    assert form_values(at) == clean_form(board, b)
    assert form_ids(at).isdisjoint(recorded_on_a)
    saved = store.every()
    assert len(saved) == before + 1
    last = saved.iloc[-1]
    assert (last.account_id, last.status, last.department, last.next_action, last.note) == (
        a, "watch", "Support", "Draft action for A", "Draft note typed on A")


def test_a_due_date_in_the_past_is_refused_and_the_draft_is_kept(con, as_of, store):
    # Refused when recording, not dropped by the date input: a picker whose
    # minimum is today turns an earlier typed date into "no due date" unseen.
    account = review.board(con, Filters(), as_of, store).queue()[30]
    today = dt.datetime.now(dt.timezone.utc).date()
    past = today - dt.timedelta(days=21)
    before = len(store.every())
    at = run_page({"view": "Review", "review": account})
    at.text_input(key="reviewer_name").set_value("Cy").run()
    draft = {**DRAFT, "due_date": past}
    fill_form(at, **draft)
    click(at, "Record decision")
    assert [e.value for e in at.error] == [
        f"the due date {past:%Y-%m-%d} is in the past: it must be today ({today:%Y-%m-%d}, UTC) or later"]
    assert len(store.every()) == before
    assert at.selectbox(key="review_pick").value == account
    assert form_values(at) == draft


def test_the_decision_log_shows_minutes_in_utc_and_is_sized_to_its_rows(store, monkeypatch):
    import re
    heights = {}
    original = st.dataframe

    def spy(data=None, *args, **kwargs):
        heights[kwargs.get("key")] = kwargs.get("height")
        return original(data, *args, **kwargs)
    monkeypatch.setattr(st, "dataframe", spy)
    at = run_page({"view": "Decisions"})
    log = store.every()
    assert 0 < len(log) < 15  # the decisions the tests above recorded
    shown = at.dataframe[0]
    assert len(shown.value) == len(log)
    order = list(shown.proto.column_order)
    assert "recorded" in order and "recorded_at" not in order
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", t) for t in shown.value.recorded), \
        shown.value.recorded.tolist()
    newest = log.iloc[-1].recorded_at  # e.g. 2026-12-01T10:40:59+00:00
    assert shown.value.recorded.iloc[0] == f"{newest[:10]} {newest[11:16]} UTC"
    # One header and one row of 35 px each (and the border), no empty rows below the last.
    assert heights["decision_log"] == 35 * (len(log) + 1) + 3


def test_surprise_churn_says_no_reviews_before_the_window_until_one_was_recorded(con, as_of, store):
    import datetime as dt_
    from nrr_core.period import Period
    info = metrics.book_info(con)
    period = Period.within(info.first_month, as_of, "quarter")
    at = run_page({"view": "Roll-ups"})
    assert "Surprise churn" not in tiles(at)
    assert "No reviews recorded before this window" in markdown(at)
    lost, _ = review.retrospective(con, Filters(), period.from_month, period.to_month, store)
    first = dt_.datetime.strptime(period.from_month, "%Y-%m").replace(tzinfo=dt_.timezone.utc)
    store.record(review.Decision(lost.account_id[0], "watch", "Ana"), now=first - dt_.timedelta(days=20))
    _, summary = review.retrospective(con, Filters(), period.from_month, period.to_month, store)
    assert summary["reviews_before_window"] == 1
    at = run_page({"view": "Roll-ups"})
    assert tiles(at)["Surprise churn"] == formatting.percent(summary["surprise_share"])
    assert summary["surprise_share"] < 1  # the account flagged before the window is no surprise
    assert "No reviews recorded before this window" not in markdown(at)


def test_the_board_leads_with_what_the_room_decides_on(con, as_of, store):
    import json
    from nrr_core.review.columns import SCREEN
    board = review.board(con, Filters(), as_of, store)
    at = run_page()
    assert [t.label for t in at.tabs] == [f"At risk ({len(board.at_risk):,})",
                                          f"Expansion candidates ({len(board.expansion):,})"]
    room = ["name", "arr", "score", "renewal_flag", "csm_owner", "decision_status"]
    for table in at.dataframe[:2]:
        assert list(table.proto.column_order) == [c.key for c in SCREEN]
        assert list(table.proto.column_order)[:6] == room
        labels = {key: cfg.get("label") for key, cfg in json.loads(table.proto.columns).items()}
        assert [labels[k] for k in room] == ["Account", "ARR", "Score", "Renews in", "CSM owner", "Latest decision"]
        assert "reasons" not in table.proto.column_order  # the full reasons are in review mode
