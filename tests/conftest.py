"""Shared test helpers: building small books from Python data."""
from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from nrr_core import db, stores
from nrr_core.load import load_book
from tests import postgres

FIXTURE = Path(__file__).parent / "fixtures" / "mrr_playbook"
CHECKOUT = Path(__file__).resolve().parent.parent

# Hypothesis keeps no example database, and none of its caches, in the checkout
# (tests never write there).
hypothesis_settings.register_profile("nrr", database=None)
hypothesis_settings.load_profile("nrr")
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="nrr-hypothesis-"))

# What a test run may leave in the checkout: interpreter and tool caches.
_CACHES = ("__pycache__/", ".pytest_cache/", ".venv/", ".lock-tools/")


def _left_in_checkout() -> set[str] | None:
    """Untracked and ignored paths of the checkout, or None outside a git checkout."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                             cwd=CHECKOUT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    paths = {line[3:] for line in out.stdout.splitlines() if line[:2] in ("??", "!!")}
    return {p for p in paths if not any(c in p or p.startswith(c) for c in _CACHES)}


@pytest.fixture(scope="session", autouse=True)
def _defaults_outside_the_checkout(tmp_path_factory):
    """Point the app's default database, decisions store and settings file at a
    temporary folder for the whole run, so no test (in any order) generates the
    demo book in data/ or reads the checkout's own nrr.toml; then check that the
    run left nothing new in the checkout but caches."""
    home = tmp_path_factory.mktemp("defaults")
    before = _left_in_checkout()
    patch = pytest.MonkeyPatch()
    patch.setenv("NRR_DB", str(home / "nrr.duckdb"))
    patch.setenv("NRR_DECISIONS", str(home / "decisions.sqlite"))
    patch.setenv("NRR_CONFIG", str(home / "nrr.toml"))  # no such file: built-in settings
    yield
    patch.undo()
    after = _left_in_checkout()
    if before is not None and after is not None:
        new = sorted(after - before)
        assert not new, f"the test run wrote into the checkout: {new}"


@pytest.fixture(scope="session")
def postgres_server():
    """The test run's private PostgreSQL server (``tests/postgres.py``), started on
    first use and stopped at the end; its password is in PGPASSWORD for the
    run, so the stores, and app servers started from here, log in as a
    deployment does. A server that cannot start fails the tests that need it,
    unless NRR_TESTS_WITHOUT_POSTGRES=1 opts out."""
    if os.environ.get(postgres.OPT_OUT) == "1":
        pytest.skip(f"{postgres.OPT_OUT}=1: the PostgreSQL store is not tested in this run")
    try:
        server = postgres.start()
    except Exception as exc:
        pytest.fail(f"the test PostgreSQL server did not start ({exc}); `make postgres` installs it, "
                    f"{postgres.OPT_OUT}=1 skips these tests", pytrace=False)
    patch = pytest.MonkeyPatch()
    patch.setenv("PGPASSWORD", server.password)
    try:
        yield server
    finally:
        patch.undo()
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_at(request, tmp_path):
    """``store_at(name)``: where a test's store lives, once per backend: the file
    ``tmp_path / name``, or a new PostgreSQL database of the test server (every
    name of one test gives that same database, as the decisions, churn reasons
    and targets share it)."""
    if request.param == "sqlite":
        return lambda name: tmp_path / name
    url = request.getfixturevalue("postgres_server").new_database()
    return lambda name: url


def run_directly(where, statement: str) -> None:
    """Run ``statement`` on the store at ``where`` with the driver itself, past
    nrr_core (as someone with the file or the login could); the driver's error
    is raised."""
    if stores.is_url(where):
        import psycopg

        with psycopg.connect(where, autocommit=True) as con:
            con.execute(statement)
        return
    con = sqlite3.connect(where)
    try:
        con.execute(statement)
        con.commit()
    finally:
        con.close()


def refused_as_append_only(where, statement: str) -> None:
    """Assert that the store at ``where`` refuses ``statement`` as append-only."""
    import psycopg

    with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="append-only"):
        run_directly(where, statement)


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def make_book(tmp_path):
    """make_book(mrr_rows, accounts=None) -> open read-only connection.

    ``mrr_rows`` are (account_id, product, month, mrr); accounts default to one
    SMB account per id seen, or pass (account_id, segment[, region]) tuples.
    """
    opened = []

    def build(mrr_rows, accounts=None, name="book"):
        ids = sorted({r[0] for r in mrr_rows})
        accounts = accounts or [(i, "SMB") for i in ids]
        acc_rows = [[a[0], f"Account {a[0]}", a[1], a[2] if len(a) > 2 else "NA"] for a in accounts]
        acc = write_csv(tmp_path / f"{name}_accounts.csv", ["account_id", "name", "segment", "region"], acc_rows)
        mrr = write_csv(tmp_path / f"{name}_mrr.csv", ["account_id", "product", "month", "mrr"],
                        [list(r) for r in mrr_rows])
        path = tmp_path / f"{name}.duckdb"
        load_book(path, accounts=acc, mrr=mrr)
        con = db.connect_read_only(path)
        opened.append(con)
        return con

    yield build
    for con in opened:
        con.close()


@pytest.fixture(scope="module")
def con(book):
    """A read-only connection to the ``book`` fixture of the module asking for it."""
    c = db.connect_read_only(book)
    yield c
    c.close()


@pytest.fixture(scope="session")
def fixture_book(tmp_path_factory):
    """The mrr_playbook fixture loaded from its subscriptions file."""
    path = tmp_path_factory.mktemp("fixture") / "fixture.duckdb"
    load_book(path, subscriptions=FIXTURE / "subscription_periods.csv", customers=FIXTURE / "customers.csv")
    con = db.connect_read_only(path)
    yield con
    con.close()


# The files that take minutes run first, so with one file per worker (pytest.ini) the
# run does not end on one worker building Spark books while the others sit idle.
SLOW_FIRST = ("test_spark_book.py", "test_load.py", "test_page_guard_browser.py", "test_review_browser.py",
              "test_shared_store_browser.py", "test_forecast_browser.py", "test_present_browser.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: the rest keep their order
