"""What the browser tests share: one headless Debian chromium per test module,
driven through Playwright's sync API (``browser``) or its async one
(``async_browser``, for many pages at once)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass(frozen=True)
class AsyncChromium:
    """A chromium of Playwright's async API, and the event loop it lives on.
    ``run(coroutine)`` runs a coroutine on that loop to its end (from a test)."""
    loop: asyncio.AbstractEventLoop
    browser: object

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)


@pytest.fixture(scope="module")
def async_browser():
    async_api = pytest.importorskip("playwright.async_api")
    loop = asyncio.new_event_loop()
    pw = loop.run_until_complete(async_api.async_playwright().start())
    try:
        b = loop.run_until_complete(pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS))
        yield AsyncChromium(loop, b)
        loop.run_until_complete(b.close())
    finally:
        loop.run_until_complete(pw.stop())
        loop.close()


def selected(request, test_name: str, argname: str) -> list:
    """The values of parameter ``argname`` of ``test_name``'s cases that this
    run will run (after -k and the like), in collection order: a module fixture
    that runs every case at once runs only those."""
    return [item.callspec.params[argname] for item in request.session.items
            if item.module is request.module and getattr(item, "originalname", None) == test_name]
