"""What the browser tests share: one headless Debian chromium per test module."""
from __future__ import annotations

import pytest

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield b
        b.close()
