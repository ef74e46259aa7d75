"""The loader refuses bad input files with a message naming the file, the line
and the problem, and never damages the database it was asked to replace.

Every refusal test loads over a copy of a good book and then checks that the
copy is byte-identical, still opens, reports the same figures, and that no
``*.tmp-*`` file is left in its folder. Line numbers are physical lines of the
file (the header is line 1), so the bad files are written as exact bytes.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nrr_core import Filters, InputError, NrrError, db, metrics
from nrr_core.load import load_book

from .conftest import write_csv

ACCOUNTS_HEADER = "account_id,name,segment,region\n"
MRR_HEADER = "account_id,product,month,mrr\n"
GOOD_ACCOUNTS = ACCOUNTS_HEADER + "A1,Alpha Ltd,SMB,NA\nA2,Beta GmbH,Enterprise,EMEA\nA3,Gamma KK,SMB,APAC\n"
GOOD_MRR = MRR_HEADER + (
    "A1,Core,2024-01,100\nA2,Core,2024-01,200\n"
    "A1,Core,2024-02,120\nA2,Core,2024-02,200\nA2,Analytics,2024-02,50\nA3,Core,2024-02,30\n"
    "A1,Core,2024-03,0\nA2,Core,2024-03,150\nA2,Analytics,2024-03,50\nA3,Core,2024-03,30\n"
)


# --------------------------------------------------------------------------- helpers

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _movements(path: Path) -> pd.DataFrame:
    con = db.connect_read_only(path)
    try:
        return metrics.movements(con)
    finally:
        con.close()


@dataclass
class Book:
    """A good book at ``path`` plus what it looked like before any bad load."""

    path: Path
    folder: Path
    sha256: str
    movements: pd.DataFrame
    accounts: Path  # the good accounts.csv, for pairing with a bad mrr.csv
    mrr: Path  # the good mrr.csv, for pairing with a bad accounts.csv

    def assert_untouched(self) -> None:
        assert self.path.is_file(), "the previous database is gone"
        assert _sha256(self.path) == self.sha256, "the previous database was changed"
        pd.testing.assert_frame_equal(_movements(self.path), self.movements)
        assert not list(self.folder.glob("*.tmp-*")), "a temporary database file was left behind"
        assert not list(self.folder.glob("*.wal")), "a write-ahead log was left behind"


@pytest.fixture(scope="module")
def good_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("good")
    accounts = folder / "accounts.csv"
    mrr = folder / "mrr.csv"
    accounts.write_text(GOOD_ACCOUNTS, encoding="utf-8")
    mrr.write_text(GOOD_MRR, encoding="utf-8")
    path = folder / "book.duckdb"
    load_book(path, accounts=accounts, mrr=mrr)
    return path, _sha256(path), _movements(path)


@pytest.fixture
def book(good_book, tmp_path) -> Book:
    """A fresh copy of the good book in this test's own folder."""
    master, sha, moves = good_book
    path = tmp_path / "book.duckdb"
    shutil.copyfile(master, path)
    assert _sha256(path) == sha
    accounts = tmp_path / "good_accounts.csv"
    mrr = tmp_path / "good_mrr.csv"
    accounts.write_text(GOOD_ACCOUNTS, encoding="utf-8")
    mrr.write_text(GOOD_MRR, encoding="utf-8")
    return Book(path, tmp_path, sha, moves.copy(), accounts, mrr)


def _write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _refused(book: Book, *, accounts: Path | None = None, mrr: Path | None = None,
             file: str, line: int | None, words: tuple[str, ...] = (), **kwargs) -> str:
    """Load over ``book`` and check the refusal; return the message.

    ``line=None`` means the message must not claim a data line.
    """
    if "subscriptions" in kwargs:  # another revenue input: only the files given
        call = dict(kwargs, **({"accounts": accounts} if accounts else {}))
    else:
        call = dict(accounts=accounts or book.accounts, mrr=mrr or book.mrr, **kwargs)
    with pytest.raises(NrrError) as caught:
        load_book(book.path, **call)
    message = str(caught.value)
    assert "\n" not in message, message
    assert file in message, f"the message does not name {file}: {message}"
    if line is None:
        assert not re.search(r"\bline \d", message), f"no line applies here: {message}"
    else:
        assert re.search(rf"\bline {line}\b", message), f"expected line {line}: {message}"
        assert not re.search(rf"\bline (?!{line}\b)\d+\b", message), f"another line is named: {message}"
        if isinstance(caught.value, InputError):
            assert caught.value.line == line, message
    for word in words:
        assert word.lower() in message.lower(), f"expected {word!r} in: {message}"
    book.assert_untouched()
    return message


# --------------------------------------------------------------------------- headers and whole files

@pytest.mark.parametrize("role, content, missing", [
    ("accounts", "account_id,name,region\nA1,Alpha Ltd,NA\n", "segment"),
    ("accounts", "name,segment\nAlpha Ltd,SMB\n", "account_id"),
    ("mrr", "account_id,product,month\nA1,Core,2024-01\n", "mrr"),
    ("mrr", "account_id,product,mrr\nA1,Core,10\n", "month"),
])
def test_a_missing_required_column_is_refused_naming_the_column(book, role, content, missing):
    bad = _write(book.folder, f"bad_{role}.csv", content)
    _refused(book, **{role: bad}, file=bad.name, line=1, words=("missing", missing))


def test_a_file_with_none_of_the_expected_columns_is_called_the_wrong_file(book):
    bad = _write(book.folder, "invoices.csv", "invoice_no,date,amount,currency\n17,2024-01-03,99.00,EUR\n")
    _refused(book, mrr=bad, file="invoices.csv", line=1, words=("none of the expected columns", "right file"))


@pytest.mark.parametrize("role", ["accounts", "mrr"])
def test_an_empty_file_of_zero_bytes_is_refused(book, role):
    bad = _write(book.folder, f"empty_{role}.csv", b"")
    _refused(book, **{role: bad}, file=bad.name, line=None, words=("empty",))


@pytest.mark.parametrize("role, header", [("accounts", ACCOUNTS_HEADER), ("mrr", MRR_HEADER)])
def test_a_header_without_rows_is_refused(book, role, header):
    bad = _write(book.folder, f"only_header_{role}.csv", header)
    _refused(book, **{role: bad}, file=bad.name, line=None, words=("no data rows",))


@pytest.mark.parametrize("role", ["accounts", "mrr"])
def test_a_missing_input_file_is_refused(book, role):
    gone = book.folder / f"no_such_{role}.csv"
    _refused(book, **{role: gone}, file=gone.name, line=None, words=("not found",))


# --------------------------------------------------------------------------- encoding

@pytest.mark.parametrize("role, content, line", [
    pytest.param("mrr", MRR_HEADER + "A1,Core,2024-01,10\nA2,Caf\xe9,2024-01,5\n", 3, id="mrr-line-3"),
    pytest.param("accounts", ACCOUNTS_HEADER + "A1,Alpha,SMB,NA\nA2,Caf\xe9,SMB,NA\nA3,Gamma,SMB,NA\n", 3,
                 id="accounts-line-3"),
    pytest.param("mrr", "account_id,product,month,mrr\xe9\nA1,Core,2024-01,10\n", 1, id="in-the-header"),
    pytest.param("mrr", MRR_HEADER + "A1,Core,2024-01,10\n\nA2,Caf\xe9,2024-01,5\n", 4, id="after-a-blank-line"),
    pytest.param("mrr", MRR_HEADER + 'A1,"Core\nplus",2024-01,10\nA2,Caf\xe9,2024-01,5\n', 4,
                 id="after-a-quoted-newline"),
])
def test_non_utf8_bytes_are_refused_with_their_physical_line(book, role, content, line):
    bad = _write(book.folder, f"latin1_{role}.csv", content.encode("latin-1"))
    _refused(book, **{role: bad}, file=bad.name, line=line, words=("UTF-8",))


# --------------------------------------------------------------------------- months

@pytest.mark.parametrize("content, line, shown", [
    pytest.param(MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,2024-13,5\n", 3, "2024-13", id="month-13"),
    pytest.param(MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,Jan 2024,5\n", 3, "Jan 2024", id="month-name"),
    pytest.param(MRR_HEADER + "A1,Core,2024-01,10\n\nA2,Core,2024-13,5\n", 4, "2024-13", id="after-a-blank-line"),
    pytest.param(MRR_HEADER + "A1,Core,2024-01,10\n\n\nA2,Core,2024-01,5\nA2,Core,Jan 2024,5\n", 6, "Jan 2024",
                 id="after-two-blank-lines"),
    pytest.param(MRR_HEADER + 'A1,"Core\nplus",2024-01,10\nA2,Core,2024-13,5\n', 4, "2024-13",
                 id="after-a-quoted-newline"),
    pytest.param(MRR_HEADER + 'A1,"Core\n\nplus",2024-01,10\n\nA2,Core,Jan 2024,5\n', 6, "Jan 2024",
                 id="after-a-quoted-blank-line-and-a-blank-line"),
    pytest.param((MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,2024-13,5\n").replace("\n", "\r\n"), 3, "2024-13",
                 id="crlf-line-endings"),
])
def test_a_bad_month_is_refused_with_its_physical_line(book, content, line, shown):
    bad = _write(book.folder, "mrr_bad_month.csv", content)
    _refused(book, mrr=bad, file=bad.name, line=line, words=("month", shown))


# --------------------------------------------------------------------------- amounts

@pytest.mark.parametrize("value, words", [
    pytest.param("-10", ("negative",), id="negative"),
    pytest.param("abc", ("abc", "not a number"), id="text"),
    pytest.param('"1,000"', ("1,000", "not a number"), id="thousands-separator"),
    pytest.param("nan", ("nan", "finite"), id="nan"),
    pytest.param("inf", ("inf", "finite"), id="inf"),
    pytest.param("-inf", ("finite",), id="minus-inf"),
    pytest.param("", ("blank",), id="blank"),
    pytest.param("   ", ("blank",), id="spaces-only"),
])
def test_a_bad_mrr_value_is_refused_with_its_line(book, value, words):
    bad = _write(book.folder, "mrr_bad_value.csv", MRR_HEADER + f"A1,Core,2024-01,10\nA2,Core,2024-01,{value}\n")
    _refused(book, mrr=bad, file=bad.name, line=3, words=("mrr", *words))


def test_a_negative_mrr_is_refused_with_its_line(book):
    bad = _write(book.folder, "mrr.csv", MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,2024-01,5\nA3,Core,2024-01,-0.01\n")
    _refused(book, mrr=bad, file="mrr.csv", line=4, words=("-0.01", "negative"))


# --------------------------------------------------------------------------- accounts and keys

def test_a_duplicate_account_id_in_accounts_csv_is_refused_at_its_second_row(book):
    bad = _write(book.folder, "accounts_dup.csv",
                 ACCOUNTS_HEADER + "A1,Alpha,SMB,NA\nA2,Beta,SMB,NA\nA1,Alpha again,SMB,NA\n")
    _refused(book, accounts=bad, file=bad.name, line=4, words=("A1", "more than once"))


def test_an_mrr_row_for_an_unknown_account_is_refused(book):
    bad = _write(book.folder, "mrr_unknown.csv", MRR_HEADER + "A1,Core,2024-01,10\nZZ9,Core,2024-01,5\n")
    _refused(book, mrr=bad, file=bad.name, line=3, words=("ZZ9", "not in the accounts file"))


@pytest.mark.parametrize("role, content", [
    ("accounts", ACCOUNTS_HEADER + "A1,Alpha,SMB,NA\n,Nobody,SMB,NA\n"),
    ("accounts", ACCOUNTS_HEADER + "A1,Alpha,SMB,NA\n  ,Nobody,SMB,NA\n"),
    ("mrr", MRR_HEADER + "A1,Core,2024-01,10\n,Core,2024-01,5\n"),
])
def test_a_blank_account_id_is_refused_in_either_file(book, role, content):
    bad = _write(book.folder, f"blank_id_{role}.csv", content)
    _refused(book, **{role: bad}, file=bad.name, line=3, words=("account_id", "blank"))


@pytest.mark.parametrize("content, line", [
    pytest.param(MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,2024-01,5,7\n", 3, id="line-3"),
    pytest.param(MRR_HEADER + "A1,Core,2024-01,10\n\n\nA2,Core,2024-01,5,7\n", 5, id="after-blank-lines"),
    pytest.param(MRR_HEADER + 'A1,"Core\nplus",2024-01,10\nA2,Core,2024-01,5,7\n', 4, id="after-a-quoted-newline"),
])
def test_a_row_with_too_many_fields_is_refused_with_its_physical_line(book, content, line):
    bad = _write(book.folder, "mrr_wide.csv", content)
    _refused(book, mrr=bad, file=bad.name, line=line, words=("fields",))


def test_a_database_in_a_missing_folder_is_refused_and_nothing_is_created(book):
    target = book.folder / "no" / "such" / "folder" / "book.duckdb"
    with pytest.raises(NrrError) as caught:
        load_book(target, accounts=book.accounts, mrr=book.mrr)
    assert "does not exist" in str(caught.value)
    assert not (book.folder / "no").exists()
    book.assert_untouched()


def test_a_database_in_a_read_only_folder_is_refused_with_one_clear_error(book, tmp_path):
    # As root, permission bits do not stop writes; /proc refuses new files for anyone.
    if os.geteuid() == 0:
        target = Path("/proc") / "nrr-test.duckdb"
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        target = locked / "book.duckdb"
    with pytest.raises(NrrError) as caught:
        load_book(target, accounts=book.accounts, mrr=book.mrr)
    assert str(caught.value).startswith("cannot write the database in")
    assert not target.exists()
    book.assert_untouched()


def test_a_failed_load_without_a_previous_database_leaves_no_database_behind(tmp_path):
    accounts = _write(tmp_path, "accounts.csv", GOOD_ACCOUNTS)
    # The bad row is last, so the loader gets as far as validating mrr.csv.
    mrr = _write(tmp_path, "mrr.csv", GOOD_MRR + "A3,Core,2024-04,-1\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError, match=r"mrr\.csv: line 12: .*negative"):
        load_book(tmp_path / "new.duckdb", accounts=accounts, mrr=mrr)
    assert not (tmp_path / "new.duckdb").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_subscription_periods_ending_before_they_start_are_refused_with_their_line(book):
    customers = _write(book.folder, "customers.csv", "customer_id,segment\nC1,SMB\nC2,SMB\n")
    subs = _write(book.folder, "subscriptions.csv",
                  "customer_id,start_date,end_date,monthly_amount\n"
                  "C1,2024-01-01,,100\n"
                  "C2,2024-05-01,2024-03-01,10\n")
    _refused(book, subscriptions=subs, customers=customers, file="subscriptions.csv", line=3,
             words=("end_date", "before", "start_date"))


# --------------------------------------------------------------------------- accepted as documented

def _load(tmp_path, accounts_text, mrr_text, **kwargs):
    accounts = _write(tmp_path, "accounts.csv", accounts_text)
    mrr = _write(tmp_path, "mrr.csv", mrr_text)
    path = tmp_path / "ok.duckdb"
    load_book(path, accounts=accounts, mrr=mrr, **kwargs)
    return db.connect_read_only(path)


def _mrr_by_key(con) -> dict[tuple[str, str, str], float]:
    rows = con.execute("""
        SELECT a.account_id, p.product, month_label(m.month_idx), m.mrr
        FROM mrr m JOIN accounts a USING (account_key) JOIN products p USING (product_key)""").fetchall()
    return {(a, p, m): v for a, p, m, v in rows}


def test_a_utf8_byte_order_mark_at_the_start_of_each_file_is_accepted(tmp_path):
    bom = b"\xef\xbb\xbf"
    con = _load(tmp_path, bom + GOOD_ACCOUNTS.encode(), bom + GOOD_MRR.encode())
    try:
        assert sorted(r[0] for r in con.execute("SELECT account_id FROM accounts").fetchall()) == ["A1", "A2", "A3"]
        assert _mrr_by_key(con)[("A1", "Core", "2024-01")] == 100
    finally:
        con.close()


def test_semicolon_separated_files_are_accepted(tmp_path):
    accounts = "account_id;name;segment\nA1;Alpha, Ltd;SMB\nA2;Beta;Enterprise\n"
    mrr = "account_id;product;month;mrr\nA1;Core;2024-01;10.5\nA2;Core;2024-01;20\nA2;Core;2024-02;25\n"
    con = _load(tmp_path, accounts, mrr)
    try:
        assert con.execute("SELECT name FROM accounts WHERE account_id = 'A1'").fetchone()[0] == "Alpha, Ltd"
        assert _mrr_by_key(con) == {("A1", "Core", "2024-01"): 10.5, ("A2", "Core", "2024-01"): 20,
                                    ("A2", "Core", "2024-02"): 25}
    finally:
        con.close()


def test_quoted_names_with_commas_are_accepted(tmp_path):
    accounts = ACCOUNTS_HEADER + '"A1","Acme, Inc.",SMB,NA\nA2,"Smith, Jones, and ""Partners""",SMB,NA\n'
    con = _load(tmp_path, accounts, MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,2024-01,5\n")
    try:
        names = dict(con.execute("SELECT account_id, name FROM accounts").fetchall())
        assert names == {"A1": "Acme, Inc.", "A2": 'Smith, Jones, and "Partners"'}
    finally:
        con.close()


def test_yyyy_mm_and_yyyy_mm_01_months_mixed_in_one_file_are_summed_per_key(tmp_path):
    mrr = MRR_HEADER + ("A1,Core,2024-01,10\nA1,Core,2024-01-01,2.5\n"
                        "A1,Core,2024-02-01,7\nA2,Core,2024-02,1\nA2,Core,2024-02-01,1\n")
    con = _load(tmp_path, GOOD_ACCOUNTS, mrr)
    try:
        assert _mrr_by_key(con) == {("A1", "Core", "2024-01"): 12.5, ("A1", "Core", "2024-02"): 7,
                                    ("A2", "Core", "2024-02"): 2}
        assert metrics.book_info(con).months() == ["2024-01", "2024-02"]
    finally:
        con.close()


UNTRUSTED_NAMES = [
    '<script>alert("x")</script>',
    '<img src=x onerror=alert(1)> & <b>bold</b>',
    "👩‍💻 Devs 🚀 Ünïcødé",
    "شركة الاختبار للتجارة",
    "חברת בדיקה בע״מ",
    "=SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "+1 plus, -2 minus, @at",
]


def test_untrusted_account_names_are_stored_byte_for_byte_as_plain_text(tmp_path):
    accounts = write_csv(tmp_path / "accounts.csv", ["account_id", "name", "segment"],
                         [[f"N{i}", name, "SMB"] for i, name in enumerate(UNTRUSTED_NAMES)])
    mrr = write_csv(tmp_path / "mrr.csv", ["account_id", "product", "month", "mrr"],
                    [[f"N{i}", "Core", "2024-01", 10] for i in range(len(UNTRUSTED_NAMES))])
    load_book(tmp_path / "ok.duckdb", accounts=accounts, mrr=mrr)
    con = db.connect_read_only(tmp_path / "ok.duckdb")
    try:
        got = dict(con.execute("select account_id, name from accounts order by account_id").fetchall())
    finally:
        con.close()
    for i, name in enumerate(UNTRUSTED_NAMES):
        assert got[f"N{i}"].encode("utf-8") == name.encode("utf-8")


def test_duplicate_account_product_month_rows_are_summed(tmp_path):
    mrr = MRR_HEADER + ("A1,Core,2024-01,10\nA1,Core,2024-01,5\nA1,Analytics,2024-01,1\n"
                        "A1,Core,2024-02,3\nA1,Core,2024-02,3\nA1,Core,2024-02,3\n")
    con = _load(tmp_path, GOOD_ACCOUNTS, mrr)
    try:
        assert _mrr_by_key(con) == {("A1", "Core", "2024-01"): 15, ("A1", "Analytics", "2024-01"): 1,
                                    ("A1", "Core", "2024-02"): 9}
        assert metrics.movements(con).ending_mrr.tolist() == [16, 9]
    finally:
        con.close()


def test_unknown_extra_columns_in_accounts_csv_are_kept_as_filterable_attributes(tmp_path):
    accounts = ("account_id,name,segment,tier,Sales Channel\n"
                "A1,Alpha,SMB,Gold,Partner\nA2,Beta,SMB,Silver,Direct\nA3,Gamma,Enterprise,Gold,Direct\n")
    mrr = MRR_HEADER + "A1,Core,2024-01,10\nA2,Core,2024-01,20\nA3,Core,2024-01,40\nA3,Core,2024-02,45\n"
    con = _load(tmp_path, accounts, mrr)
    try:
        attrs = set(con.execute("""SELECT a.account_id, t.name, t.value
                                   FROM account_attributes t JOIN accounts a USING (account_key)""").fetchall())
        assert ("A1", "tier", "Gold") in attrs and ("A2", "tier", "Silver") in attrs
        gold = metrics.movements(con, Filters(extra=(("tier", ("Gold",)),)))
        assert gold.ending_mrr.tolist() == [50, 45]
        both = metrics.movements(con, Filters(extra=(("tier", ("Gold", "Silver")),)))
        assert both.ending_mrr.tolist() == metrics.movements(con).ending_mrr.tolist()
    finally:
        con.close()


# --------------------------------------------------------------------------- subscriptions

def _load_subscriptions(tmp_path, periods: str, customers: str | None, **kwargs):
    subs = _write(tmp_path, "subscriptions.csv", "customer_id,start_date,end_date,monthly_amount\n" + periods)
    extra = {"customers": _write(tmp_path, "customers.csv", customers)} if customers else {}
    path = tmp_path / "subs.duckdb"
    load_book(path, subscriptions=subs, **extra, **kwargs)
    return db.connect_read_only(path)


def _monthly(con) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for (account, _product, month), value in _mrr_by_key(con).items():
        out[(account, month)] = out.get((account, month), 0) + value
    return out


CUSTOMERS = "customer_id,segment\nC1,SMB\nC2,SMB\nC3,Enterprise\n"
MONTHS_H1 = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


def test_an_open_ended_subscription_runs_through_the_as_of_month(tmp_path):
    con = _load_subscriptions(tmp_path, "C1,2024-01-01,,100\nC2,2024-01-01,2024-03-01,10\n", CUSTOMERS,
                              as_of="2024-06")
    try:
        got = _monthly(con)
        assert [m for (a, m) in sorted(got) if a == "C1"] == MONTHS_H1
        assert all(got[("C1", m)] == 100 for m in MONTHS_H1)
        assert [m for (a, m) in sorted(got) if a == "C2"] == ["2024-01", "2024-02"]
        assert metrics.book_info(con).as_of_month == "2024-06"
        assert metrics.movements(con).month.tolist() == MONTHS_H1
    finally:
        con.close()


def test_overlapping_subscription_periods_of_one_customer_are_summed(tmp_path):
    con = _load_subscriptions(tmp_path, "C1,2024-01-01,2024-05-01,10\nC1,2024-03-01,,5\n", CUSTOMERS,
                              as_of="2024-06")
    try:
        got = _monthly(con)
        assert [got[("C1", m)] for m in MONTHS_H1] == [10, 10, 15, 15, 5, 5]
        assert metrics.movements(con).ending_mrr.tolist() == [10, 10, 15, 15, 5, 5]
    finally:
        con.close()


def test_a_mid_month_start_counts_from_the_next_month(tmp_path):
    # Rule: a period counts in month m when it is in force on m's first day.
    con = _load_subscriptions(tmp_path, "C1,2024-01-01,,100\nC3,2024-03-15,,7\nC2,2024-01-01,2024-04-20,10\n",
                              CUSTOMERS, as_of="2024-06")
    try:
        got = _monthly(con)
        assert [m for (a, m) in sorted(got) if a == "C3"] == ["2024-04", "2024-05", "2024-06"]
        assert ("C3", "2024-03") not in got
        # in force on 2024-04-01, ended on the 20th: April counts, May does not
        assert [m for (a, m) in sorted(got) if a == "C2"] == ["2024-01", "2024-02", "2024-03", "2024-04"]
        moves = metrics.movements(con).set_index("month")
        assert moves.loc["2024-04", "new"] == 7
        assert moves.loc["2024-05", "churn"] == -10
    finally:
        con.close()


def test_a_subscriptions_file_alone_is_accepted_with_accounts_taken_from_its_customers(tmp_path):
    # load_book's docstring: subscriptions "with accounts, customers or neither".
    con = _load_subscriptions(tmp_path, "C1,2024-01-01,,100\nC2,2024-02-01,,10\n", None, as_of="2024-03")
    try:
        assert metrics.movements(con).ending_mrr.tolist() == [100, 110, 110]
        assert sorted(r[0] for r in con.execute("SELECT account_id FROM accounts").fetchall()) == ["C1", "C2"]
    finally:
        con.close()


# --------------------------------------------------------------------------- size

def test_a_million_mrr_rows_load_quickly_and_add_up(tmp_path):
    n_accounts, n_months = 20_000, 50
    ids = np.array([f"A{i:05d}" for i in range(n_accounts)])
    pd.DataFrame({"account_id": ids, "name": np.char.add("Account ", ids),
                  "segment": np.where(np.arange(n_accounts) % 3 == 0, "Enterprise", "SMB")}
                 ).to_csv(tmp_path / "accounts.csv", index=False)
    account = np.repeat(np.arange(n_accounts), n_months)
    month = np.tile(np.arange(n_months), n_accounts)
    labels = np.array([f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(n_months)])
    amount = (account % 97 + 1) * 10 + month
    pd.DataFrame({"account_id": ids[account], "product": "Core", "month": labels[month], "mrr": amount}
                 ).to_csv(tmp_path / "mrr.csv", index=False)
    summary = load_book(tmp_path / "big.duckdb", accounts=tmp_path / "accounts.csv", mrr=tmp_path / "mrr.csv")
    assert (summary.accounts, summary.mrr_rows) == (n_accounts, 1_000_000)
    assert (summary.first_month, summary.as_of_month) == ("2020-01", "2024-02")
    con = db.connect_read_only(tmp_path / "big.duckdb")
    try:
        moves = metrics.movements(con)
    finally:
        con.close()
    assert moves.month.tolist() == list(labels)
    assert moves.ending_mrr.tolist() == pytest.approx(
        [float(amount[month == m].sum()) for m in range(n_months)], abs=1e-6)


# --------------------------------------------------------------------------- invoice lines

LINES_HEADER = "customer_id,product,type,service_period_start,service_period_end,amount,currency,prorated\n"
GOOD_LINE = "C1,Core,subscription,2024-01-01,2024-02-01,100,,\n"


def _refused_lines(book: Book, content, *, name: str = "lines.csv", line: int | None, words: tuple[str, ...],
                   file: str | None = None, **kwargs) -> str:
    """Load invoice lines ``content`` (text or bytes) over ``book`` and check the refusal."""
    lines = _write(book.folder, name, content)
    return _refused(book, subscriptions=None, invoice_lines=[lines], file=file or name, line=line, words=words,
                    **kwargs)


@pytest.mark.parametrize("content, line, words", [
    pytest.param("customer_id,service_period_start,amount\nC1,2024-01-01,10\n", 1,
                 ("missing required column(s): service_period_end",), id="missing-service-period-end"),
    pytest.param("product,service_period_start,service_period_end,amount\nCore,2024-01-01,2024-02-01,10\n", 1,
                 ("missing required column(s): customer_id (or account_id)",), id="missing-customer-id"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-13-01,2024-02-01,10,,\n", 3,
                 ("service_period_start '2024-13-01' is not a date like 2024-07-01",), id="unparseable-start"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,01/02/2024,10,,\n", 3,
                 ("service_period_end '01/02/2024' is not a date like 2024-07-01",), id="unparseable-end"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,,10,,\n", 3,
                 ("service_period_end is blank",), id="blank-end"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-03-01,2024-02-01,10,,\n", 3,
                 ("service_period_end 2024-02-01 is before service_period_start 2024-03-01",), id="end-before-start"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,2024-02-01,12.5O,,\n", 3,
                 ("amount '12.5O' is not a number",), id="unparseable-amount"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,2024-02-01,,,\n", 3,
                 ("amount is blank",), id="blank-amount"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,2024-02-01,nan,,\n", 3,
                 ("amount 'nan' is not a finite number",), id="nan-amount"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscriptoin,2024-01-01,2024-02-01,10,,\n", 3,
                 ("type 'subscriptoin' is not one of subscription, one_time, usage, tax, refund, credit",),
                 id="unknown-type"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,2024-02-01,10,,yes\n", 3,
                 ("prorated 'yes' is not true or false (or blank)",), id="bad-prorated"),
    pytest.param(LINES_HEADER + GOOD_LINE + "C2,Core,subscription,2024-01-01,2024-02-01,-10,,false\n", 3,
                 ("amount -10 is negative on a subscription line",), id="negative-subscription"),
    pytest.param(LINES_HEADER + GOOD_LINE + " ,Core,subscription,2024-01-01,2024-02-01,10,,\n", 3,
                 ("customer_id is blank",), id="blank-customer"),
    pytest.param(LINES_HEADER + GOOD_LINE + "\n\nC2,Core,subscription,2024-13-01,2024-02-01,10,,\n", 5,
                 ("service_period_start '2024-13-01'",), id="after-blank-lines"),
])
def test_a_bad_invoice_line_is_refused_naming_the_file_line_and_problem(book, content, line, words):
    _refused_lines(book, content, line=line, words=words)


def test_an_empty_invoice_lines_file_is_refused(book):
    _refused_lines(book, b"", line=None, words=("the file is empty",))


@pytest.mark.parametrize("content, words", [
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", ("spreadsheet or zip archive", "not a CSV file"),
                 id="xlsx"),
    pytest.param(b"customer_id,amount\x00\x01\x02\n\x00\x00", ("is a binary file, not CSV text",), id="nul-bytes"),
])
def test_a_binary_file_given_as_invoice_lines_is_refused(book, content, words):
    _refused_lines(book, content, name="lines.xlsx", line=None, words=words)


def test_a_currency_without_a_rate_in_the_fx_file_names_the_invoice_file_and_line(book):
    fx = _write(book.folder, "fx.csv", "currency,rate\nEUR,1.1\n")
    msg = _refused_lines(book, LINES_HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,10,EUR,\n"
                                              "C2,Core,subscription,2024-01-01,2024-02-01,10,,\n"
                                              "C3,Core,subscription,2024-01-01,2024-02-01,10,gbp,\n",
                         line=4, words=("currency 'GBP' has no rate in fx.csv",), fx=fx)
    assert msg.startswith("lines.csv: line 4:")


def test_without_fx_a_second_currency_is_refused_at_its_first_line_in_the_second_file(book):
    first = _write(book.folder, "eur.csv", LINES_HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,10,EUR,\n")
    second = _write(book.folder, "usd.csv", LINES_HEADER + "C2,Core,subscription,2024-01-01,2024-02-01,10,,\n"
                                                           "C2,Core,subscription,2024-01-01,2024-02-01,10,eur,\n"
                                                           "C3,Core,subscription,2024-01-01,2024-02-01,10,USD,\n")
    _refused(book, subscriptions=None, invoice_lines=[first, second], file="usd.csv", line=4,
             words=("currency 'USD' differs from 'EUR'", "--fx"))


def test_without_fx_two_currencies_in_one_file_are_refused_at_the_first_line_of_the_second(book):
    _refused_lines(book, LINES_HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,10,,\n"
                                        "C1,Core,subscription,2024-01-01,2024-02-01,10,GBP,\n"
                                        "C2,Core,subscription,2024-01-01,2024-02-01,10,GBP,\n"
                                        "C3,Core,subscription,2024-01-01,2024-02-01,10,EUR,\n",
                   line=5, words=("currency 'EUR' differs from 'GBP'",))


def test_a_bad_line_in_the_second_file_names_the_second_file(book):
    first = _write(book.folder, "jan.csv", LINES_HEADER + GOOD_LINE)
    second = _write(book.folder, "feb.csv", LINES_HEADER + GOOD_LINE + "C1,Core,credit,2024-02-01,2024-0X-01,1,,\n")
    _refused(book, subscriptions=None, invoice_lines=[first, second], file="feb.csv", line=3,
             words=("service_period_end '2024-0X-01'",))


@pytest.mark.parametrize("content, line, words", [
    pytest.param("currency,rate\nEUR,1.1\nGBP,0\n", 3, ("rate '0' is not a number above 0",), id="zero-rate"),
    pytest.param("currency,rate\nEUR,1.1\nGBP,abc\n", 3, ("rate 'abc' is not a number",), id="text-rate"),
    pytest.param("currency,rate\nEUR,1.1\neur,1.2\n", 3, ("currency 'EUR' appears more than once",), id="twice"),
    pytest.param("currency\nEUR\n", 1, ("missing required column(s): rate",), id="no-rate-column"),
])
def test_a_bad_fx_file_is_refused_naming_its_line(book, content, line, words):
    fx = _write(book.folder, "fx.csv", content)
    lines = _write(book.folder, "lines.csv", LINES_HEADER + GOOD_LINE)
    _refused(book, subscriptions=None, invoice_lines=[lines], fx=fx, file="fx.csv", line=line, words=words)


def test_a_bad_as_of_month_is_refused(book):
    _refused_lines(book, LINES_HEADER + GOOD_LINE, file="--as-of", line=None,
                   words=("--as-of '2024-13' is not a month like 2024-07",), as_of="2024-13")


def test_invoice_lines_with_no_full_price_subscription_line_are_refused(book):
    _refused_lines(book, LINES_HEADER + "C1,Core,tax,2024-01-01,2024-02-01,10,,\n"
                                        "C1,Core,subscription,2024-01-05,2024-01-25,10,,\n",
                   line=None, words=("no full-price subscription line covers the first day of a month",))


def test_invoice_lines_and_mrr_csv_together_are_refused(book):
    lines = _write(book.folder, "lines.csv", LINES_HEADER + GOOD_LINE)
    _refused(book, invoice_lines=[lines], file="--invoice-lines", line=None, words=("exactly one revenue input",))


# --------------------------------------------------------------------------- account mappings

CRM_ACCOUNTS = "Company ID,Company,Tier\nC1,Alpha,SMB\n"


def test_a_mapping_naming_a_missing_column_is_refused_at_the_accounts_header(book):
    accounts = _write(book.folder, "crm.csv", CRM_ACCOUNTS)
    _refused_lines(book, LINES_HEADER + GOOD_LINE, accounts=accounts, file="crm.csv", line=1,
                   words=("the mapping gives segment as column 'Segment Tier', which is not in the header",),
                   accounts_map={"account_id": "Company ID", "name": "Company", "segment": "Segment Tier"})


@pytest.mark.parametrize("content, line, words", [
    pytest.param('[accounts]\naccount_id = "Company ID"\nname = Company\n', 3, ("is not a TOML mapping file",),
                 id="unquoted-value"),
    pytest.param('[acounts]\naccount_id = "Company ID"\n', None, ("unknown section [acounts]",), id="unknown-section"),
    pytest.param('account_id = "Company ID"\n', None, ("unknown section [account_id]",), id="no-section"),
    pytest.param('# nothing here\n', None, ("has no [accounts] section",), id="empty"),
    pytest.param('[accounts]\nacount_id = "Company ID"\n', None, ("'acount_id' is not an account column we know",),
                 id="unknown-column"),
    pytest.param('[accounts]\nname = "Company"\nsegment = "company"\n', None,
                 ("name and segment both name the column 'company'",), id="one-header-twice"),
    pytest.param('[accounts]\nname = 3\n', None, ("name must name a column of the accounts file as text",),
                 id="not-text"),
    pytest.param(b'[accounts]\nname = "Caf\xe9"\n', None, ("is not UTF-8 text",), id="latin-1"),
])
def test_a_bad_mapping_file_is_one_error_naming_the_mapping_file(book, content, line, words):
    accounts = _write(book.folder, "crm.csv", CRM_ACCOUNTS)
    mapping = _write(book.folder, "mapping.toml", content)
    _refused_lines(book, LINES_HEADER + GOOD_LINE, accounts=accounts, map_file=mapping, file="mapping.toml",
                   line=line, words=words)


# --------------------------------------------------------------------------- memory

def test_the_load_memory_ceiling_is_600_mb_or_three_times_the_input_at_most_half_the_machine(monkeypatch):
    from nrr_core import load

    monkeypatch.delenv("NRR_LOAD_MEMORY", raising=False)
    monkeypatch.setattr(load, "machine_memory", lambda: 24 * 2**30)
    assert load.load_memory_limit(0) == "600MB"
    assert load.load_memory_limit(200 * 2**20) == "600MB"  # 100,000 accounts' files
    assert load.load_memory_limit(2 * 2**30) == "6144MB"  # a million accounts' files
    assert load.load_memory_limit(20 * 2**30) == "12288MB"
    monkeypatch.setenv("NRR_LOAD_MEMORY", "8GB")
    assert load.load_memory_limit(0) == "8GB"


def test_the_load_memory_ceiling_counts_every_input_file(tmp_path):
    from nrr_core.load import _input_bytes

    a, b = _write(tmp_path, "a.csv", "x" * 10), _write(tmp_path, "b.csv", "y" * 5)
    (tmp_path / "book").mkdir()
    _write(tmp_path / "book", "t.parquet", "z" * 7)
    assert _input_bytes(a, None, [b, a], tmp_path / "book") == 10 + 5 + 10 + 7


def test_a_load_out_of_memory_says_how_to_give_it_more_and_changes_nothing(book, monkeypatch):
    monkeypatch.setenv("NRR_LOAD_MEMORY", "1MB")
    with pytest.raises(NrrError) as err:
        load_book(book.path, accounts=book.accounts, mrr=book.mrr)
    message = str(err.value)
    assert "ran out of memory" in message and "ceiling is 1MB" in message and "NRR_LOAD_MEMORY=8GB" in message
    assert "\n" not in message
    book.assert_untouched()


def test_a_memory_setting_that_is_not_an_amount_is_one_error_and_changes_nothing(book, monkeypatch):
    monkeypatch.setenv("NRR_LOAD_MEMORY", "lots")
    with pytest.raises(NrrError, match="NRR_LOAD_MEMORY='lots' is not an amount of memory like 8GB"):
        load_book(book.path, accounts=book.accounts, mrr=book.mrr)
    book.assert_untouched()
