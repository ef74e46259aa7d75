"""Page switches in a real browser, and the server's peak memory.

    python benchmarks/browser_switch.py --db data/nrr.duckdb [--db other.duckdb ...] [--rounds 3]

For each database: start `streamlit run app.py` on a free loopback port, open
it in Debian's chromium, visit every page `--rounds` times through the sidebar,
and time each switch from the click until the script has finished and nothing
is loading (server work, transfer and drawing included). Reports the median
switch per page, and the server's peak resident memory (VmHWM) after every
page was visited. The first database is the baseline for the ratios.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, PAGE_TITLES, running_app, wait_for_app  # noqa: E402

PAGES = ["churn-vs-expansion", "retention", "accounts", "overview"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(db: Path, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    with running_app(db) as app:
        url = app.url
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            t = time.perf_counter()
            page.goto(url + "/")
            wait_for_app(page, 120_000, settle_ms=0)
            first = time.perf_counter() - t
            times: dict[str, list[float]] = {name: [] for name in PAGES}
            nav = page.locator("[data-testid='stSidebarNav']")
            for _ in range(rounds):
                for name in PAGES:
                    link = nav.locator("a").first if name == "overview" else nav.locator(f"a[href$='/{name}']")
                    t = time.perf_counter()
                    link.click()
                    # Done when the new page's title is on screen and the app is
                    # idle with every chart drawn (no fixed sleeps).
                    page.wait_for_selector(f"h1:has-text('{PAGE_TITLES[name]}')", timeout=120_000)
                    wait_for_app(page, 120_000, settle_ms=0)
                    times[name].append(time.perf_counter() - t)
            browser.close()
        return {"first_load": first, "switch": {k: statistics.median(v) for k, v in times.items()},
                "peak_rss_mb": peak_rss_mb(app.pid)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = {db: measure(Path(db).resolve(), args.rounds) for db in args.db}
    base = results[args.db[0]]
    print("| | " + " | ".join(Path(d).name for d in args.db) + " |")
    print("| --- |" + " --- |" * len(args.db))
    print("| first load of / | " + " | ".join(f"{r['first_load']:.2f} s" for r in results.values()) + " |")
    for name in PAGES:
        print(f"| switch to {name} (median) | " + " | ".join(
            f"{r['switch'][name]*1e3:.0f} ms ({r['switch'][name]/base['switch'][name]:.2f}×)"
            for r in results.values()) + " |")
    print("| server peak memory (VmHWM) | " + " | ".join(f"{r['peak_rss_mb']:.0f} MB" for r in results.values())
          + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
