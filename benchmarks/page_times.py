"""Server-side render time of every dashboard page, cold (empty caches) and warm.

    python benchmarks/page_times.py [--db data/nrr.duckdb] [--runs 5]

Runs each page's whole script (app.py frame + page) through Streamlit's
AppTest, which executes the same code the server runs for a browser session,
without the network. Cold = caches cleared before the run; warm = median of
the following runs (a page switch with the data already cached).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"NRR overview": None, "Churn vs expansion": "pages/churn_vs_expansion_page.py",
         "Retention curves": "pages/retention_page.py", "Accounts": "pages/accounts_page.py",
         "Account review": "pages/review_page.py", "Forecast": "pages/forecast_page.py",
         "CSM scorecards": "pages/scorecards_page.py", "Renewals": "pages/renewals_page.py",
         "What makes customers stick": "pages/drivers_page.py", "NRR definitions": "pages/definitions_page.py",
         "Methodology": "pages/methodology_page.py"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "data" / "nrr.duckdb"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="", help="URL filters, e.g. segment=Enterprise")
    parser.add_argument("--pages", default="", help="comma-separated titles (default: every page above)")
    args = parser.parse_args()
    os.environ["NRR_DB"] = str(Path(args.db).resolve())
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    print("| page | cold | warm (median) |\n| --- | --- | --- |")
    wanted = [t.strip() for t in args.pages.split(",") if t.strip()] or list(PAGES)
    for title, path in ((t, PAGES[t]) for t in wanted):
        st.cache_data.clear()
        times = []
        for i in range(args.runs + 1):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            for pair in filter(None, args.query.split("&")):
                key, _, value = pair.partition("=")
                at.query_params[key] = value
            if path:
                at.run()  # the frame, then switch: AppTest needs a first run before switch_page
                at.switch_page(path)
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            if at.exception:
                raise SystemExit(f"{title}: {at.exception[0].value}")
        print(f"| {title} | {times[0]*1e3:.0f} ms | {statistics.median(times[1:])*1e3:.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
