"""The review decisions store: append-only, survives reloads and restarts, and
loses nothing when many people record at the same moment."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading

import pytest

from nrr_core.review.decisions import Decision, DecisionStore
from nrr_core.errors import NrrError
from nrr_core.load import load_book
from tests.conftest import refused_as_append_only, write_csv


def test_recorded_decisions_come_back_latest_first_per_account(store_at):
    store = DecisionStore(store_at("d.sqlite"))
    assert store.latest().empty and store.version() == 0
    first = store.record(Decision("A1", "at risk", "Ana", department="Product", next_action="Fix export",
                                  action_owner="PM", due_date=dt.date(2026, 12, 15), note="Missing SSO",
                                  book_month="2026-10"),
                         now=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.timezone.utc))
    second = store.record(Decision("A1", "watch", "Bo", department="Customer Success"))
    store.record(Decision("B2", "expansion", "Ana"))
    assert second > first and store.version() == 3
    latest = store.latest().set_index("account_id")
    assert latest.loc["A1", "status"] == "watch" and latest.loc["A1", "reviews"] == 2
    assert latest.loc["B2", "status"] == "expansion"
    history = store.history("A1")
    assert history.status.tolist() == ["watch", "at risk"]
    old = history.iloc[1]
    assert (old.due_date, old.note, old.recorded_at, old.book_month) == (
        "2026-12-15", "Missing SSO", "2026-11-02T09:30:00+00:00", "2026-10")


def test_history_cannot_be_edited_or_deleted(store_at):
    store = DecisionStore(store_at("d.sqlite"))
    store.record(Decision("A1", "healthy", "Ana"))
    refused_as_append_only(store.path, "UPDATE decisions SET status = 'watch'")
    refused_as_append_only(store.path, "DELETE FROM decisions")
    assert store.history("A1").status.tolist() == ["healthy"]


@pytest.mark.parametrize("decision, message", [
    (Decision("A1", "doomed", "Ana"), "status must be one of"),
    (Decision("A1", "watch", "Ana", department="Legal"), "department must be one of"),
    (Decision("A1", "at risk", "Ana"), "needs the department"),
    (Decision("A1", "watch", "   "), "name of who records it"),
    (Decision(" ", "watch", "Ana"), "needs an account"),
    (Decision("A1", "watch", "Ana", note="x" * 4001), "note is longer than 4000"),
    (Decision("A1", "watch", "Ana", next_action="x" * 201), "next action is longer than 200"),
])
def test_a_bad_decision_is_refused_with_a_reason_and_nothing_is_written(store_at, decision, message):
    store = DecisionStore(store_at("d.sqlite"))
    with pytest.raises(NrrError, match=message):
        store.record(decision)
    assert store.every().empty


def test_hostile_text_is_stored_verbatim(store_at):
    store = DecisionStore(store_at("d.sqlite"))
    text = "'); DROP TABLE decisions; -- <script>alert(1)</script> =cmd|' /C calc'!A0 日本"
    store.record(Decision(text, "watch", text, next_action=text, note=text))
    row = store.every().iloc[0]
    assert (row.account_id, row.recorded_by, row.next_action, row.note) == (text, text, text, text)


def test_decisions_survive_a_data_reload_and_a_restart(tmp_path):
    acc = write_csv(tmp_path / "a.csv", ["account_id", "name", "segment"], [["A1", "One", "SMB"]])
    mrr = write_csv(tmp_path / "m.csv", ["account_id", "product", "month", "mrr"], [["A1", "Core", "2025-01", 10]])
    book = tmp_path / "data" / "nrr.duckdb"
    book.parent.mkdir()
    load_book(book, accounts=acc, mrr=mrr)
    store = DecisionStore(tmp_path / "data" / "decisions.sqlite")
    store.record(Decision("A1", "watch", "Ana"))
    load_book(book, accounts=acc, mrr=mrr)  # a reload replaces the book file
    restarted = DecisionStore(tmp_path / "data" / "decisions.sqlite")  # a new process would do this
    assert restarted.every().status.tolist() == ["watch"]


def _record_many(path: str, writer: int, count: int) -> None:
    store = DecisionStore(path)
    for i in range(count):
        store.record(Decision(f"A{i % 7}", "watch", f"writer-{writer}", note=f"{writer}:{i}"))


def test_ten_processes_recording_at_once_lose_nothing(store_at):
    path = str(store_at("d.sqlite"))
    DecisionStore(path).record(Decision("A0", "healthy", "setup"))  # the schema exists before the race
    # Separate processes, each with its own connection. A fork server imports this
    # module once and forks the writers from it: spawning ten fresh interpreters
    # spent half a minute importing, and a plain fork of pytest (with its threads)
    # is not safe.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    start = ctx.Barrier(10)
    # The fork server keeps the environment it started with: hand each writer
    # this test's (PGPASSWORD for the PostgreSQL store).
    procs = [ctx.Process(target=_race, args=(path, w, 20, start, dict(os.environ))) for w in range(10)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 10
    every = DecisionStore(path).every()
    assert len(every) == 1 + 10 * 20
    assert every.id.is_unique
    assert set(every.note.dropna()) == {f"{w}:{i}" for w in range(10) for i in range(20)}


def _race(path, writer, count, barrier, environ):
    os.environ.clear()
    os.environ.update(environ)
    barrier.wait()
    _record_many(path, writer, count)


def test_ten_threads_recording_at_once_lose_nothing(store_at):
    path = str(store_at("d.sqlite"))
    start = threading.Barrier(10)
    errors = []

    def work(writer):
        try:
            start.wait()
            _record_many(path, writer, 20)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(DecisionStore(path).every()) == 200


def test_a_due_date_before_the_day_of_recording_is_refused(store_at):
    store = DecisionStore(store_at("d.sqlite"))
    dec1 = dt.datetime(2026, 12, 1, 10, 40, tzinfo=dt.timezone.utc)
    late = Decision("A1", "watch", "Ana", next_action="Call", due_date=dt.date(2026, 11, 10))
    with pytest.raises(NrrError) as refused:
        store.record(late, now=dec1)
    assert str(refused.value) == ("the due date 2026-11-10 is in the past: it must be today (2026-12-01, UTC) "
                                  "or later")
    assert store.every().empty
    # The day of recording itself is fine, and so is any later day.
    store.record(Decision("A1", "watch", "Ana", due_date=dt.date(2026, 12, 1)), now=dec1)
    store.record(Decision("A1", "watch", "Ana", due_date=dt.date(2027, 1, 4)), now=dec1)
    assert store.history("A1").due_date.tolist() == ["2027-01-04", "2026-12-01"]
    # "Today" is the UTC day: 23:30 in New York on 30 November is already 1 December in UTC.
    new_york = dt.timezone(dt.timedelta(hours=-5))
    with pytest.raises(NrrError, match="must be today"):
        store.record(Decision("A1", "watch", "Ana", due_date=dt.date(2026, 11, 30)),
                     now=dt.datetime(2026, 11, 30, 23, 30, tzinfo=new_york))


def test_checked_takes_the_day_it_is_recorded_or_today_in_utc():
    soon = Decision("A1", "watch", "Ana", due_date=dt.date(2026, 11, 10))
    assert soon.checked(today=dt.date(2026, 11, 10))["due_date"] == "2026-11-10"
    with pytest.raises(NrrError, match="2026-11-10 is in the past"):
        soon.checked(today=dt.date(2026, 11, 11))
    utc_today = dt.datetime.now(dt.timezone.utc).date()
    with pytest.raises(NrrError, match=f"today \\({utc_today.isoformat()}, UTC\\)"):
        Decision("A1", "watch", "Ana", due_date=utc_today - dt.timedelta(days=1)).checked()
    assert Decision("A1", "watch", "Ana", due_date=utc_today).checked()["due_date"] == utc_today.isoformat()


def test_history_shows_when_each_decision_was_recorded_to_the_minute_in_utc(store_at):
    store = DecisionStore(store_at("d.sqlite"))
    paris = dt.timezone(dt.timedelta(hours=1))
    store.record(Decision("A1", "watch", "Ana"), now=dt.datetime(2026, 12, 1, 11, 40, 59, tzinfo=paris))
    row = store.history("A1").iloc[0]
    assert (row.recorded_at, row.recorded) == ("2026-12-01T10:40:59+00:00", "2026-12-01 10:40 UTC")
    assert store.history("nobody").recorded.tolist() == []
