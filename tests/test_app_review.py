"""The Account review page through AppTest: the board, review mode, recording a
decision, the back-test, roll-ups and the decision log show nrr_core's figures."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, formatting, metrics, review
from nrr_core.decisions import DecisionStore
from nrr_core.cli import write_demo

PAGE = "pages/review_page.py"
CURRENCY = "$"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app_review")
    path = folder / "nrr.duckdb"
    write_demo(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NRR_DB", str(path))
        mp.setenv("NRR_DECISIONS", str(folder / "decisions.sqlite"))
        st.cache_data.clear()
        st.cache_resource.clear()
        yield path
        st.cache_data.clear()
        st.cache_resource.clear()


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


def test_recording_a_decision_stores_it_shows_it_and_moves_on(con, as_of, store):
    queue = review.board(con, Filters(), as_of, store).queue()
    account = queue[3]
    before = len(store.every())
    at = run_page({"view": "Review", "review": account})
    at.text_input(key="reviewer_name").set_value("Ana Review").run()
    at.radio(key="d_status").set_value("at risk")
    at.selectbox(key="d_department").set_value("Product")
    at.text_input(key="d_action").set_value("Ship the SSO fix")
    at.text_input(key="d_owner").set_value("PM team")
    at.text_area(key="d_note").set_value("=HYPERLINK(\"x\") <b>not bold</b>")
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


def test_an_at_risk_decision_without_a_department_is_refused_and_nothing_is_written(con, as_of, store):
    account = review.board(con, Filters(), as_of, store).queue()[0]
    before = len(store.every())
    at = run_page({"view": "Review", "review": account})
    at.text_input(key="reviewer_name").set_value("Bo").run()
    at.radio(key="d_status").set_value("at risk")
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
    factors = at.dataframe[0].value
    assert list(factors.key) == list(bt.factors.key)


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
    assert shown["Surprise churn"] == formatting.percent(summary["surprise_share"])
    assert len(lost) == summary["accounts"] > 0


def test_decision_log_lists_recorded_decisions_with_a_csv_download(store):
    at = run_page({"view": "Decisions"})
    log = store.every()
    if log.empty:
        assert any("No decision recorded yet" in i.value for i in at.info)
    else:
        assert len(at.dataframe[0].value) == len(log)
    assert any(b.proto.label.startswith("Download CSV") for b in at.get("download_button"))


@pytest.mark.parametrize("params", [
    {"view": "<script>alert(1)</script>"},
    {"view": "Review", "review": "<img src=x onerror=alert(1)>"},
    {"view": "Review", "review": "' OR 1=1 --", "segment": "No such segment"},
])
def test_hostile_query_params_do_not_break_the_page(params):
    run_page(params)
