"""The board pack (nrr_core.pack): a landscape PDF built on the server.

One small demo book (300 accounts, 24 months) is built per module, with one
account renamed to a hostile name and one segment renamed to hostile text, so
every check also runs over untrusted Unicode. Packs are built a few times
only (each build starts one Chromium through kaleido, about 2-3 s) and read
back with pypdf: section titles in order, and the numbers in the text equal
nrr_core's figures formatted as the pack formats them. The missing-browser
case points kaleido at a path with no browser (``BROWSER_PATH``), in process
and through the command line. The overview page's one-click download is
checked with AppTest, running the button's deferred data as Streamlit does.
"""
from __future__ import annotations

import csv
import io
import re
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, NrrError, definitions, metrics, pack, review
from nrr_core.charts import STEP_LABELS
from nrr_core.demo import generate_book
from nrr_core.formatting import money, percent
from nrr_core.load import load_book
from nrr_core.metrics import BRIDGE_COLUMNS
from nrr_core.period import Period
from nrr_core.review.decisions import Decision, DecisionStore

REPO = Path(__file__).resolve().parent.parent
HOSTILE_NAME = "<script>alert(1)</script> =cmd|' /C calc'!A0 ÄÖÜ 日本"
HOSTILE_SEGMENT = "Mid <b>Market</b> **&** [x](http://e.example) 日本"
EMOJI_NAME = "Rocket 🚀 \u202eevil\u202c Ωμέγα"
GENERATED = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
CJK_FONT = any(p.is_file() for p in pack.FALLBACK_FONTS)


def squash(text: str) -> str:
    """Text with every run of whitespace as one space (table cells wrap lines)."""
    return " ".join(text.split())


def printable(text: str) -> str:
    """``text`` as the pack can print it here: CJK needs fonts-droid-fallback."""
    return squash(text if CJK_FONT else text.replace("日本", ""))


def pages_text(pdf: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def cli(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([sys.executable, "-m", "nrr_core", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env={**os.environ, **(env or {})})


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """A small demo book with a hostile account name and a hostile segment."""
    folder = tmp_path_factory.mktemp("pack")
    files = generate_book(folder / "csv", n_accounts=300, n_months=24)
    with files["accounts"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["segment"] == "Mid-Market":
            row["segment"] = HOSTILE_SEGMENT
    rows[0]["name"] = HOSTILE_NAME
    with files["accounts"].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    path = folder / "book.duckdb"
    load_book(path, accounts=files["accounts"], mrr=files["mrr"], signals=files["signals"])
    return path


@pytest.fixture(scope="module")
def period(con) -> Period:
    info = metrics.book_info(con)
    return Period.within(info.first_month, info.as_of_month, "quarter")


@pytest.fixture(scope="module")
def plain_pack(con, period, book) -> pack.BoardPack:
    """All accounts, no review lists."""
    return pack.make_pack(con, Filters(), period, db_path=str(book), generated_at=GENERATED)


def review_frame(con, month: str, ids: list[str], decided: bool) -> pd.DataFrame:
    """A review-board-shaped list (the columns review.board returns) for ``ids``."""
    accounts = metrics.account_list(con, Filters(), month)
    accounts = accounts[accounts.account_id.isin(ids)]
    rows = []
    for i, a in enumerate(accounts.itertuples()):
        with_decision = decided and i % 2 == 0
        rows.append({
            "account_id": a.account_id, "name": a.name, "segment": a.segment, "csm_owner": a.csm_owner,
            "arr": a.arr, "score": 40 + i, "reasons": f"Usage fell 20 %+ in 3 months (+25) · factor {i}",
            "decision_status": "watch" if with_decision else None,
            "decision_department": "Customer success" if with_decision else None,
            "decision_action": f"Sponsor call <b>#{i}</b>" if with_decision else None,
            "decision_owner": "Ana Ñúñez" if with_decision else None,
            "decision_due": "2026-12-15" if with_decision else None,
            "decision_recorded_at": "2026-11-01T10:00:00+00:00" if with_decision else None,
        })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def reviewed_pack(con, period, book):
    """Filtered to the hostile segment (and every region), with review lists:
    22 at-risk rows (the hostile account among them), 3 expansion rows."""
    filters = Filters(segment=(HOSTILE_SEGMENT, "SMB"))
    month = period.to_month
    listed = metrics.account_list(con, filters, month)
    ids = list(listed.account_id[:21]) + ["A00001"]
    at_risk = review_frame(con, month, ids, decided=True)
    expansion = review_frame(con, month, list(listed.account_id[30:33]), decided=False)
    # No installed font has emoji; a right-to-left override must not reorder the row either.
    expansion.loc[0, "name"] = EMOJI_NAME
    built = pack.make_pack(con, filters, period, reviews=(at_risk, expansion), db_path=str(book),
                           generated_at=GENERATED)
    return filters, at_risk, expansion, built


# ---------------------------------------------------------------- the pages and their numbers

def test_the_pack_is_a_pdf_with_the_sections_in_order(plain_pack):
    assert plain_pack.pdf.startswith(b"%PDF")
    text = pages_text(plain_pack.pdf)
    assert plain_pack.pages == len(text) == 11
    assert text[0].startswith(pack.TITLE)
    assert "NRR " in text[1][:200] and "over the twelve months to" in text[1]
    assert "MRR bridge, " in text[2]
    assert "Retention by segment" in text[3]
    assert "Forward NRR " in text[4]
    assert "track record" in text[5].lower()  # a 24-month book has none yet: the page says so
    assert "Retention against target" in text[6]
    assert "CSM scorecards, " in text[7]
    assert "How the figures are defined" in text[8]
    assert "NRR by other definitions" in text[9]
    assert "Every figure is reproducible" in text[10]
    # Without review data the pack says so, and invents no account list.
    assert pack.NO_REVIEWS in text[0]
    assert not any("Accounts at risk" in t for t in text)


def test_the_title_page_shows_filters_period_as_of_generation_and_headline_figures(con, period, plain_pack):
    first = pages_text(plain_pack.pdf)[0]
    info = metrics.book_info(con)
    head = metrics.headline(con, Filters(), period.to_month)
    assert "Accounts All accounts" in first
    assert f"Period: {pack.period_words(period)}" in first
    assert f"as of {info.as_of_month}" in first
    assert "Generated 2026-11-02 09:30 UTC" in first
    for shown in (money(head["arr"]), percent(head["nrr"]), percent(head["grr"]), percent(head["logo_retention"])):
        assert shown in first, shown


def test_the_trend_page_states_the_headline_nrr_grr_and_logo_retention(con, period, plain_pack):
    page = pages_text(plain_pack.pdf)[1]
    head = metrics.headline(con, Filters(), period.to_month)
    trend = metrics.nrr_trend(con, Filters(), period.to_month).set_index("month").loc[period.to_month]
    assert page.startswith(f"{pack.TITLE} · All accounts")  # the running caption
    assert f"NRR {percent(head['nrr'])} over the twelve months to" in page
    assert f"GRR {percent(head['grr'])}" in page
    assert f"logo retention {percent(head['logo_retention'])}" in page
    assert f"The {int(trend.base_accounts):,} accounts active in" in page
    assert head["nrr"] == pytest.approx(trend.nrr)


def test_the_bridge_table_equals_the_waterfall_of_the_period(con, period, plain_pack):
    page = pages_text(plain_pack.pdf)[2]
    steps = metrics.waterfall(con, Filters(), period.from_month, period.to_month)
    assert steps.step.tolist() == BRIDGE_COLUMNS
    for step, value in zip(steps.step, steps.mrr):
        signed = "" if step in ("starting_mrr", "ending_mrr") or value < 0 else "+"
        assert f"{STEP_LABELS[step]} {signed}{money(value, precise=True)}" in page, step
    values = dict(zip(steps.step, steps.mrr))
    assert f"{money(values['starting_mrr'])} → {money(values['ending_mrr'])}" in page


def test_the_segment_table_equals_the_breakdown(con, period, plain_pack):
    page = pages_text(plain_pack.pdf)[3]
    split = metrics.breakdown(con, Filters(), "segment", period.to_month)
    assert len(split) == 3
    for row in split.itertuples():
        cells = f"{money(row.arr)} {percent(row.nrr)} {percent(row.grr)} {percent(row.logo_retention)} " \
                f"{int(row.base_accounts):,}"
        assert cells in page, row.value
        # A long name wraps inside its narrow cell, even inside a word: compare without whitespace.
        assert "".join(printable(str(row.value)).split()) in "".join(page.split())


def test_the_definitions_follow_the_metric_definitions(plain_pack):
    page = pages_text(plain_pack.pdf)[8]
    for words in ("NRR (net revenue retention, trailing 12 months)", "GRR (gross revenue retention)",
                  "Never above 100%", "Logo retention", "New", "Expansion", "Cross-sell", "Contraction", "Churn",
                  "Reactivation", "drops a line while staying a customer",
                  "Starting MRR + the six movements = ending MRR"):
        assert words in page, words


def test_the_printed_commands_reproduce_the_figures(con, period, book, reviewed_pack):
    filters = reviewed_pack[0]
    page = pages_text(reviewed_pack[3].pdf)[-1]
    commands = dict(pack.reproduce_commands(filters, period, str(book)))
    waterfall = commands["The MRR bridge of the period"]
    # Printed in the pack (a long command may wrap: compare without spaces).
    assert waterfall.replace(" ", "") in page.replace(" ", "")
    parts = shlex.split(waterfall)
    assert parts[:3] == ["python", "-m", "nrr_core"]
    done = cli(*parts[3:])
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout))
    want = metrics.waterfall(con, filters, period.from_month, period.to_month)
    assert got.step.tolist() == want.step.tolist()
    assert got.mrr.tolist() == pytest.approx(want.mrr.tolist(), abs=1e-6)
    assert shlex.split(commands["This pack"])[3:6] == ["pack", "--db", str(book)]


# ---------------------------------------------------------------- untrusted text and the review lists

def test_the_filters_caption_and_a_hostile_segment_appear_verbatim(reviewed_pack):
    filters, _, _, built = reviewed_pack
    text = pages_text(built.pdf)
    caption = printable(filters.describe())
    assert HOSTILE_SEGMENT in filters.describe()
    assert f"Accounts {caption}" in text[0]
    assert all(caption in page for page in text[1:]), "the running caption names the filters"
    segments = next(page for page in text if page.count("Retention by segment"))
    assert "".join(printable(HOSTILE_SEGMENT).split()) in "".join(segments.split())


def test_a_hostile_account_name_appears_verbatim_in_the_review_list(reviewed_pack):
    built = reviewed_pack[3]
    text = " ".join(pages_text(built.pdf))
    assert printable(HOSTILE_NAME) in text
    assert "Sponsor call <b>#0</b>" in text  # decision text is not markup either


def test_the_review_lists_show_the_15_largest_by_arr_with_their_latest_decisions(reviewed_pack):
    _, at_risk, expansion, built = reviewed_pack
    text = pages_text(built.pdf)
    risk_pages = [t for t in text if "Accounts at risk" in t]
    assert len(risk_pages) >= 1
    risk = " ".join(risk_pages)
    ranked = at_risk.sort_values(["arr", "account_id"], ascending=[False, True])
    assert f"{len(at_risk)} accounts on the review board with {money(at_risk.arr.sum())} ARR" in risk
    shown = ranked.head(pack.REVIEW_LIMIT)
    hidden = ranked.iloc[pack.REVIEW_LIMIT:]
    positions = [risk.index(f"({aid})") for aid in shown.account_id]
    assert positions == sorted(positions), "largest ARR first"
    assert not any(f"({aid})" in risk for aid in hidden.account_id)
    decided = shown[shown.decision_status.notna()].iloc[0]
    assert f"watch · Customer success: {decided.decision_action}" in risk
    assert "Ana Ñúñez, due 2026-12-15 (recorded 2026-11-01)" in risk
    assert "No decision recorded" in risk
    growth = next(t for t in text if "Expansion opportunities" in t)
    assert "3 accounts on the review board" in growth
    assert all(f"({aid})" in growth for aid in expansion.account_id)
    assert "Rocket" in growth and "evil" in growth and "Ωμέγα" in growth  # the emoji itself has no glyph
    assert pack.NO_REVIEWS not in text[0]


def test_the_review_board_lists_build_into_the_pack(con, period):
    from nrr_core import review

    board = review.board(con, Filters(), period.to_month)
    built = pack.build_pack(con, Filters(), period, reviews=(board.at_risk, board.expansion))
    text = " ".join(pages_text(built))
    assert "Accounts at risk" in text and "Expansion opportunities" in text
    for frame in (board.at_risk, board.expansion):
        if len(frame):
            top = frame.sort_values(["arr", "account_id"], ascending=[False, True]).iloc[0]
            assert f"({top.account_id})" in text


def test_empty_review_lists_say_so(con, period):
    empty = pd.DataFrame(columns=list(pack.REVIEW_COLUMNS))
    built = pack.make_pack(con, Filters(), period, reviews=(empty, empty.copy()), generated_at=GENERATED)
    text = pages_text(built.pdf)
    assert sum("No accounts on this list" in t for t in text) == 2


@pytest.mark.parametrize("raw, shown", [
    (None, "–"), (float("nan"), "–"), ("a\x00b\x1bc", "abc"), ("line\nbreak\ttab", "line break tab"),
    ("\ud800x", "\ufffdx"), ("**bold** <i>x</i> [l](u)", "**bold** <i>x</i> [l](u)"), (["a", "b"], "a; b"),
])
def test_plain_keeps_text_verbatim_but_drops_control_characters(raw, shown):
    assert pack.plain(raw) == shown


def test_filter_args_quote_untrusted_values_for_the_shell():
    filters = Filters(segment=("A; rm -rf /",), csm_owner=("O'Brien",), extra=(("tier", ("gold $x",)),))
    args = pack.filter_args(filters)
    assert args == ["--segment", "A; rm -rf /", "--csm-owner", "O'Brien", "--attr", "tier=gold $x"]
    line = pack.reproduce_commands(filters, Period("2026-08", "2026-10"), "my db.duckdb")[0][1]
    assert shlex.split(line)[-6:] == args


# ---------------------------------------------------------------- no browser

def test_each_chart_image_is_placed_on_the_page_of_its_title_at_its_size(plain_pack):
    # The pages are laid out before the charts are drawn, and each image is placed afterwards
    # in the slot its page kept: the page of its title, at twice its size in pixels.
    titles = {"trend": "trailing 12 months, by month", "bridge": "From starting to ending MRR, by movement",
              "curves": "Revenue retained, by months since start",
              "forecast": "Forward NRR of today's accounts, with its 80 % band"}
    pages = PdfReader(io.BytesIO(plain_pack.pdf)).pages
    placed = {}
    for number, page in enumerate(pages):
        images = [image.image.size for image in page.images]
        named = [name for name, title in titles.items() if title in squash(page.extract_text())]
        assert len(images) == len(named), f"page {number + 1}: {named} with {len(images)} images"
        placed.update({name: (number, size) for name, size in zip(named, images)})
    assert set(placed) == set(titles)
    assert [number for number, _ in placed.values()] == [1, 2, 3, 4]
    assert {name: size for name, (_, size) in placed.items()} == {
        name: (2 * pack.CHARTS[name][0], 2 * pack.CHARTS[name][1]) for name in titles}


def test_the_pack_browser_draws_one_figure_after_another_without_reloading_plotly_and_the_same_bytes(
        monkeypatch):
    import plotly.graph_objects as go
    from kaleido._kaleido_tab._tab import _KaleidoTab

    from nrr_core.pack import images

    reloads = []
    reload = _KaleidoTab.reload

    async def counted(self):
        reloads.append(self)
        return await reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    first = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="first"))
    other = go.Figure(go.Bar(x=["a", "b"], y=[5, 7]), layout={"title": "other", "paper_bgcolor": "#fde"})
    before, between, after = images.export_charts([(first, 300, 200), (other, 300, 200), (first, 300, 200)])
    assert reloads == []  # plotly.js stays loaded: a reload costs as much as a chart
    assert before == after != between  # nothing of the figure between is left in the tab


def test_without_a_browser_the_pack_raises_one_clear_nrr_error(con, period, monkeypatch):
    from nrr_core.pack import images

    images.BROWSER.close()  # the process's browser, kept from earlier packs, would still draw
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(NrrError) as caught:
        pack.build_pack(con, Filters(), period)
    assert str(caught.value) == pack.MISSING_BROWSER
    assert "apt-get install chromium" in str(caught.value)


def test_a_browser_that_cannot_start_fails_every_chart_of_a_pack_once(monkeypatch):
    import plotly.graph_objects as go

    from nrr_core.pack import images

    images.BROWSER.close()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    failed = images.BROWSER.failed_starts
    drawing = images.Drawing()
    for y in ([1], [2], [3]):
        drawing.add(go.Figure(go.Bar(y=y)), 200, 100)
        time.sleep(0.5)  # as a pack builds its next figure: the failed start may be over by then
    with pytest.raises(NrrError, match=re.escape(pack.MISSING_BROWSER)):
        drawing.pngs()
    # One failed start for the three charts, not one per chart.
    assert images.BROWSER.failed_starts == failed + 1
    # The next pack tries again.
    with pytest.raises(NrrError, match=re.escape(pack.MISSING_BROWSER)):
        images.export_charts([(go.Figure(go.Bar(y=[4])), 200, 100)])
    assert images.BROWSER.failed_starts == failed + 2


def test_the_cjk_font_is_added_only_when_a_text_needs_it():
    from nrr_core.pack.pdf import new_pdf, para

    pdf = new_pdf("t", "c", "f")
    pdf.add_page()
    para(pdf, "Kestrel Academy (A00726)\nEnterprise · Tom Brennan — 106.6 % → ≥ 15 pts")
    assert "fallback" not in pdf.fonts  # DejaVu has every one of those characters
    para(pdf, "Sakura 日本")
    assert ("fallback" in pdf.fonts) == CJK_FONT
    assert printable("Sakura 日本") in pages_text(bytes(pdf.output()))[0]


def test_cli_pack_writes_the_pdf_and_prints_one_summary_line(book, tmp_path, con):
    out = tmp_path / "board pack.pdf"
    done = cli("pack", "--db", book, "--out", out, "--segment", "SMB", "--window", "year", "--no-reviews")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: 11 pages, [\d,]+ KB, \d+\.\d s", lines[0]), lines[0]
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    first = pages_text(data)[0]
    info = metrics.book_info(con)
    period = Period.within(info.first_month, info.as_of_month, "year")
    assert f"Period: {pack.period_words(period)}" in first and "Accounts SMB" in first


def test_cli_pack_without_a_browser_is_one_error_line_and_writes_nothing(book, tmp_path):
    out = tmp_path / "pack.pdf"
    done = cli("pack", "--db", book, "--out", out, env={"BROWSER_PATH": "/nonexistent/chromium"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.splitlines() == [f"error: {pack.MISSING_BROWSER}"]
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, words", [
    (("--as-of", "2031-01"), ("outside the data",)),
    (("--window", "year", "--from", "2025-01"), ("--from", "custom")),
    (("--segment", "Nope"), ("unknown segment", "Nope")),
    (("--window", "fortnight"), ("invalid choice",)),
])
def test_cli_pack_bad_requests_are_one_error_line(book, tmp_path, args, words):
    done = cli("pack", "--db", book, "--out", tmp_path / "x.pdf", *args)
    assert done.returncode != 0 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    for word in words:
        assert word in lines[0]


def test_cli_pack_refuses_an_output_folder_that_does_not_exist(book, tmp_path):
    done = cli("pack", "--db", book, "--out", tmp_path / "nowhere" / "x.pdf")
    assert done.returncode != 0 and done.stderr.startswith("error:") and "does not exist" in done.stderr


# ---------------------------------------------------------------- the churn retrospective and the reproduce page

@pytest.fixture(scope="module")
def decisions(tmp_path_factory, con, period) -> DecisionStore:
    """A decisions file in a folder of its own: one account that lost ARR in the
    period was put on watch before its first loss."""
    store = DecisionStore(tmp_path_factory.mktemp("decisions") / "decisions.sqlite")
    frame, _ = review.retrospective(con, Filters(), period.from_month, period.to_month)
    store.record(Decision(frame.account_id.iloc[0], "at risk", "Ana", department="Customer Success"),
                 now=datetime(2026, 7, 15, 9, 0, tzinfo=timezone.utc))
    return store


@pytest.fixture(scope="module")
def full_pack(con, period, decisions):
    """All accounts, the review board's lists and the period's retrospective,
    with the decisions; the database name left at its placeholder."""
    board = review.board(con, Filters(), period.to_month, decisions)
    retro = review.retrospective(con, Filters(), period.from_month, period.to_month, decisions)
    built = pack.make_pack(con, Filters(), period, reviews=(board.at_risk, board.expansion), retrospective=retro,
                           generated_at=GENERATED)
    return retro, built


def no_space(text: str) -> str:
    return "".join(text.split())


def test_the_retrospective_page_lists_the_period_losses_of_review_retrospective(period, full_pack):
    (frame, summary), built = full_pack
    text = pages_text(built.pdf)
    order = ("Expansion opportunities", "Churned and contracted accounts", "How the figures are defined")
    titles = [next((i for i, t in enumerate(text) if words in t), None) for words in order]
    assert None not in titles and titles == sorted(titles), "after the review lists, before the definitions"
    page = " ".join(t for t in text if "Churned and contracted accounts" in t)
    assert len(frame) > pack.RETROSPECTIVE_LIMIT, "the book has more losses than the page shows"
    assert (f"{summary['accounts']} accounts lost {money(summary['lost_arr'])} ARR in {pack.period_words(period)}: "
            f"{summary['churned_accounts']} churned, {summary['accounts'] - summary['churned_accounts']} contracted."
            in page)
    assert f"{percent(1 - summary['surprise_share'])} of that ARR had been flagged in a review beforehand" in page
    assert f"the risk score flagged {percent(summary['score_caught_share'])}" in page
    ranked = frame.sort_values(["lost_arr", "account_id"], ascending=[False, True])
    shown, hidden = ranked.head(pack.RETROSPECTIVE_LIMIT), ranked.iloc[pack.RETROSPECTIVE_LIMIT:]
    positions = [page.index(f"({aid})") for aid in shown.account_id]
    assert positions == sorted(positions), "largest loss first"
    assert not any(f"({aid})" in page for aid in hidden.account_id)
    for row in shown.itertuples():
        assert no_space(printable(row.name)) in no_space(page), row.account_id
        assert f"{row.kind} {row.first_loss_month} {money(row.arr_before)} {money(row.lost_arr)}" in page
    assert "ARR before ARR lost" in page  # amounts are ARR, and say so
    assert "in a review on 2026-07-15" in page  # the decision recorded before the first loss


def test_a_period_without_losses_says_so_on_the_retrospective_page(con, period, full_pack):
    (frame, summary), _ = full_pack
    empty = (frame.iloc[0:0], {**summary, "accounts": 0, "churned_accounts": 0, "lost_arr": 0.0})
    built = pack.make_pack(con, Filters(), period, retrospective=empty, generated_at=GENERATED)
    text = pages_text(built.pdf)
    page = next(t for t in text if "Churned and contracted accounts" in t and "Inside" not in t)
    assert f"No selected account churned or contracted in {pack.period_words(period)}." in page
    assert pack.NO_REVIEWS in text[0] and pack.NO_RETROSPECTIVE not in text[0]


def test_the_reproduce_page_has_the_board_report_and_no_path_of_the_server(period, book, decisions, full_pack):
    _, built = full_pack
    text = pages_text(built.pdf)
    last = text[-1]
    assert "Every figure is reproducible" in last
    assert f"python -m nrr_core report board --db {pack.DB_PLACEHOLDER} --month {period.to_month}" in last
    assert (f"python -m nrr_core report retrospective --db {pack.DB_PLACEHOLDER} --from {period.from_month} "
            f"--to {period.to_month}") in last
    assert "Point --db at your copy of the database" in last
    everything = no_space(" ".join(text))
    for folder in (book.parent, decisions.path.parent):
        assert no_space(str(folder)) not in everything
    assert "--decisions" not in everything


def test_cli_pack_includes_the_retrospective_and_prints_no_path(book, decisions, tmp_path):
    out = tmp_path / "pack.pdf"
    done = cli("pack", "--db", book, "--decisions", decisions.path, "--out", out, "--segment", "SMB")
    assert done.returncode == 0, done.stderr
    text = pages_text(out.read_bytes())
    assert any("Churned and contracted accounts" in t for t in text)
    assert f"report board --db {pack.DB_PLACEHOLDER}" in text[-1]
    everything = no_space(" ".join(text))
    for folder in (book.parent, decisions.path.parent, tmp_path):
        assert no_space(str(folder)) not in everything


def test_the_review_lists_take_their_headers_from_the_board_columns(reviewed_pack):
    labels = {c.key: c.label for c in review.columns.PACK}
    risk = next(t for t in pages_text(reviewed_pack[3].pdf) if "Accounts at risk" in t)
    assert (f"{labels['name']} · {labels['segment']} · {labels['csm_owner']} {labels['arr']} {labels['score']} "
            f"{labels['reasons']} {labels['decision_status']} {labels['decision_owner']}, {labels['decision_due']}"
            in risk)
    assert pack.REVIEW_COLUMNS == tuple(labels)


# ---------------------------------------------------------------- one set of definitions

def test_the_definitions_page_prints_nrr_core_definitions(plain_pack):
    page = no_space(pages_text(plain_pack.pdf)[8])
    for name, words in definitions.RETENTION:
        assert no_space(name) in page and no_space(words) in page, name
    for _, name, words in definitions.MOVEMENTS:
        assert no_space(f"{name}{words}") in page, name
    assert no_space(definitions.IDENTITY) in page and no_space(definitions.FILTERS) in page


def test_the_methodology_pages_name_the_headline_and_print_every_definition_at_the_as_of_month(con, period,
                                                                                                plain_pack):
    from nrr_core import variants

    text = pages_text(plain_pack.pdf)
    assert "The headline in this pack is NRR: Our headline." in text[8]
    shown = variants.table(con, Filters(), period.to_month)
    page = text[9]
    assert "The headline of this pack is NRR." in page
    for row in shown.itertuples():
        assert f"{row.label} {percent(row.value)}" in page, row.label


def test_a_pack_with_another_headline_names_that_definition_on_every_headline_figure(con, period, book):
    from nrr_core import variants

    built = pack.make_pack(con, Filters(), period, headline="nrr_arr_bridge", db_path=str(book),
                           generated_at=GENERATED)
    text = pages_text(built.pdf)
    value = percent(variants.values(con, Filters(), period.to_month)["nrr_arr_bridge"])
    assert "NRR (ARR bridge)" in text[0] and value in text[0]  # the title page's tile
    assert f"NRR (ARR bridge) {value} over the twelve months to" in text[1]
    assert "The headline in this pack is NRR (ARR bridge): MRR twelve months ago" in text[8]
    assert "The headline of this pack is NRR (ARR bridge)." in text[9]


def test_the_methodology_page_shows_the_same_definitions(book, monkeypatch):
    monkeypatch.setenv("NRR_DB", str(book))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.run()
        at.switch_page("pages/methodology_page.py").run()
        assert not at.exception, [e.message for e in at.exception]
        shown = " ".join(m.value for m in at.markdown)
        for name, words in definitions.RETENTION:
            assert f"**{name}**: {words}" in shown, name
        for _, name, words in definitions.MOVEMENTS:
            assert f"| **{name}** | {words} |" in shown, name
        for words in (definitions.GRAIN, definitions.FILTERS, definitions.IDENTITY, definitions.WINDOW,
                      definitions.CURVES, definitions.NO_HISTORY):
            assert words in shown
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_the_benchmark_default_is_one_constant():
    from ui.settings import Settings

    assert Settings().benchmarks == dict(definitions.DEFAULT_BENCHMARKS) == pack.DEFAULT_BENCHMARKS
    assert definitions.DEFAULT_BENCHMARKS == {"median_low": 0.90, "median_high": 0.95, "top": 1.20}


# ---------------------------------------------------------------- the app's button

@pytest.fixture
def media_managers(monkeypatch) -> list:
    """The media file managers AppTest runs create: a download button's
    deferred data (the callable run on click) is registered there."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    made = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return made


def downloaded(manager, button) -> bytes:
    """What the browser gets when ``button`` is clicked: Streamlit runs its
    deferred data and serves the result (MediaFileManager.execute_deferred)."""
    assert button.proto.deferred_file_id, "the file is built on click, not before"
    url = manager.execute_deferred(button.proto.deferred_file_id)
    return manager._storage.get_file(url.rsplit("/", 1)[-1]).content


def test_one_click_on_the_overview_page_builds_and_downloads_the_pack(book, decisions, monkeypatch,
                                                                    media_managers):
    monkeypatch.setenv("NRR_DB", str(book))
    monkeypatch.setenv("NRR_DECISIONS", str(decisions.path))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        button = at.download_button(key="board_pack")
        assert button.proto.label == "Board pack (PDF)"
        assert [b.proto.label for b in at.get("download_button") if "pack" in b.proto.label.lower()] == \
            ["Board pack (PDF)"], "one button: no second step"
        pdf = downloaded(media_managers[-1], button)
        assert pdf.startswith(b"%PDF")
        text = pages_text(pdf)
        assert "Accounts at risk" in " ".join(text)  # the app passes the review board's lists
        assert any("Churned and contracted accounts" in t for t in text)
        assert "report board" in text[-1]
        for folder in (book.parent, decisions.path.parent):
            assert no_space(str(folder)) not in no_space(" ".join(text))
        # The click reruns the page: no warning, and the same pack again comes from the cache.
        button.click().run()
        assert not at.exception and not at.warning, [w.value for w in at.warning]
        assert downloaded(media_managers[-1], at.download_button(key="board_pack")) == pdf
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_the_overview_page_turns_a_missing_browser_into_a_warning(book, monkeypatch, media_managers):
    monkeypatch.setenv("NRR_DB", str(book))
    monkeypatch.setenv("NRR_DECISIONS", str(book.with_name("decisions.sqlite")))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.run()
        assert not at.warning
        at.download_button(key="board_pack").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert [w.value for w in at.warning] == [pack.MISSING_BROWSER]
        assert at.title[0].value == "NRR overview"  # the rest of the page is still drawn
        assert len(at.metric) == 4
        with pytest.raises(Exception, match=re.escape(pack.MISSING_BROWSER)):
            downloaded(media_managers[-1], at.download_button(key="board_pack"))
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
