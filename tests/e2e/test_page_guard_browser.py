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
from contextlib import contextmanager
from pathlib import Path

import pytest

from nrr_core import Filters, metrics
from nrr_core.cli import write_demo
from tests.browser import CHROMIUM_PATH, running_app, wait_for_app

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


@contextmanager
def fresh_server(book: Path, log_path: Path, secrets: Path | None = None):
    """A server started for this test alone (its first request is the test's); yields its URL."""
    extra = ["--secrets.files", str(secrets)] if secrets else []
    try:
        with running_app(book, log_path, ROOT, extra) as app:
            yield app.url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@contextmanager
def new_page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    ctx.set_default_timeout(30_000)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def settle(page) -> None:
    """Idle, and still idle a moment later (the first-run work-around restarts the run)."""
    wait_for_app(page)
    page.wait_for_timeout(1_000)
    wait_for_app(page, settle_ms=0)


def notices(page) -> list[str]:
    return [n.inner_text() for n in page.locator(NOTICE).all()]


def assert_nothing_of_the_data(page, names: list[str], what: str) -> str:
    """No figure, error or page list; no account name. Returns which screen it is."""
    for selector in FORBIDDEN:
        assert page.locator(selector).count() == 0, f"{what}: shows {selector}"
    text = page.locator("body").inner_text()
    shown = [n for n in names if n in text]
    assert not shown, f"{what}: shows account names {shown[:5]}"
    sign_in, link = page.locator(SIGN_IN).count(), page.locator(LINK_HOME).count()
    assert (sign_in, link) in {(1, 0), (0, 1)}, f"{what}: sign-in buttons {sign_in}, links home {link}: {text!r}"
    return "sign-in" if sign_in else "link"


@pytest.mark.parametrize("stem", PAGE_FILES)
def test_a_page_file_named_in_the_first_request_shows_only_a_link_home(book, browser, secrets_file, account_names,
                                                                       tmp_path, stem):
    with fresh_server(book, tmp_path / "streamlit.log", secrets_file) as url, new_page(browser) as page:
        page.goto(f"{url}/{stem}{QUERY.get(stem, '')}")
        settle(page)
        assert assert_nothing_of_the_data(page, account_names, stem) == "link"
        assert not notices(page)  # the page was found: no "Page not found"
        link = page.locator(LINK_HOME)
        assert link.inner_text().strip() == "Open the NRR dashboard"
        assert page.locator("[data-testid='stMain'] [data-testid='stElementContainer']").count() == 1
        # The link opens app.py's page in this session: the frame, so the sign-in gate.
        link.click()
        page.locator(SIGN_IN).wait_for()
        settle(page)
        assert assert_nothing_of_the_data(page, account_names, f"{stem} -> /") == "sign-in"


def test_every_page_file_name_old_and_new_meets_the_sign_in_gate_or_the_link(book, browser, secrets_file,
                                                                              account_names, tmp_path):
    """The first request of a fresh server is an old page file's name, as in the issue; then the others."""
    requests = OLD_NAMES + [f"/{stem}{QUERY.get(stem, '')}" for stem in PAGE_FILES]
    seen = {}
    with fresh_server(book, tmp_path / "streamlit.log", secrets_file) as url:
        for path in requests:
            with new_page(browser) as page:
                page.goto(url + path)
                settle(page)
                seen[path] = assert_nothing_of_the_data(page, account_names, path)
                shown = notices(page)
                if path == requests[0]:
                    # No file has this name any more: the legacy runner says so
                    # before app.py runs (README), then the gate.
                    assert len(shown) == 1 and "Page not found" in shown[0], shown
                else:
                    assert not shown, f"{path}: {shown}"
    # No file has an old name any more, so each of them runs app.py and meets the gate;
    # once app.py has run, the legacy runner is gone and so do the new names.
    assert set(seen.values()) == {"sign-in"}, seen


def test_a_cold_deep_link_opens_its_page_filtered_under_the_page_not_found_notice(book, browser, tmp_path):
    """Pins today's behaviour (see README): Streamlit's legacy runner sends the
    notice before app.py runs; the page itself is the right one, filtered."""
    with fresh_server(book, tmp_path / "streamlit.log") as url, new_page(browser) as page:
        page.goto(f"{url}/review?segment=SMB")
        page.locator("[data-testid='stMain'] h1", has_text="Account review").wait_for()
        settle(page)
        assert re.search(r"/review\?(.*&)?segment=SMB(&|$)", page.url), page.url
        assert "SMB" in page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
        assert page.locator("[data-testid='stException']").count() == 0
        notice = page.locator("[data-testid='stDialog']")
        assert notice.count() == 1 and "Page not found" in notice.inner_text()
