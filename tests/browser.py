"""Helpers for driving Debian's chromium through Playwright (tests and scripts)."""
from __future__ import annotations

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
