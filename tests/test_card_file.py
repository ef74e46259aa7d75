"""The scorecards kept beside the database: another process reads the same
cards instead of calibrating; a file of another load, or one that cannot be
read or written, changes nothing but the time."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from nrr_core import db, review
from nrr_core.metrics import book_info
from nrr_core.review import calibration as cal
from nrr_core.review import card_file
from nrr_core.demo import generate_book
from nrr_core.load import load_book


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cards")
    files = generate_book(folder / "csv", n_accounts=300, n_months=30)
    load_book(folder / "book.duckdb", **files)
    return folder / "book.duckdb"


def _forget():
    cal._CARDS.clear()
    cal._FILES_READ.clear()


def _same(a: review.Scorecard, b: review.Scorecard):
    assert (a.points, a.source, a.note, a.risk_threshold, a.expansion_threshold, a.threshold_note) == \
           (b.points, b.source, b.note, b.risk_threshold, b.expansion_threshold, b.threshold_note)
    pd.testing.assert_frame_equal(a.factors, b.factors, check_dtype=False)


def test_a_card_read_back_from_the_file_is_the_card_calibrated(book, monkeypatch):
    con = db.connect_read_only(book)
    try:
        _forget()
        load_id, month = book_info(con).load_id, book_info(con).as_of_idx
        fresh = cal.scorecard_at(con, load_id, month)
        on_file = card_file.read(con, load_id)
        assert list(on_file) == [month]
        _same(on_file[month], fresh)
        _same(fresh, cal.calibrate(con, month).scorecard)
        # A new process (here: forgotten memory) reads the file and does not calibrate.
        _forget()
        monkeypatch.setattr(cal, "calibrate", lambda *a, **k: pytest.fail("calibrated again"))
        _same(cal.scorecard_at(con, load_id, month), fresh)
    finally:
        con.close()
        card_file.beside(book).unlink(missing_ok=True)


def test_the_board_command_in_a_second_process_reads_the_cards_of_the_first(book):
    path = card_file.beside(book)
    path.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "nrr_core", "report", "board", "--db", str(book)]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert path.is_file() and len(json.loads(path.read_text())["cards"]) == 1
    stamp = path.stat().st_mtime_ns
    second = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert second == first and path.stat().st_mtime_ns == stamp   # read, not written again
    path.unlink()


def test_a_file_of_another_load_or_a_broken_one_is_ignored_and_replaced(book):
    con = db.connect_read_only(book)
    path = card_file.beside(book)
    try:
        load_id, month = book_info(con).load_id, book_info(con).as_of_idx
        for text in ("{not json", json.dumps({"load_id": "another load", "cards": {str(month): {}}}),
                     json.dumps({"load_id": load_id, "cards": {str(month): {"points": "no"}}}), "[]"):
            path.write_text(text)
            _forget()
            assert card_file.read(con, load_id) == {}
            card = cal.scorecard_at(con, load_id, month)   # calibrated, and the file made right
            _same(card_file.read(con, load_id)[month], card)
    finally:
        con.close()
        path.unlink(missing_ok=True)


def test_a_folder_that_cannot_be_written_only_costs_a_calibration(book, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")   # what a read-only folder answers

    monkeypatch.setattr(card_file.tempfile, "mkstemp", refused)
    con = db.connect_read_only(book)
    try:
        _forget()
        info = book_info(con)
        assert cal.scorecard_at(con, info.load_id, info.as_of_idx).points
        assert not card_file.beside(book).exists()
    finally:
        con.close()


def test_a_write_that_fails_leaves_no_temporary_file_and_says_false(book, monkeypatch):
    con = db.connect_read_only(book)
    try:
        info = book_info(con)
        card = review.judgment_scorecard()

        def broken(*args, **kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(card_file.os, "replace", broken)
        assert card_file.write(con, info.load_id, {info.as_of_idx: card}) is False
        assert [p.name for p in book.parent.iterdir() if "scorecards" in p.name] == []
    finally:
        con.close()


def test_the_apps_snapshot_of_a_data_version_shares_the_databases_file(tmp_path):
    assert card_file.beside(tmp_path / ".nrr.duckdb.snap-1234") == tmp_path / "nrr.duckdb.scorecards.json"
    assert card_file.beside(tmp_path / "nrr.duckdb") == tmp_path / "nrr.duckdb.scorecards.json"
    assert card_file.beside(tmp_path / ".hidden.duckdb") == tmp_path / ".hidden.duckdb.scorecards.json"
