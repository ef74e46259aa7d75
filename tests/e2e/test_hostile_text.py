"""Account names are untrusted: in the browser they show exactly as typed,
never as HTML, markdown links or formatting."""
import shutil

import pytest

from nrr_core.load import load_book
from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, running_app, wait_for_app
from tests.conftest import write_csv
from ui.view import WORD_JOINER

pytestmark = pytest.mark.browser

if not shutil.which("chromium"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

NAMES = {
    "H1": '<img src=x onerror="window.__pwned=1">Acme',
    "H2": "<script>window.__pwned=2</script>Beta",
    "H3": "[click me](http://example.com/steal) **Gamma**",
    "H4": "=HYPERLINK(\"http://example.com\",\"Delta\")",
    "H5": "شركة النخيل 🌴 Epsilon",
}


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    accounts = write_csv(tmp / "accounts.csv", ["account_id", "name", "segment", "csm_owner"],
                         [[k, v, "<b>SMB</b>", "[Owner](http://example.com)"] for k, v in NAMES.items()])
    mrr = write_csv(tmp / "mrr.csv", ["account_id", "product", "month", "mrr"],
                    [[k, "<i>Core</i>", f"2024-{m:02d}", 100 * (i + 1)] for i, k in enumerate(NAMES)
                     for m in range(1, 13)])
    load_book(tmp / "nrr.duckdb", accounts=accounts, mrr=mrr)
    with running_app(tmp / "nrr.duckdb") as app:
        yield app.url


@pytest.mark.parametrize("account_id", list(NAMES))
def test_an_untrusted_account_name_shows_as_typed_and_runs_nothing(url, account_id):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}/")
        wait_for_app(page, 60_000)
        page.goto(f"{url}/accounts?account={account_id}")
        wait_for_app(page, 60_000)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("a[href*='example.com']").count() == 0
        heading = page.locator("[data-testid='stHeading'] h3").first
        # What is shown is the name as typed (ui.view.plain adds only invisible
        # word joiners that stop markdown from turning addresses into links).
        assert heading.inner_text().replace(WORD_JOINER, "").strip() == NAMES[account_id]
        # Segment and owner are untrusted too: shown literally in the caption.
        caption = page.locator("[data-testid='stCaptionContainer']").all_inner_texts()[-1].replace(WORD_JOINER, "")
        assert "<b>SMB</b>" in caption and "[Owner](http://example.com)" in caption
        browser.close()
