"""The read path: hardened connections, bound values, snapshots across reloads."""
import duckdb
import pytest

from nrr_core import Filters, db, metrics
from nrr_core.load import load_book

from .conftest import write_csv


def _book(tmp_path, path, mrr_value):
    acc = write_csv(tmp_path / "a.csv", ["account_id", "name", "segment"], [["a", "A", "SMB"]])
    mrr = write_csv(tmp_path / "m.csv", ["account_id", "product", "month", "mrr"],
                    [["a", "Core", "2024-01", mrr_value], ["a", "Core", "2024-02", mrr_value]])
    load_book(path, accounts=acc, mrr=mrr)


def test_the_read_connection_cannot_read_other_files_or_write(tmp_path):
    path = tmp_path / "book.duckdb"
    _book(tmp_path, path, 10)
    con = db.connect_read_only(path)
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()
    with pytest.raises(duckdb.Error):
        con.execute("DELETE FROM accounts")
    con.close()


def test_filter_values_are_bound_never_spliced_into_sql(make_book):
    con = make_book([("a", "Core", "2024-01", 10)])
    hostile = Filters.of(segment=["x' OR 1=1 --", "'); DROP TABLE accounts; --"])
    assert metrics.movements(con, hostile).ending_mrr.sum() == 0
    assert metrics.movements(con).ending_mrr.sum() == 10


def test_snapshots_follow_a_reload_and_keep_old_readers_consistent(tmp_path):
    path = tmp_path / "live.duckdb"
    _book(tmp_path, path, 10)
    snaps = db.Snapshots(path)
    v1, old = snaps.get()
    assert metrics.movements(old).ending_mrr.tolist() == [10, 10]
    _book(tmp_path, path, 25)
    v2, new = snaps.get()
    assert v2 != v1
    assert metrics.movements(new).ending_mrr.tolist() == [25, 25]
    assert metrics.movements(old).ending_mrr.tolist() == [10, 10]  # a reader mid-way keeps its snapshot
    assert snaps.get()[1] is new
    links = list(tmp_path.glob(".live.duckdb.snap-*"))
    assert len(links) == 1  # the old link is gone; open handles keep the old data alive
    snaps.close()


def test_a_missing_or_foreign_database_is_one_clear_error(tmp_path):
    with pytest.raises(Exception, match="no database at"):
        db.connect_read_only(tmp_path / "nope.duckdb")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(Exception, match="not a readable NRR database"):
        db.connect_read_only(junk)


def test_query_files_split_from_many_threads_at_once_give_each_its_own_statements():
    # One parser serves the process (opening one per file cost 30-60 ms each); it is shared
    # by the app's threads, so the files are split under a lock.
    from concurrent.futures import ThreadPoolExecutor

    expected = {}
    scratch = duckdb.connect()
    for path in sorted(db.SQL_DIR.rglob("*.sql")):
        name = str(path.relative_to(db.SQL_DIR).with_suffix(""))
        try:
            expected[name] = tuple((s.query, frozenset(s.named_parameters))
                                   for s in scratch.extract_statements(db.sql_text(name)))
        except duckdb.ParserException:
            continue  # the decision stores' scripts are SQLite's and PostgreSQL's
    scratch.close()
    names = list(expected)
    db._statements.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = dict(zip(names, pool.map(db._statements, names)))
    assert got == expected
    assert len(names) > 40 and all(got[name] for name in names)
