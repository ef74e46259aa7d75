"""Many viewers at once, and a data reload in the middle of them.

    python benchmarks/load_test.py [--sessions 20] [--rounds 2] [--reload] [--db PATH]

Starts the app on a free loopback port (never any other address) over a copy
of the demo book, opens ``--sessions`` chromium sessions at once, and has
each visit every page ``--rounds`` times through the sidebar. Every view is
checked: no exception box, no error message, no browser page error, and the
sidebar's data version together with the overview's ARR tile must be one of
the loaded books (never a mix). With ``--reload``, a second book (another
seed) is loaded over the database with `python -m nrr_core load` while the
sessions are running; after it, every session must reach the new data
without a server restart. Reports the server-side page time p50/p95 (from
the app's `page_time` log lines), the server's peak memory, and any errors.
Bounded: every wait has a timeout and the whole run stops by itself.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import APP_IDLE_JS, CHROMIUM_ARGS, CHROMIUM_PATH, PAGE_TITLES, running_app  # noqa: E402


def book_figures(db: Path) -> tuple[str, str]:
    """(version shown in the sidebar, ARR tile text) of a database."""
    from nrr_core import db as nrr_db, formatting, metrics

    con = nrr_db.connect_read_only(db)
    try:
        info = metrics.book_info(con)
        head = metrics.headline(con, None, info.as_of_month)
        return info.load_id[:8], formatting.money(head["arr"])
    finally:
        con.close()


def make_books(tmp: Path) -> tuple[Path, Path, Path]:
    """The live database (the demo book) and the CSVs of a second book to reload."""
    from nrr_core.cli import write_demo
    from nrr_core.demo import generate_book

    live = tmp / "nrr.duckdb"
    write_demo(live)
    files = generate_book(tmp / "second", seed=7)
    return live, files["accounts"], files["mrr"]


async def one_session(browser, url: str, rounds: int, views: list, errors: list, deadline: float):
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        await page.goto(url + "/", timeout=120_000)
        await page.wait_for_function(APP_IDLE_JS, timeout=120_000)
        for _ in range(rounds):
            for name, title in PAGE_TITLES.items():
                if time.monotonic() > deadline:
                    errors.append("deadline reached")
                    return
                nav = page.locator("[data-testid='stSidebarNav'] a")
                link = nav.first if name == "overview" else page.locator(
                    f"[data-testid='stSidebarNav'] a[href$='/{name}']")
                clicked = time.monotonic()
                await link.click()
                await page.wait_for_selector(f"h1:has-text('{title}')", timeout=120_000)
                await page.wait_for_function(APP_IDLE_JS, timeout=120_000)
                await record(page, name, views, errors, clicked)
    except Exception as exc:  # a timeout or a crash is an error of the run, not of the tool
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def record(page, name: str, views: list, errors: list, started: float):
    """One finished view: (navigation start, page, data version, ARR tile)."""
    if await page.locator("[data-testid='stException']").count():
        errors.append(f"{name}: exception box")
    alerts = page.locator("[data-testid='stAlertContentError']")
    if await alerts.count():
        errors.append(f"{name}: error message: {(await alerts.first.inner_text())[:120]}")
        return
    side = await page.locator("[data-testid='stSidebar']").inner_text(timeout=60_000)
    version = re.search(r"version ([0-9a-f]{8})", side)
    arr = None
    if name == "overview":
        arr = (await page.locator("[data-testid='stMetricValue']").first.inner_text()).strip()
    views.append((started, name, version.group(1) if version else None, arr))


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(sessions: int, rounds: int, reload: bool, db: Path | None = None, timeout_s: float = 600) -> dict:
    from playwright.async_api import async_playwright

    tmp = Path(tempfile.mkdtemp(prefix="nrr-load-"))
    keep = False
    try:
        if db:
            live = tmp / "nrr.duckdb"
            shutil.copy(db, live)
        else:
            live, second_accounts, second_mrr = make_books(tmp)
        first = book_figures(live)
        log_path = tmp / "server.log"
        with running_app(live, log_path, ROOT) as app:
            url = app.url
            views: list = []
            errors: list = []
            reloaded_at = None
            second_figures = None

            async def main():
                nonlocal reloaded_at, second_figures
                deadline = time.monotonic() + timeout_s
                async with async_playwright() as pw:
                    browser = await pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
                    tasks = [asyncio.create_task(one_session(browser, url, rounds, views, errors, deadline))
                             for _ in range(sessions)]
                    if reload and not db:
                        # Reload once the sessions are busy rendering.
                        while len(views) < sessions and not all(t.done() for t in tasks):
                            await asyncio.sleep(0.2)
                        proc = await asyncio.create_subprocess_exec(
                            sys.executable, "-m", "nrr_core", "load", "--db", str(live), "--accounts",
                            str(second_accounts), "--mrr", str(second_mrr), "--quiet", cwd=str(ROOT))
                        if await proc.wait() != 0:
                            errors.append("the reload failed")
                        reloaded_at = time.monotonic()
                        second_figures = book_figures(live)
                    await asyncio.gather(*tasks)
                    if reloaded_at:  # the new data without a restart, in a new session
                        context = await browser.new_context(viewport={"width": 1366, "height": 768})
                        page = await context.new_page()
                        try:
                            opened = time.monotonic()
                            await page.goto(url + "/", timeout=120_000)
                            await page.wait_for_function(APP_IDLE_JS, timeout=120_000)
                            await record(page, "overview", views, errors, opened)
                        except Exception as exc:
                            errors.append(f"new session: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                    await browser.close()

            started = time.monotonic()
            asyncio.run(main())
            elapsed = time.monotonic() - started
            memory = peak_rss_mb(app.pid)
        text = log_path.read_text()
        times = [float(m) for m in re.findall(r"page_time page=\S+ ms=([0-9.]+)", text)]
        known = {first[0]: first[1]}
        if second_figures:
            known[second_figures[0]] = second_figures[1]
        mixed = [v for v in views if v[2] not in known or (v[3] is not None and v[3] != known[v[2]])]
        # Views whose navigation started after the reload finished must all show
        # the new data (a run that began before it rightly finishes on the old).
        after = [v for v in views if reloaded_at and v[0] > reloaded_at]
        return {
            "sessions": sessions, "views": len(views), "seconds": elapsed, "errors": errors,
            "server_errors": [line for line in text.splitlines() if "Traceback" in line or "busy" in line.lower()],
            "p50_ms": statistics.median(times) if times else None,
            "p95_ms": statistics.quantiles(times, n=20)[18] if len(times) >= 20 else (max(times) if times else None),
            "page_runs": len(times), "peak_rss_mb": memory, "mixed_views": mixed,
            "versions_seen": sorted({v[2] for v in views if v[2]}),
            "old_version": first[0], "new_version": second_figures[0] if second_figures else None,
            "views_after_reload": len(after),
            "new_data_seen_after_reload": bool(after) and all(v[2] == second_figures[0] for v in after)
            if second_figures else None,
            "timeline": [(round(v[0] - started, 1), v[1], v[2]) for v in views] if os.environ.get("NRR_LOAD_DEBUG")
            else None,
            "reloaded_at": round(reloaded_at - started, 1) if reloaded_at else None,
        }
    except BaseException:
        keep = True
        raise
    else:
        keep = bool(errors or mixed)
    finally:
        if keep:
            print(f"kept for inspection: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reload", action="store_true", help="load a second book while the sessions run")
    parser.add_argument("--db", help="serve a copy of this database instead of the demo book (no reload)")
    args = parser.parse_args()
    result = run(args.sessions, args.rounds, args.reload, Path(args.db) if args.db else None)
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0 if not (result["errors"] or result["server_errors"] or result["mixed_views"]) else 1


if __name__ == "__main__":
    sys.exit(main())
