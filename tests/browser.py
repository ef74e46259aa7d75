"""Helpers for driving Debian's chromium through Playwright (tests and scripts)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM_PATH = "/usr/bin/chromium"
# Without the networking flags chromium floods this closed network with requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage"]


def wait_for_app(page, timeout_ms: int = 30_000, settle_ms: int = 600) -> None:
    """Wait until the Streamlit script has finished and nothing is still loading,
    every plotly chart has drawn its SVG, then ``settle_ms`` more (screenshots)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_selector("[data-test-connection-state='CONNECTED']", timeout=timeout_ms, state="attached")
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stSkeleton'], [data-testid='stSpinner']\")",
        timeout=timeout_ms)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
        timeout=timeout_ms)
    if settle_ms:
        page.wait_for_timeout(settle_ms)  # transitions finish after the first draw


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


@contextlib.contextmanager
def running_app(db_path, root=None):
    """`streamlit run app.py` on a free loopback port over ``db_path``; yields its URL."""
    root = Path(root or Path(__file__).resolve().parent.parent)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=root, env={**os.environ, "NRR_DB": str(db_path)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the app did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
