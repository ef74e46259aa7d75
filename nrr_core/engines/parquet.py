"""The book as Parquet: the layout ``build --out DIR`` writes and ``load --parquet DIR`` reads.

Layout of DIR (the same whichever engine built it):

- ``DIR/<table>/part-*.parquet``: one folder per book table
  (``script.book_tables()``: book, spine, products, mrr, account_attributes,
  account_month, retention_base, accounts, account_moves, combos,
  combo_month, combo_retention, combo_start, combo_cohort, signals,
  account_health, owner_history, journey_month, journey_account,
  nps_responses, imported_churn_reasons), any number of part files (Spark
  writes one per task, DuckDB one);
- ``DIR/_book.json``, written last (its presence means the book is whole):
  ``format`` (1), ``engine``, ``summary`` (what the load reports: accounts,
  products, mrr_rows, first_month, as_of_month, accounts_added_from_revenue,
  notes) and ``tables``: each table's columns as ``[name, DuckDB type]``, the
  types the DuckDB build gives them. The load casts every column to its type,
  so a book built on Spark (whose integer sums, decimals and timestamps have
  Spark's types) is read into exactly the DuckDB build's schema.

Untrusted input: table names must be book tables, column names plain
identifiers and types from a fixed grammar; paths are bound, never formatted.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq

from .. import db
from ..errors import NrrError
from ..load import LoadSummary, _summary, check_book
from ..months import parse_month
from . import script

FORMAT = 1
MANIFEST = "_book.json"
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
_SCALAR = (r"(?:BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|DOUBLE|FLOAT|VARCHAR|DATE|TIMESTAMP"
           r"|DECIMAL\(\d+,\d+\))")
# A column type the load casts to: a scalar, a map of text, or a struct of named scalars (the
# journey's per-month pairs), each possibly a list. Anything else is refused before any SQL runs.
_TYPE = re.compile(rf"(?:{_SCALAR}|MAP\(VARCHAR, VARCHAR\)"
                   rf"|STRUCT\([a-z_][a-z0-9_]* {_SCALAR}(?:, [a-z_][a-z0-9_]* {_SCALAR})*\))(?:\[\])?\Z")


def table_columns(con, table: str) -> list[list[str]]:
    """``[name, DuckDB type]`` of a table on ``con`` (its identifier comes from the scripts)."""
    return [[row[0], row[1]] for row in con.execute(f"DESCRIBE {table}").fetchall()]


def write_table(con, table: str, folder: Path) -> None:
    """Stream a DuckDB table into ``folder/part-0.parquet`` (record batches, never the whole table in memory)."""
    folder.mkdir(parents=True, exist_ok=True)
    reader = con.sql(f"SELECT * FROM {table}").to_arrow_reader(1 << 17)
    try:
        with pq.ParquetWriter(folder / "part-0.parquet", reader.schema, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(batch)
    finally:
        reader.close()  # the connection takes no other statement while a result is open


def manifest(engine: str, tables: dict[str, list[list[str]]], summary: LoadSummary) -> str:
    return json.dumps({
        "format": FORMAT, "engine": engine,
        "summary": {"accounts": summary.accounts, "products": summary.products, "mrr_rows": summary.mrr_rows,
                    "first_month": summary.first_month, "as_of_month": summary.as_of_month,
                    "accounts_added_from_revenue": summary.accounts_added_from_revenue,
                    "notes": list(summary.notes)},
        "tables": tables}, indent=1)


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise NrrError(f"--parquet {folder}: no such folder")
    if not path.is_file():
        raise NrrError(f"--parquet {folder}: no {MANIFEST} (not a book written by `python -m nrr_core build`, "
                       "or its build did not finish)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NrrError(f"{path}: not a book manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise NrrError(f"{path}: a book of another format (expected format {FORMAT})")
    tables = data.get("tables")
    expected = set(script.book_tables())
    if not isinstance(tables, dict) or set(tables) != expected:
        missing = sorted(expected - set(tables or {}))
        raise NrrError(f"{path}: the book's tables do not match this version's "
                       f"({'missing ' + ', '.join(missing) if missing else 'unknown tables'})")
    for name, columns in tables.items():
        if not isinstance(columns, list) or not columns or not all(
                isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and isinstance(c[1], str)
                and _NAME.match(c[0]) and _TYPE.match(c[1]) for c in columns):
            raise NrrError(f"{path}: table {name} has columns this version cannot read")
    return data


def read_book(con, db_path, folder, progress) -> LoadSummary:
    """Make the book's tables on ``con`` from the Parquet book in ``folder``
    and the macros from the scripts, in the scripts' order; check the bridge
    identity. Returns the summary the build recorded (``db_path`` as the path)."""
    folder = Path(folder)
    data = _read_manifest(folder)
    for statement in script.derived_statements():
        if statement.kind == "macro":
            db_statement(con, statement.query)
        elif statement.kind == "table":
            columns = data["tables"][statement.name]
            files = sorted(str(p) for p in (folder / statement.name).glob("*.parquet"))
            select = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns)
            if files:
                source = "read_parquet($files)"
                order = statement.order
                if order == ():
                    order = tuple(name for name, _ in columns)
                order_sql = f" ORDER BY {', '.join(order)}" if order else ""
                con.execute(f"CREATE TABLE {statement.name} AS SELECT {select} FROM {source}{order_sql}",
                            {"files": files})
            else:
                raise NrrError(f"--parquet {folder}: table {statement.name} has no Parquet files")
    check_book(con)
    progress(f"read the book from {folder}")
    summary = data["summary"]
    first_idx, last_idx = parse_month(summary["first_month"]), parse_month(summary["as_of_month"])
    result = _summary(con, Path(db_path), first_idx, last_idx, summary.get("accounts_added_from_revenue", 0))
    result.notes = tuple(summary.get("notes") or ())
    return result


def db_statement(con, query: str) -> None:
    """Run one parameterless statement of the scripts (a macro) on ``con``."""
    con.execute(query)
