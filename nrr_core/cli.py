"""The command line: ``python -m nrr_core load|demo|report|pack|history|rollback ...``.

Argument parsing and output only; every figure comes from ``metrics``. Reports
print CSV exactly as ``docs/data-contract.md`` specifies. Every error is one
line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from . import db, export, metrics, versions
from .demo import write_demo  # the demo command; importable from here as before
from .errors import NrrError
from .filters import CLI_FLAGS, EXTRA_FLAG, Filters
from .review import columns as review_columns
from .steering import cli as steering_cli

REPORT_COLUMNS = {
    "movements": ["month", "starting_mrr", "new", "expansion", "cross_sell", "contraction", "churn",
                  "reactivation", "ending_mrr"],
    "retention": ["month", "nrr", "grr", "logo_retention"],
    "waterfall": ["step", "mrr"],
    "cohorts": ["cohort", "months_since_start", "eligible_accounts", "accounts_active", "starting_mrr", "mrr",
                "revenue_retention", "logo_retention"],
    "breakdown": ["value", "arr", "active_accounts", "nrr", "grr", "logo_retention", "base_accounts"],
    "definitions": ["definition", "value", "label", "points_vs_nrr"],
}
# The account review's reports (the Account review page's lists and back-test).
REVIEW_COLUMNS = {
    "board": list(review_columns.REPORT),
    "backtest": ["month", "accounts", "base_rate", "top_rate", "lift", "precision_at_k", "caught_share"],
    "retrospective": ["account_id", "name", "segment", "csm_owner", "first_loss_month", "kind", "lost_arr",
                      "arr_before", "score_before", "flagged_by_score", "flagged_in_review", "flagged_on"],
}
# The forward forecast's reports (data contract: forecast, forecast-backtest).
FORECAST_COLUMNS = {
    "forecast": ["month", "horizon", "nrr_low", "nrr_base", "nrr_high", "start_mrr", "expected_mrr", "churn",
                 "contraction", "expansion", "cross_sell", "reactivation"],
    "forecast-backtest": ["as_of", "target_month", "nrr_low", "nrr_base", "nrr_high", "actual_nrr", "naive_nrr"],
}
# What makes customers stick (nrr_core.insight; the /drivers page and the review's churn reasons).
INSIGHT_COLUMNS = {
    "phases": ["month", "phase", "accounts", "arr", "share", "arr_share"],
    "time-to-value": ["group", "accounts", "reached", "still_onboarding", "lost_before_value", "median_months",
                      "reached_1m", "reached_3m", "reached_6m", "reached_12m"],
    "stalls": ["account_id", "name", "segment", "csm_owner", "phase", "months_in_phase", "limit", "arr"],
    "early-adoption": ["cohort", "accounts", "measured_60d", "adopted_60d", "measured_90d", "adopted_90d",
                       "above_accounts", "above_logo_retention", "above_revenue_retention",
                       "below_accounts", "below_logo_retention", "below_revenue_retention"],
    "drivers": ["rank", "dimension", "group", "accounts", "rest_accounts", "start_arr", "nrr", "nrr_low",
                "nrr_high", "rest_nrr", "grr", "grr_low", "grr_high", "rest_grr", "logo_retention", "logo_low",
                "logo_high", "rest_logo_retention", "nrr_ratio", "arr_impact", "summary"],
    "churn-reasons": ["quarter", "value", "accounts", "lost_arr", "flagged_in_review_arr", "flagged_by_score_arr",
                      "surprise_arr", "surprise_share"],
}
JOURNEY_VIEWS = ("phases", "time-to-value", "stalls", "early-adoption")
RATIO_COLUMNS = {"nrr_low", "nrr_base", "nrr_high", "actual_nrr", "naive_nrr", "nrr", "grr", "logo_retention", "revenue_retention", "nrr_12m", "base_rate", "top_rate", "lift",
                 "precision_at_k", "caught_share",
                 "share", "arr_share", "reached_1m", "reached_3m", "reached_6m", "reached_12m", "adopted_60d",
                 "adopted_90d", "above_logo_retention", "above_revenue_retention", "below_logo_retention",
                 "below_revenue_retention", "nrr_low", "nrr_high", "rest_nrr", "grr_low", "grr_high", "rest_grr",
                 "logo_low", "logo_high", "rest_logo_retention", "nrr_ratio", "surprise_share"}
COUNT_COLUMNS = {"horizon", "version", "months", "months_since_start", "eligible_accounts", "accounts_active", "active_accounts", "base_accounts",
                 "accounts", "score", "risk_score", "expansion_score",
                 "reached", "still_onboarding", "lost_before_value", "months_in_phase", "limit", "measured_60d",
                 "measured_90d", "above_accounts", "below_accounts", "rest_accounts", "rank"}
HISTORY_COLUMNS = ["version", "published_at", "who", "action", "files", "accounts", "months", "as_of", "arr", "nrr",
                   "grr", "kept"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise NrrError(f"{message} (see `python -m {self.prog} --help`)")


def format_amount(value) -> str:
    """Money without currency or thousands separators, trailing zeros trimmed."""
    v = round(float(value), 6)
    if v == 0:
        return "0"
    return f"{v:.6f}".rstrip("0").rstrip(".")


def format_ratio(value) -> str:
    v = float(value)
    return "" if v != v else repr(v)


def _cell(column: str, value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in RATIO_COLUMNS:
        return format_ratio(value)
    if column in COUNT_COLUMNS:
        return str(int(value))
    if isinstance(value, str):
        return export.neutralise(value)  # names are untrusted: safe to open in a spreadsheet
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return format_amount(value)


def _column_cells(column: str, series: pd.Series) -> list[str]:
    """``_cell`` of every value of one column. Number columns (most of a
    report) are formatted by the one rule their column takes, without asking
    each value what it is, and text and dates column by column: about
    2.5 s → 0.3 s for the board's 26,000 rows at 100,000 accounts (profiled)."""
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        if column in RATIO_COLUMNS:
            return ["" if v != v else repr(v) for v in values.tolist()]
        if column in COUNT_COLUMNS:
            return ["" if v != v else str(int(v)) for v in values.tolist()]
        return ["" if v != v else format_amount(v) for v in values.tolist()]
    if pd.api.types.is_bool_dtype(series.dtype) and not series.hasnans:
        return ["true" if v else "false" for v in series.to_numpy(dtype=bool).tolist()]
    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        values = series.to_numpy(dtype=np.int64).tolist()
        if column in RATIO_COLUMNS:
            return [repr(float(v)) for v in values]
        if column in COUNT_COLUMNS:
            return [str(v) for v in values]
        return [format_amount(v) for v in values]
    if isinstance(series.dtype, pd.StringDtype):
        return export.neutralised(series).fillna("").tolist()
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.strftime("%Y-%m-%d").fillna("").tolist()
    if series.isna().all():  # e.g. the latest decision's fields when nothing was decided
        return [""] * len(series)
    return [_cell(column, v) for v in series.to_numpy(dtype=object, na_value=None).tolist()]


def write_csv(frame, columns, out=None) -> None:
    out = out or sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*(_column_cells(c, frame[c]) for c in columns)))


def _add_filters(p):
    g = p.add_argument_group("filters (repeatable; OR within one attribute, AND across)")
    for name, flag in CLI_FLAGS.items():
        g.add_argument(flag, action="append", default=[], metavar=name[0].upper(), dest=name)
    g.add_argument(EXTRA_FLAG, action="append", default=[], metavar="NAME=VALUE", dest="attr",
                   help="an extra account attribute from accounts.csv")


def _filters(args) -> Filters:
    """The ``Filters`` of the parsed filter options (see ``Filters.from_cli``)."""
    return Filters.from_cli({name: getattr(args, name) for name in CLI_FLAGS}, args.attr)


REPORT_HELP = {
    "movements": "monthly MRR bridge",
    "retention": "trailing-12-month NRR, GRR, logos",
    "waterfall": "MRR bridge for a window",
    "cohorts": "retention curves",
    "breakdown": "NRR, GRR and ARR by an attribute at a month",
    "definitions": "NRR by every definition of metrics.md side by side at a month",
    "board": "the account review board: at-risk and expansion accounts with scores",
    "backtest": "how well the risk score ranked accounts in past months",
    "retrospective": "churned and contracted accounts in a window, and who flagged them",
    "targets": "the retention targets in force (company, segment, CSM owner; quarter or year)",
    "scorecard": "CSM scorecards for a quarter or year, with a header block of definitions",
    "journey": "journey phases over time, time to value, stalled accounts or early adoption (--view)",
    "drivers": "12-month retention of each group of accounts against the rest, ranked by ARR impact",
    "churn-reasons": "lost ARR of a window by churn reason or owning department, per quarter",
    "forecast": "forward NRR of the accounts active at the as-of month, 1..H months ahead (low/base/high)",
    "forecast-backtest": "the forecast made at each past month against what happened, and the naive NRR",
}


def _add_decisions(p):
    p.add_argument("--decisions", metavar="PATH",
                   help="review decisions store: a file or postgresql://user@host:port/db "
                        "(default: decisions.sqlite beside --db, when it exists)")


def _add_inputs(p):
    """The input files and their options, shared by load and build."""
    p.add_argument("--accounts", help="accounts.csv (one row per account)")
    p.add_argument("--mrr", help="mrr.csv (account_id, product, month, mrr)")
    p.add_argument("--subscriptions", help="subscription periods instead of mrr.csv "
                                           "(customer_id, start_date, end_date, monthly_amount[, product])")
    p.add_argument("--customers", help="with --subscriptions: a customers file (customer_id[, name, segment, ...])")
    p.add_argument("--invoice-lines", action="append", metavar="FILE", dest="invoice_lines",
                   help="billed lines instead of mrr.csv (customer_id, service_period_start, service_period_end, "
                        "amount[, product, type, currency, prorated]); repeat for several files, summed")
    p.add_argument("--billing", action="append", metavar="FILE",
                   help="a billing export (Stripe, Chargebee, Recurly, ChartMogul, Baremetrics, Paddle), its "
                        "format read from the header row; repeat for ChartMogul's files (plans, invoices, line "
                        "items, customers)")
    p.add_argument("--format", dest="billing_format", metavar="NAME",
                   help="with --billing: force the export's format (" + ", ".join(_billing_formats()) + ")")
    p.add_argument("--fx", metavar="fx.csv", help="with --invoice-lines: constant rates (currency, rate = units of "
                                                  "the reporting currency per unit)")
    p.add_argument("--map", metavar="mapping.toml", dest="map_file",
                   help="rename the accounts file's columns: [accounts] our_column = \"their header\"")
    p.add_argument("--signals", help="optional account-month signals (seats, active users, tickets, NPS, "
                                     "nps_comment)")
    p.add_argument("--churn-reasons", help="optional reasons for past churns (account_id, month, reason[, notes])")
    p.add_argument("--owners", help="optional CSM owner history (account_id, csm_owner, from_month)")
    p.add_argument("--as-of", help="last month of the data, YYYY-MM (default: the latest month in the data; "
                                    "for invoice lines the month of the latest service_period_start)")
    p.add_argument("--default-product", default="Subscription",
                   help="product name for subscription rows without one (default %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nrr_core", description="Net revenue retention metrics over a DuckDB book.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    load = sub.add_parser("load", help="load input CSV files into a new database (atomic replace)")
    load.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s)")
    _add_inputs(load)
    load.add_argument("--parquet", metavar="DIR", help="instead of input files: a book built as Parquet by "
                                                       "`python -m nrr_core build`")
    load.add_argument("--who", help="the name the load history records (default: the OS user)")
    load.add_argument("--keep", type=int, default=versions.DEFAULT_KEEP,
                      help="published versions kept for rollback under versions/ (default %(default)s)")
    load.add_argument("--quiet", action="store_true", help="print nothing on success")
    load.add_argument("--progress", action="store_true", help="print every step, also when not on a terminal")

    build = sub.add_parser("build", help="compute the book from input files and write it as Parquet "
                                         "(load it with load --parquet DIR)")
    build.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                       help="duckdb: this machine (default); spark: the active Spark cluster, or local mode")
    build.add_argument("--out", required=True, metavar="DIR",
                       help="folder (or, with Spark, a URI such as s3a://bucket/book) to write the book to")
    _add_inputs(build)
    build.add_argument("--quiet", action="store_true", help="print nothing on success")
    build.add_argument("--progress", action="store_true", help="print every step, also when not on a terminal")

    hist = sub.add_parser("history", help="print the load history (every publish and rollback) as CSV")
    hist.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s)")

    back = sub.add_parser("rollback", help="put a kept version of the book back in force (atomic replace)")
    back.add_argument("version", type=int, metavar="VERSION", help="a version number from `history`")
    back.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s)")
    back.add_argument("--who", help="the name the load history records (default: the OS user)")
    back.add_argument("--quiet", action="store_true", help="print nothing on success")

    demo = sub.add_parser("demo", help="write the built-in demo book (seeded, deterministic)")
    demo.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s)")
    demo.add_argument("--accounts", type=int, default=2000, help="number of accounts (default %(default)s)")
    demo.add_argument("--months", type=int, default=36, help="number of months (default %(default)s)")
    demo.add_argument("--quiet", action="store_true", help="print nothing on success")
    demo.add_argument("--progress", action="store_true", help="print every step, also when not on a terminal")

    report = sub.add_parser("report", help="print a report as CSV")
    kinds = report.add_subparsers(dest="report", required=True, parser_class=_Parser)
    for name, text in REPORT_HELP.items():
        k = kinds.add_parser(name, help=text)
        k.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s)")
        if name in ("waterfall", "retrospective", "churn-reasons"):
            k.add_argument("--from", dest="from_month", required=True, metavar="YYYY-MM")
            k.add_argument("--to", dest="to_month", required=True, metavar="YYYY-MM")
        if name == "waterfall":
            k.add_argument("--existing-only", action="store_true",
                           help="the NRR bridge: only accounts active before the window")
        if name == "cohorts":
            k.add_argument("--by", default="quarter",
                           help="quarter|month|segment|region|industry|csm_owner (default %(default)s)")
        if name == "breakdown":
            k.add_argument("--by", default="segment", help="segment|region|industry|csm_owner")
        if name in ("breakdown", "board", "backtest", "journey", "drivers", "definitions"):
            k.add_argument("--month", help="YYYY-MM (default: the as-of month)")
        if name in ("board", "retrospective", "scorecard", "churn-reasons", "forecast", "forecast-backtest"):
            _add_decisions(k)
        if name in ("targets", "scorecard"):
            steering_cli.add_targets_option(k)
        if name == "scorecard":
            k.add_argument("--period", required=True, metavar="2026-Q3|2026", help="a quarter or a year")
        if name == "journey":
            k.add_argument("--view", choices=JOURNEY_VIEWS, default="phases", help="default %(default)s")
            k.add_argument("--by", choices=("segment", "quarter"), default="segment",
                           help="time to value by segment or start quarter (default %(default)s)")
        if name == "churn-reasons":
            k.add_argument("--by", choices=("reason", "department"), default="reason",
                           help="roll lost ARR up by reason or owning department (default %(default)s)")
        if name in ("journey", "drivers"):
            k.add_argument("--config", metavar="nrr.toml", default="nrr.toml",
                           help="settings file whose [journey] rules apply, as in the app (default %(default)s "
                                "when it exists, else the built-in rules)")
        if name in FORECAST_COLUMNS:
            k.add_argument("--horizon", type=int, default=12, help="months ahead (default %(default)s)")
        if name != "targets":
            _add_filters(k)

    targets = sub.add_parser("targets", help="retention targets")
    target_kinds = targets.add_subparsers(dest="targets_command", required=True, parser_class=_Parser)
    tload = target_kinds.add_parser("load", help="append the targets of a targets.csv to the targets store")
    tload.add_argument("--file", required=True, metavar="targets.csv",
                       help="scope, scope_value, period, metric, target (see the README)")
    tload.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s); "
                                                                "the store is beside it")
    steering_cli.add_targets_option(tload)
    tload.add_argument("--by", help="who sets them (default: the operating-system user)")
    tload.add_argument("--quiet", action="store_true", help="print nothing on success")

    pack = sub.add_parser("pack", help="write the board pack for a period and filters: a PDF, or with --out "
                                       "FILE.pptx an editable PowerPoint deck with native charts")
    pack.add_argument("--db", default=str(db.DEFAULT_DB), help="database file (default %(default)s)")
    pack.add_argument("--out", required=True, metavar="FILE.pdf", help="the file to write (replaced if it exists): "
                                                                      ".pdf for the PDF, .pptx for the deck")
    end = pack.add_mutually_exclusive_group()
    end.add_argument("--as-of", dest="as_of", metavar="YYYY-MM", help="last month of the period "
                                                                     "(default: the data's as-of month)")
    end.add_argument("--to", dest="as_of", metavar="YYYY-MM", help="the same as --as-of")
    pack.add_argument("--window", choices=["month", "quarter", "year", "custom"], default=None,
                      help="months ending at the as-of month, as in the app (default quarter; custom with --from)")
    pack.add_argument("--from", dest="from_month", metavar="YYYY-MM",
                      help="first month of a custom period (implies --window custom)")
    pack.add_argument("--currency", default="$", help="currency symbol shown with amounts (default %(default)s)")
    _add_decisions(pack)
    steering_cli.add_targets_option(pack)
    pack.add_argument("--no-reviews", action="store_true",
                      help="leave out the account review pages (at-risk and expansion lists, churned and "
                           "contracted accounts)")
    pack.add_argument("--quiet", action="store_true", help="print nothing on success")
    _add_filters(pack)
    return parser


def _billing_formats() -> list[str]:
    from .imports import FORMATS
    return list(FORMATS)


class _Progress:
    """Load progress on stderr. On a terminal one live line is rewritten in
    place; elsewhere (scripts, logs) steps are printed only with --progress, so
    a failed load leaves exactly one line there: the error. The final summary
    line is always printed unless --quiet."""

    def __init__(self, quiet: bool, steps: bool):
        self.quiet, self.tty = quiet, sys.stderr.isatty()
        self.steps = steps and not self.tty

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        if self.tty:
            sys.stderr.write("\r\033[K" + message[:150])
            sys.stderr.flush()
        elif self.steps:
            print(message, file=sys.stderr, flush=True)

    def done(self, message: str) -> None:
        if not self.quiet:
            self.clear()
            print(message, file=sys.stderr, flush=True)

    @staticmethod
    def clear() -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")


def run(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "load":
        return load(args)
    if args.command == "build":
        return build_book(args)
    if args.command == "demo":
        progress = _Progress(args.quiet, args.progress)
        summary = write_demo(args.db, n_accounts=args.accounts, n_months=args.months, progress=progress)
        progress.done(f"wrote {summary.path}: {summary.accounts:,} accounts, {summary.mrr_rows:,} "
                      f"account-product-months, {summary.first_month} to {summary.as_of_month} "
                      f"({summary.seconds:.1f} s)")
        return 0
    if args.command == "history":
        return write_history(args)
    if args.command == "rollback":
        return roll_back(args)
    if args.command == "pack":
        return write_pack(args)
    if args.command == "targets":
        return steering_cli.load_targets(args)
    if args.report == "targets":
        return steering_cli.report_targets(args, write_csv)
    con = db.connect_read_only(args.db)
    try:
        filters = _filters(args)
        metrics.check_filters(con, filters)
        kind = args.report
        if kind == "movements":
            frame = metrics.movements(con, filters)
        elif kind == "retention":
            frame = metrics.nrr_trend(con, filters)
        elif kind == "waterfall":
            pick = metrics.nrr_bridge if args.existing_only else metrics.waterfall
            frame = pick(con, filters, args.from_month, args.to_month)
        elif kind == "cohorts":
            frame = metrics.cohorts(con, filters, by=args.by)
        elif kind == "breakdown":
            month = args.month or metrics.book_info(con).as_of_month
            metrics.window(con, month, month)
            frame = metrics.breakdown(con, filters, args.by, month)
        elif kind == "definitions":
            from . import variants
            month = args.month or metrics.book_info(con).as_of_month
            metrics.window(con, month, month)
            frame = variants.table(con, filters, month)
            frame["value"] = frame["value"].map(format_ratio)  # a fraction; empty where no base
        elif kind == "scorecard":
            return steering_cli.report_scorecard(con, filters, args, _decision_store(args))
        elif kind in ("journey", "drivers", "churn-reasons"):
            frame, columns = _insight_report(con, filters, args)
            write_csv(frame, columns)
            return 0
        elif kind in FORECAST_COLUMNS:
            write_csv(_forecast_report(con, filters, args), FORECAST_COLUMNS[kind])
            return 0
        else:
            write_csv(_review_report(con, filters, args), REVIEW_COLUMNS[kind])
            return 0
        write_csv(frame, REPORT_COLUMNS[kind])
    finally:
        con.close()
    return 0


# The load command's options that are load_book keyword arguments (the input files and their options).
LOAD_INPUTS = ("accounts", "mrr", "subscriptions", "customers", "invoice_lines", "billing", "billing_format", "fx",
               "map_file", "signals", "owners", "churn_reasons")


def build_book(args) -> int:
    """``build``: the book from the input files, as Parquet under --out (``nrr_core.engines``)."""
    from . import engines

    progress = _Progress(args.quiet, args.progress)
    inputs = {name: getattr(args, name) for name in LOAD_INPUTS if getattr(args, name) is not None}
    summary = engines.build(args.out, engine=args.engine, progress=progress, as_of=args.as_of,
                            default_product=args.default_product, **inputs)
    for note in summary.notes:
        progress.done(f"note: {note}")
    progress.done(f"wrote {args.out} with {args.engine}: {summary.accounts:,} accounts, {summary.mrr_rows:,} "
                  f"account-product-months, {summary.first_month} to {summary.as_of_month} "
                  f"({summary.seconds:.1f} s); load it with: python -m nrr_core load --db PATH --parquet {args.out}")
    return 0


def load(args) -> int:
    """``load``: stage the files (or read a Parquet book), then publish them (a new version in the load history)."""
    progress = _Progress(args.quiet, args.progress)
    inputs = {name: getattr(args, name) for name in LOAD_INPUTS if getattr(args, name) is not None}
    if args.parquet is not None:
        inputs["parquet"] = args.parquet
    staged = versions.stage(args.db, progress=progress, as_of=args.as_of, default_product=args.default_product,
                            **inputs)
    try:
        version = versions.publish(staged, args.db, args.who or versions.default_who(), keep=args.keep)
    finally:
        staged.discard()  # already gone once published
    summary = staged.summary
    for note in summary.notes:
        progress.done(f"note: {note}")
    added = summary.accounts_added_from_revenue
    added_text = f" ({added:,} added from revenue, with no accounts row)" if added else ""
    progress.done(f"wrote {args.db}: {summary.accounts:,} accounts{added_text}, {summary.mrr_rows:,} "
                  f"account-product-months, {summary.first_month} to {summary.as_of_month} "
                  f"({summary.seconds:.1f} s, version {version.version})")
    return 0


def write_history(args) -> int:
    """``history``: every publish and rollback of the book, oldest first, as CSV."""
    rows = versions.history(args.db)
    if not rows:
        raise NrrError(f"no load history beside {args.db}: nothing was published there with "
                       f"`python -m nrr_core load` or the Data page")
    frame = pd.DataFrame([{"version": v.version, "published_at": v.published_at, "who": v.who, "action": v.action,
                           "files": "; ".join(f.describe() for f in v.files), "accounts": v.accounts,
                           "months": v.months, "as_of": v.as_of, "arr": v.arr, "nrr": v.nrr, "grr": v.grr,
                           "kept": v.kept} for v in rows])
    write_csv(frame, HISTORY_COLUMNS)
    return 0


def roll_back(args) -> int:
    """``rollback VERSION``: put a kept version back in force and record it."""
    v = versions.rollback(args.db, args.version, args.who or versions.default_who())
    if not args.quiet:
        print(f"restored version {v.version} into {args.db}: {v.accounts:,} accounts, {v.first_month} to "
              f"{v.as_of} (loaded from {v.file_names() or 'no files'})", file=sys.stderr)
    return 0


def write_pack(args) -> int:
    """``pack``: build the board pack and write it atomically to ``--out``."""
    import os
    import time

    from . import review
    from .pack import build_deck, make_pack
    from .period import Period

    started = time.perf_counter()
    out = Path(args.out)
    if out.is_dir():
        raise NrrError(f"--out {out} is a folder; give a file name such as board-pack.pdf")
    if not out.parent.is_dir():
        raise NrrError(f"--out {out}: the folder {out.parent} does not exist")
    deck = out.suffix.lower() == ".pptx"
    if not deck and out.suffix.lower() != ".pdf":
        raise NrrError(f"--out {out}: give a .pdf (the board pack) or a .pptx (the editable deck) file name")
    window = args.window or ("custom" if args.from_month else "quarter")
    if args.from_month and window != "custom":
        raise NrrError(f"--from goes with --window custom, not --window {window}")
    con = db.connect_read_only(args.db)
    try:
        filters = _filters(args)
        metrics.check_filters(con, filters)
        info = metrics.book_info(con)
        period = Period.within(info.first_month, args.as_of or info.as_of_month, window, args.from_month)
        reviews = retro = None
        if not args.no_reviews:
            reviews = _review_lists(con, filters, period.to_month, args)
            retro = review.retrospective(con, filters, period.from_month, period.to_month, _decision_store(args))
        # No db_path: the pack prints a placeholder, never this machine's paths.
        build = build_deck if deck else make_pack
        made = build(con, filters, period, currency=args.currency, reviews=reviews, retrospective=retro,
                     decisions=_decision_store(args),
                     targets=steering_cli.target_store(args, must_exist=True).in_force())
    finally:
        con.close()
        if not deck:  # one pack per process: no browser to keep
            from .pack.images import BROWSER

            BROWSER.close()
    content = made if deck else made.pdf
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NrrError(f"--out {out}: cannot write it ({exc.strerror or exc})") from None
    if not args.quiet:
        pages = "" if deck else f"{made.pages} pages, "
        print(f"wrote {out}: {pages}{len(content) / 1024:,.0f} KB, "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _review_report(con, filters: Filters, args):
    """The frame of ``report board|backtest|retrospective``."""
    from . import review

    if args.report == "retrospective":
        metrics.window(con, args.from_month, args.to_month)
        return review.retrospective(con, filters, args.from_month, args.to_month, _decision_store(args))[0]
    month = args.month or metrics.book_info(con).as_of_month
    metrics.window(con, month, month)
    if args.report == "board":
        board = review.board(con, filters, month, _decision_store(args))
        return pd.concat([board.at_risk.assign(list="at risk"), board.expansion.assign(list="expansion")],
                         ignore_index=True)
    monthly = review.backtest_by_month(con, filters, month)
    if monthly is None:
        raise NrrError(f"no month to back-test: it needs 6 months of data before and {review.HORIZON} after")
    return monthly


def _insight_report(con, filters: Filters, args):
    """The frame and columns of ``report journey|drivers|churn-reasons`` (the /drivers page's
    figures, and the churn-reason roll-up of the account review's retrospective)."""
    from . import insight, review

    if args.report == "churn-reasons":
        metrics.window(con, args.from_month, args.to_month)
        store = _decision_store(args)
        retro = review.retrospective(con, filters, args.from_month, args.to_month, store)[0]
        reasons = insight.recorded_reasons(con, insight.ReasonStore(store.path) if store else None)
        rolled = insight.rollup(insight.attach(retro, reasons, args.from_month, args.to_month), args.by)
        return rolled, INSIGHT_COLUMNS["churn-reasons"]
    rules = insight.from_toml(args.config)
    month = args.month or metrics.book_info(con).as_of_month
    metrics.window(con, month, month)
    if args.report == "drivers":
        return insight.drivers(con, filters, month, rules), INSIGHT_COLUMNS["drivers"]
    view = args.view
    if view == "phases":
        frame = insight.phases(con, filters, rules)
        frame = frame[frame.month <= month]
    elif view == "time-to-value":
        frame = insight.time_to_value(con, filters, month, args.by, rules)[0]
    elif view == "stalls":
        frame = insight.stalls(con, filters, month, rules)
    else:
        frame = insight.early_adoption(con, filters, month, rules)
    return frame, INSIGHT_COLUMNS[view]


def _forecast_report(con, filters: Filters, args):
    """The frame of ``report forecast|forecast-backtest`` (``nrr_core.forecast``)."""
    from . import forecast

    if args.report == "forecast":
        return forecast.forecast(con, None, filters, args.horizon, _decision_store(args)).table
    return forecast.backtest(con, filters, args.horizon, _decision_store(args)).table


def _decision_store(args):
    """The decisions store of ``--decisions`` (a file or a postgresql:// URL),
    or decisions.sqlite beside --db if it exists (never created by a report);
    None when there is none."""
    from . import stores
    from .review.decisions import DecisionStore

    where = stores.place(args.decisions) if args.decisions else Path(args.db).with_name("decisions.sqlite")
    if args.decisions and not stores.exists(where):
        raise NrrError(f"--decisions {where}: no such file")
    return DecisionStore(where) if stores.exists(where) else None


def _review_lists(con, filters: Filters, month: str, args):
    """The review board's (at_risk, expansion) lists at ``month``, with the
    latest decisions from the decisions file if there is one (never created here)."""
    from . import review

    board = review.board(con, filters, month, _decision_store(args))
    return board.at_risk, board.expansion


def main(argv=None) -> int:
    try:
        return run(argv)
    except NrrError as exc:
        _Progress.clear()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the user gets one line; the details are a bug to report
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: unexpected {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
