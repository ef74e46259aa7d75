"""Before/after figures of the review board's scores on one or more books.

    python benchmarks/score_quality.py --db data/nrr.duckdb [--db revenue_only.duckdb ...] [--month 2026-10]

For each book: the out-of-time proof of ``review.calibrate`` (the scorecards
set on the fit months, ranked on the later test months), then the back-test
over every scored month of the judgment points as documented ("before") and
of the scorecard the board uses now ("after"). Prints Markdown tables.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nrr_core import db, metrics, review  # noqa: E402

FIGURES = [("lift", "risk: lift of the top 10 %", "x"), ("precision_at_k", "risk: precision in the top 50", "%"),
           ("caught_share", "risk: lost MRR caught by the top 10 %", "%"),
           ("flagged_share", "risk: accounts at or above the threshold", "%"),
           ("flagged_precision", "risk: of them, lost revenue", "%"),
           ("flagged_caught_share", "risk: lost MRR they held", "%"),
           ("expansion_lift", "expansion: lift of the top 10 %", "x"),
           ("expansion_precision_at_k", "expansion: precision in the top 50", "%"),
           ("expansion_caught_share", "expansion: expansion MRR caught by the top 10 %", "%")]


def _shown(value, kind: str) -> str:
    if value != value:
        return "–"
    return f"{value:.2f}×" if kind == "x" else f"{value:.1%}"


def _table(columns: dict[str, dict]) -> str:
    names = list(columns)
    lines = ["| figure | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for key, label, kind in FIGURES:
        lines.append(f"| {label} | " + " | ".join(_shown(columns[n][key], kind) for n in names) + " |")
    return "\n".join(lines)


def report(path: str, month: str | None) -> str:
    con = db.connect_read_only(path)
    try:
        month = month or metrics.book_info(con).as_of_month
        c = review.calibrate(con, month)
        out = [f"## {Path(path).name}, as of {month}", "", c.scorecard.note, "", c.scorecard.threshold_note, ""]
        if not c.comparison.empty:
            out += [f"Out of time: set on {c.fit_months[0]}–{c.fit_months[1]}, ranked on "
                    f"{c.test_months[0]}–{c.test_months[1]} ({int(c.comparison.account_months[0]):,} "
                    "account-months)", "",
                    _table({row.score: row._asdict() for row in c.comparison.itertuples(index=False)}), ""]
        before = review.backtest(con, None, month, scorecard=review.judgment_scorecard())
        after = review.backtest(con, None, month, scorecard=c.scorecard)
        if before is not None and after is not None:
            out += [f"Every scored month, {before.from_month}–{before.to_month} "
                    f"({before.summary['account_months']:,} account-months; the scorecard in force was set on "
                    "these months, so its column is in-sample)", "",
                    _table({"before: judgment points": before.summary, "after: scorecard in force": after.summary}),
                    ""]
        changed = c.scorecard.factors[c.scorecard.factors.points != c.scorecard.factors.judgment]
        if len(changed):
            out += ["Points that changed: " + "; ".join(
                f"{r.label} {r.judgment} → {r.points} ({r.status})" for r in changed.itertuples()), ""]
        return "\n".join(out)
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True)
    parser.add_argument("--month")
    args = parser.parse_args()
    print("\n".join(report(path, args.month) for path in args.db))


if __name__ == "__main__":
    main()
