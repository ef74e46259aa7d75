"""The board deck (nrr_core.pack.deck): the pack as an editable PPTX.

It reuses the board pack's small book (tests/test_pack.py: 300 accounts, a
hostile account name and a hostile segment) and reads the deck back with
python-pptx: slide titles in order, the native charts' own data equal to
nrr_core's figures (so an edited chart still starts from the right numbers),
the tables' text, hostile text verbatim, and the command line and the
overview page's download.
"""
from __future__ import annotations

import io

import pytest
import streamlit as st
from pptx import Presentation
from pptx.util import Inches
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, metrics, pack, review
from nrr_core.charts import STEP_LABELS
from nrr_core.formatting import money, percent
from nrr_core.metrics import BRIDGE_COLUMNS, MOVEMENTS
from nrr_core.pack.text import month_words
from tests.test_pack import (GENERATED, HOSTILE_NAME, HOSTILE_SEGMENT, book, cli, decisions,  # noqa: F401 (fixtures)
                             downloaded, media_managers, period, review_frame)


@pytest.fixture(scope="module")
def full_deck(con, period, decisions):
    board = review.board(con, Filters(), period.to_month, decisions)
    retro = review.retrospective(con, Filters(), period.from_month, period.to_month, decisions)
    data = pack.build_deck(con, Filters(), period, reviews=(board.at_risk, board.expansion), retrospective=retro,
                           generated_at=GENERATED)
    return Presentation(io.BytesIO(data)), board, retro


def slide_texts(slide) -> list[str]:
    """Every text frame and table cell of a slide, in shape order."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return out


def charts_of(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_the_deck_has_the_pack_slides_in_order_on_a_wide_page(full_deck, period):
    deck, _, _ = full_deck
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    titles = [slide_texts(s)[0] for s in deck.slides]
    assert titles[0] == pack.TITLE
    assert titles[1].startswith("NRR ") and "over the twelve months to" in titles[1]
    assert titles[2].startswith("MRR bridge, ")
    assert titles[4].startswith("Forward NRR ") and "track record" in titles[5].lower()
    assert titles[6].startswith("Retention against target, ") and titles[7].startswith("CSM scorecards, ")
    assert titles[3:4] + titles[8:] == ["Retention by segment", "Accounts at risk", "Expansion opportunities",
                          "Churned and contracted accounts", "How the figures are defined",
                          f"NRR by other definitions, {month_words(period.to_month)}", "Every figure is reproducible"]


def test_the_trend_chart_holds_the_nrr_and_grr_of_every_month_as_native_data(con, period, full_deck):
    deck, _, _ = full_deck
    (chart,) = charts_of(deck.slides[1])
    trend = metrics.nrr_trend(con, Filters(), period.to_month)
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    assert series["NRR"] == pytest.approx(list(trend.nrr))
    assert series["GRR"] == pytest.approx(list(trend.grr))
    assert len(list(chart.plots[0].categories)) == len(trend)
    assert any(name.startswith("Benchmark: top performers 120%") for name in series)


def test_the_bridge_chart_rebuilds_the_waterfall_of_the_period(con, period, full_deck):
    deck, _, _ = full_deck
    (chart,) = charts_of(deck.slides[2])
    steps = metrics.waterfall(con, Filters(), period.from_month, period.to_month)
    values = dict(zip(steps.step, steps.mrr))
    base, up, down, total = ([v or 0.0 for v in s.values] for s in chart.plots[0].series)
    assert list(chart.plots[0].categories) == [STEP_LABELS[s] for s in BRIDGE_COLUMNS]
    assert total[0] == pytest.approx(values["starting_mrr"]) and total[-1] == pytest.approx(values["ending_mrr"])
    for i, step in enumerate(BRIDGE_COLUMNS[1:-1], start=1):
        assert up[i] - down[i] == pytest.approx(values[step]), step
    # Each bar floats where the previous one ended: the invisible base carries it.
    level = values["starting_mrr"]
    for i, step in enumerate(MOVEMENTS, start=1):
        assert base[i] == pytest.approx(min(level, level + values[step])), step
        level += values[step]
    assert level == pytest.approx(values["ending_mrr"])


def test_the_definitions_slide_lists_every_definition_at_the_period_end(con, period, full_deck):
    from nrr_core import variants

    deck, _, _ = full_deck
    cells = slide_texts(deck.slides[12])
    table = variants.table(con, Filters(), period.to_month)
    for row in table.itertuples():
        at = cells.index(row.label)
        assert cells[at + 1] == percent(row.value)


def test_another_headline_definition_names_the_tile_and_the_trend_line(con, period):
    deck = Presentation(io.BytesIO(pack.build_deck(con, Filters(), period, headline="nrr_arr_bridge")))
    head = slide_texts(deck.slides[0])
    from nrr_core import variants
    label = variants.label("nrr_arr_bridge")
    assert label in head and "NRR, trailing 12 months" not in head
    (chart,) = charts_of(deck.slides[1])
    assert chart.plots[0].series[0].name == label


def test_the_segment_table_equals_the_breakdown(con, period, full_deck):
    deck, _, _ = full_deck
    cells = slide_texts(deck.slides[3])
    split = metrics.breakdown(con, Filters(), "segment", period.to_month)
    for row in split.itertuples():
        at = cells.index(str(row.value))
        assert cells[at + 1: at + 5] == [money(row.arr), percent(row.nrr), percent(row.grr),
                                         percent(row.logo_retention)]
    assert HOSTILE_SEGMENT in cells  # verbatim: PowerPoint never reads it as markup


def test_the_review_lists_show_the_ten_largest_by_arr_with_the_hostile_name_verbatim(con, period):
    filters = Filters(segment=(HOSTILE_SEGMENT, "SMB"))
    listed = metrics.account_list(con, filters, period.to_month)
    at_risk = review_frame(con, period.to_month, list(listed.account_id[:21]) + ["A00001"], decided=True)
    at_risk.loc[at_risk.account_id == "A00001", "arr"] = 10 ** 9  # the largest, so it is shown
    deck = Presentation(io.BytesIO(pack.build_deck(con, filters, period, reviews=(at_risk, at_risk.head(0)))))
    cells = slide_texts(deck.slides[8])
    assert cells[1].startswith("22 accounts with ")
    rows = [c.split("\n")[0] for c in cells if c.split("\n")[0].endswith(")") and "(A0" in c]
    assert len(rows) == 10
    assert rows[0] == f"{HOSTILE_NAME} (A00001)"
    assert slide_texts(deck.slides[9])[1] == "No accounts on this list for the selection at this month."


def test_the_retrospective_slide_states_the_period_losses(full_deck):
    deck, _, (frame, summary) = full_deck
    cells = slide_texts(deck.slides[10])
    assert cells[1].startswith(f"{len(frame):,} accounts lost {money(summary['lost_arr'])} ARR")
    largest = frame.sort_values(["lost_arr", "account_id"], ascending=[False, True]).iloc[0]
    assert any(c.endswith(f"({largest.account_id})") for c in cells)


def test_cli_pack_writes_the_deck_for_a_pptx_name_and_refuses_other_names(book, tmp_path):
    out = tmp_path / "board deck.pptx"
    done = cli("pack", "--db", book, "--out", out, "--segment", "SMB", "--no-reviews")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"wrote {out}: ") and "pages" not in done.stderr
    deck = Presentation(str(out))
    assert "\nAccounts: SMB\n" in slide_texts(deck.slides[0])[1]
    assert len(deck.slides) == 11  # no review slides
    bad = cli("pack", "--db", book, "--out", tmp_path / "x.docx")
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and ".pptx" in bad.stderr
    assert not (tmp_path / "x.docx").exists()


def test_the_overview_page_downloads_the_deck_in_one_click(book, decisions, monkeypatch, media_managers):
    monkeypatch.setenv("NRR_DB", str(book))
    monkeypatch.setenv("NRR_DECISIONS", str(decisions.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        button = at.download_button(key="board_deck")
        assert button.proto.label == "Board deck (PPTX)"
        data = downloaded(media_managers[-1], button)
        deck = Presentation(io.BytesIO(data))
        assert [slide_texts(s)[0] for s in deck.slides][8:10] == ["Accounts at risk", "Expansion opportunities"]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
