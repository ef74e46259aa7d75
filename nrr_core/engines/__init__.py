"""Building the book on another engine: ``python -m nrr_core build --engine duckdb|spark --out DIR``.

One definition, two engines. The loader stages and checks the input files on
DuckDB as for ``load`` (the same error messages, line numbers and month
rules); the derived tables are then computed by the load scripts themselves
(``script``): on DuckDB as they are, on Spark translated statement by
statement (``spark_sql``: sqlglot from DuckDB to Spark SQL plus a few
documented rewrites). Either way the book is written as Parquet (``parquet``
says the layout), and ``load --parquet DIR`` makes it the dashboard's
database. ARCHITECTURE.md, "The book on two engines", has the design.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from ..errors import NrrError
from ..load import LoadSummary, derive_book, load_book
from . import parquet, script

ENGINES = ("duckdb", "spark")


def is_local(path) -> bool:
    """A plain filesystem path (not a URI such as s3a://, abfss://, gs://, hdfs://)."""
    return "://" not in str(path)


def build(out, *, engine: str = "duckdb", progress: Callable[[str], None] | None = None, spark=None,
          **inputs) -> LoadSummary:
    """Stage ``inputs`` (``load_book``'s keyword arguments) and write the book as Parquet under ``out``.

    ``engine`` ``duckdb`` computes the derived tables on this machine; ``spark``
    on the SparkSession ``spark`` (default: the active one, or a new one from
    ``spark_engine.session()``, which under spark-submit is the cluster's).
    ``out`` is a local folder for DuckDB; for Spark also any URI Spark writes
    (s3a://, abfss://, gs://, hdfs://). The table folders are replaced and
    ``_book.json`` is written last. Raises what ``load_book`` raises.
    """
    if engine not in ENGINES:
        raise NrrError(f"--engine must be one of {', '.join(ENGINES)} (got {engine!r})")
    if engine == "duckdb" and not is_local(out):
        raise NrrError(f"--engine duckdb writes a local folder; {out} is a URI (build it with --engine spark)")
    progress = progress or (lambda message: None)
    tables: dict[str, list[list[str]]] = {}
    if engine == "duckdb":
        folder = Path(out)
        _clear(folder)

        def derive(con, params):
            derive_book(con, params)
            counts = con.execute("SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM products), "
                                 "(SELECT count(*) FROM mrr)").fetchall()[0]
            for table in script.book_tables():
                parquet.write_table(con, table, folder / table)
                tables[table] = parquet.table_columns(con, table)
            for table in reversed(script.book_tables()):
                con.execute(f"DROP TABLE {table}")  # the scratch database need not keep what Parquet holds
            return counts
    else:
        from . import spark_engine

        spark = spark or spark_engine.session()
        if is_local(out):
            _clear(Path(out))

        def derive(con, params):
            return spark_engine.derive(spark, con, params, str(out), tables, progress)
    with tempfile.TemporaryDirectory(prefix="nrr-build-") as tmp:
        summary = load_book(Path(tmp) / "book.duckdb", derive=derive, progress=progress, **inputs)
    text = parquet.manifest(engine, tables, summary)
    if engine == "spark":
        spark_engine.write_text(spark, f"{str(out).rstrip('/')}/{parquet.MANIFEST}", text)
    else:
        (Path(out) / parquet.MANIFEST).write_text(text, encoding="utf-8")
    summary.path = Path(str(out))
    return summary


def _clear(folder: Path) -> None:
    """Make ``folder`` ready for a new book: its manifest and the book's table folders go."""
    if folder.exists() and not folder.is_dir():
        raise NrrError(f"--out {folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / parquet.MANIFEST).unlink(missing_ok=True)
    for table in script.book_tables():
        shutil.rmtree(folder / table, ignore_errors=True)
