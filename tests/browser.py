"""Helpers for driving Debian's chromium through Playwright (tests and scripts)."""
from __future__ import annotations

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

# Each page's url_path and the title it shows (ui/navigation.py, pages/*.py).
PAGE_TITLES = {"overview": "NRR overview", "churn-vs-expansion": "Churn vs expansion",
               "retention": "Retention curves", "accounts": "Accounts", "review": "Account review"}


def wait_for_app(page, timeout_ms: int = 30_000, settle_ms: int = 600) -> None:
    """Wait until the app is connected and idle (APP_IDLE_JS), then ``settle_ms``
    more (transitions finish after the first draw; screenshots want them done)."""
    page.wait_for_selector("[data-test-connection-state='CONNECTED']", timeout=timeout_ms, state="attached")
    page.wait_for_function(APP_IDLE_JS, timeout=timeout_ms)
    if settle_ms:
        page.wait_for_timeout(settle_ms)


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
    root = Path(root or Path(__file__).resolve().parent.parent)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(log_path, "w+") if log_path else tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         *(("--server.address", address) if address else ()), "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--logger.level", "info",
         *extra_args],
        cwd=root, env={**os.environ, "NRR_DB": str(db_path)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not start (exit {proc.poll()}):\n{log.read()[-3000:]}")
            time.sleep(0.25)
        yield RunningApp(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False
