"""The dashboard in a real browser: Debian's chromium driven by Playwright
against ``streamlit run app.py`` on a free local port.

What AppTest cannot show: charts actually drawn, URL filters kept while
moving between pages with the sidebar links, a chosen account written to the
URL and reopened from it, and no request leaving the machine.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from nrr_core import Filters, metrics
from nrr_core.cli import write_demo
from tests.browser import CHROMIUM_PATH, open_page, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "churn-vs-expansion", "retention", "accounts", "review", "methodology"]
CHARTED = ["overview", "churn-vs-expansion", "retention"]  # accounts draws a chart once an account is open
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "nrr.duckdb"
    write_demo(path)
    return path


@contextmanager
def serve(book: Path, log_path: Path):
    """``streamlit run app.py`` on a free port with NRR_DB=book; yields its base URL."""
    try:
        with running_app(book, log_path, ROOT) as app:
            yield app.url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def app_url(book, browser, tmp_path_factory):
    """A server that has already served one session.

    The first script run after a server start behaves differently (see
    test_url_filter_survives_navigation_on_a_fresh_server), so one throwaway
    visit makes the other tests independent of their order."""
    with serve(book, tmp_path_factory.mktemp("browser_log") / "streamlit.log") as url:
        warm = browser.new_page()
        warm.goto(url + "/")
        wait_for_app(warm)
        warm.close()
        yield url


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


def _caption(page) -> str:
    """The caption under the page title (filters and period in words)."""
    return page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()


def _title(page) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text()


def _favicons(page) -> set[str]:
    return set(page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)"))


class ConsoleErrors:
    """Console messages of type "error" and uncaught page errors, favicon loads excepted."""

    def __init__(self, page):
        self.page, self.raw = page, []
        page.on("console", lambda msg: msg.type == "error" and self.raw.append(
            (msg.text, (msg.location or {}).get("url", "") or "")))
        page.on("pageerror", lambda exc: self.raw.append((f"uncaught: {exc}", "")))

    def errors(self) -> list[str]:
        icons = _favicons(self.page)
        return [f"{text} @ {where}" for text, where in self.raw
                if "favicon" not in text.lower() and "favicon" not in where.lower() and where not in icons
                and not any(icon in text for icon in icons)]


def navigate(page, base: str, name: str) -> None:
    """Click the sidebar link of page ``name`` (the default page's link is the root)."""
    if name != PAGES[0]:
        open_page(page, name)
        return
    page.locator(f"[data-testid='stSidebarNav'] a[href='{base}/']").first.click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(\?.*)?$"))
    wait_for_app(page)


def test_every_page_loads_and_draws(context, app_url):
    page = context.new_page()
    console = ConsoleErrors(page)
    page.goto(app_url + "/")
    wait_for_app(page)
    titles = set()
    for name in PAGES:
        if name != PAGES[0]:
            navigate(page, app_url, name)
        assert page.locator("[data-testid='stException']").count() == 0, name
        assert page.locator("[data-testid='stAlertContentError']").count() == 0, name
        titles.add(_title(page))
        if name in CHARTED:
            page.wait_for_selector(".js-plotly-plot svg", timeout=15_000)
            plots = page.locator(".js-plotly-plot")
            assert plots.count() >= 1, name
            assert page.locator(".js-plotly-plot svg.main-svg").count() >= plots.count(), \
                f"{name}: a chart without its svg"
        else:
            page.wait_for_selector("[data-testid='stDataFrame']", timeout=15_000)
    assert len(titles) == len(PAGES), titles
    assert not console.errors(), console.errors()


def _assert_filter_kept(page, base: str, *, in_url: bool = True) -> None:
    page.goto(base + "/?segment=Enterprise")
    wait_for_app(page)
    assert "Enterprise" in _caption(page)
    for name in PAGES[1:] + PAGES[:1]:
        navigate(page, base, name)
        if in_url:
            assert "segment=Enterprise" in page.url, f"{name}: the URL lost the filter: {page.url}"
        assert "Enterprise" in _caption(page), f"{name}: {_caption(page)!r}"


def test_url_filter_survives_navigation(context, app_url):
    _assert_filter_kept(context.new_page(), app_url)


def test_the_filter_survives_navigation_on_a_fresh_server(book, browser, tmp_path):
    """The first visitor after a (re)start is a user too: the filter they came
    with stays applied on every page and in the address bar. On a fresh server
    Streamlit's frontend can drop the bound filters on the first page change
    (about one start in four here); ui/navigation.restore_url_state gives them
    back, and the server log says when it did."""
    with serve(book, tmp_path / "streamlit.log") as url:
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        ctx.set_default_timeout(30_000)
        try:
            _assert_filter_kept(ctx.new_page(), url)
        finally:
            ctx.close()


def test_chosen_account_gives_a_shareable_url(browser, context, app_url, con):
    info = metrics.book_info(con)
    accounts = metrics.account_list(con, Filters(), info.as_of_month)
    # A name with punctuation, to see it shown exactly as stored.
    special = accounts[~accounts.name.str.fullmatch(r"[A-Za-z0-9 ]+")]
    row = (special if len(special) else accounts).iloc[0]
    account_id, name = str(row.account_id), metrics.account_detail(con, row.account_id)["name"]

    page = context.new_page()
    page.goto(app_url + "/")
    wait_for_app(page)
    navigate(page, app_url, "accounts")
    box = page.locator(".st-key-account input")
    box.fill(account_id)
    box.press("Enter")
    page.wait_for_url(re.compile(rf"[?&]account={re.escape(account_id)}(&|$)"))
    wait_for_app(page)
    assert parse_qs(urlsplit(page.url).query).get("account") == [account_id]
    shared = page.url

    fresh = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        other = fresh.new_page()
        other.goto(shared)
        wait_for_app(other)
        heading = other.locator("[data-testid='stMain'] h3").first
        heading.wait_for(timeout=15_000)
        assert heading.inner_text().strip() == name
        other.wait_for_selector(".js-plotly-plot svg", timeout=15_000)
        assert other.locator("[data-testid='stException']").count() == 0
    finally:
        fresh.close()


def test_nothing_leaves_the_machine(context, app_url):
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda req: seen.append(req.url))
    page.goto(app_url + "/")
    wait_for_app(page)
    for name in PAGES[1:] + PAGES[:1]:
        navigate(page, app_url, name)
    assert seen
    foreign = sorted({u for u in seen if not u.startswith(("data:", "blob:"))
                      and urlsplit(u).hostname not in LOCAL_HOSTS})
    assert not foreign, foreign


@pytest.mark.parametrize("slide", ["1", "2", "3", "4"])
def test_a_presentation_link_opens_straight_into_its_slide_with_the_filters(app_url, context, slide):
    page = context.new_page()
    page.goto(f"{app_url}/present?segment=Enterprise&slide={slide}")
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stMain'] h2").first.inner_text().startswith(f"{slide} / 5")
    assert page.locator(".js-plotly-plot .main-svg").count() >= 1
    assert "Enterprise" in page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
