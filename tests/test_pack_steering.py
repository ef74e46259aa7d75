"""The board pack's and the deck's steering pages: the forward forecast, its
track record, retention against target and the CSM scorecards.

One pack and one deck are built on the board pack's small book
(tests/test_pack.py) with a decisions store (one at-risk decision) and a
targets store (company, a segment, a CSM owner); every figure read back is
compared with the nrr_core function the Forecast and CSM scorecards pages call,
formatted as the pack formats it."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_MARKER_STYLE

from nrr_core import Filters, forecast, metrics, pack, review, steering
from nrr_core.formatting import money, percent
from nrr_core.months import label, parse_month
from nrr_core.pack.steering_pages import target_words
from nrr_core.pack.text import month_words
from nrr_core.review.decisions import Decision, DecisionStore
from tests.test_deck import charts_of, slide_texts
from tests.test_pack import GENERATED, book, pages_text, period  # noqa: F401,F811 (fixtures)

OWNER = "Aiko Tanaka"


@pytest.fixture(scope="module")
def stores(tmp_path_factory, con, period):
    """A decisions store with one at-risk decision on the board's largest
    at-risk account, and targets for the company (the as-of quarter and the
    year twelve months on), SMB and one CSM owner."""
    folder = tmp_path_factory.mktemp("steering")
    decisions = DecisionStore(folder / "decisions.sqlite")
    board = review.board(con, Filters(), period.to_month)
    decisions.record(Decision(board.at_risk.account_id.iloc[0], "at risk", "Ana", department="Customer Success",
                              book_month=period.to_month),
                     now=datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc))
    idx = parse_month(period.to_month)
    quarter, ahead = steering.period_containing(idx).label, str((idx + 12) // 12)
    targets = steering.TargetStore(folder / "targets.sqlite")
    targets.record([steering.Target("company", "", quarter, "nrr", 1.04),
                    steering.Target("company", "", quarter, "grr", 0.9),
                    steering.Target("company", "", ahead, "nrr", 1.08),
                    steering.Target("segment", "SMB", quarter, "nrr", 1.01),
                    steering.Target("csm_owner", OWNER, quarter, "nrr", 1.05)], "Board")
    return decisions, targets.in_force()


def target_at(in_force, month: str):
    """The company NRR target applying at ``month`` (quarter, else year), or None."""
    hit = steering.target_for(in_force, "company", "", "nrr", parse_month(month))
    return None if hit is None else hit["target"]


@pytest.fixture(scope="module")
def built(con, period, stores):
    decisions, targets = stores
    made = pack.make_pack(con, Filters(), period, decisions=decisions, targets=targets, generated_at=GENERATED)
    deck = pack.build_deck(con, Filters(), period, decisions=decisions, targets=targets, generated_at=GENERATED)
    return pages_text(made.pdf), Presentation(io.BytesIO(deck))


@pytest.fixture(scope="module")
def fc(con, period, stores):
    return forecast.forecast(con, period.to_month, Filters(), forecast.HORIZON, stores[0])


def test_the_forecast_page_prints_the_forward_nrr_band_target_and_quarterly_rows(con, period, stores, built, fc):
    page = built[0][4]
    end = fc.table.iloc[-1]
    assert f"Forward NRR {percent(end.nrr_base)} by {month_words(end.month)}" in page
    assert f"80 % band {percent(end.nrr_low)} to {percent(end.nrr_high)}" in page
    assert f"Last 12 months' NRR (the naive forecast): {percent(metrics.headline(con, Filters(), period.to_month)['nrr'])}" in page
    ahead = str((parse_month(period.to_month) + 12) // 12)
    gap = end.nrr_base - 1.08
    assert f"NRR target {ahead}: 108.0%; the base forecast is {abs(gap) * 100:.1f} pts {'above' if gap >= 0 else 'below'} it." in page
    # The as-of quarter's target is measured at the quarter's end, within the forecast: under the table.
    soon = forecast.period_end(con, fc, Filters(), stores[1])
    quarter = steering.period_containing(parse_month(period.to_month))
    assert (soon.target, soon.period, soon.month) == (1.04, quarter.label, quarter.last_month)
    assert f"The {soon.period} target {forecast.period_end_words(soon)}" in page
    for row in fc.table[fc.table.horizon.isin([3, 6, 9, 12])].itertuples():
        # a year's target beside the 12-month forecast only (forecast.forward_targets)
        target = percent(target_at(stores[1], row.month) if row.horizon == 12 else None)
        assert (f"{month_words(row.month)} {percent(row.nrr_low)} {percent(row.nrr_base)} {percent(row.nrr_high)} "
                f"{target}") in page, row.month


def test_the_forecast_page_names_the_swing_factors_of_forecast_landing(con, stores, built, fc):
    land = forecast.landing(fc, forecast.account_names(con, Filters()), Filters(), stores[1])
    keys = list(land.swings.key)
    assert "decided_at_risk" in keys and "at_risk" in keys
    page = built[0][4]
    for row in land.swings.to_dict("records"):
        assert " ".join(forecast.swing_words(row).split()) in page


def test_the_track_record_page_prints_the_backtest_summary(con, stores, built):
    bt = forecast.backtest(con, Filters(), forecast.HORIZON, stores[0])
    page = built[0][5]
    if bt.table.empty:
        assert "Forecast track record: none yet" in page
        return
    s = bt.summary
    assert f"Mean absolute error {s['mae'] * 100:.1f} pts" in page
    assert f"Naive forecast's error {s['naive_mae'] * 100:.1f} pts" in page
    assert f"Band coverage (80 % aimed) {percent(s['coverage'], 0)}" in page
    assert " ".join(forecast.track_words(s, bt.horizon).split()) in page


def test_the_targets_page_sets_the_company_and_each_segment_against_its_target(con, period, built):
    page = built[0][6]
    head = metrics.headline(con, Filters(), period.to_month)
    assert (f"Company {percent(head['nrr'])} 104.0% {percent(head['nrr'] / 1.04)} {percent(head['grr'])} 90.0% "
            f"{percent(head['grr'] / 0.9)} {percent(head['logo_retention'])} – –") in page
    smb = metrics.breakdown(con, Filters(), "segment", period.to_month).set_index("value").loc["SMB"]
    assert f"Segment SMB {percent(smb.nrr)} 101.0% {percent(smb.nrr / 1.01)} {percent(smb.grr)} – –" in page


def test_the_scorecards_page_has_one_row_per_csm_with_the_forecast_of_the_period_end(con, period, stores, built):
    decisions, targets = stores
    label_ = steering.period_of(parse_month(period.to_month), period.window)
    p, end, _ = steering.measured(con, label_)
    expected = forecast.expected_mrr(con, Filters(), p.last_month, label(end), decisions)
    cards = steering.scorecard(con, label_, Filters(), store=decisions, targets=targets, expected=expected)
    page = " ".join(built[0][7:9])
    assert f"CSM scorecards, {steering.describe_measure(cards)}" in page
    for r in cards.table.itertuples():
        forecast_nrr = percent(r.forecast_nrr) if cards.has_forecast else "–"
        assert (f"{r.csm_owner} {money(r.arr)} {percent(r.nrr)} {percent(r.nrr_target)} {percent(r.grr)} – "
                f"{percent(r.logo_retention)} – {forecast_nrr} {money(r.at_risk_arr)} "
                f"{percent(r.at_risk_reviewed_share, 0)}") in page, r.csm_owner
    assert cards.owner(OWNER)["nrr_target"] == 1.05


def test_the_deck_forecast_chart_holds_low_base_high_and_target_as_native_data(con, built, fc, stores):
    deck = built[1]
    assert forecast.period_end_words(forecast.period_end(con, fc, Filters(), stores[1])) in " ".join(
        slide_texts(deck.slides[4]))
    (chart,) = charts_of(deck.slides[4])
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    assert series["Base forecast"] == pytest.approx([1.0, *fc.table.nrr_base])
    assert series["Low (80 % band)"][1:] == pytest.approx(list(fc.table.nrr_low), nan_ok=True)
    assert series["High (80 % band)"][1:] == pytest.approx(list(fc.table.nrr_high), nan_ok=True)
    assert series["NRR target"][1:] == [None] * 11 + [target_at(stores[1], fc.table.month.iloc[11])]
    assert chart.plots[0].series[3].marker.style == XL_MARKER_STYLE.DIAMOND  # one point: a marker, not a line


def test_a_target_is_held_to_the_twelve_month_forecast_only(con, stores, fc, tmp_path):
    """The forward NRR at h months is the accounts of the as-of month h months on: a year's NRR (metrics.md's
    headline, which targets are set on) only at h = 12. A target applying earlier is not set beside it."""
    year_on = fc.table.month.iloc[11]
    assert forecast.forward_targets(fc, Filters(), stores[1]).to_dict("records") == [
        {"month": year_on, "target": 1.08, "period": str(parse_month(year_on) // 12)}]
    names = forecast.account_names(con, Filters())
    land = forecast.landing(fc, names, Filters(), stores[1])
    assert (land.target, land.gap) == (1.08, pytest.approx(fc.table.nrr_base.iloc[11] - 1.08))
    # The quarter after the as-of month has a target; the forecast's first three months fall in it.
    soon = steering.TargetStore(tmp_path / "targets.sqlite")
    soon.record([steering.Target("company", "", steering.period_containing(parse_month(fc.table.month.iloc[0])).label,
                                 "nrr", 1.02)], "Board")
    assert forecast.forward_targets(fc, Filters(), soon.in_force()).empty
    land = forecast.landing(fc, names, Filters(), soon.in_force())
    assert (land.target, land.target_period, land.gap) == (None, None, None)
    assert target_words(land) == (f"No NRR target applies to this selection at {month_words(year_on)}, the one month "
                                  f"where the forward NRR is a year's NRR.")


@pytest.mark.parametrize("segment", [None, "SMB"])
def test_a_target_period_ending_within_the_year_gets_the_nrr_the_forecast_expects_at_its_end(con, fc, tmp_path,
                                                                                             segment):
    """The next quarter's NRR, as the forecast expects it at the quarter's last month, against an independent
    reading: the accounts with MRR a year before that month (SQL on the mrr table), their MRR then, and the
    expected MRR a forecast made with that horizon gives each of them (0 for those not active at the as-of)."""
    filters = Filters.of(segment=segment) if segment else Filters()
    made = forecast.forecast(con, fc.as_of, filters, forecast.HORIZON)  # no decisions, as the shorter one below
    quarter = steering.period_containing(parse_month(fc.as_of) + 1)
    scope = ("segment", segment) if segment else ("company", "")
    store = steering.TargetStore(tmp_path / "targets.sqlite")
    store.record([steering.Target(*scope, quarter.label, "nrr", 1.03)], "Board")
    end = forecast.period_end(con, made, filters, store.in_force())
    h = quarter.last_idx - parse_month(fc.as_of)
    base = con.execute(
        "select a.account_id, sum(m.mrr) as mrr from mrr m join accounts a using (account_key) "
        "where m.month_idx = ? and (? is null or a.segment = ?) group by all having sum(m.mrr) > 0",
        [quarter.last_idx - 12, segment, segment]).df()
    shorter = forecast.contribution_table(forecast.forecast(con, fc.as_of, filters, h),
                                          forecast.account_names(con, filters))
    expected = base.merge(shorter[["account_id", "expected_mrr"]], on="account_id", how="left").expected_mrr.fillna(0)
    assert (end.month, end.period, end.target, end.known_months) == (quarter.last_month, quarter.label, 1.03, 12 - h)
    assert end.expected == pytest.approx(expected.sum() / base.mrr.sum(), rel=1e-12)
    assert forecast.period_end_words(end) == (
        f"The {quarter.label} NRR target (103.0%) is measured at {month_words(quarter.last_month)} on the accounts "
        f"active a year earlier: with {12 - h} of its 12 months in the data, the forecast expects "
        f"{percent(end.expected)}, {abs(end.gap) * 100:.1f} pts {'above' if end.gap >= 0 else 'below'} it.")
    # At twelve months the expected NRR is the forward NRR itself.
    assert forecast.expected_nrr_at(con, made, filters, made.table.month.iloc[11]) == pytest.approx(
        made.table.nrr_base.iloc[11], rel=1e-12)



def test_a_target_period_ending_before_a_year_of_data_has_no_expected_nrr(con, tmp_path):
    """A forecast made 6 months into the data: a quarter ending 1 to 3 months later has no NRR (no year behind
    it), so nothing is compared; the next one a year in is."""
    first = parse_month(metrics.book_info(con).first_month)
    early = forecast.forecast(con, label(first + forecast.MIN_HISTORY), Filters(), forecast.HORIZON)
    store = steering.TargetStore(tmp_path / "targets.sqlite")
    too_soon = steering.period_containing(first + forecast.MIN_HISTORY + 1)
    later = steering.period_containing(max(first + 12, too_soon.last_idx + 1))
    store.record([steering.Target("company", "", too_soon.label, "nrr", 1.03),
                  steering.Target("company", "", later.label, "nrr", 1.05)], "Board")
    end = forecast.period_end(con, early, Filters(), store.in_force())
    assert later.last_idx - parse_month(early.as_of) <= 11  # within the forecast's year on this book
    assert (end.period, end.month) == (later.label, later.last_month)

def test_a_csm_owner_has_no_period_end_here_since_the_scorecards_freeze_its_book(con, fc, tmp_path):
    store = steering.TargetStore(tmp_path / "targets.sqlite")
    quarter = steering.period_containing(parse_month(fc.as_of) + 1)
    store.record([steering.Target("csm_owner", OWNER, quarter.label, "nrr", 1.03)], "Board")
    owned = forecast.forecast(con, fc.as_of, Filters.of(csm_owner=OWNER), forecast.HORIZON)
    assert forecast.period_end(con, owned, Filters.of(csm_owner=OWNER), store.in_force()) is None

def test_the_deck_targets_and_scorecard_slides_are_native_tables_with_the_pack_figures(con, period, built):
    pdf, deck = built
    head = metrics.headline(con, Filters(), period.to_month)
    cells = slide_texts(deck.slides[6])
    company = cells.index("Company")
    assert cells[company + 1:company + 4] == [percent(head["nrr"]), "104.0%", percent(head["nrr"] / 1.04)]
    (chart,) = charts_of(deck.slides[6])
    assert [s.name for s in chart.plots[0].series] == ["NRR", "NRR target"]
    cells = slide_texts(deck.slides[7])
    assert cells[0].startswith("CSM scorecards, ") and cells[2:13] == [
        "CSM owner", "Book ARR", "NRR", "Target", "GRR", "Target", "Logos", "Target", "Forecast NRR", "At-risk ARR",
        "Reviewed"]


def test_vs_targets_gives_gap_and_attainment_only_where_a_target_applies():
    in_force = pd.DataFrame({"scope": ["company", "segment"], "scope_value": ["", "SMB"], "period": ["2026", "2026-Q4"],
                             "metric": ["nrr", "grr"], "target": [1.05, 0.9], "recorded_by": "Board",
                             "recorded_at": "2026-11-01T09:00:00+00:00"})
    rows = steering.vs_targets(in_force, [("company", "", {"nrr": 1.0605, "grr": 0.9, "logo_retention": None}),
                                          ("segment", "SMB", {"nrr": 1.0, "grr": 0.81, "logo_retention": 0.8})],
                               parse_month("2026-11"))
    assert list(rows.columns) == steering.VS_TARGET_COLUMNS
    company = rows[rows.scope == "company"].set_index("metric")
    assert company.loc["nrr", ["target", "period"]].tolist() == [1.05, "2026"]
    assert company.loc["nrr", "gap"] == pytest.approx(0.0105) and company.loc["nrr", "attainment"] == pytest.approx(1.01)
    assert pd.isna(company.loc["grr", "target"]) and pd.isna(company.loc["grr", "attainment"])
    smb = rows[rows.scope == "segment"].set_index("metric")
    assert smb.loc["grr", "attainment"] == pytest.approx(0.9) and smb.loc["grr", "period"] == "2026-Q4"
    assert pd.isna(smb.loc["logo_retention", "gap"])


def test_the_scorecards_period_is_the_year_for_a_year_window_else_the_quarter():
    assert steering.period_of(parse_month("2026-11"), "year") == "2026"
    assert steering.period_of(parse_month("2026-11"), "quarter") == "2026-Q4"
    assert steering.period_of(parse_month("2026-02"), "custom") == "2026-Q1"


def test_one_browser_draws_the_charts_of_every_pack_in_a_process():
    import plotly.graph_objects as go

    from nrr_core.pack import images

    images.export_charts([(go.Figure(go.Bar(y=[1, 2])), 200, 100)])
    starts = images.BROWSER.starts
    pngs = images.export_charts([(go.Figure(go.Bar(y=[3])), 200, 100), (go.Figure(go.Scatter(y=[1, 3])), 300, 100)])
    assert images.BROWSER.starts == starts
    assert all(p.startswith(b"\x89PNG") for p in pngs) and len(pngs) == 2
