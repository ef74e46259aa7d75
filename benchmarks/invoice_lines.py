"""Loading invoice lines against loading the same revenue as mrr.csv.

    python benchmarks/invoice_lines.py [--customers 100000] [--years 4] [--seed 17] [--keep DIR]

Generates, seeded, about 51 invoice lines per customer (the default, 100k
customers over 4 years, is about 5 million lines): each customer has Core and
half also Analytics, billed monthly (70 %), quarterly (20 %) or annually
(10 %) from a start month in the first year, a start on the 1st or (one in
five) the 15th, three in ten churning; prices rise 10 % a year for three in
ten; 2 % of invoices carry a one-time line and every invoice a tax line for one
customer in ten (no MRR). Currencies USD, EUR and GBP with an fx.csv.

The equivalent mrr.csv is computed here with numpy from the same lines (the
month rule: a line counts in each month whose first day its period covers,
amount x rate / number of such months), cut at the same as-of month.

Each load runs in its own subprocess (``load_book``, no accounts file for the
invoice lines; an accounts.csv of the same customers for mrr.csv) and reports
its wall seconds, CPU seconds (user + system: steadier than wall time on a
shared machine), the seconds of the shared build step (build_book.sql and the
review tables, the same for both inputs) and peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss`` at its end). With ``--repeat N`` the two
loads alternate N times and the fastest of each is kept. Then the two books'
monthly movements are compared: they must be equal. Prints one table and the
ratios invoice lines / mrr.csv (target <= 1.5).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}
BASE_YEAR = 2021


def _labels(n_months: int, day: int) -> pa.Array:
    """Date text YYYY-MM-DD for month index 0..n_months-1 (plus a year of slack) on ``day``."""
    return pa.array([f"{BASE_YEAR + m // 12}-{m % 12 + 1:02d}-{day:02d}" for m in range(n_months + 14)])


def generate(folder: Path, n_customers: int, years: int, seed: int) -> dict:
    """Write lines.csv, fx.csv, mrr.csv and accounts.csv into ``folder``; return counts."""
    rng = np.random.default_rng(seed)
    n_months = 12 * years
    # One subscription per (customer, product).
    has_analytics = rng.random(n_customers) < 0.5
    cust = np.concatenate([np.arange(n_customers), np.flatnonzero(has_analytics)])
    product = np.concatenate([np.zeros(n_customers, np.int8), np.ones(has_analytics.sum(), np.int8)])
    n_subs = len(cust)
    interval = rng.choice(np.array([1, 3, 12]), size=n_customers, p=[0.7, 0.2, 0.1])[cust]
    start = rng.integers(0, 12, n_customers)[cust]
    day15 = (rng.random(n_customers) < 0.2)[cust]
    churns = (rng.random(n_customers) < 0.3)[cust]
    stop = np.where(churns, start + 1 + (rng.random(n_subs) * (n_months - start - 1)).astype(int), n_months)
    price = np.round(rng.lognormal(5.0, 1.0, n_subs), 2) * np.where(product == 1, 0.4, 1.0)
    rises = (rng.random(n_customers) < 0.3)[cust]
    currency = rng.choice(np.array(["USD", "EUR", "GBP"]), size=n_customers, p=[0.6, 0.3, 0.1])[cust]

    # Invoices: period k of subscription s starts at month start + k * interval, while it starts before stop.
    n_periods = -(-(stop - start) // interval)
    sub = np.repeat(np.arange(n_subs), n_periods)
    k = np.arange(len(sub)) - np.repeat(np.cumsum(n_periods) - n_periods, n_periods)
    p_start = start[sub] + k * interval[sub]
    p_end = p_start + interval[sub]
    year_no = (p_start - start[sub]) // 12
    amount = np.round(price[sub] * interval[sub] * np.where(rises[sub], 1.1 ** year_no, 1.0), 2)
    # The month rule, written for this generator: a period starting on the 1st of
    # month a covers the first days of a .. b-1; one starting on the 15th covers a+1 .. b.
    first = p_start + day15[sub]
    last = p_end - 1 + day15[sub]
    as_of = int(p_start.max())

    n_lines = len(sub)
    one_time = rng.random(n_lines) < 0.02
    taxed = (rng.random(n_customers) < 0.1)[cust][sub]
    extra_sub = np.concatenate([sub[one_time], sub[taxed]])
    extra_start = np.concatenate([p_start[one_time], p_start[taxed]])
    extra_end = np.concatenate([p_end[one_time], p_end[taxed]])
    extra_amount = np.concatenate([np.full(one_time.sum(), 500.0), np.round(amount[taxed] * 0.2, 2)])
    extra_type = np.concatenate([np.full(one_time.sum(), 1, np.int8), np.full(taxed.sum(), 2, np.int8)])

    all_sub = np.concatenate([sub, extra_sub])
    all_start = np.concatenate([p_start, extra_start])
    all_end = np.concatenate([p_end, extra_end])
    all_amount = np.concatenate([amount, extra_amount])
    all_type = np.concatenate([np.zeros(n_lines, np.int8), extra_type])
    order = np.lexsort((all_start, all_sub))  # an export lists a subscription's invoices together
    all_sub, all_start, all_end, all_amount, all_type = (
        a[order] for a in (all_sub, all_start, all_end, all_amount, all_type))

    ids = pa.array([f"cus_{i:07d}" for i in range(n_customers)])
    d1, d15 = _labels(n_months, 1), _labels(n_months, 15)
    on15 = pa.array(day15[all_sub])
    lines = pa.table({
        "customer_id": pc.take(ids, pa.array(cust[all_sub])),
        "product": pc.take(pa.array(["Core", "Analytics"]), pa.array(product[all_sub])),
        "type": pc.take(pa.array(["subscription", "one_time", "tax"]), pa.array(all_type)),
        "service_period_start": pc.if_else(on15, pc.take(d15, pa.array(all_start)), pc.take(d1, pa.array(all_start))),
        "service_period_end": pc.if_else(on15, pc.take(d15, pa.array(all_end)), pc.take(d1, pa.array(all_end))),
        "amount": pa.array(all_amount),
        "currency": pa.array(currency[all_sub]),
        "prorated": pa.array(np.full(len(all_sub), "false")),
    })
    pacsv.write_csv(lines, folder / "lines.csv", pacsv.WriteOptions(quoting_style="none"))
    (folder / "fx.csv").write_text("currency,rate\n" + "".join(f"{c},{r}\n" for c, r in RATES.items()))

    # The equivalent mrr.csv: each subscription line spread over the months it covers, up to the as-of month.
    rate = np.vectorize(RATES.get)(currency)
    monthly = amount * rate[sub] / (last - first + 1)
    span = np.minimum(last, as_of) - first + 1
    keep = span > 0
    line = np.repeat(np.flatnonzero(keep), span[keep])
    month = first[line] + (np.arange(len(line)) - np.repeat(np.cumsum(span[keep]) - span[keep], span[keep]))
    s_of = sub[line]
    key = (s_of.astype(np.int64) * (n_months + 14) + month)
    uniq, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=monthly[line])
    u_sub, u_month = uniq // (n_months + 14), uniq % (n_months + 14)
    months = pa.array([f"{BASE_YEAR + m // 12}-{m % 12 + 1:02d}" for m in range(n_months + 14)])
    mrr = pa.table({
        "account_id": pc.take(ids, pa.array(cust[u_sub])),
        "product": pc.take(pa.array(["Core", "Analytics"]), pa.array(product[u_sub])),
        "month": pc.take(months, pa.array(u_month)),
        "mrr": pa.array(total),
    })
    pacsv.write_csv(mrr, folder / "mrr.csv", pacsv.WriteOptions(quoting_style="none"))
    accounts = pa.table({"account_id": ids, "name": ids, "segment": pa.array(np.full(n_customers, "(none)"))})
    pacsv.write_csv(accounts, folder / "accounts.csv", pacsv.WriteOptions(quoting_style="none"))
    return {"lines": len(all_sub), "mrr_rows": len(total), "as_of": int(as_of)}


CHILD = """
import json, re, resource, sys, time
from nrr_core.load import load_book
kwargs = json.loads(sys.argv[1])
build = []
def progress(message):
    m = re.match(r"built derived tables \\(([0-9.]+) s\\)", message)
    if m:
        build.append(float(m.group(1)))
t = time.perf_counter()
summary = load_book(**kwargs, progress=progress)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": usage.ru_utime + usage.ru_stime,
                  "build": build[0], "as_of": summary.as_of_month, "first": summary.first_month,
                  "accounts": summary.accounts, "mrr_rows": summary.mrr_rows, "max_rss_mb": usage.ru_maxrss / 1024}))
"""


def load_in_child(**kwargs) -> dict:
    """Run one load_book in a fresh interpreter; its figures as a dict."""
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps({k: str(v) if isinstance(v, Path) else v
                                                                   for k, v in kwargs.items()})],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"load failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def movements(path: Path):
    sys.path.insert(0, str(ROOT))
    from nrr_core import db, metrics

    con = db.connect_read_only(path)
    try:
        return metrics.movements(con)
    finally:
        con.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=1, help="alternate the two loads N times, keep the fastest")
    parser.add_argument("--keep", metavar="DIR", help="write the files and books here (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nrr-invoice-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        counts = generate(folder, args.customers, args.years, args.seed)
        print(f"generated {counts['lines']:,} invoice lines and {counts['mrr_rows']:,} mrr.csv rows "
              f"for {args.customers:,} customers in {time.perf_counter() - t:.1f} s "
              f"(lines.csv {(folder / 'lines.csv').stat().st_size / 1e6:,.0f} MB, "
              f"mrr.csv {(folder / 'mrr.csv').stat().st_size / 1e6:,.0f} MB)", flush=True)
        runs = {"invoice lines": [], "mrr.csv": []}
        for _ in range(args.repeat):
            runs["invoice lines"].append(load_in_child(
                db_path=folder / "invoice.duckdb", invoice_lines=[str(folder / "lines.csv")], fx=folder / "fx.csv"))
            runs["mrr.csv"].append(load_in_child(
                db_path=folder / "mrr.duckdb", accounts=folder / "accounts.csv", mrr=folder / "mrr.csv"))
        best = {name: min(r, key=lambda x: x["seconds"]) for name, r in runs.items()}
        print(f"{'input':<16}{'seconds':>10}{'CPU s':>8}{'build s':>9}{'peak RSS MB':>13}{'accounts':>10}"
              f"{'mrr rows':>12}  months")
        for name, r in best.items():
            print(f"{name:<16}{r['seconds']:>10.2f}{r['cpu']:>8.1f}{r['build']:>9.1f}{r['max_rss_mb']:>13.0f}"
                  f"{r['accounts']:>10,}{r['mrr_rows']:>12,}  {r['first']} to {r['as_of']}")
        inv, mrr = best["invoice lines"], best["mrr.csv"]
        print(f"ratio invoice lines / mrr.csv: {inv['seconds'] / mrr['seconds']:.2f} wall, "
              f"{inv['cpu'] / mrr['cpu']:.2f} CPU (target <= 1.5); "
              f"before the shared build step: {inv['seconds'] - inv['build']:.1f} s / {mrr['seconds'] - mrr['build']:.1f} s")
        a, b = movements(folder / "invoice.duckdb"), movements(folder / "mrr.duckdb")
        same = (a.month.tolist() == b.month.tolist()
                and np.allclose(a.drop(columns="month").to_numpy(float), b.drop(columns="month").to_numpy(float),
                                rtol=1e-9, atol=1e-6))
        print("monthly movements of the two books: " + ("equal" if same else "DIFFERENT"))
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
