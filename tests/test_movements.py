"""Hand-computed small books, one behaviour of metrics.md per test."""
import pytest

from nrr_core import Filters, metrics


def month_row(con, month, filters=None):
    frame = metrics.movements(con, filters).set_index("month")
    return frame.loc[month]


def moves(con, month, filters=None):
    row = month_row(con, month, filters)
    return {name: row[name] for name in metrics.MOVEMENTS if row[name] != 0}


def test_the_first_month_of_data_is_all_new(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("b", "Core", "2024-01", 50), ("b", "Core", "2024-02", 50)])
    assert moves(con, "2024-01") == {"new": 150}
    assert month_row(con, "2024-01").starting_mrr == 0


def test_a_product_swap_in_one_month_is_cross_sell_plus_contraction_not_churn(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Analytics", "2024-01", 40),
                     ("a", "Core", "2024-02", 100), ("a", "Automation", "2024-02", 60)])
    assert moves(con, "2024-02") == {"cross_sell": 60, "contraction": -40}


def test_a_dropped_add_on_is_contraction(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Analytics", "2024-01", 40),
                     ("a", "Core", "2024-02", 100)])
    assert moves(con, "2024-02") == {"contraction": -40}


def test_expansion_and_contraction_on_different_products_are_not_netted(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Analytics", "2024-01", 40),
                     ("a", "Core", "2024-02", 130), ("a", "Analytics", "2024-02", 30)])
    assert moves(con, "2024-02") == {"expansion": 30, "contraction": -10}


def test_reactivation_after_a_one_month_gap(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-03", 80)])
    assert moves(con, "2024-02") == {"churn": -100}
    assert moves(con, "2024-03") == {"reactivation": 80}


def test_reactivation_after_a_long_gap_with_more_products_is_all_reactivation(make_book):
    con = make_book([("a", "Core", "2023-01", 100), ("z", "Core", "2024-06", 1),
                     ("a", "Core", "2024-06", 120), ("a", "Analytics", "2024-06", 50)])
    assert moves(con, "2023-02") == {"churn": -100}
    assert moves(con, "2024-06") == {"reactivation": 170, "new": 1}
    assert metrics.movements(con).query("month > '2023-02' and month < '2024-06'")[
        list(metrics.MOVEMENTS)].eq(0).all().all()


def test_churn_in_the_last_month(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-02", 100), ("b", "Core", "2024-03", 10)])
    assert moves(con, "2024-03") == {"churn": -100, "new": 10}
    assert month_row(con, "2024-03").ending_mrr == 10


def test_a_start_in_the_last_month_is_new_and_nothing_is_invented_after_it(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-02", 100), ("b", "Core", "2024-02", 70)])
    assert moves(con, "2024-02") == {"new": 70}
    assert metrics.movements(con).month.tolist() == ["2024-01", "2024-02"]


def test_an_account_with_no_revenue_appears_nowhere(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("ghost", "Core", "2024-01", 0)],
                    accounts=[("a", "SMB"), ("ghost", "Enterprise")])
    assert metrics.attribute_values(con)["segment"] == ["SMB"]
    assert metrics.movements(con).new.sum() == 100
    assert set(metrics.cohorts(con, by="segment").cohort) == {"SMB"}


def test_split_rows_for_one_key_are_summed(make_book):
    con = make_book([("a", "Core", "2024-01", 60), ("a", "Core", "2024-01", 40),
                     ("a", "Core", "2024-02", 100)])
    assert moves(con, "2024-01") == {"new": 100}
    assert moves(con, "2024-02") == {}


def test_months_with_no_rows_for_anyone_are_still_months(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-04", 100)])
    frame = metrics.movements(con)
    assert frame.month.tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert frame.ending_mrr.tolist() == [100, 0, 0, 100]
    assert moves(con, "2024-04") == {"reactivation": 100}


def test_segment_filters_compute_on_the_selected_accounts_only(make_book):
    con = make_book([("s", "Core", "2024-01", 100), ("s", "Core", "2024-02", 50),
                     ("e", "Core", "2024-01", 1000), ("e", "Core", "2024-02", 1500)],
                    accounts=[("s", "SMB", "NA"), ("e", "Enterprise", "EMEA")])
    assert moves(con, "2024-02", Filters.of(segment="SMB")) == {"contraction": -50}
    assert moves(con, "2024-02", Filters.of(segment="Enterprise")) == {"expansion": 500}
    assert moves(con, "2024-02", Filters.of(segment=["SMB", "Enterprise"])) == {"contraction": -50, "expansion": 500}
    assert moves(con, "2024-02", Filters.of(segment="SMB", region="EMEA")) == {}


def test_twelve_month_nrr_counts_base_accounts_only_and_grr_caps_each_account(make_book):
    rows = [("up", "Core", "2023-01", 100), ("up", "Core", "2024-01", 150),
            ("down", "Core", "2023-01", 100), ("down", "Core", "2024-01", 50),
            ("gone", "Core", "2023-01", 100),
            ("late", "Core", "2023-06", 999), ("late", "Core", "2024-01", 999)]
    con = make_book(rows)
    trend = metrics.nrr_trend(con).set_index("month")
    assert trend.index.tolist() == ["2024-01"]
    row = trend.loc["2024-01"]
    assert row.nrr == pytest.approx(200 / 300)
    assert row.grr == pytest.approx(150 / 300)
    assert row.logo_retention == pytest.approx(2 / 3)


def test_a_base_account_that_left_and_came_back_counts_as_retained(make_book):
    con = make_book([("a", "Core", "2023-01", 100), ("a", "Core", "2023-12", 80), ("a", "Core", "2024-01", 80)])
    row = metrics.nrr_trend(con).set_index("month").loc["2024-01"]
    assert (row.nrr, row.grr, row.logo_retention) == (0.8, 0.8, 1.0)


def test_months_without_twelve_months_of_history_have_no_retention_figure(make_book):
    con = make_book([("a", "Core", m, 100) for m in ["2024-01", "2024-06", "2024-12"]])
    assert metrics.nrr_trend(con).empty


def test_quarter_cohorts_count_only_eligible_members_at_each_k(make_book):
    # a starts 2024-01, b starts 2024-03 (same quarter); as-of 2024-04.
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-02", 100), ("a", "Core", "2024-03", 100),
                     ("a", "Core", "2024-04", 100), ("b", "Core", "2024-03", 10), ("b", "Core", "2024-04", 20)])
    c = metrics.cohorts(con, by="quarter").set_index("months_since_start")
    assert c.cohort.unique().tolist() == ["2024-Q1"]
    assert c.eligible_accounts.tolist() == [2, 2, 1, 1]   # b is not eligible beyond k=1
    assert c.starting_mrr.tolist() == [110, 110, 100, 100]
    assert c.mrr.tolist() == [110, 120, 100, 100]
    assert c.loc[1].revenue_retention == pytest.approx(120 / 110)


def test_waterfall_for_a_window_and_the_nrr_bridge_without_new_logos(make_book):
    con = make_book([("a", "Core", "2024-01", 100), ("a", "Core", "2024-02", 120), ("a", "Core", "2024-03", 120),
                     ("b", "Core", "2024-02", 30), ("b", "Core", "2024-03", 30),
                     ("c", "Core", "2024-01", 50)])
    w = metrics.waterfall(con, None, "2024-02", "2024-03").set_index("step").mrr
    assert w.to_dict() == {"starting_mrr": 150, "new": 30, "expansion": 20, "cross_sell": 0,
                           "contraction": 0, "churn": -50, "reactivation": 0, "ending_mrr": 150}
    b = metrics.nrr_bridge(con, None, "2024-02", "2024-03").set_index("step").mrr
    assert b.to_dict() == {"starting_mrr": 150, "new": 0, "expansion": 20, "cross_sell": 0,
                           "contraction": 0, "churn": -50, "reactivation": 0, "ending_mrr": 120}
    accounts = metrics.movement_accounts(con, None, "churn", "2024-02", "2024-03")
    assert accounts.account_id.tolist() == ["c"] and accounts.amount.sum() == w.churn


def test_breakdown_by_segment_at_a_month(make_book):
    con = make_book([("s", "Core", "2023-01", 100), ("s", "Core", "2024-01", 80),
                     ("e", "Core", "2023-01", 1000), ("e", "Core", "2024-01", 1200)],
                    accounts=[("s", "SMB"), ("e", "Enterprise")])
    b = metrics.breakdown(con, None, "segment", "2024-01").set_index("value")
    assert b.loc["SMB"].nrr == pytest.approx(0.8) and b.loc["Enterprise"].nrr == pytest.approx(1.2)
    assert b.loc["Enterprise"].arr == 14400 and b.loc["Enterprise"].grr == 1.0
