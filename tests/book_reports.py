"""Every report of a book as its users see it (the CLI's CSV text), and a
comparison of two books' reports: the same rows and text, every number
within floating-point rounding. For the cross-engine tests: a book built on
Spark, or read from Parquet, must report what the DuckDB load reports."""
from __future__ import annotations

import contextlib
import io
import math

from nrr_core import cli, db, metrics

RELATIVE = 1e-9


def report_commands(db_path) -> list[list[str]]:
    """The report commands run against a book: every report kind of the CLI,
    over the whole book, with a filter, and each view and grouping."""
    con = db.connect_read_only(db_path)
    try:
        info = metrics.book_info(con)
        segment = con.execute("SELECT min(segment) FROM combos").fetchone()[0]
    finally:
        con.close()
    window = ["--from", info.first_month, "--to", info.as_of_month]
    year = info.as_of_month[:4]
    base = [["movements"], ["retention"], ["waterfall", *window], ["waterfall", *window, "--existing-only"],
            ["cohorts"], ["cohorts", "--by", "month"], ["cohorts", "--by", "segment"],
            ["breakdown", "--by", "segment"], ["breakdown", "--by", "region"], ["definitions"],
            ["board"], ["backtest"], ["retrospective", *window], ["scorecard", "--period", year],
            *[["journey", "--view", view] for view in cli.JOURNEY_VIEWS], ["journey", "--view", "time-to-value",
                                                                          "--by", "quarter"],
            ["drivers"], ["churn-reasons", *window], ["churn-reasons", *window, "--by", "department"],
            ["forecast"], ["forecast-backtest"]]
    filtered = [["movements", "--segment", segment], ["retention", "--segment", segment],
                ["board", "--segment", segment]] if segment else []
    return [[kind[0], "--db", str(db_path), *kind[1:]] for kind in base + filtered]


def every_report(db_path) -> dict[str, str]:
    """Each report command's output (stdout, or the error line and exit code)."""
    out = {}
    for command in report_commands(db_path):
        text, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(text), contextlib.redirect_stderr(err):
            code = cli.main(["report", *command])
        key = " ".join(c for i, c in enumerate(command) if i not in (1, 2))
        out[key] = text.getvalue() if code == 0 else f"exit {code}: {err.getvalue()}"
    return out


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a.replace(",", "")), float(b.replace(",", ""))
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=RELATIVE, abs_tol=1e-9)


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Where two books' reports differ: a different set of reports, rows or
    cells; numbers that agree within ``RELATIVE`` are the same."""
    found = []
    if expected.keys() != actual.keys():
        return [f"reports differ: {sorted(expected.keys() ^ actual.keys())}"]
    for key in expected:
        a, b = expected[key].splitlines(), actual[key].splitlines()
        if len(a) != len(b):
            found.append(f"{key}: {len(a)} lines against {len(b)}")
            continue
        for n, (la, lb) in enumerate(zip(a, b)):
            ca, cb = la.split(","), lb.split(",")
            if len(ca) != len(cb) or not all(_close(x, y) for x, y in zip(ca, cb)):
                found.append(f"{key}, line {n + 1}: {la!r} against {lb!r}")
                break
    return found
