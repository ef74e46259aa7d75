"""Shared test helpers: building small books from Python data."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nrr_core import db
from nrr_core.load import load_book

FIXTURE = Path(__file__).parent / "fixtures" / "mrr_playbook"


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
