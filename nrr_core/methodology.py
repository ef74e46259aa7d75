"""What the methodology page shows: which SQL computes each metric, and a
worked example from the loaded data. No Streamlit here."""
from __future__ import annotations

import re

from . import db
from .filters import Filters
from .metrics import BRIDGE_COLUMNS, MOVEMENTS, _params, window

# Each metric with the query files that compute it, in reading order: a query
# file (``metrics/movements``), or a load-time statement named by its file and
# the table or macro it creates (``load/build_book:account_month``).
METRIC_SQL = {
    "movements": ["load/build_book:account_month", "load/build_book:combo_month", "metrics/movements"],
    "retention": ["load/build_book:retention_base", "load/build_book:combo_retention", "metrics/retention"],
    "waterfall": ["metrics/waterfall", "metrics/nrr_bridge"],
    "cohorts": ["load/build_book:combo_start", "load/build_book:combo_cohort", "metrics/cohorts"],
    "definitions": ["variants/base_reactivation", "variants/window_accounts"],
    "filters": ["load/build_book:selected_combos"],
    "scores": ["load/review_tables:account_health", "load/review_tables:account_scores",
               "load/review_tables:account_outcomes", "load/review_tables:score_outcomes",
               "review/score_backtest"],
}


# Comments and blank space in front of a statement: DuckDB's statement splitter
# keeps them with the statement in some releases and not in others.
_LEADING_NOISE = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)+", re.S)
_CREATES = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|MACRO|VIEW)\s+"
                      r"(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)


def strip_leading_comments(statement: str) -> str:
    """The statement without the comments and blank lines in front of it."""
    return _LEADING_NOISE.sub("", statement)


def created_name(statement: str) -> str | None:
    """The table, macro or view a ``CREATE`` statement creates, else None.

    Only the statement's own first words count: a comment in front of it
    (brackets, other table names) never does.
    """
    found = _CREATES.match(strip_leading_comments(statement))
    return found.group(1) if found else None


def statement_creating(file: str, target: str) -> str:
    """The statement of ``sql/<file>.sql`` that creates ``target``, without its
    leading comments and with its closing semicolon. Raises KeyError if none does."""
    for query, _ in db._statements(file):
        if created_name(query) == target:
            return strip_leading_comments(query).strip().rstrip(";").rstrip() + ";"
    raise KeyError(f"no statement in {file}.sql creates {target}")


def sql_for(metric: str) -> list[tuple[str, str]]:
    """(title, SQL text) of every statement behind ``metric`` (a METRIC_SQL key)."""
    out = []
    for name in METRIC_SQL[metric]:
        if ":" in name:
            file, target = name.split(":", 1)
            out.append((f"{file.rsplit('/', 1)[-1]}.sql: {target} (at load time)", statement_creating(file, target)))
        else:
            out.append((f"{name}.sql", db.sql_text(name).strip()))
    return out


def worked_example(con, filters: Filters | None, from_month: str, to_month: str) -> dict | None:
    """One account's month-by-month bridge over the window, or None if no
    selected account was active before it.

    Keys: account_id, name, months (DataFrame: month, starting_mrr, the six
    movements, ending_mrr), totals (dict: starting_mrr = MRR before the window,
    each movement summed, ending_mrr = MRR at its end). By construction
    totals["starting_mrr"] + sum of the movements == totals["ending_mrr"].
    """
    lo, hi = window(con, from_month, to_month)
    picked = db.run(con, "metrics/example_account", _params(filters, from_idx=lo, to_idx=hi))
    if picked.empty:
        return None
    account_id = str(picked.iloc[0, 0])
    months = db.run(con, "metrics/account_window", {"account_id": account_id, "from_idx": lo, "to_idx": hi})
    name = db.run(con, "metrics/account_detail", {"account_id": account_id}).iloc[0]["name"]
    totals = {"starting_mrr": float(months.starting_mrr.iloc[0]),
              **{m: float(months[m].sum()) for m in MOVEMENTS},
              "ending_mrr": float(months.ending_mrr.iloc[-1])}
    return {"account_id": account_id, "name": str(name), "months": months,
            "totals": {k: totals[k] for k in BRIDGE_COLUMNS}}
