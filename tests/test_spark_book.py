"""The golden cross-engine test: every report of a book built on Spark
(``build --engine spark``, then ``load --parquet``) equals the report of the
same inputs loaded by DuckDB: the same rows and text, every number within
1e-9 relative (sums in another order may differ in the last digits).

Spark runs in local mode, one session for the whole file (two cores, one
shuffle partition, no UI): this file is one xdist group. pyspark and Java come
from ``requirements-spark.txt`` and Debian's openjdk-17 (``make test``); where
they are missing the file is skipped, except under CI, where that is a failure.
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings

from nrr_core import engines
from nrr_core.demo import generate_book
from nrr_core.engines import spark_sql
from nrr_core.load import load_book

from .book_reports import differences, every_report
from .conftest import FIXTURE, write_csv
from .test_properties import books

if not os.environ.get("CI"):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (apt-get install openjdk-17-jre-headless)", allow_module_level=True)

# A Spark build of even a small book runs ~25 Spark jobs (one per statement): minutes on a busy machine.
pytestmark = pytest.mark.timeout(1800)

# Local mode for tests: tiny books, so one partition per shuffle and no generated code at all, neither
# whole-stage nor per expression (compiling it costs more than these rows take to compute; the
# interpreted operators give the same values). The JVM compiles its own hot code with the quick
# compiler only: a build is a few minutes of many small jobs, which never repays the optimising one.
TEST_CONF = {"spark.sql.shuffle.partitions": "1", "spark.default.parallelism": "2", "spark.ui.enabled": "false",
             "spark.ui.showConsoleProgress": "false", "spark.sql.adaptive.enabled": "false",
             "spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN",
             "spark.driver.memory": "1g",
             "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"}


@pytest.fixture(scope="module")
def spark():
    from nrr_core.engines import spark_engine

    session = spark_engine.session("local[2]", **TEST_CONF)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _duckdb_reports(folder, inputs):
    load_book(folder / "duckdb.duckdb", **inputs)
    return every_report(folder / "duckdb.duckdb")


def _same_reports_on_both_engines(spark, folder, **inputs):
    # The DuckDB side runs while Spark builds: the build spends most of its time waiting on small jobs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        duckdb_side = pool.submit(_duckdb_reports, folder, inputs)
        engines.build(folder / "spark-book", engine="spark", spark=spark, **inputs)
        expected = duckdb_side.result()
    load_book(folder / "spark.duckdb", parquet=folder / "spark-book")
    actual = every_report(folder / "spark.duckdb")
    assert differences(expected, actual) == []
    return expected


def test_every_report_of_the_fixture_built_on_spark_equals_the_duckdb_load(spark, tmp_path):
    reports = _same_reports_on_both_engines(spark, tmp_path, subscriptions=FIXTURE / "subscription_periods.csv",
                                            customers=FIXTURE / "customers.csv")
    assert reports["movements"].splitlines()[1].startswith("2023-01,")


def test_every_report_of_a_demo_book_with_signals_and_churn_reasons_built_on_spark_equals_the_duckdb_load(
        spark, tmp_path):
    files = generate_book(tmp_path, n_accounts=40, n_months=15)
    reports = _same_reports_on_both_engines(spark, tmp_path, accounts=files["accounts"], mrr=files["mrr"],
                                            signals=files["signals"], churn_reasons=files.get("churn_reasons"))
    assert len(reports["board"].splitlines()) > 1  # the signals made a board to compare


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(book=books())
def test_random_books_report_the_same_on_spark_and_duckdb(spark, tmp_path_factory, book):
    accounts, rows = book
    folder = tmp_path_factory.mktemp("random")
    acc = write_csv(folder / "accounts.csv", ["account_id", "name", "segment"],
                    [[a, f"Account {a}", s] for a, s in accounts])
    mrr = write_csv(folder / "mrr.csv", ["account_id", "product", "month", "mrr"], [list(r) for r in rows])
    _same_reports_on_both_engines(spark, folder, accounts=acc, mrr=mrr)


def test_an_ordered_list_keeps_its_order_and_its_nulls_on_spark(spark):
    query = spark_sql.to_spark("CREATE TABLE t AS SELECT list(v ORDER BY k) AS vs, "
                               "string_agg(s, '-' ORDER BY k) AS joined, "
                               "list(k ORDER BY k) FILTER (WHERE v IS NOT NULL) AS ks "
                               "FROM (VALUES (3, NULL, 'c'), (1, 1.5, 'a'), (2, 2.5, 'b')) x(k, v, s)")
    row = spark.sql(query).collect()[0]
    assert (row.vs, row.joined, row.ks) == ([1.5, 2.5, None], "a-b-c", [1, 2])


def test_a_window_aggregate_with_a_filter_runs_on_spark_as_a_case(spark):
    query = spark_sql.to_spark("CREATE TABLE t AS SELECT k, max(k) FILTER (WHERE v > 1) OVER (ORDER BY k) AS m, "
                               "arg_max(v, k) FILTER (WHERE v IS NOT NULL) OVER (ORDER BY k) AS last_v "
                               "FROM (VALUES (1, 2.0), (2, NULL), (3, 0.5)) x(k, v) ORDER BY k")
    assert [(r.k, r.m, r.last_v) for r in spark.sql(query).orderBy("k").collect()] == [
        (1, 1, 2.0), (2, 1, 2.0), (3, 1, 0.5)]


def test_a_descending_ordered_list_is_refused_rather_than_translated_wrongly():
    with pytest.raises(ValueError, match="descending"):
        spark_sql.to_spark("CREATE TABLE t AS SELECT list(v ORDER BY k DESC) AS vs FROM x")


def test_list_sum_of_an_ordered_list_and_a_range_with_its_alias_run_on_spark_as_on_duckdb(spark):
    query = ("CREATE TABLE t AS SELECT r.range AS h, list_sum(list(v ORDER BY k)) AS total, "
             "list_sum(list(w ORDER BY k)) AS none_left "
             "FROM (VALUES (2, CAST(0.1 AS DOUBLE), NULL), (1, CAST(0.2 AS DOUBLE), NULL), (3, NULL, NULL)) x(k, v, w) "
             "CROSS JOIN range(1, 3) r GROUP BY ALL ORDER BY h")
    expected = duckdb.sql(query.replace("CREATE TABLE t AS ", "")).fetchall()
    got = [(r.h, r.total, r.none_left) for r in spark.sql(spark_sql.to_spark(query)).orderBy("h").collect()]
    assert got == expected == [(1, 0.2 + 0.1, None), (2, 0.2 + 0.1, None)]


def test_a_scalar_macro_call_is_expanded_with_its_arguments_in_parentheses(spark):
    macros = {"scaled": (("x", "factor"), "x * factor + 1")}
    query = spark_sql.to_spark("CREATE TABLE t AS SELECT scaled(a + 1, 2) AS s FROM (VALUES (3)) v(a)", macros)
    assert spark.sql(query).collect()[0].s == (3 + 1) * 2 + 1
    with pytest.raises(ValueError, match="arguments"):
        spark_sql.to_spark("CREATE TABLE t AS SELECT scaled(1) AS s", macros)


def test_each_spark_step_waits_for_the_tables_it_reads_and_a_drop_for_every_reader_of_its_table():
    from nrr_core.engines import script, spark_engine

    steps = spark_engine._steps(script.derived_statements())
    index = {(s.kind, s.name): i for i, (s, _) in enumerate(steps)}
    waits = {(s.kind, s.name): {steps[j][0].name for j in after} for s, after in steps}
    assert waits[("table", "mrr")] == {"account_keys", "products"}
    assert waits[("table", "journey_month")] == {"book", "journey_rows"}
    assert waits[("drop", "journey_rows")] == {"journey_rows", "journey_month", "journey_account"}
    assert waits[("table", "book")] == set()
    assert all(j < i for i, (_, after) in enumerate(steps) for j in after)
    assert index[("drop", "journey_rows")] > index[("table", "journey_account")]


def test_spark_started_here_gets_the_driver_memory_asked_for_or_half_the_machine(monkeypatch):
    from nrr_core.engines import spark_engine

    monkeypatch.setenv("NRR_SPARK_DRIVER_MEMORY", "6g")
    assert spark_engine.local_driver_memory() == "6g"
    monkeypatch.delenv("NRR_SPARK_DRIVER_MEMORY")
    monkeypatch.setattr(spark_engine, "machine_memory", lambda: 24 * 2**30)
    assert spark_engine.local_driver_memory() == "12g"
    monkeypatch.setattr(spark_engine, "machine_memory", lambda: 1 * 2**30)
    assert spark_engine.local_driver_memory() == "1g"  # never below 1g


def test_a_java_heap_exhausted_is_one_message_saying_how_to_give_spark_more_memory():
    from concurrent.futures import Future

    from nrr_core import NrrError
    from nrr_core.engines import spark_engine

    failed = Future()
    failed.set_exception(RuntimeError("An error occurred while calling o272.parquet.\n"
                                      ": java.lang.OutOfMemoryError: Java heap space"))
    with pytest.raises(NrrError, match=r"Spark ran out of memory building account_month .*NRR_SPARK_DRIVER_MEMORY"):
        spark_engine._result_or_memory_advice(failed, "account_month")
    other = Future()
    other.set_exception(RuntimeError("a syntax error"))
    with pytest.raises(RuntimeError, match="syntax"):
        spark_engine._result_or_memory_advice(other, "account_month")
