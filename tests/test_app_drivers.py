"""The /drivers page ("What makes customers stick") through AppTest: every
section draws nrr_core.insight's figures, and hostile comment text is shown
verbatim as table cells, never as HTML, markdown or links."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from nrr_core import insight
from nrr_core.load import load_book
from tests.conftest import write_csv
from tests import app_env

PAGE = "pages/drivers_page.py"
RULES = insight.JourneyRules(min_group=5)
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
HOSTILE = [
    "<script>alert('x')</script>",
    "[click me](javascript:alert(1))",
    "javascript:alert(document.cookie)",
    "\u202egnp.exe looks like exe.png",
    "**bold** <img src=x onerror=alert(1)> https://evil.example and www.evil.example",
]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app_drivers")
    accounts, mrr, signals = [], [], []
    for i in range(40):
        aid = f"A{i:03d}"
        seg = ("SMB", "Enterprise")[i % 2]
        accounts.append([aid, f"Account {aid}", seg, "NA", "Software", "Ana" if i % 3 else "Bo"])
        start = i % 6
        churn_at = 16 if i % 7 == 6 else 99
        for k, month in enumerate(MONTHS):
            if k < start or k >= churn_at:
                continue
            mrr.append([aid, "Core", month, 100 + 10 * i + (20 if k > 14 and i % 4 == 0 else 0)])
            users = 3 + (k - start) if i % 2 else 7
            comment, nps = "", ""
            if month == "2025-12" and i < len(HOSTILE):
                comment, nps = HOSTILE[i], (2, 9, 5, 10, 7)[i]
            signals.append([aid, month, 10, min(users, 10), 0, nps, comment])
    acc = write_csv(folder / "accounts.csv", ["account_id", "name", "segment", "region", "industry", "csm_owner"],
                    accounts)
    rev = write_csv(folder / "mrr.csv", ["account_id", "product", "month", "mrr"], mrr)
    sig = write_csv(folder / "signals.csv", ["account_id", "month", "seats_licensed", "active_users",
                                             "support_tickets", "nps", "nps_comment"], signals)
    path = folder / "nrr.duckdb"
    load_book(path, accounts=acc, mrr=rev, signals=sig)
    config = folder / "nrr.toml"
    config.write_text("[journey]\nmin_group = 5\n", encoding="utf-8")   # a small book: rank groups of 5+
    with app_env.serving(path, config=config, decisions=folder / "decisions.sqlite"):
        yield path



def run_page(section: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.query_params["section"] = section
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["What makes customers stick"]
    return at


def table_with(at: AppTest, column: str):
    """The first table on the page that has ``column``."""
    return next(d for d in at.dataframe if column in d.value.columns)


def frame_of(at: AppTest, column: str) -> pd.DataFrame:
    return table_with(at, column).value


def test_journey_tiles_show_the_phase_mix_of_the_as_of_month(book, con):
    at = run_page("Journey")
    mix = insight.phase_mix(con, None, "2025-12")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {f"{insight.PHASE_LABELS[p]}: accounts": f"{a:,}" for p, a in zip(mix.phase, mix.accounts)}
    assert sum(mix.accounts) == 35   # 40 accounts, 5 churned in 2025-05
    shown = frame_of(at, "stalled_share")
    assert list(shown.stalled) == list(insight.stall_summary(insight.stalls(con, None, "2025-12"), mix).stalled)


def test_drivers_section_puts_the_top_groups_in_plain_words_first(book, con):
    at = run_page("Drivers")
    frame = insight.drivers(con, None, "2025-12", RULES)
    assert frame.ranked.sum() >= 3
    top = list(insight.top_drivers(frame, 3).summary)
    assert len({d for d in insight.top_drivers(frame, 3).dimension}) == 3   # one per dimension
    assert [t.value for t in at.text][:len(top)] == ["• " + s for s in top]
    shown = frame_of(at, "arr_impact")
    assert list(shown.group) == list(frame.group)
    assert list(shown.nrr) == pytest.approx(list(frame.nrr * 100))       # shown in percent
    assert any("associations" in c.value and "not causes" in c.value for c in at.caption)


def test_early_adoption_section_shows_every_start_cohort(book, con):
    at = run_page("Early adoption")
    expected = insight.early_adoption(con, None, "2025-12")
    assert list(frame_of(at, "above_accounts").cohort) == list(expected.cohort)


def test_hostile_comments_are_shown_verbatim_as_table_cells_only(book):
    at = run_page("Customer voice")
    feed = frame_of(at, "comment")
    assert sorted(feed.comment) == sorted(HOSTILE)
    # The detractor first (score 2), as plain cells.
    assert feed.comment.iloc[0] == HOSTILE[0]
    # Nowhere else on the page: no markdown, caption, text or HTML element carries the text.
    assert not at.get("html")
    for element in list(at.markdown) + list(at.caption) + list(at.text) + list(at.subheader):
        for bad in ("<script", "javascript:", "onerror", "\u202e", "evil.example"):
            assert bad not in element.value, (bad, element.value)
    # The comment column is a text column: no link column renders it as a link.
    config = table_with(at, "comment").proto.columns
    assert '"type": "text"' in config and '"link"' not in config


def test_comment_search_is_plain_case_insensitive_substring(book):
    at = run_page("Customer voice")
    at.text_input(key="voice_search").input("JAVASCRIPT:").run()
    assert sorted(frame_of(at, "comment").comment) == sorted(HOSTILE[1:3])
    at.text_input(key="voice_search").input("(1)").run()      # no wildcard or pattern meaning
    assert sorted(frame_of(at, "comment").comment) == sorted([HOSTILE[1], HOSTILE[4]])


def test_a_churn_reason_recorded_under_the_retrospective_rolls_up_and_is_kept(book):
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.query_params["as_of"] = "2025-06"          # the window Apr–Jun 2025 holds the churns of 2025-05
    at.query_params["view"] = "Roll-ups"
    at.run()
    at.switch_page("pages/review_page.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Why revenue was lost" in [s.value for s in at.subheader]
    before = frame_of(at, "reason_label")
    assert set(before.reason_label) == {"Not recorded yet"}
    at.text_input(key="reviewer_name").input("Dana").run()
    choice = at.selectbox(key="reason_account").options[0]
    at.selectbox(key="reason_account").select(choice)
    at.selectbox(key="reason_key").select("competitor")
    at.text_area(key="reason_notes").input("[moved](javascript:alert(1)) to a suite")
    at.button[-1].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Reason recorded" in s.value for s in at.success)
    stored = insight.ReasonStore(book.with_name("decisions.sqlite")).every()
    assert list(stored.reason) == ["competitor"] and list(stored.recorded_by) == ["Dana"]
    after = frame_of(at, "reason_label")
    assert "Competitor" in set(after.reason_label)
    assert "[moved](javascript:alert(1)) to a suite" in set(after.notes.dropna())
    rolled = frame_of(at, "surprise_arr")
    assert "Competitor" in set(rolled.value)
