"""The book's derived tables as statements: one definition for both engines.

The load scripts (``load.DERIVED_SCRIPTS``: build_book, review_tables,
owner_history, journey_tables, DuckDB SQL with ``$named`` parameters) are the
only definition of the classification and aggregation. This module splits
them into statements and says what each one makes:

- ``table``: a table of the book (it is written to Parquet and read back into
  the dashboard's database);
- ``temp``: a helper table the later statements read (``account_keys``,
  ``account_combo``); never part of the book;
- ``macro``: a DuckDB macro the reports call at query time; it holds no data,
  so ``load --parquet`` creates it from the same statement.

``order`` is the statement's top-level ORDER BY as output column names (the
physical order the DuckDB load gives the table: zone maps let a month window
read only its months); Spark drops it and the Parquet load re-applies it.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from .. import db


@dataclass(frozen=True)
class Statement:
    script: str
    query: str
    params: frozenset[str]
    kind: str  # table | temp | macro | drop (of a temp table, to free its memory early)
    name: str
    order: tuple[str, ...] | None  # None: no ORDER BY; () : ORDER BY ALL

    def parsed(self) -> exp.Expression:
        return sqlglot.parse_one(self.query, read="duckdb")


def _order(create: exp.Create) -> tuple[str, ...] | None:
    order = create.expression.args.get("order") if create.expression is not None else None
    if order is None:
        return None
    names = []
    for ordered in order.expressions:
        if ordered.args.get("desc"):
            raise ValueError(f"{create.this.name}: a descending table order is not supported")
        column = ordered.this
        if isinstance(column, exp.Var) and column.name.upper() == "ALL":
            return ()
        if not isinstance(column, exp.Column):
            raise ValueError(f"{create.this.name}: the table order must name columns")
        if column.name.upper() == "ALL":
            return ()
        names.append(column.name)
    return tuple(names)


@functools.cache
def derived_statements() -> tuple[Statement, ...]:
    """Every statement of the derived-table scripts, in the order they run."""
    from ..load import DERIVED_SCRIPTS

    found = []
    for script in DERIVED_SCRIPTS:
        for query, params in db._statements(script):
            if re.match(r"\s*(--[^\n]*\n\s*)*CREATE\s+MACRO\b", query, re.IGNORECASE):
                found.append(Statement(script, query, params, "macro", "", None))
                continue
            dropped = re.match(r"\s*(--[^\n]*\n\s*)*DROP\s+TABLE\s+(\w+)\s*;?\s*$", query, re.IGNORECASE)
            if dropped:
                found.append(Statement(script, query, params, "drop", dropped.group(2), None))
                continue
            tree = sqlglot.parse_one(query, read="duckdb")
            if isinstance(tree, exp.Create) and tree.kind == "TABLE":
                temporary = any(isinstance(p, exp.TemporaryProperty)
                                for p in (tree.args.get("properties") or exp.Properties()).expressions)
                found.append(Statement(script, query, params, "temp" if temporary else "table",
                                       tree.this.name, _order(tree)))
            else:
                raise ValueError(f"{script}: a statement that is neither CREATE TABLE, CREATE MACRO nor DROP TABLE")
    return tuple(found)


_SCALAR_MACRO = re.compile(r"\s*(?:--[^\n]*\n\s*)*CREATE\s+MACRO\s+(\w+)\s*\(([^)]*)\)\s+AS\s+(?!TABLE\b)(.*?);?\s*$",
                           re.IGNORECASE | re.DOTALL)


@functools.cache
def scalar_macros() -> dict[str, tuple[tuple[str, ...], str]]:
    """The scripts' scalar macros (``CREATE MACRO f(a, b) AS expr``) as name -> (parameters,
    the expression's DuckDB SQL); an engine without macros expands their calls
    (``spark_sql.to_spark``). Table macros are read-time only and not listed."""
    found = {}
    for s in derived_statements():
        if s.kind == "macro" and (m := _SCALAR_MACRO.match(s.query)):
            found[m.group(1).lower()] = (tuple(p.strip() for p in m.group(2).split(",") if p.strip()), m.group(3))
    return found


def book_tables() -> tuple[str, ...]:
    """The names of the book's tables, in the order they are built."""
    return tuple(s.name for s in derived_statements() if s.kind == "table")


@functools.cache
def staged_inputs() -> tuple[str, ...]:
    """The staged input tables the scripts read (made by the loader's staging, not by them)."""
    made, needed = set(), []
    for s in derived_statements():
        if s.kind in ("macro", "drop"):
            continue
        tree = s.parsed()
        ctes = {c.alias for c in tree.find_all(exp.CTE)}
        for table in tree.expression.find_all(exp.Table):
            name = table.name
            if name and name not in made and name not in ctes and name not in needed \
                    and not isinstance(table.this, exp.Func):
                needed.append(name)
        made.add(s.name)
    return tuple(needed)
