"""Benchmark: load time, every report and every page's server-side compute, peak
memory, each as a ratio to the bare aggregation floor measured in the same run.

    python benchmarks/bench.py [--sizes 1000,10000,100000] [--months 48] [--out benchmarks/out]
                               [--skip forecast,drivers]
    python benchmarks/bench.py --pack [--rounds 3]     # the board pack on the demo book, warm

Each size runs in its own process: generate a seeded book (n accounts x 48
months x 3 product lines), load it with `nrr_core.load` in a process of its own
(so the loader's peak memory is its own), then time each query best-of-5 with
and without a segment filter, and the `report` commands a user runs (process
start included). `--skip` leaves out the timings whose name contains a given
word (the forecast's take minutes at 100k). The floor is `SELECT month, sum(mrr) ... GROUP BY month` over the raw
MRR rows of the same database. With `saas-metrics` 0.1.0 installed (not a
requirement), the open-source peer engine is measured on the same mrr.csv in
the same run. A benchmark, not a test: nothing asserts times.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRODUCTS = ("Core", "Analytics", "Automation")


# Reports whose result nrr_core keeps per load and selection (the forecast's track
# record, the CSM books), so that best-of-n times a repeat.
REMEMBERED = ("report forecast", "CSM scorecards")


def best_of(fn, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def page_calls(metrics, con, f, info):
    """What each page asks nrr_core for on a first visit (see pages/*.py)."""
    from nrr_core import review, triangle
    from nrr_core.months import label
    from nrr_core.period import Period

    p = Period.within(info.first_month, info.as_of_month, "quarter")
    as_of = info.as_of_month
    return {
        "page: overview": lambda: (metrics.headline(con, f, as_of, p.comparison_month()),
                                   metrics.nrr_trend(con, f, as_of),
                                   metrics.breakdown(con, f, "segment", as_of),
                                   metrics.top_movers(con, f, p.from_month, p.to_month),
                                   metrics.window_nrr(con, f, p.from_month, p.to_month),
                                   metrics.nrr_bridge(con, f, p.from_month, p.to_month)),
        "page: churn vs expansion": lambda: (metrics.waterfall(con, f, p.from_month, p.to_month),
                                             metrics.nrr_bridge(con, f, p.from_month, p.to_month),
                                             metrics.window_nrr(con, f, p.from_month, p.to_month),
                                             metrics.movements_by(con, f, "month", label(info.first_idx + 1), as_of),
                                             metrics.bridge_by(con, f, "segment", p.from_month, p.to_month)),
        "page: retention curves": lambda: (metrics.cohorts(con, f, "segment"),
                                           triangle.cohort_triangle(con, f, "quarter", "revenue_retention", 3)),
        "page: accounts": lambda: metrics.account_list(con, f, as_of, ""),
        "page: account review, board": lambda: review.board(con, f, as_of),
        "page: account review, score quality (back-test)": lambda: review.backtest(con, f, as_of),
        "page: account review, roll-ups": lambda: (review.sponsor_coverage(con, f, as_of),
                                                  review.retrospective(con, f, p.from_month, p.to_month)),
        "page: forecast": lambda: _forecast_page(con, f, as_of),
        **insight_calls(con, f, info),
    }


def insight_calls(con, f, info):
    """What each section of /drivers asks nrr_core.insight for (ui/drivers/*_view.py); the voice
    feed's at-risk ids come from the review board, which the review page has already cached."""
    from nrr_core import insight
    from nrr_core.period import Period

    p = Period.within(info.first_month, info.as_of_month, "quarter")
    as_of = info.as_of_month
    return {
        "page: drivers, journey": lambda: (insight.phases(con, f),
                                           insight.time_to_value(con, f, as_of, "segment"),
                                           insight.stalls(con, f, as_of)),
        "page: drivers, early adoption": lambda: insight.early_adoption(con, f, as_of),
        "page: drivers, drivers": lambda: insight.drivers(con, f, as_of),
        "page: drivers, customer voice": lambda: (insight.nps_trend(con, f, "quarter"),
                                                  insight.comment_feed(con, f, p.from_month, p.to_month, "", ())),
        "page: account review, churn reasons": lambda: _churn_reasons(con, f, p),
    }


_CARDS: dict = {}


def _churn_reasons(con, f, p):
    """The churn-reason roll-up of the quarter: the review's retrospective with the reasons in
    force, scored with the scorecard in force the month before (the app calibrates it once
    per data version, ui/data.retrospective; so here once per process, outside the timing)."""
    from nrr_core import insight, review
    from nrr_core.months import label, parse_month

    month = label(parse_month(p.from_month) - 1)
    if month not in _CARDS:
        _CARDS[month] = review.calibrate(con, month).scorecard
    retro = review.retrospective(con, f, p.from_month, p.to_month, None, scorecard=_CARDS[month])[0]
    attached = insight.attach(retro, insight.recorded_reasons(con, None), p.from_month, p.to_month)
    return insight.rollup(attached, "reason"), insight.rollup(attached, "department")


def _forecast_page(con, f, as_of):
    """The Forecast page's calls: the forecast, its back-test, the accounts behind it."""
    from nrr_core import forecast

    fc = forecast.forecast(con, as_of, f)
    return fc, forecast.backtest(con, f), forecast.contribution_table(fc, forecast.account_names(con, f))


LOAD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from nrr_core.load import load_book
t = time.perf_counter()
summary = load_book(sys.argv[2], accounts=sys.argv[3], mrr=sys.argv[4], signals=sys.argv[5])
print(json.dumps({"seconds": time.perf_counter() - t, "mrr_rows": summary.mrr_rows,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _load(path: Path, files: dict) -> dict:
    """Load the book in a process of its own: (seconds, rows, the loader's peak memory)."""
    done = subprocess.run([sys.executable, "-c", LOAD, str(ROOT), str(path), str(files["accounts"]),
                           str(files["mrr"]), str(files["signals"])], stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# The peer reads the whole mrr.csv into pandas (1.9 GB at 100k accounts): above this many
# accounts it would outgrow the machine's memory, so it is not run.
PEER_MAX = 200_000

# The review commands a user runs at the as-of month, timed as new processes.
REVIEW_COMMANDS = ("board", "backtest")


def book_files(folder: Path, n_accounts: int, months: int) -> tuple[dict, float | None]:
    """The seeded book's input files in ``folder``: generated there, or reused when
    ``book.json`` says the folder already holds this size (a million accounts take
    minutes to generate). Returns (files, seconds generating; None when reused)."""
    from nrr_core.demo import generate_book

    stamp, wanted = folder / "book.json", {"accounts": n_accounts, "months": months, "products": list(PRODUCTS)}
    kept = json.loads(stamp.read_text()) if stamp.exists() else {}
    if kept.get("book") == wanted:
        return {k: Path(v) for k, v in kept["files"].items()}, None
    t = time.perf_counter()
    files = generate_book(folder, n_accounts=n_accounts, n_months=months, products=PRODUCTS)
    seconds = time.perf_counter() - t
    stamp.write_text(json.dumps({"book": wanted, "files": {k: str(v) for k, v in files.items()}}))
    return files, seconds


def one_size(n_accounts: int, months: int, skip: tuple[str, ...] = (), book: str | None = None,
             peer_max: int = PEER_MAX) -> dict:
    from nrr_core import Filters, db, metrics

    out: dict = {"accounts": n_accounts, "months": months}
    # Best of 5 (pages and commands 3); above 100k accounts best of 2, where a slow figure takes
    # seconds a call.
    rounds = 5 if n_accounts <= 100_000 else 2
    page_rounds = min(rounds, 3)
    with tempfile.TemporaryDirectory(prefix="nrr-bench-") as tmp:
        folder = Path(book) if book else Path(tmp)
        files, out["generate_s"] = book_files(folder, n_accounts, months)
        out["csv_mb"] = sum(p.stat().st_size for p in files.values()) / 1e6
        path = Path(tmp) / "bench.duckdb"
        loaded = _load(path, files)
        out["load_s"] = loaded["seconds"]
        out["mrr_rows"] = loaded["mrr_rows"]
        out["load_rss_mb"] = loaded["rss_mb"]
        out["db_mb"] = path.stat().st_size / 1e6
        con = db.connect_read_only(path)
        info = metrics.book_info(con)

        def floor():
            with con.cursor() as cur:
                cur.execute("SELECT month_idx, sum(mrr) FROM mrr GROUP BY month_idx").fetchall()

        out["floor_s"] = best_of(floor, 7)
        seg = Filters.of(segment="Enterprise")
        last, first = info.as_of_month, info.months()[-12]
        # The forecast's first call calibrates the scorecard in force at every past
        # month (kept per process and load): timed once, cold, before the warm runs.
        from nrr_core import forecast
        if "forecast" not in skip:
            t = time.perf_counter()
            forecast.backtest(con, None)
            out["forecast_backtest_cold_s"] = time.perf_counter() - t
        from nrr_core.steering.scorecard import scorecard
        quarter = f"{last[:4]}-Q{(int(last[5:]) - 1) // 3 + 1}"
        if "scorecard" not in skip:
            t = time.perf_counter()
            scorecard(con, quarter)
            out["scorecard_cold_s"] = time.perf_counter() - t
        reports = {
            "report movements": lambda f: metrics.movements(con, f),
            "report retention": lambda f: metrics.nrr_trend(con, f),
            "report waterfall (12 months)": lambda f: metrics.waterfall(con, f, first, last),
            "report cohorts (quarter)": lambda f: metrics.cohorts(con, f, "quarter"),
            "report breakdown (segment)": lambda f: metrics.breakdown(con, f, "segment", last),
            "report forecast (12 months)": lambda f: forecast.forecast(con, None, f),
            "report forecast-backtest": lambda f: forecast.backtest(con, f),
            "CSM scorecards (quarter)": lambda f: scorecard(con, quarter, f),
        }
        timings = {}

        def wanted(name: str) -> bool:
            return not any(word in name for word in skip)

        for name, fn in reports.items():
            if wanted(name):
                timings[name] = best_of(lambda: fn(None), rounds)
                if name.startswith(REMEMBERED):
                    # Repeats are read from what nrr_core keeps per load and selection: time
                    # a selection's first call too (the load's calibrations already made).
                    t = time.perf_counter()
                    fn(seg)
                    timings[name + " [Enterprise, first call]"] = time.perf_counter() - t
                timings[name + " [Enterprise]"] = best_of(lambda: fn(seg), rounds)
        for name, fn in page_calls(metrics, con, None, info).items():
            if wanted(name):
                timings[name] = best_of(fn, page_rounds)
        for name, fn in page_calls(metrics, con, seg, info).items():
            if wanted(name):
                timings[name + " [Enterprise]"] = best_of(fn, page_rounds)
        out["timings"] = timings
        out["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        con.close()
        # The report command as a user runs it: a new process, start-up included.
        cmd = [sys.executable, "-m", "nrr_core", "report", "movements", "--db", str(path)]
        out["cli_movements_s"] = min(_wall(cmd) for _ in range(page_rounds))
        for report in REVIEW_COMMANDS:
            cmd = [sys.executable, "-m", "nrr_core", "report", report, "--db", str(path)]
            out[f"cli_{report}_s"] = min(_wall(cmd) for _ in range(page_rounds))
        # Our whole path from CSV to the reports the peer also computes (not the forecast).
        out["ours_csv_to_report_s"] = out["load_s"] + sum(timings[name] for name in reports
                                                          if name in timings and "forecast" not in name)
        with db.connect_read_only(path) as con:
            out["ours_nrr"] = float(metrics.nrr_trend(con).nrr.iloc[-1])
        out["peer"] = _peer(files["mrr"]) if n_accounts <= peer_max else None
    return out


PEER = """
import json, resource, sys, time
t = time.perf_counter()
import saas_metrics as sm
report = sm.analyze(sys.argv[1], mapping={"customer_id": "account_id", "period": "month", "revenue": "mrr"})
metrics, waterfall = report.metrics, report.waterfall
print(json.dumps({"seconds": time.perf_counter() - t, "nrr": float(metrics.nrr_12m.iloc[-1]),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _peer(mrr_csv) -> dict | None:
    """The open-source peer engine saas-metrics 0.1.0 (DuckDB + pandas) from the
    same mrr.csv to its metrics and waterfall, in its own process. Optional:
    `pip install saas-metrics==0.1.0` to measure it; None when not installed."""
    try:
        import saas_metrics  # noqa: F401
    except ImportError:
        return None
    done = subprocess.run([sys.executable, "-c", PEER, str(mrr_csv)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pack_times(rounds: int = 3) -> dict:
    """The board pack (PDF, with the review lists and the retrospective) and
    the deck on the demo book (2,000 accounts x 36 months), warm: after one
    build in the same process (the scorecard calibrations and kaleido's page
    are then in place). Best of ``rounds``: with the process's browser kept
    (``pack.images.BROWSER``), and with a new browser for every pack (how each
    pack drew its charts before), with the charts' own time (``BoardPack.chart_seconds``:
    drawn beside the other steps, so not a share of the total)."""
    from nrr_core import Filters, db, metrics, pack, review
    from nrr_core.cli import write_demo
    from nrr_core.pack.images import BROWSER
    from nrr_core.period import Period

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "demo.duckdb"
        write_demo(book)
        con = db.connect_read_only(book)
        info = metrics.book_info(con)
        period = Period.within(info.first_month, info.as_of_month, "quarter")

        def build():
            board = review.board(con, Filters(), period.to_month)
            retro = review.retrospective(con, Filters(), period.from_month, period.to_month)
            return pack.make_pack(con, Filters(), period, reviews=(board.at_risk, board.expansion), retrospective=retro)

        first = build()
        out = {"pages": first.pages, "cold_s": first.seconds}
        for name, fresh in (("kept", False), ("fresh", True)):
            runs = []
            for _ in range(rounds):
                if fresh:
                    BROWSER.close()
                t = time.perf_counter()
                made = build()
                runs.append((time.perf_counter() - t, made.chart_seconds))
            out[f"{name}_s"], out[f"{name}_charts_s"] = min(runs)
        t = time.perf_counter()
        pack.build_deck(con, Filters(), period)
        out["deck_s"] = best_of(lambda: pack.build_deck(con, Filters(), period), rounds)
        con.close()
        BROWSER.close()
    return out


def _wall(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    parser.add_argument("--skip", default="", help="leave out timings whose name contains one of these "
                                                    "comma-separated words (e.g. forecast,drivers)")
    parser.add_argument("--book", metavar="DIR", help="keep each size's generated input files in DIR/<accounts> "
                                                       "and reuse them on the next run")
    parser.add_argument("--peer-max", type=int, default=PEER_MAX, help="run the peer engine only up to this "
                                                                       "many accounts")
    parser.add_argument("--pack", action="store_true", help="time the board pack on the demo book instead")
    parser.add_argument("--rounds", type=int, default=3, help="with --pack: builds per variant (best of)")
    args = parser.parse_args()
    skip = tuple(word for word in args.skip.split(",") if word)
    if args.pack:
        r = pack_times(args.rounds)
        print(f"| board pack on the demo book ({r['pages']} pages) | seconds |\n| --- | --- |\n"
              f"| first build in the process (calibrations, browser start) | {r['cold_s']:.2f} |\n"
              f"| warm, one browser kept for every pack (charts) | {r['kept_s']:.2f} ({r['kept_charts_s']:.2f}) |\n"
              f"| warm, a new browser for each pack (charts) | {r['fresh_s']:.2f} ({r['fresh_charts_s']:.2f}) |\n"
              f"| the deck (PPTX), warm | {r['deck_s']:.2f} |")
        return 0
    if args.one:
        print(json.dumps(one_size(args.one, args.months, skip, args.book, args.peer_max)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for n in sizes:
        keep = ["--book", str(Path(args.book) / str(n))] if args.book else []
        done = subprocess.run([sys.executable, __file__, "--one", str(n), "--months", str(args.months),
                               "--skip", ",".join(skip), "--peer-max", str(args.peer_max), *keep],
                              cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)  # its errors show
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"measured {n:,} accounts", file=sys.stderr)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "results.json").write_text(json.dumps(results, indent=2))
    print(render(results))
    return 0


def measured(cell, r) -> str:
    """A cell's text, or "not measured" where its figures were skipped (``--skip``, the peer
    above ``--peer-max``)."""
    try:
        return cell(r)
    except (KeyError, TypeError):
        return "not measured"


def render(results) -> str:
    """The results as a markdown table, one column per size."""
    first = results[0]

    def row(label: str, cell) -> str:
        return f"| {label} | " + " | ".join(measured(cell, r) for r in results) + " |"

    rows = ["| figure | " + " | ".join(f"{r['accounts']:,} accounts" for r in results) + " |",
            "| --- |" + " --- |" * len(results),
            row("MRR rows (account × product × month)", lambda r: f"{r['mrr_rows']:,}"),
            row("floor: `sum(mrr) GROUP BY month`", lambda r: f"{r['floor_s']*1e3:.1f} ms"),
            row("load from CSV to a ready database", lambda r: f"{r['load_s']:.2f} s"),
            row("first forecast back-test in a process (calibrates every past month's scorecard)",
                lambda r: f"{r['forecast_backtest_cold_s']:.2f} s"),
            row("first CSM scorecards in a process", lambda r: f"{r['scorecard_cold_s']:.2f} s")]
    if any(r.get("peer") for r in results):
        rows += [
            row("peer `saas-metrics` 0.1.0, CSV to metrics and waterfall (its peak memory)",
                lambda r: f"{r['peer']['seconds']:.2f} s ({r['peer']['rss_mb']:.0f} MB)"),
            row("ours, CSV to a ready database ÷ peer", lambda r: f"{r['load_s']/r['peer']['seconds']:.2f}×"),
            row("ours, CSV to every report the peer computes ÷ peer",
                lambda r: f"{r['ours_csv_to_report_s']:.2f} s ({r['ours_csv_to_report_s']/r['peer']['seconds']:.2f}×)"),
            row("12-month NRR at the as-of month: ours / peer",
                lambda r: f"{r['ours_nrr']:.6f} / {r['peer']['nrr']:.6f}")]
    for name in dict.fromkeys(name for r in results for name in r["timings"]):
        rows.append(row(name, lambda r, name=name:
                        f"{r['timings'][name]*1e3:.1f} ms ({r['timings'][name]/r['floor_s']:.1f}×)"))
    rows += [
        *(row(f"`report {report}` command, process start included",
              lambda r, key=f"cli_{report}_s": f"{r[key]:.2f} s ({r[key]/first[key]:.2f}× the first size)")
          for report in ("movements",) + REVIEW_COMMANDS),
        row("loader's peak memory (its own process)", lambda r: f"{r['load_rss_mb']:.0f} MB"),
        row("peak memory of the querying process (book generated, all queries)",
            lambda r: f"{r['rss_peak_mb']:.0f} MB"),
        row("CSV size / database size", lambda r: f"{r['csv_mb']:.0f} / {r['db_mb']:.0f} MB")]
    return "\n".join(rows)

if __name__ == "__main__":
    sys.exit(main())
