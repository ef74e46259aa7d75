"""Screenshots of every dashboard page at laptop and projector size.

    python scripts/screenshots.py [--url http://127.0.0.1:8501] [--out screenshots] [--query "segment=SMB"]

Starts nothing: point it at a running app (`streamlit run app.py`). Uses
Debian's chromium through Playwright (never `playwright install`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, open_page, wait_for_app  # noqa: E402

PAGES = ["overview", "churn-vs-expansion", "retention", "definitions", "accounts", "review", "renewals", "scorecards",
         "forecast", "drivers", "methodology", "present", "data"]
SIZES = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--query", default="", help="URL query to add, e.g. 'segment=SMB&window=year'")
    parser.add_argument("--sizes", default="laptop,projector", help="comma list of laptop, projector, phone")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for size in args.sizes.split(","):
            width, height = SIZES[size]
            page = browser.new_page(viewport={"width": width, "height": height})
            # Open the app at its root, then move between pages as a user does
            # (a cold deep link to a non-default page shows Streamlit's
            # "Page not found" notice first; see docs/engineering-notes.md).
            page.goto(args.url + "/" + (f"?{args.query}" if args.query else ""))
            wait_for_app(page)
            for name in PAGES:
                if name != PAGES[0]:
                    open_page(page, name)
                wait_for_app(page)
                path = out / f"{name}-{size}.png"
                page.screenshot(path=str(path))  # what the viewer sees first
                print(path)
                # The whole page: Streamlit scrolls inside its main block, so grow
                # the viewport to the content's height for a full capture.
                full = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
                page.set_viewport_size({"width": width, "height": max(height, min(int(full) + 40, 8000))})
                wait_for_app(page)
                path = out / f"{name}-{size}-full.png"
                page.screenshot(path=str(path))
                print(path)
                page.set_viewport_size({"width": width, "height": height})
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
