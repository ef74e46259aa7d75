"""No page runs without the frame, in a real browser on a fresh server.

Streamlit runs the first requests after a server start through its legacy
``pages/`` runner, which runs a file of ``pages/`` on its own (without app.py,
so without the sign-in gate) when the URL names the file. With sign-in
configured (an ``[auth]`` section in a temporary secrets file, never the
checkout's ``.streamlit/``), every page file's name, old and new, requested as
the first request shows no figure, no account name, no error and no list of
page files: only the sign-in button, or the guard's link to ``/``.

Also pinned: a cold deep link to a non-default page opens that page, filtered,
under Streamlit's "Page not found" notice (README, "Pages and URLs").
"""
from __future__ import annotations

import re
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from nrr_core import Filters, metrics
from nrr_core.cli import write_demo
from tests.browser import CHROMIUM_PATH, each_at_most, running_app_async, wait_for_app_async
from tests.e2e.conftest import selected

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "A00042"
# The page files' names before the pages were renamed (issue 18), with the
# query each was tried with, and the names of today's files.
OLD_NAMES = ["/review_board?view=Board", "/how_it_is_computed", "/all_hands", f"/account_list?account={ACCOUNT}",
             "/nrr_overview", "/churn_expansion", "/retention_curves"]
PAGE_FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
QUERY = {"review_page": "?view=Board", "accounts_page": f"?account={ACCOUNT}", "present_page": "?slide=4"}
AUTH = """[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "{secret}"
client_id = "id"
client_secret = "secret"
server_metadata_url = "https://idp.invalid/.well-known/openid-configuration"
""".format(secret="x" * 48)
# Anything of the data or of a failure: figures, tables, charts, errors, Streamlit's notices.
FORBIDDEN = ["[data-testid='stMetricValue']", ".js-plotly-plot", "[data-testid='stDataFrame']",
             "[data-testid='stTable']", "[data-testid='stException']", "[data-testid='stAlertContentError']",
             "[data-testid='stAlertContentWarning']", "[data-testid='stSidebarNav']", "[data-testid='stCaptionContainer']"]
NOTICE = "[data-testid='stDialog']"
SIGN_IN = ".st-key-sign_in button"
LINK_HOME = "[data-testid='stPageLink'] a"
# Fresh servers, or sessions of one server, driven side by side. The work is
# mostly CPU (chromium drawing, the servers' first runs): on a busy two-core
# machine 3, 4 and 6 at once took about as long (80-90 s for the 20 requests).
AT_ONCE = 4


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("page_guard") / "nrr.duckdb"
    write_demo(path)
    return path


@pytest.fixture(scope="module")
def account_names(con):
    """Every account's name (long enough to be told apart from the page's own words)."""
    info = metrics.book_info(con)
    names = set(metrics.account_list(con, Filters(), info.as_of_month, "", limit=100_000).name)
    names.add(metrics.account_detail(con, ACCOUNT)["name"])
    return sorted(n for n in names if len(n) >= 5)


@pytest.fixture(scope="module")
def secrets_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("auth") / "secrets.toml"
    path.write_text(AUTH, encoding="utf-8")
    return path


@asynccontextmanager
async def fresh_server(book: Path, log_path: Path, secrets: Path | None = None):
    """A server started for this case alone (its first request is the case's); yields its URL."""
    extra = ["--secrets.files", str(secrets)] if secrets else []
    try:
        async with running_app_async(book, log_path, ROOT, extra) as app:
            yield app.url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@asynccontextmanager
async def new_page(browser):
    ctx = await browser.new_context(viewport={"width": 1366, "height": 900})
    ctx.set_default_timeout(30_000)
    try:
        yield await ctx.new_page()
    finally:
        await ctx.close()


async def settle(page) -> None:
    """Idle, and still idle a moment later (the first-run work-around restarts
    the run, and nothing on the page says whether it will)."""
    await wait_for_app_async(page)
    await page.wait_for_timeout(1_000)
    await wait_for_app_async(page, settle_ms=0)


async def notices(page) -> list[str]:
    return [await n.inner_text() for n in await page.locator(NOTICE).all()]


async def assert_nothing_of_the_data(page, names: list[str], what: str) -> str:
    """No figure, error or page list; no account name. Returns which screen it is."""
    for selector in FORBIDDEN:
        assert await page.locator(selector).count() == 0, f"{what}: shows {selector}"
    text = await page.locator("body").inner_text()
    shown = [n for n in names if n in text]
    assert not shown, f"{what}: shows account names {shown[:5]}"
    sign_in, link = await page.locator(SIGN_IN).count(), await page.locator(LINK_HOME).count()
    assert (sign_in, link) in {(1, 0), (0, 1)}, f"{what}: sign-in buttons {sign_in}, links home {link}: {text!r}"
    return "sign-in" if sign_in else "link"


async def first_request_shows_only_a_link_home(browser, book, secrets, names, log_path, stem) -> None:
    async with fresh_server(book, log_path, secrets) as url, new_page(browser) as page:
        await page.goto(f"{url}/{stem}{QUERY.get(stem, '')}")
        await settle(page)
        assert await assert_nothing_of_the_data(page, names, stem) == "link"
        assert not await notices(page), stem  # the page was found: no "Page not found"
        link = page.locator(LINK_HOME)
        assert (await link.inner_text()).strip() == "Open the NRR dashboard", stem
        assert await page.locator("[data-testid='stMain'] [data-testid='stElementContainer']").count() == 1, stem
        # The link opens app.py's page in this session: the frame, so the sign-in gate.
        await link.click()
        await page.locator(SIGN_IN).wait_for()
        await settle(page)
        assert await assert_nothing_of_the_data(page, names, f"{stem} -> /") == "sign-in"


@pytest.fixture(scope="module")
def first_requests(request, async_browser, book, secrets_file, account_names, tmp_path_factory):
    """Each selected page file as the first request of its own fresh server,
    AT_ONCE servers at a time: {stem: None, or the case's failure}."""
    stems = selected(request, "test_a_page_file_named_in_the_first_request_shows_only_a_link_home", "stem")
    logs = tmp_path_factory.mktemp("first_requests")
    return async_browser.run(each_at_most(AT_ONCE, {
        stem: lambda stem=stem: first_request_shows_only_a_link_home(
            async_browser.browser, book, secrets_file, account_names, logs / f"{stem}.log", stem)
        for stem in stems}))


@pytest.mark.parametrize("stem", PAGE_FILES)
def test_a_page_file_named_in_the_first_request_shows_only_a_link_home(first_requests, stem):
    if first_requests[stem] is not None:
        raise first_requests[stem]


def test_every_page_file_name_old_and_new_meets_the_sign_in_gate_or_the_link(async_browser, book, secrets_file,
                                                                              account_names, tmp_path):
    """The first request of a fresh server is an old page file's name, as in the issue; then the others."""
    requests = OLD_NAMES + [f"/{stem}{QUERY.get(stem, '')}" for stem in PAGE_FILES]
    seen = {}

    async def visit(url, path):
        async with new_page(async_browser.browser) as page:
            await page.goto(url + path)
            await settle(page)
            seen[path] = await assert_nothing_of_the_data(page, account_names, path)
            shown = await notices(page)
            if path == requests[0]:
                # No file has this name any more: the legacy runner says so
                # before app.py runs (README), then the gate.
                assert len(shown) == 1 and "Page not found" in shown[0], shown
            else:
                assert not shown, f"{path}: {shown}"

    async def all_requests():
        async with fresh_server(book, tmp_path / "streamlit.log", secrets_file) as url:
            await visit(url, requests[0])  # alone: it is what makes the server fresh
            return await each_at_most(AT_ONCE, {path: lambda path=path: visit(url, path) for path in requests[1:]})

    failed = {path: exc for path, exc in async_browser.run(all_requests()).items() if exc is not None}
    assert not failed, "\n".join(f"{path}: {type(exc).__name__}: {exc}" for path, exc in failed.items())
    # No file has an old name any more, so each of them runs app.py and meets the gate;
    # once app.py has run, the legacy runner is gone and so do the new names.
    assert set(seen.values()) == {"sign-in"}, seen


def test_a_cold_deep_link_opens_its_page_filtered_under_the_page_not_found_notice(book, async_browser, tmp_path):
    """Pins today's behaviour (see README): Streamlit's legacy runner sends the
    notice before app.py runs; the page itself is the right one, filtered."""
    async def deep_link():
        async with fresh_server(book, tmp_path / "streamlit.log") as url, new_page(async_browser.browser) as page:
            await page.goto(f"{url}/review?segment=SMB")
            await page.locator("[data-testid='stMain'] h1", has_text="Account review").wait_for()
            await settle(page)
            assert re.search(r"/review\?(.*&)?segment=SMB(&|$)", page.url), page.url
            caption = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first
            assert "SMB" in await caption.inner_text()
            assert await page.locator("[data-testid='stException']").count() == 0
            notice = page.locator("[data-testid='stDialog']")
            assert await notice.count() == 1 and "Page not found" in await notice.inner_text()

    async_browser.run(deep_link())
