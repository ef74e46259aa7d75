"""Page switches in a real browser, and the server's peak memory.

    python benchmarks/browser_switch.py --db data/nrr.duckdb [--db other.duckdb ...] [--rounds 3]
                                        [--pages churn-vs-expansion,retention,...]

For each database: start `streamlit run app.py` on a free loopback port, open
it in Debian's chromium, visit the pages (default: every page with a title,
then the overview) `--rounds` times through the sidebar, and time each switch
from the click until the new page's title shows, its script has finished and
nothing is loading (server work, transfer and drawing included). Reports the
median switch per page and over all switches, and the server's peak resident
memory (VmHWM) after every page was visited. The first database is the
baseline for the ratios.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, EVERY_PAGE_TITLE, running_app, wait_for_app  # noqa: E402

# Away from the overview first, back to it last.
PAGES = [name for name in EVERY_PAGE_TITLE if name != "overview"] + ["overview"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(db: Path, rounds: int, pages: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    with running_app(db) as app:
        url = app.url
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            t = time.perf_counter()
            page.goto(url + "/")
            # Until plotly.js has loaded, the overview has no chart element for the
            # idle check to wait on: wait for its first chart drawn as well.
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
            wait_for_app(page, 120_000, settle_ms=0)
            first = time.perf_counter() - t
            times: dict[str, list[float]] = {name: [] for name in pages}
            nav = page.locator("[data-testid='stSidebarNav']")
            for _ in range(rounds):
                for name in pages:
                    link = nav.locator("a").first if name == "overview" else nav.locator(f"a[href$='/{name}']")
                    t = time.perf_counter()
                    link.click()
                    # Done when the new page's title is on screen and the app is
                    # idle with every chart drawn (no fixed sleeps).
                    page.wait_for_selector(f"h1:has-text('{EVERY_PAGE_TITLE[name]}')", timeout=120_000)
                    wait_for_app(page, 120_000, settle_ms=0)
                    times[name].append(time.perf_counter() - t)
            browser.close()
        return {"first_load": first, "switch": {k: statistics.median(v) for k, v in times.items()},
                "all_switches": statistics.median(t for v in times.values() for t in v),
                "peak_rss_mb": peak_rss_mb(app.pid)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help="url paths in the order visited")
    args = parser.parse_args()
    pages = args.pages.split(",")
    unknown = sorted(set(pages) - set(EVERY_PAGE_TITLE))
    if unknown:
        parser.error(f"unknown pages {unknown}; known: {', '.join(EVERY_PAGE_TITLE)}")
    results = {db: measure(Path(db).resolve(), args.rounds, pages) for db in args.db}
    base = results[args.db[0]]
    print("| | " + " | ".join(Path(d).name for d in args.db) + " |")
    print("| --- |" + " --- |" * len(args.db))
    print("| first load of / | " + " | ".join(f"{r['first_load']:.2f} s" for r in results.values()) + " |")
    for name in pages:
        print(f"| switch to {name} (median) | " + " | ".join(
            f"{r['switch'][name]*1e3:.0f} ms ({r['switch'][name]/base['switch'][name]:.2f}×)"
            for r in results.values()) + " |")
    print("| every switch (median) | " + " | ".join(
        f"{r['all_switches']*1e3:.0f} ms ({r['all_switches']/base['all_switches']:.2f}×)" for r in results.values())
          + " |")
    print("| server peak memory (VmHWM) | " + " | ".join(f"{r['peak_rss_mb']:.0f} MB" for r in results.values())
          + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
