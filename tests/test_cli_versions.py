"""The command line's load history: ``load`` publishes a version, ``history``
prints every publish and rollback as CSV, ``rollback VERSION`` restores one.
Run as a user runs them, in a subprocess; errors are one line on stderr."""
from __future__ import annotations

import csv
import getpass
import hashlib
import io

import pytest

from .conftest import FIXTURE
from .test_cli import _assert_one_line_error, cli

HEADER = "version,published_at,who,action,files,accounts,months,as_of,arr,nrr,grr,kept"
PERIODS, CUSTOMERS = FIXTURE / "subscription_periods.csv", FIXTURE / "customers.csv"


def load(db, *extra):
    done = cli("load", "--db", db, "--subscriptions", PERIODS, "--customers", CUSTOMERS, "--quiet", *extra)
    assert done.returncode == 0, done.stderr
    return done


def history(db) -> list[dict]:
    done = cli("history", "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n", 1)[0] == HEADER
    return list(csv.DictReader(io.StringIO(done.stdout)))


def report(db, kind="retention"):
    done = cli("report", kind, "--db", db)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def two_loads(tmp_path_factory):
    """The fixture loaded in full (version 1, by the OS user), then cut at 2024-06 (version 2, by "bo")."""
    db = tmp_path_factory.mktemp("cli_versions") / "nrr.duckdb"
    load(db)
    full = report(db)
    load(db, "--as-of", "2024-06", "--who", "bo")
    return db, full


def test_loads_appear_in_the_history_with_who_files_and_figures(two_loads):
    db, _ = two_loads
    rows = history(db)
    assert [(r["version"], r["action"], r["who"], r["as_of"], r["kept"]) for r in rows] == [
        ("1", "load", getpass.getuser(), "2024-12", "true"), ("2", "load", "bo", "2024-06", "true")]
    digest = hashlib.sha256(PERIODS.read_bytes()).hexdigest()
    assert f"subscription_periods.csv ({PERIODS.stat().st_size} bytes, sha256 {digest})" in rows[0]["files"]
    assert "customers.csv (" in rows[0]["files"]
    assert rows[0]["accounts"] == "14" and rows[0]["months"] == "24"
    # The headline figures at the as-of month: the retention report's last row.
    last = report(db).strip().splitlines()[-1].split(",")  # version 2 is in force: cut at 2024-06
    assert last[0] == "2024-06" and float(rows[1]["nrr"]) == pytest.approx(float(last[1]))
    assert float(rows[1]["grr"]) == pytest.approx(float(last[2]))


def test_rollback_restores_the_earlier_figures_and_is_recorded(two_loads, tmp_path):
    db, full = two_loads
    done = cli("rollback", "1", "--db", db, "--who", "cy")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr.startswith("restored version 1 into ")
    assert report(db) == full
    rows = history(db)
    assert [(r["version"], r["action"], r["who"]) for r in rows][-1] == ("1", "rollback", "cy")
    assert rows[-1]["files"] == rows[0]["files"]


@pytest.mark.parametrize("args, words", [
    (("rollback", "9"), ("unknown version 9",)),
    (("rollback", "x"), ("invalid int value",)),
])
def test_a_bad_rollback_is_one_error_line_and_changes_nothing(two_loads, args, words):
    db, _ = two_loads
    before, rows = db.read_bytes(), history(db)
    _assert_one_line_error(cli(*args, "--db", db), *words)
    assert db.read_bytes() == before and history(db) == rows


def test_rolling_back_to_a_pruned_version_is_one_error_line(tmp_path):
    db = tmp_path / "nrr.duckdb"
    load(db, "--keep", "1")
    load(db, "--keep", "1", "--as-of", "2024-06")
    assert [r["kept"] for r in history(db)] == ["false", "true"]
    before = db.read_bytes()
    _assert_one_line_error(cli("rollback", "1", "--db", db), "version 1 was pruned")
    assert db.read_bytes() == before


@pytest.mark.parametrize("command", ["history", "rollback"])
def test_without_a_history_history_and_rollback_are_one_error_line(tmp_path, command):
    db = tmp_path / "nrr.duckdb"
    args = ("history",) if command == "history" else ("rollback", "1")
    _assert_one_line_error(cli(*args, "--db", db), "no load history")


def test_a_failed_load_adds_nothing_to_the_history(two_loads, tmp_path):
    db, _ = two_loads
    rows = history(db)
    bad = tmp_path / "periods.csv"
    bad.write_text("customer_id,start_date,end_date,monthly_amount\n1,2023-01-01,,abc\n", encoding="utf-8")
    _assert_one_line_error(cli("load", "--db", db, "--subscriptions", bad, "--customers", CUSTOMERS),
                           "periods.csv", "line 2")
    assert history(db) == rows
    assert not list(db.parent.glob(".*staged*"))
