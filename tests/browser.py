"""Helpers for driving Debian's chromium through Playwright (tests and scripts)."""
from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_PATH = "/usr/bin/chromium"
# Without the networking flags chromium floods this closed network with requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]


# The app is idle: its script has finished, nothing is loading, and every plotly
# chart has drawn its SVG. One expression, so the sync helpers here and the async
# load test (benchmarks/load_test.py) wait for the same thing.
APP_IDLE_JS = (
    "() => document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
    " && !document.querySelector(\"[data-testid='stSkeleton'], [data-testid='stSpinner']\")"
    " && [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))")

# Each page's url_path and the title it shows (ui/navigation.py, pages/*.py): the first
# five pages (the load test's round), then every page with a title of its own
# (Present and Data are not views of the book).
PAGE_TITLES = {"overview": "NRR overview", "churn-vs-expansion": "Churn vs expansion",
               "retention": "Retention curves", "accounts": "Accounts", "review": "Account review"}
EVERY_PAGE_TITLE = {**PAGE_TITLES, "forecast": "Forecast", "scorecards": "CSM scorecards", "renewals": "Renewals",
                    "drivers": "What makes customers stick", "definitions": "NRR definitions",
                    "methodology": "Methodology"}


# How long a page may take to become idle. Generous: on CI's two cores three browser
# files, their app servers and a Spark job can share the machine, and a first visit
# then took over 30 s once.
IDLE_TIMEOUT_MS = 60_000


def wait_for_app(page, timeout_ms: int = IDLE_TIMEOUT_MS, settle_ms: int = 600) -> None:
    """Wait until the app is connected and idle (APP_IDLE_JS), then ``settle_ms``
    more (transitions finish after the first draw; screenshots want them done)."""
    page.wait_for_selector("[data-test-connection-state='CONNECTED']", timeout=timeout_ms, state="attached")
    page.wait_for_function(APP_IDLE_JS, timeout=timeout_ms)
    if settle_ms:
        page.wait_for_timeout(settle_ms)


async def wait_for_app_async(page, timeout_ms: int = IDLE_TIMEOUT_MS, settle_ms: int = 600) -> None:
    """wait_for_app for a page of Playwright's async API. It looks every 100 ms
    rather than on every animation frame: many pages wait at once, and each
    frame's look costs the CPU the pages are waiting for."""
    await page.wait_for_selector("[data-test-connection-state='CONNECTED']", timeout=timeout_ms, state="attached")
    await page.wait_for_function(APP_IDLE_JS, timeout=timeout_ms, polling=100)
    if settle_ms:
        await page.wait_for_timeout(settle_ms)


async def each_at_most(at_once: int, cases: dict) -> dict:
    """Run ``cases`` ({key: a function returning a coroutine}), ``at_once`` of
    them at a time, each to its end. Returns {key: None, or what it raised},
    so one failing case neither stops nor hides the others."""
    gate = asyncio.Semaphore(at_once)

    async def one(start):
        async with gate:
            try:
                await start()
            except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # the case's failure (pytest.fail's too), raised again by its test
                return exc
            return None

    outcomes = await asyncio.gather(*(one(start) for start in cases.values()))
    return dict(zip(cases, outcomes))


def open_page(page, url_path: str) -> None:
    """Navigate with the sidebar link, as a user would (keeps the session and URL filters)."""
    nav = page.locator("[data-testid='stSidebarNav']")
    if nav.count() and nav.is_visible():
        nav.locator(f"a[href$='/{url_path}']").first.click()
    else:  # phone width: the sidebar is collapsed
        page.locator("[data-testid='stExpandSidebarButton']").first.click()
        page.locator(f"[data-testid='stSidebarNav'] a[href$='/{url_path}']").first.click()
    page.wait_for_url(f"**/{url_path}*")
    wait_for_app(page)


@dataclass(frozen=True)
class RunningApp:
    url: str
    pid: int


class _Server:
    """One `streamlit run app.py` process, started at construction (see running_app)."""

    def __init__(self, db_path, log_path, root, extra_args, address):
        root = Path(root or Path(__file__).resolve().parent.parent)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.log = open(log_path, "w+") if log_path else tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             *(("--server.address", address) if address else ()), "--server.port", str(port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--logger.level", "info",
             *extra_args],
            cwd=root, env={**os.environ, "NRR_DB": str(db_path)}, stdout=self.log, stderr=subprocess.STDOUT)
        self.app = RunningApp(f"http://127.0.0.1:{port}", self.proc.pid)
        self.deadline = time.monotonic() + 60

    def up(self) -> bool:
        """Healthy yet; RuntimeError with the end of the log if it died or the 60 s are over."""
        if _healthy(self.app.url):
            return True
        if self.proc.poll() is not None or time.monotonic() > self.deadline:
            self.log.seek(0)
            raise RuntimeError(f"streamlit did not start (exit {self.proc.poll()}):\n{self.log.read()[-3000:]}")
        return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@contextlib.contextmanager
def running_app(db_path, log_path=None, root=None, extra_args=(), address: str | None = "127.0.0.1"):
    """`streamlit run app.py` on a free loopback port over ``db_path``.

    ``extra_args`` go to ``streamlit run`` (e.g. ``["--secrets.files", path]``
    for sign-in configured outside the checkout). ``address`` is passed as
    ``--server.address``; None passes none, so the checkout's config decides.

    Yields a RunningApp (its URL and the server's pid). The server's output goes
    to ``log_path`` (a temporary file by default); if it dies or is not healthy
    within 60 s, RuntimeError carries the end of that log.
    """
    server = _Server(db_path, log_path, root, extra_args, address)
    try:
        while not server.up():
            time.sleep(0.25)
        yield server.app
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def running_app_async(db_path, log_path=None, root=None, extra_args=(), address: str | None = "127.0.0.1"):
    """running_app for asyncio code: the waits for the server to start and to
    stop leave the event loop free, so several servers start side by side."""
    server = _Server(db_path, log_path, root, extra_args, address)
    try:
        while not await asyncio.to_thread(server.up):
            await asyncio.sleep(0.25)
        yield server.app
    finally:
        await asyncio.to_thread(server.stop)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False
