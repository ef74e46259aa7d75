"""The /drivers page in a real browser (Debian's chromium through Playwright):
the ranked drivers and their plain-words sentences as nrr_core computes them,
a segment filter that changes the figures and says so in the caption, and a
hostile NPS comment shown verbatim as text in the voice feed, never as HTML,
markdown or a link."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nrr_core import Filters, db, insight
from nrr_core.demo import generate_book
from nrr_core.demo.catalogue import DEMO_AS_OF
from nrr_core.load import load_book
from tests.browser import CHROMIUM_PATH, running_app, wait_for_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM_PATH} (apt-get install chromium)"),
]

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example/steal) <script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The demo book, with one detractor answer in the as-of month carrying a hostile comment."""
    tmp = tmp_path_factory.mktemp("drivers_browser")
    files = generate_book(tmp / "csv")
    with files["signals"].open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    month, nps, comment = header.index("month"), header.index("nps"), header.index("nps_comment")
    target = next(r for r in rows[1:] if r[month] == DEMO_AS_OF)
    target[nps], target[comment] = "2", HOSTILE
    with files["signals"].open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    path = tmp / "nrr.duckdb"
    load_book(path, accounts=files["accounts"], mrr=files["mrr"], signals=files["signals"],
              churn_reasons=files.get("churn_reasons"))
    return path, target[header.index("account_id")]


@pytest.fixture(scope="module")
def app_url(book, browser, tmp_path_factory):
    """A server that has already served one session (the first run after a start differs)."""
    try:
        with running_app(book[0], tmp_path_factory.mktemp("drivers_log") / "streamlit.log", ROOT) as app:
            warm = browser.new_page()
            warm.goto(app.url + "/")
            wait_for_app(warm, 60_000)
            warm.close()
            yield app.url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    ctx.set_default_timeout(60_000)
    p = ctx.new_page()
    p.add_init_script("window.alert = () => { window.__pwned = 'alert'; };")
    yield p
    ctx.close()


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, 90_000)
    assert page.locator("[data-testid='stException']").count() == 0


def _caption(page) -> str:
    return page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()


def _sentences(page) -> list[str]:
    texts = page.locator("[data-testid='stMain'] [data-testid='stText']").all_inner_texts()
    return [t.removeprefix("• ").strip() for t in texts if t.startswith("• ")]


def _expected(path: Path, filters: Filters | None) -> list[str]:
    with db.connect_read_only(path) as con:
        return list(insight.top_drivers(insight.drivers(con, filters, DEMO_AS_OF), 3).summary)


def test_the_drivers_section_shows_the_ranked_drivers_in_plain_words(page, app_url, book):
    _open(page, f"{app_url}/drivers?section=Drivers")
    expected = _expected(book[0], None)
    assert len(expected) == 3
    assert _sentences(page) == expected
    assert "All accounts" in _caption(page)
    page.wait_for_selector(".js-plotly-plot svg.main-svg")
    assert page.locator("[data-testid='stDataFrame']").count() == 1     # every group against the rest


def test_a_segment_filter_changes_the_drivers_and_the_caption_says_so(page, app_url, book):
    _open(page, f"{app_url}/drivers?section=Drivers&segment=Enterprise")
    expected = _expected(book[0], Filters.of(segment="Enterprise"))
    assert "Enterprise" in _caption(page) and "All accounts" not in _caption(page)
    shown = _sentences(page)
    assert shown == expected
    assert shown != _expected(book[0], None)      # the figures changed with the filter


def test_a_hostile_comment_shows_verbatim_as_text_in_the_voice_feed(page, app_url, book):
    _open(page, f"{app_url}/drivers?section=Customer+voice")
    search = page.get_by_label("Search the comments")
    search.fill("onerror")
    search.press("Enter")
    # The rerun the search starts may not have begun when the app last looked
    # idle, so wait for its answer rather than for quiet.
    page.get_by_text("1 comment.").first.wait_for(timeout=90_000)
    wait_for_app(page, 90_000)
    feed = page.locator("[data-testid='stDataFrame']").last
    cells = feed.locator("[role='gridcell']").all_inner_texts()
    assert HOSTILE in cells, cells
    # Nothing in the page was made from the comment: no image, no link, no script ran.
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("[data-testid='stMain'] strong:text('bold')").count() == 0
    assert page.evaluate("window.__pwned") is None
