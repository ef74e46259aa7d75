"""The calibrated scorecard: the logistic fit against known answers, points
and thresholds worked out by hand, the out-of-time choice between calibrated
and judgment points, and the fallback to judgment on short histories."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nrr_core import Filters, db, review
from nrr_core.review import calibration as cal
from nrr_core.review.factors import FACTORS, POINT_IN_TIME
from nrr_core.demo import generate_book
from nrr_core.load import load_book

from .test_review import MONTHS, account, build, flat


def test_the_logistic_fit_recovers_odds_that_double_when_a_factor_holds():
    # Without the factor 1 in 10 lose revenue (odds 1:9); with it 2 in 11 (odds 2:9, doubled).
    x = np.array([[0.0], [1.0]])
    trials = np.array([9000.0, 1100.0])
    events = np.array([900.0, 200.0])
    intercept, beta = cal.fit_logistic(x, trials, events, ridge=0.0)
    assert intercept == pytest.approx(math.log(1 / 9), abs=1e-9)
    assert beta[0] == pytest.approx(math.log(2), abs=1e-9)
    assert cal.points_from(beta[0]) == 20  # 20 points double the odds


def test_points_are_zero_for_factors_that_do_not_raise_the_odds_and_capped():
    assert cal.points_from(math.log(4)) == 40
    assert cal.points_from(-0.3) == 0 and cal.points_from(0.0) == 0 and cal.points_from(math.nan) == 0
    assert cal.points_from(10.0) == cal.MAX_POINTS


def test_the_threshold_is_where_the_modelled_chance_reaches_the_multiple_of_the_average():
    # No-factor chance 5 %, average 7.5 %: at risk from a 15 % chance.
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    expected = (logit(0.15) - logit(0.05)) * 20 / math.log(2)  # 34.9
    assert cal.threshold_points(logit(0.05), 0.075, 2.0) == math.ceil(expected) == 35
    assert cal.threshold_points(logit(0.5), 0.5, 2.0) == cal.threshold_points(logit(0.5), 0.6, 2.0)  # capped at 95 %


def _counts(rows):
    """factor_counts.sql-shaped rows: (usage_drop, lost, grew, n); other factors false."""
    keys = [f.key for f in FACTORS if not f.live]
    frame = pd.DataFrame([{**{k: False for k in keys}, "usage_drop": u, "lost": lost, "grew": grew, "n": n,
                           "month_idx": 0, "lost_mrr": 0.0, "gained_mrr": 0.0} for u, lost, grew, n in rows])
    return frame


def test_factor_lift_is_the_rate_with_it_over_the_rate_without_it():
    counts = _counts([(True, True, False, 30), (True, False, False, 70), (False, True, False, 100),
                      (False, False, False, 900)])
    lifts = cal.factor_lifts(counts, "risk")
    assert lifts["usage_drop"] == pytest.approx(0.30 / 0.10)
    assert math.isnan(lifts["detractor"])  # never holds: no rate with it


def test_a_factor_without_lift_in_the_gate_months_gets_no_points_and_says_so():
    fit = _counts([(True, True, False, 300), (True, False, False, 700), (False, True, False, 1000),
                   (False, False, False, 9000)])
    gate = _counts([(True, True, False, 5), (True, False, False, 95), (False, True, False, 100),
                    (False, False, False, 900)])  # 5 % with the factor, 10 % without: lift 0.5
    card = cal.build_scorecard(fit, gate, {"risk": "calibrated", "expansion": "calibrated"}, "test")
    factors = card.factors.set_index("key")
    assert card.points["usage_drop"] == 0
    assert factors.loc["usage_drop", "status"] == "no lift out of time: 0 points"
    assert factors.loc["usage_drop", "out_of_time_lift"] == pytest.approx(0.5)
    assert factors.loc["detractor", "status"].startswith("never holds in this book")
    assert card.points["renewal_90"] == 15  # live factors keep their judgment points
    ungated = cal.build_scorecard(fit, None, {"risk": "calibrated"}, "test")
    # 30 % vs 10 %: odds 3/7 vs 1/9, a coefficient of ln(27/7) = 1.35, so 39 points.
    assert ungated.points["usage_drop"] == round(math.log(27 / 7) * 20 / math.log(2)) == 39
    assert ungated.source == "calibrated"
    judged = cal.build_scorecard(fit, None, {}, "test")
    assert judged.points["usage_drop"] == 25 and judged.risk_threshold == review.RISK_THRESHOLD


def test_a_short_history_keeps_the_judgment_points_and_says_why(tmp_path):
    con = build(tmp_path, [account("A")], flat("A"))
    calibration = review.calibrate(con, "2025-12")
    assert calibration.scorecard == review.judgment_scorecard(calibration.scorecard.note)
    assert calibration.scorecard.source == "judgment"
    assert "history is too short" in calibration.scorecard.note
    assert calibration.comparison.empty and calibration.fit_months is None
    assert review.board(con, Filters(), "2025-12").scorecard.source == "judgment"
    assert len(MONTHS) == 12


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration")
    files = generate_book(folder / "csv")
    load_book(folder / "demo.duckdb", accounts=files["accounts"], mrr=files["mrr"], signals=files["signals"])
    con = db.connect_read_only(folder / "demo.duckdb")
    yield con
    con.close()


def test_on_the_demo_book_the_proof_ranks_the_test_months_with_each_score(demo):
    c = review.calibrate(demo, "2026-10")
    assert c.fit_months == ("2024-05", "2025-07") and c.test_months == ("2025-11", "2026-07")
    assert list(c.comparison.score) == ["judgment", cal.JUDGED, "calibrated"]
    # 12,474 since the demo book gained onboarding speed (issue 15; 12,563 before).
    assert (c.comparison.account_months == 12474).all()
    rows = c.comparison.set_index("score")
    assert rows.loc["judgment", "base_lost_rate"] == rows.loc["calibrated", "base_lost_rate"]  # same accounts
    # Factors with no lift out of time get no points on the board's scorecard.
    factors = c.scorecard.factors.set_index("key")
    for key in ("top_without_sponsor", "single_product"):
        assert factors.loc[key, "out_of_time_lift"] <= 1 and c.scorecard.points[key] == 0
    # A dropped product line lifts a little out of time (1.03x) but its fitted log-odds are negative:
    # no points either.
    assert factors.loc["product_dropped", "coefficient"] < 0 and c.scorecard.points["product_dropped"] == 0
    # Each score keeps calibrated points only where they lifted the top 10 % more out of time.
    for kind, lift in (("risk", "lift"), ("expansion", "expansion_lift")):
        calibrated_won = rows.loc["calibrated", lift] > rows.loc[cal.JUDGED, lift]
        fitted = factors[(factors.kind == kind) & ~factors.live].coefficient.notna().any()
        assert calibrated_won == fitted, kind
    assert set(c.scorecard.weights()) == set(POINT_IN_TIME)


def test_the_board_uses_the_scorecard_in_force_and_its_thresholds(demo):
    c = review.calibrate(demo, "2026-10")
    board = review.board(demo, Filters(), "2026-10")
    assert board.scorecard == c.scorecard
    at_risk = board.at_risk
    no_decision = at_risk.decision_status.isna()
    assert (at_risk[no_decision].risk_score >= at_risk[no_decision].risk_threshold).all()
    assert (board.expansion.score >= c.scorecard.expansion_threshold).all()
    # A factor with no points never appears among the reasons.
    for key, points in c.scorecard.points.items():
        if points == 0:
            label = review.FACTOR_BY_KEY[key].label
            assert not at_risk.reasons.str.contains(label, regex=False).any(), label


def test_an_account_growing_strongly_needs_more_points_to_be_at_risk(demo):
    board = review.board(demo, Filters(), "2026-10")
    scored = pd.concat([board.at_risk, board.expansion])
    growing = scored[scored.growing_strongly]
    assert len(growing) and (growing.nrr_12m >= review.GROWTH_NRR).all()
    assert (growing.last_movement.isin(["expansion", "cross_sell"])).all()
    assert (growing.risk_threshold == board.scorecard.risk_threshold + review.GROWTH_EXTRA_POINTS).all()
    flagged = board.at_risk[board.at_risk.decision_status.isna()]
    assert (flagged[flagged.growing_strongly].risk_score >= board.scorecard.risk_threshold
            + review.GROWTH_EXTRA_POINTS).all()


def test_the_points_in_force_at_a_past_month_use_no_later_data(tmp_path):
    """The book cut at month m calibrates exactly as the full book does at m:
    the same points, thresholds, proof and board."""
    files = generate_book(tmp_path / "csv", n_accounts=800, n_months=36)
    load_book(tmp_path / "full.duckdb", **files)
    full = db.connect_read_only(tmp_path / "full.duckdb")
    month = "2026-06"
    load_book(tmp_path / "cut.duckdb", **files, as_of=month)
    cut = db.connect_read_only(tmp_path / "cut.duckdb")
    try:
        a, b = review.calibrate(full, month), review.calibrate(cut, month)
        assert not a.comparison.empty  # long enough to calibrate: the test exercises the fit
        assert a.scorecard == b.scorecard
        pd.testing.assert_frame_equal(a.scorecard.factors, b.scorecard.factors)
        pd.testing.assert_frame_equal(a.comparison, b.comparison)
        board_a, board_b = review.board(full, Filters(), month), review.board(cut, Filters(), month)
        for x, y in ((board_a.at_risk, board_b.at_risk), (board_a.expansion, board_b.expansion)):
            pd.testing.assert_frame_equal(x, y)
    finally:
        full.close()
        cut.close()


def test_calibrations_that_reuse_the_months_already_counted_equal_ones_computed_afresh(demo, monkeypatch):
    """Each calibration keeps its months' factor counts and rankings for the next
    (a track record calibrates every month); the cards, thresholds, notes and
    comparisons must be those of a calibration that counts every month itself."""
    months = ["2025-10", "2025-11", "2026-01", "2025-12", "2026-04"]   # forward, a gap, back, far ahead
    cal._MONTHLY.clear()
    warm = [cal.calibrate(demo, m) for m in months]
    monkeypatch.setattr(cal, "_monthly_rows", lambda con, key, lo, hi, compute: compute(lo, hi))
    for month, kept in zip(months, warm):
        fresh = cal.calibrate(demo, month)
        assert kept.scorecard == fresh.scorecard, month
        assert (kept.fit_months, kept.test_months) == (fresh.fit_months, fresh.test_months)
        pd.testing.assert_frame_equal(kept.comparison, fresh.comparison, check_exact=True)
