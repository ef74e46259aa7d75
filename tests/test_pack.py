"""The board pack (nrr_core.pack): a landscape PDF built on the server.

One small demo book (300 accounts, 24 months) is built per module, with one
account renamed to a hostile name and one segment renamed to hostile text, so
every check also runs over untrusted Unicode. Packs are built a few times
only (each build starts one Chromium through kaleido, about 2-3 s) and read
back with pypdf: section titles in order, and the numbers in the text equal
nrr_core's figures formatted as the pack formats them. The missing-browser
case points kaleido at a path with no browser (``BROWSER_PATH``), in process
and through the command line. The overview page's button is checked with
AppTest, building the PDF once.
"""
from __future__ import annotations

import csv
import io
import re
import shlex
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, NrrError, metrics, pack
from nrr_core.charts import STEP_LABELS
from nrr_core.demo import generate_book
from nrr_core.formatting import money, percent
from nrr_core.load import load_book
from nrr_core.metrics import BRIDGE_COLUMNS
from nrr_core.period import Period

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
    assert plain_pack.pages == len(text) == 6
    assert text[0].startswith(pack.TITLE)
    assert "NRR " in text[1][:200] and "over the twelve months to" in text[1]
    assert "MRR bridge, " in text[2]
    assert "Retention by segment" in text[3]
    assert "How the figures are defined" in text[4]
    assert "Every figure is reproducible" in text[5]
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
    page = pages_text(plain_pack.pdf)[4]
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

def test_without_a_browser_the_pack_raises_one_clear_nrr_error(con, period, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(NrrError) as caught:
        pack.build_pack(con, Filters(), period)
    assert str(caught.value) == pack.MISSING_BROWSER
    assert "apt-get install chromium" in str(caught.value)


def test_cli_pack_writes_the_pdf_and_prints_one_summary_line(book, tmp_path, con):
    out = tmp_path / "board pack.pdf"
    done = cli("pack", "--db", book, "--out", out, "--segment", "SMB", "--window", "year", "--no-reviews")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(rf"wrote {re.escape(str(out))}: 6 pages, [\d,]+ KB, \d+\.\d s", lines[0]), lines[0]
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


# ---------------------------------------------------------------- the app's button

def test_the_overview_page_builds_the_pack_and_offers_its_download(book, monkeypatch):
    monkeypatch.setenv("NRR_DB", str(book))
    monkeypatch.setenv("NRR_DECISIONS", str(book.with_name("decisions.sqlite")))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        button = at.button(key="board_pack")
        assert button.label == "Board pack (PDF)"
        assert not [b for b in at.get("download_button") if "board pack" in b.proto.label]
        button.click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert not at.warning, [w.value for w in at.warning]
        _, built = at.session_state["_nrr_board_pack"]
        assert built.pdf.startswith(b"%PDF") and built.pages >= 6
        offered = [b for b in at.get("download_button") if "board pack" in b.proto.label]
        assert len(offered) == 1 and f"({built.pages} pages" in offered[0].proto.label
        text = " ".join(pages_text(built.pdf))
        assert "Accounts at risk" in text  # the app passes the review board's lists
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_the_overview_page_turns_a_missing_browser_into_a_warning(book, monkeypatch):
    monkeypatch.setenv("NRR_DB", str(book))
    monkeypatch.setenv("NRR_DECISIONS", str(book.with_name("decisions.sqlite")))
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file("../app.py", default_timeout=90)
        at.run()
        at.button(key="board_pack").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert [w.value for w in at.warning] == [pack.MISSING_BROWSER]
        assert at.title[0].value == "NRR overview"  # the rest of the page is still drawn
        assert len(at.metric) == 4
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
