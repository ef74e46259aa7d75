"""The review board's scores, back-test, retrospective and roll-ups, on
hand-made accounts whose every factor is worked out by hand."""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest

from nrr_core import Filters, NrrError, db, metrics, review
from nrr_core.review import board_lists as review_board
from nrr_core.months import label
from nrr_core.review.decisions import Decision, DecisionStore
from nrr_core.demo import generate_book
from nrr_core.load import load_book
from tests.conftest import write_csv

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
ACCOUNT_HEADER = ["account_id", "name", "segment", "region", "industry", "csm_owner", "renewal_date",
                  "executive_sponsor"]


def build(tmp_path, accounts, mrr, signals=None, name="book", as_of=None):
    """Load a book from row lists; returns an open read-only connection."""
    acc = write_csv(tmp_path / f"{name}_accounts.csv", ACCOUNT_HEADER, accounts)
    rev = write_csv(tmp_path / f"{name}_mrr.csv", ["account_id", "product", "month", "mrr"], mrr)
    sig = None
    if signals is not None:
        sig = write_csv(tmp_path / f"{name}_signals.csv",
                        ["account_id", "month", "seats_licensed", "active_users", "support_tickets", "nps"], signals)
    path = tmp_path / f"{name}.duckdb"
    load_book(path, accounts=acc, mrr=rev, signals=sig, as_of=as_of)
    return db.connect_read_only(path)


def account(aid, sponsor="", renewal="", owner="Ana"):
    return [aid, f"Account {aid}", "SMB", "NA", "Software", owner, renewal, sponsor]


def flat(aid, amount=100, months=MONTHS, product="Core"):
    return [[aid, product, m, amount] for m in months]


def steady_signals(aid, seats=100, users=70, tickets=1, nps=""):
    return [[aid, m, seats, users, tickets, nps] for m in MONTHS]


@pytest.fixture
def factor_book(tmp_path):
    """One account per factor, scored at 2025-12. BIG carries 80 % of the MRR."""
    accounts = [account(a) for a in ("DROP", "LOW", "CONTRACT", "DROPPED", "DETRACT", "OLDNPS", "SPIKE",
                                     "GROW", "PLAIN")]
    accounts += [account("BIG"), account("BIGSPONSOR", sponsor="Dana Chief")]
    mrr = []
    for a in ("DROP", "LOW", "DETRACT", "OLDNPS", "SPIKE", "PLAIN"):
        mrr += flat(a)
    mrr += [["CONTRACT", "Core", m, 100 if m <= "2025-10" else 80] for m in MONTHS]
    mrr += flat("DROPPED") + [["DROPPED", "Analytics", m, 50] for m in MONTHS if m <= "2025-08"]
    mrr += [["GROW", "Core", m, 100 if m < "2025-08" else 130] for m in MONTHS]
    mrr += flat("BIG", 6000) + flat("BIGSPONSOR", 6000) + flat("BIGSPONSOR", 10, product="Analytics")
    signals = []
    signals += [["DROP", m, 100, 80 if m <= "2025-09" else 60, 1, ""] for m in MONTHS]
    signals += steady_signals("LOW", users=40)
    signals += steady_signals("CONTRACT") + steady_signals("DROPPED") + steady_signals("PLAIN")
    signals += [["DETRACT", m, 100, 70, 1, 5 if m == "2025-08" else ""] for m in MONTHS]
    signals += [["OLDNPS", m, 100, 70, 1, 3 if m == "2025-05" else ""] for m in MONTHS]
    signals += [["SPIKE", m, 100, 70, 4 if m >= "2025-10" else 1, ""] for m in MONTHS]
    signals += [["GROW", m, 100, 76 if m <= "2025-09" else 95, 0, 10 if m == "2025-11" else ""] for m in MONTHS]
    return build(tmp_path, accounts, mrr, signals)


def factors_of(frame, aid):
    row = frame.set_index("account_id").loc[aid]
    return {k for k in review.POINT_IN_TIME if bool(row[k])}


EXPECTED_FACTORS = {
    "DROP": {"usage_drop", "single_product"},            # users 80 -> 60 (-25 %) since 2025-09
    "LOW": {"low_utilisation", "single_product"},        # 40 of 100 seats
    "CONTRACT": {"recent_contraction", "single_product"},  # 100 -> 80 in 2025-11
    "DROPPED": {"product_dropped", "single_product"},    # Analytics gone since 2025-09
    "DETRACT": {"detractor", "single_product"},          # NPS 5 in 2025-08, within 6 months
    "OLDNPS": {"single_product"},                        # NPS 3 in 2025-05 is older than 6 months
    "SPIKE": {"ticket_spike", "single_product"},         # 12 tickets in 3 months vs 3 before
    "GROW": {"usage_growth", "high_utilisation", "promoter", "recent_expansion", "single_product"},
    "PLAIN": {"single_product"},
    "BIG": {"top_without_sponsor", "single_product"},    # no signals, top of the book, no sponsor
    "BIGSPONSOR": set(),                                 # two product lines, sponsored
}


def test_each_factor_holds_exactly_where_its_rule_says(factor_book):
    scored = review.candidates(factor_book, None, "2025-12")
    assert {aid: factors_of(scored, aid) for aid in scored.account_id} == EXPECTED_FACTORS


def test_scores_are_the_sums_of_their_factors_points(factor_book):
    scored = review.candidates(factor_book, None, "2025-12").set_index("account_id")
    points = {f.key: f.points for f in review.FACTORS}
    for aid, factors in EXPECTED_FACTORS.items():
        risk = sum(points[k] for k in factors if review.FACTOR_BY_KEY[k].kind == "risk")
        growth = sum(points[k] for k in factors if review.FACTOR_BY_KEY[k].kind == "expansion")
        assert (scored.loc[aid, "risk_score"], scored.loc[aid, "expansion_score"]) == (risk, growth), aid
    assert scored.loc["GROW", "expansion_score"] == 30 + 20 + 15 + 15 + 10


def test_factor_inputs_are_the_hand_computed_figures(factor_book):
    scored = review.candidates(factor_book, None, "2025-12").set_index("account_id")
    assert scored.loc["DROP", "usage_change"] == pytest.approx(-0.25)
    assert scored.loc["LOW", "utilisation"] == pytest.approx(0.4)
    assert scored.loc["SPIKE", "tickets_3m"] == 12 and scored.loc["SPIKE", "tickets_before"] == 3
    assert scored.loc["DETRACT", "nps_latest"] == 5
    assert pd.isna(scored.loc["OLDNPS", "nps_latest"])


def test_a_factor_is_gone_once_its_window_has_passed(factor_book):
    # In 2025-08 the NPS 3 of 2025-05 is recent; the Analytics line was still there.
    scored = review.candidates(factor_book, None, "2025-08")
    assert "detractor" in factors_of(scored, "OLDNPS")
    assert "product_dropped" not in factors_of(scored, "DROPPED")


def test_contributions_list_every_factor_with_its_points_and_evidence(factor_book):
    board = review.assemble_board(review.candidates(factor_book, None, "2025-12"), review.no_decisions(),
                                  "2025-12")
    row = review.candidates(factor_book, None, "2025-12").set_index("account_id").loc["DROP"].to_dict()
    row["account_id"] = "DROP"
    parts = review.contributions(row, "risk")
    assert list(parts.columns) == ["factor", "points", "holds", "evidence", "rule"]
    assert parts.iloc[0].factor == "Usage fell 20 %+ in 3 months" and parts.iloc[0].points == 25
    assert parts.iloc[0].evidence == "change vs 3 months earlier: -25%"
    assert parts.points.sum() == 25
    assert len(parts) == sum(f.kind == "risk" for f in review.FACTORS)
    assert board.scored_accounts == 11


def test_live_factors_renewal_and_review_age_count_only_on_the_board(tmp_path):
    accounts = [account("SOON", "S", renewal="2026-02-14"), account("LATER", "S", renewal="2026-05-01"),
                account("FAR", "S", renewal="2026-12-01"), account("PASSED", "S", renewal="2025-11-30")]
    con = build(tmp_path, accounts, [r for a in ("SOON", "LATER", "FAR", "PASSED") for r in flat(a)])
    store = DecisionStore(tmp_path / "decisions.sqlite")
    # Reviews have been recorded since May 2025 (over 180 days before the data's today, 2026-01-01), so
    # "no review in 180 days" means something; FAR was reviewed recently.
    store.record(Decision("FAR", "watch", "Ana", department="Sales"),
                 now=dt.datetime(2025, 5, 2, tzinfo=dt.timezone.utc))
    store.record(Decision("FAR", "healthy", "Ana"), now=dt.datetime(2025, 12, 20, tzinfo=dt.timezone.utc))
    scored = review.candidates(con, None, "2025-12").set_index("account_id")
    assert scored.days_to_renewal.to_dict() == {"SOON": 44, "LATER": 120, "FAR": 334, "PASSED": -32}
    assert (scored.risk_score == 0).all()  # the point-in-time score has no live factor
    board = review.assemble_board(scored.reset_index(), store.latest(), "2025-12")
    everyone = pd.concat([board.at_risk, board.expansion]).set_index("account_id")
    assert review.today_after("2025-12") == dt.date(2026, 1, 1)
    # The most any of them scores is SOON's 15 + 5 = 20, below the threshold of 40.
    assert board.at_risk.empty and everyone.empty
    assert scored.renewal_90.to_dict() == {"SOON": True, "LATER": False, "FAR": False, "PASSED": False}
    assert scored.renewal_180.to_dict() == {"SOON": False, "LATER": True, "FAR": False, "PASSED": False}
    frame = review_board._review_age_factor(scored.reset_index(), store.latest(), dt.date(2026, 1, 1))
    assert frame.set_index("account_id").no_recent_review.to_dict() == {"SOON": True, "LATER": True, "FAR": False, "PASSED": True}
    flags = review_board._renewal_flags(pd.Series([-32, 0, 44, 90, 91, 180, 181, float("nan")]))
    assert list(flags) == ["date passed", "≤ 90 days", "≤ 90 days", "≤ 90 days", "≤ 180 days", "≤ 180 days", "", ""]


def test_no_review_in_180_days_counts_only_once_reviews_have_been_recorded_that_long(tmp_path):
    accounts = [account("A", "S", renewal="2026-12-01"), account("B", "S", renewal="2026-12-01")]
    con = build(tmp_path, accounts, [r for a in ("A", "B") for r in flat(a)])
    scored = review.candidates(con, None, "2025-12")
    today = dt.date(2026, 1, 1)
    # A fresh install: nobody could have been reviewed, so no account gets the points.
    fresh = review_board._review_age_factor(scored.copy(), review.no_decisions(), today)
    assert not fresh.no_recent_review.any()
    store = DecisionStore(tmp_path / "decisions.sqlite")
    store.record(Decision("A", "healthy", "Ana"), now=dt.datetime(2025, 7, 6, tzinfo=dt.timezone.utc))
    young = review_board._review_age_factor(scored.copy(), store.latest(), today)  # first review 179 days ago: too young
    assert not young.no_recent_review.any()
    store.record(Decision("B", "healthy", "Ana"), now=dt.datetime(2025, 12, 1, tzinfo=dt.timezone.utc))
    old_store = DecisionStore(tmp_path / "old.sqlite")
    old_store.record(Decision("A", "healthy", "Ana"), now=dt.datetime(2025, 7, 4, tzinfo=dt.timezone.utc))
    aged = review_board._review_age_factor(scored.copy(), old_store.latest(), today).set_index("account_id")
    assert aged.no_recent_review.to_dict() == {"A": True, "B": True}  # A's review is 181 days old


def test_board_lists_at_risk_by_arr_with_latest_decision_and_reasons(factor_book, tmp_path):
    store = DecisionStore(tmp_path / "d.sqlite")
    store.record(Decision("PLAIN", "watch", "Ana", department="Support", next_action="Call"))
    store.record(Decision("GROW", "at risk", "Ana", department="Product"))
    store.record(Decision("GROW", "expansion", "Bo", next_action="Upsell seats"))  # the latest counts
    board = review.board(factor_book, None, "2025-12", store)
    # DROP: 25 + no review 5 = 30 < 40 -> not on the list; PLAIN is there by decision only.
    assert list(board.at_risk.account_id) == ["PLAIN"]
    assert board.at_risk.iloc[0].decision_department == "Support"
    grow = board.expansion.set_index("account_id").loc["GROW"]
    assert grow.decision_status == "expansion" and grow.decision_recorded_by == "Bo" and grow.reviews == 2
    assert grow.score == 90
    assert grow.reasons == ("Seat utilisation 90 %+ (+30) · Usage grew 15 %+ in 3 months (+20) · "
                            "One product line only (cross-sell) (+15) · 2 more")
    assert list(board.at_risk.columns) == review.BOARD_COLUMNS + review.DETAIL_COLUMNS
    assert board.queue() == ["PLAIN", "GROW"]


@pytest.mark.parametrize("thresholds", [(40, 45), (20, 30), (1000, 1000)])
def test_the_board_made_from_its_shortlist_is_the_board_made_from_every_account(factor_book, tmp_path, thresholds):
    from dataclasses import replace
    card = replace(review.judgment_scorecard(), risk_threshold=thresholds[0], expansion_threshold=thresholds[1])
    store = DecisionStore(tmp_path / "d.sqlite")
    # Recorded for over 180 days, so "no review in 180 days" counts: LOW's 15 + 5 reaches 20.
    store.record(Decision("BIG", "healthy", "Ana"), now=dt.datetime(2025, 1, 6, tzinfo=dt.timezone.utc))
    store.record(Decision("PLAIN", "watch", "Ana", department="Support"))     # listed by decision only
    store.record(Decision("BIGSPONSOR", "expansion", "Bo"))
    store.record(Decision("DROP", "healthy", "Bo"))                           # a decision that lists nobody
    latest = store.latest()
    every = review.candidates(factor_book, None, "2025-12", card)
    shortlist = review.candidates(factor_book, None, "2025-12", card, review.listed_ids(latest))
    assert review.listed_ids(latest) == ("BIGSPONSOR", "PLAIN")
    assert len(shortlist) < len(every) == 11
    whole = review.assemble_board(every, latest, "2025-12", card)
    board = review.board(factor_book, None, "2025-12", store, scorecard=card)
    pd.testing.assert_frame_equal(board.at_risk, whole.at_risk)
    pd.testing.assert_frame_equal(board.expansion, whole.expansion)
    assert (board.scored_accounts, board.has_signals) == (whole.scored_accounts, whole.has_signals) == (11, True)
    if thresholds == (20, 30):
        assert set(board.at_risk.account_id) == {"DROP", "DETRACT", "LOW", "PLAIN", "CONTRACT"}
    if thresholds == (1000, 1000):  # nobody reaches a threshold: only the decisions list, and the counts still arrive
        assert board.queue() == ["PLAIN", "BIGSPONSOR"]


def test_board_follows_the_filters(factor_book):
    from nrr_core.filters import Filters
    assert review.board(factor_book, Filters(segment=("Enterprise",)), "2025-12").scored_accounts == 0
    assert review.board(factor_book, Filters(segment=("SMB",)), "2025-12").scored_accounts == 11


# ------------------------------------------------------------------ back-test

@pytest.fixture
def backtest_book(tmp_path):
    """Four accounts scored in 2025-07 (the only month with 6 months before and
    3 after): A low utilisation (15) churns in 2025-09; B usage drop (25) stays;
    C stays; D contracts by 20 in 2025-08."""
    months = MONTHS[:10]
    accounts = [account(a, sponsor="S") for a in "ABCD"]
    mrr = [["A", "Core", m, 100] for m in months if m < "2025-09"]
    mrr += [["B", "Core", m, 100] for m in months] + [["C", "Core", m, 100] for m in months]
    mrr += [["D", "Core", m, 100 if m < "2025-08" else 80] for m in months]
    sig = [["A", m, 100, 40, 0, ""] for m in months if m < "2025-09"]
    sig += [["B", m, 100, 80 if m < "2025-07" else 50, 0, ""] for m in months]
    sig += [["C", m, 100, 70, 0, ""] for m in months] + [["D", m, 100, 70, 0, ""] for m in months]
    return build(tmp_path, accounts, mrr, sig)


def test_backtest_scores_one_month_and_counts_what_followed(backtest_book):
    bt = review.backtest(backtest_book, None, "2025-10")
    assert (bt.from_month, bt.to_month, bt.horizon) == ("2025-07", "2025-07", 3)
    s = bt.summary
    assert s["months"] == 1 and s["account_months"] == 4
    assert s["base_lost_rate"] == 0.5 and s["base_churn_rate"] == 0.25
    # top 10 % of 4 accounts is one account: B (25 points), which stayed.
    assert s["top_lost_rate"] == 0.0 and s["lift"] == 0.0 and s["caught_share"] == 0.0
    assert s["precision_at_k"] == 0.5            # K = 50 takes all four
    assert s["lost_mrr"] == 120.0                # A's 100 churned + D's 20 contracted


def test_backtest_with_the_top_half_catches_the_churned_account(backtest_book):
    bt = review.backtest(backtest_book, None, "2025-10", top_share=0.5, top_k=1)
    s = bt.summary
    assert s["top_lost_rate"] == 0.5 and s["lift"] == 1.0     # B and A; A churned
    assert s["top_churn_rate"] == 0.5 and s["churn_lift"] == 2.0
    assert s["caught_share"] == pytest.approx(100 / 120)
    assert s["precision_at_k"] == 0.0                          # the single top account, B, stayed
    factors = bt.factors.set_index("key")
    assert factors.loc["low_utilisation", "rate_with"] == 1.0
    assert factors.loc["low_utilisation", "rate_without"] == pytest.approx(1 / 3)
    assert factors.loc["usage_drop", "rate_with"] == 0.0


def test_backtest_needs_months_with_a_future(backtest_book):
    assert review.backtest(backtest_book, None, "2025-09") is None
    assert review.backtest_by_month(backtest_book, None, "2025-09") is None


@pytest.mark.parametrize("top_share, top_k", [(0.1, 50), (0.5, 1)])
def test_the_backtest_by_month_is_the_backtests_monthly_table(backtest_book, top_share, top_k):
    whole = review.backtest(backtest_book, None, "2025-10", top_share=top_share, top_k=top_k)
    alone = review.backtest_by_month(backtest_book, None, "2025-10", top_share=top_share, top_k=top_k)
    pd.testing.assert_frame_equal(alone, whole.monthly)
    assert list(alone.columns) == ["month", "accounts", "base_rate", "top_rate", "precision_at_k", "caught_share",
                                   "lift"]


def test_outcomes_kept_at_load_are_what_followed_in_the_next_three_months_and_others_are_computed(tmp_path):
    """E contracts by 20 in 2025-04 and churns its remaining 80 in 2025-06; F
    expands by 30 in 2025-03. account_outcomes holds the loaded 3-month horizon;
    score_outcomes reads it, and computes any other horizon from the months."""
    months = MONTHS[:8]
    mrr = [["E", "Core", m, 100 if m < "2025-04" else 80] for m in months if m < "2025-06"]
    mrr += [["F", "Core", m, 100 if m < "2025-03" else 130] for m in months]
    con = build(tmp_path, [account("E"), account("F")], mrr)
    kept = con.execute("SELECT a.account_id, month_label(o.month_idx) AS month, o.lost, o.churned, o.lost_mrr, "
                       "o.grew, o.gained_mrr FROM account_outcomes o JOIN accounts a USING (account_key) "
                       "ORDER BY 1, 2").fetchall()
    assert [r for r in kept if r[0] == "E"] == [
        ("E", "2025-01", True, False, 20.0, False, 0.0),     # 02–04: the contraction
        ("E", "2025-02", True, False, 20.0, False, 0.0),
        ("E", "2025-03", True, True, 100.0, False, 0.0),     # 04–06: contraction and churn
        ("E", "2025-04", True, True, 80.0, False, 0.0),
        ("E", "2025-05", True, True, 80.0, False, 0.0),
    ]
    assert [r[1:] for r in kept if r[0] == "F" and r[5]] == [
        ("2025-01", False, False, 0.0, True, 30.0), ("2025-02", False, False, 0.0, True, 30.0)]
    one_month = con.execute("SELECT month_label(month_idx), lost_mrr, gained_mrr FROM score_outcomes("
                            "(SELECT first_idx FROM book), (SELECT as_of_idx FROM book), 1) "
                            "WHERE lost OR grew ORDER BY 1, 2").fetchall()
    assert one_month == [("2025-02", 0.0, 30.0), ("2025-03", 20.0, 0.0), ("2025-05", 80.0, 0.0)]


def test_scores_of_a_past_month_use_no_later_data(tmp_path):
    """The book cut at month m scores every account exactly as the full book
    scores month m: nothing after m reaches a score."""
    files = generate_book(tmp_path / "demo", n_accounts=250, n_months=24)
    full_path, cut_path = tmp_path / "full.duckdb", tmp_path / "cut.duckdb"
    load_book(full_path, **files)
    full = db.connect_read_only(full_path)
    as_of = metrics.book_info(full).as_of_idx
    for back in (3, 9):
        month = label(as_of - back)
        load_book(cut_path, **files, as_of=month)
        cut = db.connect_read_only(cut_path)
        try:
            a = review.candidates(full, None, month).drop(columns=["last_movement_month"])
            b = review.candidates(cut, None, month).drop(columns=["last_movement_month"])
            assert len(a) > 100
            pd.testing.assert_frame_equal(a, b)
        finally:
            cut.close()
    full.close()


# ------------------------------------------------------ retrospective, roll-ups

def test_retrospective_separates_flagged_losses_from_surprises(tmp_path):
    accounts = [account(a) for a in ("WARNED", "LATE", "QUIET", "SHRANK", "FINE")]
    mrr = [["WARNED", "Core", m, 300] for m in MONTHS if m < "2025-11"]
    mrr += [["LATE", "Core", m, 200] for m in MONTHS if m < "2025-11"]
    mrr += [["QUIET", "Core", m, 100] for m in MONTHS if m < "2025-12"]
    mrr += [["SHRANK", "Core", m, 100 if m < "2025-12" else 50] for m in MONTHS] + flat("FINE")
    con = build(tmp_path, accounts, mrr)
    store = DecisionStore(tmp_path / "d.sqlite")
    utc = dt.timezone.utc
    store.record(Decision("WARNED", "at risk", "Ana", department="Product"), now=dt.datetime(2025, 10, 3, tzinfo=utc))
    store.record(Decision("LATE", "watch", "Ana"), now=dt.datetime(2025, 11, 2, tzinfo=utc))  # after it happened
    store.record(Decision("SHRANK", "healthy", "Ana"), now=dt.datetime(2025, 9, 1, tzinfo=utc))
    rows, summary = review.retrospective(con, None, "2025-10", "2025-12", store)
    got = rows.set_index("account_id")
    assert list(rows.account_id) == ["WARNED", "LATE", "QUIET", "SHRANK"]
    assert got.lost_arr.to_dict() == {"WARNED": 3600.0, "LATE": 2400.0, "QUIET": 1200.0, "SHRANK": 600.0}
    assert got.kind.to_dict() == {"WARNED": "churn", "LATE": "churn", "QUIET": "churn", "SHRANK": "contraction"}
    assert got.first_loss_month.to_dict() == {"WARNED": "2025-11", "LATE": "2025-11", "QUIET": "2025-12",
                                             "SHRANK": "2025-12"}
    assert got.flagged_in_review.to_dict() == {"WARNED": True, "LATE": False, "QUIET": False, "SHRANK": False}
    assert got.loc["WARNED", "flagged_on"] == "2025-10-03"
    assert summary["lost_arr"] == 7800.0 and summary["surprise_accounts"] == 3
    assert summary["surprise_share"] == pytest.approx(4200 / 7800)


def test_retrospective_counts_the_reviews_recorded_before_the_window(tmp_path):
    accounts = [account(a) for a in ("GONE", "KEPT")] + [account("ELSE", owner="Bo")]
    mrr = [["GONE", "Core", m, 300] for m in MONTHS if m < "2025-11"] + flat("KEPT") + flat("ELSE")
    con = build(tmp_path, accounts, mrr)
    store = DecisionStore(tmp_path / "d.sqlite")
    utc = dt.timezone.utc
    # Only reviews from the window on: nothing could have been flagged before it.
    store.record(Decision("GONE", "watch", "Ana"), now=dt.datetime(2025, 11, 15, tzinfo=utc))  # after its loss
    store.record(Decision("KEPT", "healthy", "Ana"), now=dt.datetime(2025, 12, 5, tzinfo=utc))
    _, summary = review.retrospective(con, None, "2025-10", "2025-12", store)
    assert (summary["reviews_before_window"], summary["accounts"], summary["surprise_accounts"]) == (0, 1, 1)
    assert summary["surprise_share"] == 1.0
    # One second before the window: a review before it, of any status, on a selected account.
    store.record(Decision("KEPT", "healthy", "Ana"), now=dt.datetime(2025, 9, 30, 23, 59, 59, tzinfo=utc))
    store.record(Decision("ELSE", "watch", "Bo"), now=dt.datetime(2025, 6, 1, tzinfo=utc))
    _, summary = review.retrospective(con, None, "2025-10", "2025-12", store)
    assert summary["reviews_before_window"] == 2
    _, summary = review.retrospective(con, Filters.of(csm_owner="Ana"), "2025-10", "2025-12", store)
    assert summary["reviews_before_window"] == 1  # Bo's account is not selected
    _, summary = review.retrospective(con, None, "2025-10", "2025-12")  # no decisions file at all
    assert summary["reviews_before_window"] == 0


def test_at_risk_rollup_sums_arr_by_department_and_owner():
    frame = pd.DataFrame({"account_id": ["a", "b", "c"], "arr": [100.0, 300.0, 600.0],
                          "decision_department": ["Product", None, "Product"], "csm_owner": ["X", "Y", "Y"]})
    by_dept = review.at_risk_rollup(frame, "department")
    assert by_dept.to_dict("records") == [
        {"value": "Product", "accounts": 2, "arr": 700.0, "share": 0.7},
        {"value": "No decision yet", "accounts": 1, "arr": 300.0, "share": 0.3}]
    assert review.at_risk_rollup(frame, "csm_owner").value.tolist() == ["Y", "X"]
    with pytest.raises(NrrError):
        review.at_risk_rollup(frame, "name")


def test_sponsor_coverage_takes_the_accounts_making_up_80_percent_of_arr(tmp_path):
    accounts = [account("A", sponsor="Dana"), account("B"), account("C", sponsor="Eli"), account("D")]
    mrr = flat("A", 500) + flat("B", 300) + flat("C", 150) + flat("D", 50)
    con = build(tmp_path, accounts, mrr)
    rows, summary = review.sponsor_coverage(con, None, "2025-12")
    assert rows.account_id.tolist() == ["B"]  # A and B make up 80 % (C starts at 800); B has no sponsor
    assert rows[["rank", "arr", "arr_share", "cumulative_share", "uncovered_share"]].to_dict("records") == [
        {"rank": 2, "arr": 3600.0, "arr_share": 0.3, "cumulative_share": 0.8, "uncovered_share": 0.3}]
    assert summary == {"accounts": 2, "with_sponsor": 1, "account_share": 0.5, "arr": 9600.0,
                       "arr_with_sponsor": 6000.0, "arr_share": 0.625}


def test_sponsor_coverage_ranks_the_unsponsored_accounts_among_all_top_accounts(tmp_path):
    accounts = [account("A"), account("B", sponsor="Dana"), account("C"), account("D", sponsor="Eli"), account("E")]
    mrr = flat("A", 300) + flat("B", 250) + flat("C", 200) + flat("D", 150) + flat("E", 100)
    con = build(tmp_path, accounts, mrr)
    rows, summary = review.sponsor_coverage(con, None, "2025-12")
    # A to D make up 80 % (D starts at 75 %); A and C have no sponsor, B sits between them.
    assert summary["accounts"] == 4
    got = rows[["account_id", "rank", "arr_share", "cumulative_share", "uncovered_share"]]
    assert got.to_dict("records") == [
        {"account_id": "A", "rank": 1, "arr_share": 0.3, "cumulative_share": 0.3, "uncovered_share": 0.3},
        {"account_id": "C", "rank": 3, "arr_share": 0.2, "cumulative_share": 0.75, "uncovered_share": 0.5}]


def test_books_built_before_the_review_board_get_a_clear_message(tmp_path):
    import duckdb
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (account_key INTEGER)")
    con.close()
    old = db.connect_read_only(path)
    with pytest.raises(NrrError, match="older version"):
        review.candidates(old, None, "2025-12")


@pytest.fixture(scope="module")
def scored_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scored")
    files = generate_book(folder / "demo", n_accounts=250, n_months=24)
    load_book(folder / "book.duckdb", **files)
    con = db.connect_read_only(folder / "book.duckdb")
    yield con
    con.close()


def _ranked_by_sorting(con, lo: int, hi: int, weights: dict, filters: Filters, top_share: float, top_k: int,
                       risk_threshold: int, expansion_threshold: int) -> pd.DataFrame:
    """The back-test's monthly counts the plain way: every account of every
    month sorted by score, then MRR (larger first), then account key."""
    from nrr_core.review.factors import HORIZON
    rows = con.execute(
        "SELECT s.account_key, s.month_idx, s.mrr, s.risk_score, s.expansion_score, o.lost, o.churned, "
        "o.lost_mrr, o.grew, o.gained_mrr, a.segment "
        "FROM account_scores($lo, $hi, $w) s JOIN score_outcomes($lo, $hi, $h) o USING (account_key, month_idx) "
        "JOIN accounts a USING (account_key)", {"lo": lo, "hi": hi, "w": weights, "h": HORIZON}).df()
    if filters.segment:
        rows = rows[rows.segment.isin(filters.segment)]
    out = []
    for month, m in rows.groupby("month_idx"):
        top_n = max(1, math.ceil(top_share * len(m)))
        risk = m.sort_values(["risk_score", "mrr", "account_key"], ascending=[False, False, True])
        exp = m.sort_values(["expansion_score", "mrr", "account_key"], ascending=[False, False, True])
        top, topk, flagged = risk.iloc[:top_n], risk.iloc[:top_k], m[m.risk_score >= risk_threshold]
        etop, etopk, eflagged = exp.iloc[:top_n], exp.iloc[:top_k], m[m.expansion_score >= expansion_threshold]
        out.append({
            "month_idx": month, "accounts": len(m), "lost_accounts": m.lost.sum(),
            "churned_accounts": m.churned.sum(), "lost_mrr": m.lost_mrr.sum(),
            "top_accounts": len(top), "top_lost": top.lost.sum(), "top_churned": top.churned.sum(),
            "top_lost_mrr": top.lost_mrr.sum(), "topk_accounts": len(topk), "topk_lost": topk.lost.sum(),
            "flagged_accounts": len(flagged), "flagged_lost": flagged.lost.sum(),
            "flagged_lost_mrr": flagged.lost_mrr.sum(), "grew_accounts": m.grew.sum(),
            "exp_top_grew": etop.grew.sum(), "exp_topk_accounts": len(etopk), "exp_topk_grew": etopk.grew.sum(),
            "exp_flagged_accounts": len(eflagged), "exp_flagged_grew": eflagged.grew.sum(),
            "gained_mrr": m.gained_mrr.sum(), "exp_top_gained_mrr": etop.gained_mrr.sum()})
    return pd.DataFrame(out)


@pytest.mark.parametrize("points, top_share, top_k", [
    ("calibrated", 0.10, 50),
    ("one each", 0.10, 50),    # every factor 1 point: large tied groups, the cuts run through them
    ("none", 0.25, 7),         # every score 0: one group a month, ranked by MRR alone
    ("one each", 0.5, 1),
])
@pytest.mark.parametrize("segment", [None, "SMB"])
def test_the_backtests_monthly_counts_equal_ranking_every_account_by_sorting(scored_book, points, top_share,
                                                                             top_k, segment):
    from nrr_core.review.backtest import scored_months
    from nrr_core.review.calibration import FIRST_SCORED, calibrate
    from nrr_core.review.factors import HORIZON

    info = metrics.book_info(scored_book)
    card = calibrate(scored_book, info.as_of_month).scorecard
    if points != "calibrated":
        card = dataclasses.replace(card, points={k: (1 if points == "one each" else 0) for k in card.points},
                                   risk_threshold=2, expansion_threshold=2)
    lo, hi = info.first_idx + FIRST_SCORED, info.as_of_idx - HORIZON
    filters = Filters(segment=(segment,)) if segment else Filters()
    got = scored_months(scored_book, filters, lo, hi, HORIZON, card, top_share, top_k)
    want = _ranked_by_sorting(scored_book, lo, hi, card.weights(), filters, top_share, top_k,
                              card.risk_threshold, card.expansion_threshold)
    assert len(got) == hi - lo + 1 and got.accounts.min() > 10
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, rtol=1e-9)
