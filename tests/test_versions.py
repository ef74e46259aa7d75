"""Versions of the book (nrr_core.versions): stage, preview, publish, history, rollback.

Small hand-computed books: book A has three accounts over 13 months (2025-01
to 2026-01) and book B changes one account, drops one and adds one, so every
figure of the preview and the history can be checked by hand.
"""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from nrr_core import InputError, NrrError, db, metrics, review, versions
from nrr_core.review import card_file
from nrr_core.review.decisions import Decision, DecisionStore

from .conftest import write_csv

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01"]


def inputs(folder, mrr: dict[str, list[float]], name="in"):
    """accounts.csv and mrr.csv in ``folder/name`` from {account: MRR per month of MONTHS}."""
    where = folder / name
    where.mkdir(parents=True, exist_ok=True)
    accounts = write_csv(where / "accounts.csv", ["account_id", "name", "segment"],
                         [[a, f"Account {a}", "SMB"] for a in sorted(mrr)])
    rows = [[a, "Core", m, v] for a, values in sorted(mrr.items()) for m, v in zip(MONTHS, values) if v]
    return {"accounts": accounts, "mrr": write_csv(where / "mrr.csv", ["account_id", "product", "month", "mrr"], rows)}


# Book A at 2026-01: base (active 2025-01) A1 100 + A2 50 + A3 30 = 180; now A1 100, A2 80, A3 0.
BOOK_A = {"A1": [100] * 13, "A2": [50] * 12 + [80], "A3": [30] * 5 + [0] * 8}
# Book B: A1 grows to 120 at the end, A3 is gone from the file, A4 is new.
BOOK_B = {"A1": [100] * 12 + [120], "A2": [50] * 12 + [80], "A4": [0] * 12 + [40]}


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "nrr.duckdb"


def published(book, tmp_path, mrr, who="ana", name="in", **kwargs):
    staged = versions.stage(book, **inputs(tmp_path, mrr, name))
    return versions.publish(staged, book, who, **kwargs)


def figures_of(path):
    con = db.connect_read_only(path)
    try:
        info = metrics.book_info(con)
        return (metrics.movements(con).to_dict("list"), metrics.nrr_trend(con).to_dict("list"), info.load_id)
    finally:
        con.close()


def test_stage_builds_a_staging_file_beside_the_book_and_touches_nothing_in_force(book, tmp_path):
    published(book, tmp_path, BOOK_A)
    before, rows = book.read_bytes(), versions.history(book)
    staged = versions.stage(book, **inputs(tmp_path, BOOK_B, "b"))
    assert staged.path.parent == book.parent and staged.path.is_file()
    assert book.read_bytes() == before
    assert versions.history(book) == rows
    assert (staged.figures.accounts, staged.figures.as_of) == (3, "2026-01")
    staged.discard()
    assert not staged.path.exists()


def test_a_failed_stage_names_file_and_line_and_leaves_the_book_and_history_untouched(book, tmp_path):
    published(book, tmp_path, BOOK_A)
    before, rows = book.read_bytes(), versions.history(book)
    files = inputs(tmp_path, BOOK_B, "bad")
    files["mrr"].write_text("account_id,product,month,mrr\nA1,Core,2025-01,10\nA1,Core,2025-02,ten\n")
    with pytest.raises(InputError) as err:
        versions.stage(book, **files)
    assert str(err.value).startswith("mrr.csv: line 3: ")
    assert book.read_bytes() == before
    assert versions.history(book) == rows
    assert sorted(p.name for p in book.parent.iterdir()) == ["history.sqlite", "nrr.duckdb", "versions"]


def test_stage_passes_every_input_keyword_through_to_the_loader(book, tmp_path):
    staged = versions.stage(book, as_of="2025-12", **inputs(tmp_path, BOOK_A))
    assert staged.figures.as_of == "2025-12"
    staged.discard()
    with pytest.raises(TypeError, match="not_a_loader_input"):
        versions.stage(book, not_a_loader_input=1, **inputs(tmp_path, BOOK_A))
    assert not list(book.parent.glob(".*staged*"))


def test_the_preview_compares_headline_figures_and_lists_the_largest_account_differences(book, tmp_path):
    published(book, tmp_path, BOOK_A)
    staged = versions.stage(book, **inputs(tmp_path, BOOK_B, "b"))
    p = versions.preview(book, staged)
    cur, new = p.current, p.staged
    assert (cur.first_month, cur.as_of, cur.months, cur.accounts, cur.active_accounts) == ("2025-01", "2026-01", 13, 3, 2)
    assert cur.arr == 180 * 12
    assert cur.nrr == pytest.approx(180 / 180) and cur.grr == pytest.approx(150 / 180)
    assert cur.logo_retention == pytest.approx(2 / 3)
    # B: base A1 100 + A2 50 = 150; now 120 + 80 (+ A4 40, new: not in NRR); GRR (100 + 50) / 150.
    assert new.arr == 240 * 12 and new.accounts == 3 and new.active_accounts == 3
    assert new.nrr == pytest.approx(200 / 150) and new.grr == pytest.approx(1.0)
    diffs = p.differences.set_index("account_id")
    assert list(diffs.index) == ["A4", "A1", "A3"]  # +480, +240, then A3 (0 in A at 2026-01, absent in B)
    assert diffs.loc["A4", "presence"] == "only in the new book" and diffs.loc["A4", "arr_change"] == 480
    assert diffs.loc["A1", "arr_current"] == 1200 and diffs.loc["A1", "arr_new"] == 1440
    assert diffs.loc["A3", "presence"] == "only in the current book"
    # The same figures as the app's headline tiles on the published book.
    con = db.connect_read_only(book)
    head = metrics.headline(con, None, "2026-01")
    con.close()
    assert (head["arr"], head["nrr"], head["grr"]) == pytest.approx((cur.arr, cur.nrr, cur.grr))


def test_before_the_first_publish_the_preview_compares_with_nothing(book, tmp_path):
    staged = versions.stage(book, **inputs(tmp_path, BOOK_A))
    p = versions.preview(book, staged)
    assert p.current is None
    assert set(p.differences.presence) == {"only in the new book"}
    assert not book.exists()


def test_publish_replaces_the_book_keeps_a_copy_and_records_files_figures_and_who(book, tmp_path):
    files = inputs(tmp_path, BOOK_A)
    staged = versions.stage(book, **files)
    staged_bytes = staged.path.read_bytes()
    v = versions.publish(staged, book, "ana@example.com")
    assert book.read_bytes() == staged_bytes and not staged.path.exists()
    assert versions.version_file(book, 1).read_bytes() == staged_bytes
    assert (v.version, v.action, v.who, v.kept, v.live) == (1, "load", "ana@example.com", True, True)
    assert [(f.name, f.size, f.sha256) for f in v.files] == [
        (p.name, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files.values()]
    assert (v.accounts, v.months, v.as_of, v.arr) == (3, 13, "2026-01", 2160)
    assert v.nrr == pytest.approx(1.0) and v.grr == pytest.approx(150 / 180)
    assert versions.history(book) == [v]
    with pytest.raises(NrrError, match="already published or discarded"):
        versions.publish(staged, book, "ana@example.com")
    assert len(versions.history(book)) == 1


def test_rollback_restores_the_exact_figures_and_the_app_sees_a_new_data_version(book, tmp_path):
    published(book, tmp_path, BOOK_A)
    first = figures_of(book)
    first_version = db.data_version(book)
    published(book, tmp_path, BOOK_B, name="b")
    assert figures_of(book) != first
    second_version = db.data_version(book)
    back = versions.rollback(book, 1, "bo")
    assert figures_of(book) == first  # every movement and retention figure, and the load id
    assert db.data_version(book) not in (first_version, second_version)
    assert (back.version, back.action, back.who, back.live) == (1, "rollback", "bo", True)
    assert back.files == versions.history(book)[0].files
    assert [(r.version, r.action, r.live) for r in versions.history(book)] == [
        (1, "load", False), (2, "load", False), (1, "rollback", True)]
    assert versions.version_file(book, 1).is_file()  # the kept copy stays kept


def test_publish_keeps_the_newest_versions_and_marks_older_ones_pruned(book, tmp_path):
    for i, mrr in enumerate([BOOK_A, BOOK_B, BOOK_A]):
        published(book, tmp_path, mrr, name=f"in{i}", keep=2)
        if i == 0:   # version 1 was opened, so its scorecards file exists: pruning takes it too
            con = db.connect_read_only(versions.version_file(book, 1))
            info = metrics.book_info(con)
            assert card_file.write(con, info.load_id, {info.as_of_idx: review.judgment_scorecard()})
            con.close()
            assert card_file.beside(versions.version_file(book, 1)).is_file()
    rows = versions.history(book)
    assert [(r.version, r.kept) for r in rows] == [(1, False), (2, True), (3, True)]
    assert sorted(p.name for p in versions.versions_dir(book).iterdir()) == ["v0002.duckdb", "v0003.duckdb"]
    with pytest.raises(NrrError, match="version 1 was pruned"):
        versions.rollback(book, 1, "bo")
    assert len(versions.history(book)) == 3


def test_rollback_refuses_an_unknown_version_and_a_book_without_history(book, tmp_path):
    with pytest.raises(NrrError, match="no load history"):
        versions.rollback(book, 1, "bo")
    published(book, tmp_path, BOOK_A)
    before = book.read_bytes()
    with pytest.raises(NrrError, match="unknown version 7"):
        versions.rollback(book, 7, "bo")
    assert book.read_bytes() == before and len(versions.history(book)) == 1


def test_publish_and_rollback_need_to_know_who(book, tmp_path):
    staged = versions.stage(book, **inputs(tmp_path, BOOK_A))
    with pytest.raises(NrrError, match="say who publishes"):
        versions.publish(staged, book, "  ")
    assert staged.exists and not book.exists() and versions.history(book) == []


@pytest.mark.parametrize("statement", [
    "UPDATE history SET who = 'mallory'",
    "UPDATE history SET arr = 0, pruned = 1",
    "DELETE FROM history",
    "UPDATE history SET pruned = 0",
])
def test_the_history_file_refuses_edits_and_deletions(book, tmp_path, statement):
    published(book, tmp_path, BOOK_A)
    published(book, tmp_path, BOOK_B, name="b", keep=1)  # version 1 is now pruned
    before = versions.history(book)
    con = sqlite3.connect(versions.history_path(book))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(statement)
    finally:
        con.close()
    assert versions.history(book) == before


def test_marking_a_version_pruned_is_the_one_change_the_history_allows(book, tmp_path):
    published(book, tmp_path, BOOK_A)
    con = sqlite3.connect(versions.history_path(book))
    con.execute("UPDATE history SET pruned = 1 WHERE version = 1")
    con.commit()
    con.close()
    assert [r.kept for r in versions.history(book)] == [False]


def test_loads_and_rollbacks_never_touch_the_review_decisions(book, tmp_path):
    store = DecisionStore(book.with_name("decisions.sqlite"))
    store.record(Decision(account_id="A1", status="healthy", recorded_by="ana"))
    before = store.path.read_bytes(), store.path.stat().st_mtime_ns
    published(book, tmp_path, BOOK_A)
    published(book, tmp_path, BOOK_B, name="b")
    versions.rollback(book, 1, "bo")
    assert (store.path.read_bytes(), store.path.stat().st_mtime_ns) == before
    assert list(store.every().account_id) == ["A1"]
