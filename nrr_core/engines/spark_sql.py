"""The load scripts' DuckDB SQL as Spark SQL: sqlglot plus a few rewrites.

sqlglot translates a statement from DuckDB to Spark SQL (functions, types,
``$name`` parameters to ``:name``, explicit NULLS LAST where the dialects'
default null order differs). What it does not translate faithfully is
rewritten on the parsed tree first, each for a stated reason:

- ordered ``list(x ORDER BY k)`` and ``string_agg(x, sep ORDER BY k)``:
  sqlglot makes ``COLLECT_LIST``, which drops the order and the NULLs
  (DuckDB's list keeps both). Rewritten as
  ``TRANSFORM(ARRAY_SORT(COLLECT_LIST(NAMED_STRUCT('k0', k, 'v', x))), e -> e.v)``
  (a struct is never NULL, so NULL values survive; ARRAY_JOIN for string_agg,
  which skips NULLs as string_agg does). Only ascending keys.
- ``agg(x) FILTER (WHERE c)``: Spark refuses FILTER on a window aggregate, so
  every FILTER becomes ``agg(CASE WHEN c THEN x END)`` (``count(*)`` counts
  ``CASE WHEN c THEN 1 END``; ``arg_max(x, y)`` takes ``CASE WHEN c THEN y END``
  as the ordering, which MAX_BY ignores when NULL).
- ``QUALIFY c`` (no window function in c): sqlglot's own rewrite keeps the
  table qualifiers of c outside their scope; rewritten as
  ``SELECT * FROM (the query) WHERE c`` with c's qualifiers dropped.
- ``FROM range(a, b)`` with its column ``range``: ``(SELECT EXPLODE(SEQUENCE(a, b - 1)) AS range)``.
- ``MAP {}``: ``CAST(MAP() AS MAP<STRING, STRING>)`` (an untyped empty map does not coalesce).
- ``list_sum(l)`` of a DOUBLE list (Spark has none): a left fold over the non-NULL
  elements, ``AGGREGATE(FILTER(l, v -> v IS NOT NULL), CAST(0 AS DOUBLE), (a, v) -> a + v)``,
  NULL where none is left, as DuckDB gives. Summed in the list's order, as DuckDB
  sums, so an ordered list gives the same digits on both engines.
- a call of one of the scripts' scalar macros (Spark has none): the macro's
  expression with each parameter replaced by the call's argument in parentheses
  (``script.scalar_macros``), before the other rewrites.
- the top-level ORDER BY is dropped (a Spark table has no order; the Parquet
  load re-applies it, ``script.Statement.order``).

``to_spark`` raises ``ValueError`` for a construct it cannot translate
faithfully (a descending ordered list), so a new statement fails loudly
instead of drifting.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

DIALECT = "spark"


def _spark(node: exp.Expression) -> str:
    return node.sql(dialect=DIALECT)


def _ordered_list(value: exp.Expression, keys: list[exp.Ordered], condition: exp.Expression | None) -> str:
    if any(k.args.get("desc") for k in keys):
        raise ValueError("an ordered list with a descending key has no faithful Spark rewrite here")
    fields = ", ".join(f"'k{i}', {_spark(k.this)}" for i, k in enumerate(keys))
    entry = f"NAMED_STRUCT({fields + ', ' if fields else ''}'v', {_spark(value)})"
    if condition is not None:
        entry = f"CASE WHEN {_spark(condition)} THEN {entry} END"
    return f"TRANSFORM(ARRAY_SORT(COLLECT_LIST({entry})), e -> e.v)"


def _parts(agg: exp.Expression) -> tuple[exp.Expression, list[exp.Ordered]]:
    inner = agg.this
    if isinstance(inner, exp.Order):
        return inner.this, list(inner.expressions)
    return inner, []


def _rewrite_filters(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.Filter)):
        agg, condition = node.this, node.expression.this
        if isinstance(agg, exp.ArrayAgg):
            value, keys = _parts(agg)
            node.replace(sqlglot.parse_one(_ordered_list(value, keys, condition), read=DIALECT))
            continue
        agg = agg.copy()
        if isinstance(agg, exp.Count) and isinstance(agg.this, exp.Star):
            agg.set("this", exp.Case(ifs=[exp.If(this=condition.copy(), true=exp.Literal.number(1))]))
        elif isinstance(agg, exp.ArgMax) or isinstance(agg, exp.ArgMin):
            agg.set("expression", exp.Case(ifs=[exp.If(this=condition.copy(), true=agg.expression.copy())]))
        else:
            agg.set("this", exp.Case(ifs=[exp.If(this=condition.copy(), true=agg.this.copy())]))
        node.replace(agg)


def _rewrite_lists(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.ArrayAgg)):
        if isinstance(node.parent, exp.Filter):
            continue  # _rewrite_filters makes it, with its condition
        value, keys = _parts(node)
        node.replace(sqlglot.parse_one(_ordered_list(value, keys, None), read=DIALECT))
    for node in list(tree.find_all(exp.GroupConcat)):
        value, keys = _parts(node)
        separator = node.args.get("separator")
        joined = f"ARRAY_JOIN({_ordered_list(value, keys, None)}, {_spark(separator) if separator else repr(',')})"
        node.replace(sqlglot.parse_one(joined, read=DIALECT))


def _rewrite_misc(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.Anonymous)):
        if node.name.lower() == "list_sum" and len(node.expressions) == 1:
            kept = f"FILTER({_spark(node.expressions[0])}, v -> v IS NOT NULL)"
            node.replace(sqlglot.parse_one(f"CASE WHEN SIZE({kept}) = 0 THEN NULL "
                                           f"ELSE AGGREGATE({kept}, CAST(0 AS DOUBLE), (a, v) -> a + v) END",
                                           read=DIALECT))
    for node in list(tree.find_all(exp.ToMap)):
        if isinstance(node.this, exp.Struct) and not node.this.expressions:
            node.replace(sqlglot.parse_one("CAST(MAP() AS MAP<STRING, STRING>)", read=DIALECT))
    for table in list(tree.find_all(exp.Table)):
        series = table.this
        if isinstance(series, exp.GenerateSeries) and series.args.get("is_end_exclusive"):
            start, end = _spark(series.args["start"]), _spark(series.args["end"])
            alias = table.alias or "_range"  # the statement's own alias (r.range) must keep resolving
            table.replace(sqlglot.parse_one(f"(SELECT EXPLODE(SEQUENCE({start}, {end} - 1)) AS range) AS {alias}",
                                            read=DIALECT))
    for select in list(tree.find_all(exp.Select)):
        qualify = select.args.get("qualify")
        if qualify is None:
            continue
        condition = qualify.this.copy()
        for column in condition.find_all(exp.Column):
            column.set("table", None)
        inner = select.copy()
        inner.set("qualify", None)
        select.replace(exp.select("*").from_(inner.subquery("_q")).where(condition))


def _expand_macros(tree: exp.Expression, macros: dict[str, tuple[tuple[str, ...], str]]) -> exp.Expression:
    for node in list(tree.find_all(exp.Anonymous)):
        found = macros.get(node.name.lower())
        if found is None:
            continue
        params, body = found
        if len(params) != len(node.expressions):
            raise ValueError(f"{node.name}: called with {len(node.expressions)} arguments, defined with {len(params)}")
        arguments = dict(zip((p.lower() for p in params), node.expressions))
        expanded = sqlglot.parse_one(body, read="duckdb")
        for column in list(expanded.find_all(exp.Column)):
            if not column.table and column.name.lower() in arguments:
                column.replace(exp.Paren(this=arguments[column.name.lower()].copy()))
        replaced = node.replace(exp.Paren(this=expanded))
        if tree is node:
            tree = replaced
    return tree


def to_spark(query: str, macros: dict[str, tuple[tuple[str, ...], str]] | None = None) -> str:
    """One CREATE TABLE statement's query (DuckDB SQL) as a Spark SQL SELECT (``:name`` parameters);
    ``macros`` (name -> (parameters, expression), ``script.scalar_macros()``) are expanded in place."""
    tree = sqlglot.parse_one(query, read="duckdb")
    if isinstance(tree, exp.Create):
        tree = tree.expression
    tree = tree.copy()
    tree.set("order", None)
    tree = _expand_macros(tree, macros or {})
    _rewrite_lists(tree)
    _rewrite_filters(tree)
    _rewrite_misc(tree)
    return tree.sql(dialect=DIALECT)
