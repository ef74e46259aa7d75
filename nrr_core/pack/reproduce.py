"""The commands that reproduce every figure of the board pack.

The database is named by a neutral placeholder (``DB_PLACEHOLDER``): a pack
is read far from the server that built it, and the server's file paths are
nobody's business there. The filter options are ``Filters.to_cli_args()``,
the same flags the command line parses.
"""
from __future__ import annotations

import shlex

from ..filters import Filters
from ..period import Period

DB_PLACEHOLDER = "nrr.duckdb"


def filter_args(filters: Filters) -> list[str]:
    """The command-line filter options selecting the same accounts
    (``filters.to_cli_args()``, kept under this name for callers)."""
    return filters.to_cli_args()


def reproduce_commands(filters: Filters, period: Period, db_path: str = DB_PLACEHOLDER) -> list[tuple[str, str]]:
    """(what it gives, shell command) for every figure in the pack, each
    command quoted for a POSIX shell and ending with the filter options.
    ``db_path`` is the database name printed; leave the placeholder for a
    pack that leaves the server."""
    tail = filters.to_cli_args()
    base = ["python", "-m", "nrr_core"]

    def cmd(*parts) -> str:
        return shlex.join([*base, *parts, *tail])

    frm, to = period.from_month, period.to_month
    window = ["--as-of", to]
    window += ["--from", frm] if period.window == "custom" else ["--window", period.window]
    return [
        (f"NRR, GRR and logo retention (row {to})", cmd("report", "retention", "--db", db_path)),
        (f"ARR = 12 × ending_mrr of {to}; monthly movements", cmd("report", "movements", "--db", db_path)),
        ("The MRR bridge of the period", cmd("report", "waterfall", "--db", db_path, "--from", frm, "--to", to)),
        ("Retention by segment", cmd("report", "breakdown", "--db", db_path, "--by", "segment", "--month", to)),
        ("Retention curves by segment", cmd("report", "cohorts", "--db", db_path, "--by", "segment")),
        (f"The review board's at-risk and expansion lists at {to}",
         cmd("report", "board", "--db", db_path, "--month", to)),
        ("The churned and contracted accounts of the period",
         cmd("report", "retrospective", "--db", db_path, "--from", frm, "--to", to)),
        ("This pack", cmd("pack", "--db", db_path, "--out", "board-pack.pdf", *window)),
    ]
