"""The book's derived tables computed on Apache Spark (``build --engine spark``).

The staged inputs come from the loader (DuckDB, on the driver) as Arrow and
are written to ``OUT/_work``; each statement of the load scripts
(``script.derived_statements``) then runs as Spark SQL (``spark_sql.to_spark``)
with its parameters bound as Spark's named arguments, and its result is
written as Parquet (a book table under ``OUT/<table>``, a working table under
``OUT/_work``) and read back as the view the later statements use, so no plan
grows across statements and each table is computed once. The read-back is
given the schema of the DataFrame just written, so no job reads the files'
footers to infer it.

Statements run as soon as the tables they read exist (``_steps``: each waits
for the statements that make the tables it reads; a DROP waits for every
earlier reader of its table), up to ``CONCURRENT_STATEMENTS`` at a time as
concurrent Spark jobs on the one session. A small book's job is mostly
scheduling, planning and the file commit, so independent statements overlap
well; each table is still computed by its own statement from the same
inputs, so the book is the same whatever order they finish in. A failed
statement fails the build once the statements already running end.

The column types of the manifest are the DuckDB build's: the scripts run once
more on DuckDB over empty copies of the staged inputs (a dry run, no rows).
"""
from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

import duckdb
from sqlglot import exp

from .. import db
from ..errors import NrrError
from ..load import DERIVED_SCRIPTS, machine_memory
from . import parquet, script, spark_sql

WORK = "_work"
# Statements that read none of each other's tables run as concurrent Spark jobs: each small job spends
# most of its time in scheduling, planning and the file commit, not on the executors' cores.
CONCURRENT_STATEMENTS = 4


def session(master: str | None = None, **conf):
    """The active SparkSession, or a new one (``master``: e.g. ``local[2]``;
    under spark-submit the cluster's master and configuration apply).

    Started from this process (``python -m nrr_core build --engine spark``, no
    spark-submit), Spark runs in local mode with the driver's memory from
    NRR_SPARK_DRIVER_MEMORY, by default half this machine's memory: Spark's own
    default of 1g runs out of heap at 100,000 accounts."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # no spark-submit launched us: we start the JVM here
        conf.setdefault("spark.driver.memory", local_driver_memory())
    builder = SparkSession.builder.appName("nrr-book")
    if master:
        builder = builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def local_driver_memory() -> str:
    """NRR_SPARK_DRIVER_MEMORY (e.g. ``8g``), or half this machine's memory in whole gigabytes (at least 1g)."""
    chosen = os.environ.get("NRR_SPARK_DRIVER_MEMORY", "").strip()
    if chosen:
        return chosen
    return f"{max(1, machine_memory() // 2 // 2**30)}g"


def _hadoop_path(spark, uri: str):
    jvm = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path, path.getFileSystem(spark._jsc.hadoopConfiguration())


def write_text(spark, uri: str, text: str) -> None:
    """Write a small text file wherever Spark writes (local, hdfs://, s3a://, abfss://, gs://)."""
    path, fs = _hadoop_path(spark, uri)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def _remove(spark, uri: str) -> None:
    path, fs = _hadoop_path(spark, uri)
    fs.delete(path, True)


def duckdb_types(con, params: dict) -> dict[str, list[list[str]]]:
    """Each book table's ``[column, DuckDB type]``, from the scripts run on DuckDB over empty copies of
    the staged inputs on ``con`` (the dry run)."""
    dry = duckdb.connect()
    try:
        for table in script.staged_inputs():
            columns = ", ".join(f'"{name}" {kind}' for name, kind in parquet.table_columns(con, table))
            dry.execute(f"CREATE TEMP TABLE {table} ({columns})")
        for name in DERIVED_SCRIPTS:
            db.run_script(dry, name, params)
        return {table: parquet.table_columns(dry, table) for table in script.book_tables()}
    finally:
        dry.close()


def derive(spark, con, params: dict, out: str, tables: dict, progress) -> tuple[int, int, int]:
    """Compute the book on ``spark`` from the staged inputs on ``con`` and write it under ``out``.

    Fills ``tables`` with each book table's columns and DuckDB types; returns
    (accounts, products, mrr rows). Raises NrrError if a statement's columns
    differ from the DuckDB build's.
    """
    out = out.rstrip("/")
    work = f"{out}/{WORK}"
    tables.update(duckdb_types(con, params))
    started = time.perf_counter()
    local = "://" not in out and spark.sparkContext.master.startswith("local")
    for table in script.staged_inputs():
        if local:  # the driver's disk is the executors' disk: write the file directly
            parquet.write_table(con, table, Path(work) / table)
        else:  # the staged rows travel from the driver as Arrow, then live where the executors read
            spark.createDataFrame(con.sql(f"SELECT * FROM {table}").to_arrow_table()) \
                .write.mode("overwrite").parquet(f"{work}/{table}")
        spark.read.parquet(f"{work}/{table}").createOrReplaceTempView(table)
    progress(f"Spark: staged inputs in {time.perf_counter() - started:.1f} s")
    steps = _steps(script.derived_statements())
    done: set[int] = set()
    running: dict = {}
    with ThreadPoolExecutor(max_workers=CONCURRENT_STATEMENTS, thread_name_prefix="nrr-spark") as pool:
        while len(done) < len(steps):
            for i, (statement, after) in enumerate(steps):
                if i not in done and i not in running.values() and after <= done:
                    running[pool.submit(_run, spark, statement, params, out, work, tables, progress)] = i
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                # A failed statement fails the build (the others already started finish first).
                _result_or_memory_advice(future, steps[running[future]][0].name)
                done.add(running.pop(future))
    counts = tuple(spark.table(table).count() for table in ("accounts", "products", "mrr"))
    _remove(spark, work)
    return counts


def _result_or_memory_advice(future, name: str) -> None:
    """``future.result()``; a Java heap exhausted becomes one message saying how to give Spark more memory."""
    try:
        future.result()
    except Exception as exc:
        if "OutOfMemoryError" not in str(exc):
            raise
        raise NrrError(f"Spark ran out of memory building {name} (java.lang.OutOfMemoryError). Give it more: "
                       f"NRR_SPARK_DRIVER_MEMORY=16g in local mode (now {local_driver_memory()}), or "
                       f"spark-submit --driver-memory / --executor-memory on a cluster") from None


def _steps(statements) -> list[tuple[script.Statement, frozenset[int]]]:
    """The statements that hold or drop data (macros hold none), each with the indexes of the steps it
    must wait for: the statements that make the tables it reads and, for a drop, every earlier
    statement that reads the dropped table."""
    steps, maker, readers = [], {}, {}
    for statement in statements:
        if statement.kind == "macro":
            continue
        i = len(steps)
        if statement.kind == "drop":
            after = {maker[statement.name], *readers.get(statement.name, ())} if statement.name in maker else set()
        else:
            if statement.name in maker:
                raise NrrError(f"{statement.name} is made twice by the load scripts")
            tree = statement.parsed()
            ctes = {c.alias for c in tree.find_all(exp.CTE)}
            reads = {t.name for t in tree.expression.find_all(exp.Table)
                     if t.name in maker and t.name not in ctes and not isinstance(t.this, exp.Func)}
            after = {maker[name] for name in reads}
            for name in reads:
                readers.setdefault(name, []).append(i)
            maker[statement.name] = i
        steps.append((statement, frozenset(after)))
    return steps


def _run(spark, statement, params: dict, out: str, work: str, tables: dict, progress) -> None:
    """One step: compute the statement, write its result and read it back as the view later steps use
    (with the schema just written, so no job infers it from the files); or drop a helper table."""
    if statement.kind == "drop":  # a helper table the later statements no longer read
        spark.catalog.dropTempView(statement.name)
        _remove(spark, f"{work}/{statement.name}")
        return
    t = time.perf_counter()
    frame = spark.sql(spark_sql.to_spark(statement.query, script.scalar_macros()),
                      args={k: params[k] for k in statement.params})
    if statement.kind == "table":
        expected = [name for name, _ in tables[statement.name]]
        if frame.columns != expected:
            raise NrrError(f"Spark built {statement.name} with columns {frame.columns}, DuckDB with {expected}")
    target = f"{out}/{statement.name}" if statement.kind == "table" else f"{work}/{statement.name}"
    frame.write.mode("overwrite").parquet(target)
    spark.read.schema(frame.schema).parquet(target).createOrReplaceTempView(statement.name)
    progress(f"Spark: {statement.name} in {time.perf_counter() - t:.1f} s")
