"""First load of `/` in a real browser, against bare Streamlit pages as the floor.

    python benchmarks/first_load.py --db data/nrr.duckdb [--visits 5]

Starts three servers on free loopback ports, one after the other: the app over
``--db``, a bare Streamlit page with what the overview's first screen holds (a
select box in the sidebar, a title, four metrics and one plotly chart), and the
same bare page without the chart. Each gets one visit to warm its server, then
``--visits`` visits in Debian's chromium, each in a new browser context (an empty
cache, as a first visit), timed from the navigation to the first metric on screen
and to the page being idle with every chart drawn (``tests.browser.APP_IDLE_JS``).
Prints the medians, and each as a ratio to the bare page with the chart: what
Streamlit and plotly.js take on this machine before any of the app's own work.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import APP_IDLE_JS, CHROMIUM_ARGS, CHROMIUM_PATH, running_app  # noqa: E402

BARE_PAGE = '''import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.sidebar.selectbox("Segment", ["All", "Enterprise"])
st.title("A bare page")
for column in st.columns(4):
    column.metric("ARR", "$111M", "+4.1%")
if CHART:
    st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
'''


def visit(browser, url: str) -> tuple[float, float]:
    """(seconds to the first metric, seconds to idle) of one visit in a new context."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    metric = time.perf_counter() - start
    page.wait_for_function(APP_IDLE_JS, timeout=120_000)
    idle = time.perf_counter() - start
    context.close()
    return metric, idle


def measure(db: Path, root: Path | None, visits: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    with running_app(db, root=root) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        visit(browser, app.url + "/")  # the server's first run (imports, cold caches): not timed
        times = [visit(browser, app.url + "/") for _ in range(visits)]
        browser.close()
    return [m for m, _ in times], [i for _, i in times]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--visits", type=int, default=5)
    args = ap.parse_args(argv)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="nrr-bare-") as tmp:
        for name, chart in (("bare page, metrics and one plotly chart", True), ("bare page, metrics only", False)):
            folder = Path(tmp) / ("chart" if chart else "plain")
            folder.mkdir()
            (folder / "app.py").write_text(f"CHART = {chart}\n" + BARE_PAGE)
            rows[name] = measure(args.db, folder, args.visits)
    rows[f"the app's overview ({args.db.name})"] = measure(args.db, None, args.visits)
    floor = statistics.median(rows["bare page, metrics and one plotly chart"][1])
    print(f"| first load of / ({args.visits} visits, medians) | first metric | idle, every chart drawn |")
    print("| --- | --- | --- |")
    for name, (metric, idle) in rows.items():
        m, i = statistics.median(metric), statistics.median(idle)
        print(f"| {name} | {m:.2f} s ({min(metric):.2f}–{max(metric):.2f}) | {i:.2f} s ({min(idle):.2f}–{max(idle):.2f}, "
              f"{i / floor:.2f}× the bare page with a chart) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
