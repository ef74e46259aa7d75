"""The book's derived tables computed on Apache Spark (``build --engine spark``).

The staged inputs come from the loader (DuckDB, on the driver) as Arrow and
are written to ``OUT/_work``; each statement of the load scripts
(``script.derived_statements``) then runs as Spark SQL (``spark_sql.to_spark``)
with its parameters bound as Spark's named arguments, and its result is
written as Parquet (a book table under ``OUT/<table>``, a working table under
``OUT/_work``) and read back as the view the later statements use, so no plan
grows across statements and each table is computed once.

The column types of the manifest are the DuckDB build's: the scripts run once
more on DuckDB over empty copies of the staged inputs (a dry run, no rows).
"""
from __future__ import annotations

import time
from pathlib import Path

import duckdb

from .. import db
from ..errors import NrrError
from ..load import DERIVED_SCRIPTS
from . import parquet, script, spark_sql

WORK = "_work"


def session(master: str | None = None, **conf):
    """The active SparkSession, or a new one (``master``: e.g. ``local[2]``;
    under spark-submit the cluster's master and configuration apply)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("nrr-book")
    if master:
        builder = builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


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
    for statement in script.derived_statements():
        if statement.kind == "macro":
            continue
        if statement.kind == "drop":  # a helper table the later statements no longer read
            spark.catalog.dropTempView(statement.name)
            _remove(spark, f"{work}/{statement.name}")
            continue
        t = time.perf_counter()
        frame = spark.sql(spark_sql.to_spark(statement.query, script.scalar_macros()), args={k: params[k] for k in statement.params})
        if statement.kind == "table":
            expected = [name for name, _ in tables[statement.name]]
            if frame.columns != expected:
                raise NrrError(f"Spark built {statement.name} with columns {frame.columns}, DuckDB with {expected}")
        target = f"{out}/{statement.name}" if statement.kind == "table" else f"{work}/{statement.name}"
        frame.write.mode("overwrite").parquet(target)
        spark.read.parquet(target).createOrReplaceTempView(statement.name)
        progress(f"Spark: {statement.name} in {time.perf_counter() - t:.1f} s")
    counts = tuple(spark.read.parquet(f"{out}/{table}").count() for table in ("accounts", "products", "mrr"))
    _remove(spark, work)
    return counts
