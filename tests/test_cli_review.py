"""``python -m nrr_core report board|backtest|retrospective``: the Account review
page's figures from the command line, equal to nrr_core's."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from nrr_core import Filters, metrics, review
from nrr_core.cli import REVIEW_COLUMNS, write_demo
from nrr_core.months import label
from nrr_core.review.decisions import Decision, DecisionStore

from .test_cli import cli


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_review") / "nrr.duckdb"
    write_demo(path, n_accounts=400, n_months=24)
    return path


def rows(done) -> pd.DataFrame:
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)


def test_board_report_lists_both_lists_as_the_page_does(book, con):
    month = metrics.book_info(con).as_of_month
    board = review.board(con, Filters.of(segment="SMB"), month)
    got = rows(cli("report", "board", "--db", book, "--segment", "SMB"))
    assert list(got.columns) == REVIEW_COLUMNS["board"]
    assert list(got.account_id) == list(board.at_risk.account_id) + list(board.expansion.account_id)
    assert set(got.segment) == {"SMB"}
    first = board.at_risk.iloc[0]
    line = got.iloc[0]
    assert (line.list, line.score, line.reasons) == ("at risk", str(first.score), first.reasons)
    assert float(line.arr) == first.arr


def test_board_report_reads_the_decisions_beside_the_database(book, con, tmp_path, store_at):
    month = metrics.book_info(con).as_of_month
    account = review.board(con, Filters(), month).queue()[0]
    store = DecisionStore(store_at("decisions.sqlite"))  # a file, or a postgresql:// URL
    store.record(Decision(account, "watch", "Ana", next_action="=call()"))
    got = rows(cli("report", "board", "--db", book, "--decisions", store.path)).set_index("account_id")
    assert got.loc[account, "decision_status"] == "watch"
    assert got.loc[account, "decision_action"] == "'=call()"  # safe to open in a spreadsheet
    missing = cli("report", "board", "--db", book, "--decisions", tmp_path / "none.sqlite")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr


def test_backtest_report_has_one_row_per_scored_month_equal_to_core(book, con):
    bt = review.backtest(con, Filters(), metrics.book_info(con).as_of_month)
    got = rows(cli("report", "backtest", "--db", book))
    assert list(got.columns) == REVIEW_COLUMNS["backtest"]
    assert list(got.month) == list(bt.monthly.month)
    assert [float(x) for x in got.top_rate] == pytest.approx(list(bt.monthly.top_rate))
    early = cli("report", "backtest", "--db", book, "--month", metrics.book_info(con).first_month)
    assert early.returncode == 2 and "no month to back-test" in early.stderr


def test_retrospective_report_equals_core(book, con):
    info = metrics.book_info(con)
    lo, hi = label(info.as_of_idx - 5), info.as_of_month
    lost, summary = review.retrospective(con, Filters(), lo, hi)
    got = rows(cli("report", "retrospective", "--db", book, "--from", lo, "--to", hi))
    assert list(got.account_id) == list(lost.account_id)
    assert sum(float(x) for x in got.lost_arr) == pytest.approx(summary["lost_arr"])
    assert set(got.flagged_in_review) == {"false"}
    reader = csv.reader(io.StringIO(cli("report", "retrospective", "--db", book, "--from", hi, "--to", lo).stderr))
    assert "error" in next(reader)[0]
