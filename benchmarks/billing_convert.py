"""Benchmark: convert a generated Stripe subscriptions export of N customers to
invoice lines, and check it as the Data page does.

    python benchmarks/billing_convert.py [--rows 100000] [--page]

One subscription per customer, a seeded mix of statuses (active, trialing,
canceled, past_due, a scheduled cancellation), intervals (month, month x 3,
year) and two currencies, written to a temporary folder; then
``nrr_core.imports.to_invoice_lines`` is timed (best of 3). A benchmark, not
a test: nothing asserts times.

``--page`` also times what the Data page's *Check* does with that export and
an fx.csv (``versions.stage``: convert, validate, build the new book beside
the current one; then ``versions.preview`` against a current book, the demo
book), with its progress messages counted: the goal is under 30 s at 100k.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nrr_core import versions  # noqa: E402
from nrr_core.demo import write_demo  # noqa: E402
from nrr_core.imports import to_invoice_lines  # noqa: E402
from nrr_core.imports.periods import add_months  # noqa: E402

HEADER = ["id", "Customer ID", "Customer Name", "Plan", "Quantity", "Currency", "Interval", "Amount", "Status",
          "Created (UTC)", "Start Date (UTC)", "Current Period Start (UTC)", "Current Period End (UTC)",
          "Trial End (UTC)", "Canceled At (UTC)", "Ended At (UTC)", "Cancel At Period End"]


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    today = dt.date(2026, 11, 20)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            months = rnd.choice((1, 1, 1, 3, 12))
            start = today - dt.timedelta(days=rnd.randint(40, 1400))
            k = 0
            while add_months(start, (k + 1) * months) <= today:
                k += 1
            cps, cpe = add_months(start, k * months), add_months(start, (k + 1) * months)
            status = rnd.choice(("active",) * 6 + ("canceled", "trialing", "past_due", "active_cancel"))
            ended = canceled = trial_end = ""
            cape = "false"
            if status == "canceled":
                ended = canceled = (start + dt.timedelta(days=rnd.randint(30, 600))).isoformat()
            elif status == "trialing":
                trial_end = (today + dt.timedelta(days=10)).isoformat()
            elif status == "active_cancel":
                status, cape, canceled = "active", "true", (today - dt.timedelta(days=3)).isoformat()
            w.writerow([f"sub_{i}", f"cus_{i}", f"Customer {i}", "pro", rnd.randint(1, 5),
                        rnd.choice(("usd", "eur")), "year" if months == 12 else "month",
                        f"{rnd.choice((19, 49, 99, 490)):.2f}", status, start.isoformat() + " 10:00",
                        start.isoformat() + " 10:00", cps.isoformat() + " 10:00", cpe.isoformat() + " 10:00",
                        trial_end, canceled, ended, cape])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--page", action="store_true", help="also time the Data page's check (stage + preview)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "subscriptions.csv"
        write_export(src, args.rows)
        best = cpu = None
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            done = to_invoice_lines(src, Path(tmp) / "out")
            best = min(best or 1e9, time.perf_counter() - t)
            cpu = min(cpu or 1e9, time.process_time() - c)
        # CPU time too: on a shared machine the wall clock also measures the neighbours.
        print(f"{args.rows:,} Stripe subscriptions -> {done.lines:,} invoice lines, "
              f"{done.customer_count:,} customers in {best:.2f} s wall, {cpu:.2f} s CPU (best of 3); "
              f"notes: {'; '.join(done.notes)}")
        if args.page:
            page_check(Path(tmp), src, best)


def page_check(tmp: Path, export: Path, convert_seconds: float) -> None:
    """The Data page's Check on ``export``: stage (with progress) and preview against the demo book."""
    book = tmp / "site" / "nrr.duckdb"
    book.parent.mkdir()
    write_demo(book)
    fx = tmp / "fx.csv"
    fx.write_text("currency,rate\nUSD,1\nEUR,1.08\n", encoding="utf-8")
    steps = []
    t = time.perf_counter()
    staged = versions.stage(book, progress=lambda m: steps.append((round(time.perf_counter() - t, 1), m)),
                            billing=[export], fx=fx)
    staged_s = time.perf_counter() - t
    t2 = time.perf_counter()
    preview = versions.preview(book, staged)
    preview_s = time.perf_counter() - t2
    staged.discard()
    total = time.perf_counter() - t
    print(f"Data page check of the export: stage {staged_s:.1f} s ({len(steps)} progress messages), preview "
          f"{preview_s:.1f} s, total {total:.1f} s = {total / convert_seconds:.1f}x the conversion alone; "
          f"new book {preview.staged.accounts:,} accounts, as of {preview.staged.as_of}")
    for at, message in steps:
        print(f"  {at:6.1f} s  {message}")


if __name__ == "__main__":
    main()
