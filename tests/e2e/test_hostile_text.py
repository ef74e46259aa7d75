"""Account names are untrusted: in the browser they show exactly as typed,
never as HTML, markdown links or formatting."""
import shutil

import pytest

from nrr_core.load import load_book
from tests.browser import each_at_most, running_app, wait_for_app_async
from tests.conftest import write_csv
from tests.e2e.conftest import selected
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


async def shows_as_typed_and_runs_nothing(browser, url, account_id) -> None:
    context = await browser.new_context()  # a browser of its own: nothing shared with the other cases
    try:
        page = await context.new_page()
        await page.goto(f"{url}/")
        await wait_for_app_async(page, 60_000)
        await page.goto(f"{url}/accounts?account={account_id}")
        await wait_for_app_async(page, 60_000)
        assert await page.evaluate("window.__pwned") is None, account_id
        assert await page.locator("img[src='x']").count() == 0, account_id
        assert await page.locator("a[href*='example.com']").count() == 0, account_id
        heading = page.locator("[data-testid='stHeading'] h3").first
        # What is shown is the name as typed (ui.view.plain adds only invisible
        # word joiners that stop markdown from turning addresses into links).
        assert (await heading.inner_text()).replace(WORD_JOINER, "").strip() == NAMES[account_id]
        # Segment and owner are untrusted too: shown literally in the caption.
        captions = await page.locator("[data-testid='stCaptionContainer']").all_inner_texts()
        caption = captions[-1].replace(WORD_JOINER, "")
        assert "<b>SMB</b>" in caption and "[Owner](http://example.com)" in caption, account_id
    finally:
        await context.close()


@pytest.fixture(scope="module")
def outcomes(request, async_browser, url):
    """Every selected account's case, all at once, each in its own browser
    context: {account_id: None, or the case's failure}."""
    ids = selected(request, "test_an_untrusted_account_name_shows_as_typed_and_runs_nothing", "account_id")
    return async_browser.run(each_at_most(len(NAMES), {
        account_id: lambda account_id=account_id: shows_as_typed_and_runs_nothing(async_browser.browser, url,
                                                                                 account_id)
        for account_id in ids}))


@pytest.mark.parametrize("account_id", list(NAMES))
def test_an_untrusted_account_name_shows_as_typed_and_runs_nothing(outcomes, account_id):
    if outcomes[account_id] is not None:
        raise outcomes[account_id]
