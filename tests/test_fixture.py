"""nrr_core against the mrr_playbook fixture (expected outputs computed three ways).

See tests/fixtures/mrr_playbook/README.md: the playbook's churn rows dated
2025-01 (after the as-of month) are not ours, and the summaries cover
2023-01..2024-12 only.
"""
import math

import pandas as pd
import pytest

from nrr_core import Filters, metrics

from .conftest import FIXTURE

SEGMENTS = ["ALL", "Enterprise", "Mid-Market", "SMB"]


def _filters(segment):
    return Filters() if segment == "ALL" else Filters.of(segment=segment)


def _month(series):
    return series.str.slice(0, 7)


@pytest.mark.parametrize("segment", SEGMENTS)
def test_monthly_movements_equal_the_playbook_for_every_month_and_segment(fixture_book, segment):
    expected = pd.read_csv(FIXTURE / "expected_monthly_movements.csv")
    expected = expected[expected.segment == segment].reset_index(drop=True)
    got = metrics.movements(fixture_book, _filters(segment))
    assert list(got.month) == list(_month(expected.month))
    pairs = {"starting_mrr": "starting_mrr", "new": "new_mrr", "reactivation": "reactivation_mrr",
             "expansion": "expansion_mrr", "ending_mrr": "ending_mrr",
             "starting_accounts": "starting_customers", "new_accounts": "new_customers",
             "reactivated_accounts": "reactivated_customers", "expanded_accounts": "expanded_customers",
             "contracted_accounts": "contracted_customers", "churned_accounts": "churned_customers",
             "ending_accounts": "ending_customers"}
    for ours, theirs in pairs.items():
        assert got[ours].tolist() == pytest.approx(expected[theirs].tolist(), abs=1e-9), ours
    # The playbook writes contraction and churn as positive numbers; ours are negative.
    assert (-got.contraction).tolist() == pytest.approx(expected.contraction_mrr.tolist(), abs=1e-9)
    assert (-got.churn).tolist() == pytest.approx(expected.churn_mrr.tolist(), abs=1e-9)
    assert got.cross_sell.eq(0).all()  # one product line: no cross-sell in this book


@pytest.mark.parametrize("segment", SEGMENTS)
def test_twelve_month_retention_equals_the_expected_file(fixture_book, segment):
    expected = pd.read_csv(FIXTURE / "expected_retention.csv")
    expected = expected[(expected.segment == segment) & (expected.horizon_months == 12)].reset_index(drop=True)
    got = metrics.nrr_trend(fixture_book, _filters(segment))
    assert list(got.month) == list(_month(expected.month))
    for col in ["nrr", "grr", "logo_retention"]:
        assert got[col].tolist() == pytest.approx(expected[col].tolist(), abs=1e-9), col
    assert got.base_mrr.tolist() == pytest.approx(expected.base_mrr.tolist(), abs=1e-9)
    assert got.base_accounts.tolist() == expected.base_customers.tolist()


@pytest.mark.parametrize("segment", SEGMENTS)
def test_cohort_curves_by_start_month_equal_the_expected_file(fixture_book, segment):
    expected = pd.read_csv(FIXTURE / "expected_cohort_retention.csv")
    expected = expected[expected.segment == segment].reset_index(drop=True)
    got = metrics.cohorts(fixture_book, _filters(segment), by="month")
    assert list(zip(got.cohort, got.months_since_start)) == list(
        zip(_month(expected.cohort_month), expected.months_since_cohort))
    assert got.eligible_accounts.tolist() == expected.cohort_customers.tolist()
    assert got.accounts_active.tolist() == expected.active_customers.tolist()
    assert got.starting_mrr.tolist() == pytest.approx(expected.cohort_start_mrr.tolist(), abs=1e-9)
    assert got.mrr.tolist() == pytest.approx(expected.mrr.tolist(), abs=1e-9)
    assert got.revenue_retention.tolist() == pytest.approx(expected.revenue_retention.tolist(), abs=1e-9)
    assert got.logo_retention.tolist() == pytest.approx(expected.logo_retention.tolist(), abs=1e-9)


def test_per_customer_categories_match_the_playbook_up_to_the_as_of_month(fixture_book):
    expected = pd.read_csv(FIXTURE / "expected_mrr.csv", dtype={"change_category": str})
    expected = expected[expected.date_month < "2025-01-01"]
    names = {"new": "new", "churn": "churn", "reactivation": "reactivation",
             "upgrade": "expansion", "downgrade": "contraction"}
    want = {(str(r.customer_id), r.date_month[:7]): names[r.change_category]
            for r in expected.itertuples() if isinstance(r.change_category, str)}
    rows = fixture_book.execute("""
        SELECT a.account_id, month_label(m.month_idx) AS month, m.new, m.expansion, m.cross_sell,
               m.contraction, m.churn, m.reactivation
        FROM account_month m JOIN accounts a USING (account_key)""").fetchall()
    got = {}
    for account_id, month, *amounts in rows:
        moved = [name for name, amount in zip(metrics.MOVEMENTS, amounts) if amount != 0]
        if moved:
            assert len(moved) == 1, (account_id, month, moved)
            got[(account_id, month)] = moved[0]
    assert got == want


def test_no_row_is_produced_after_the_as_of_month(fixture_book):
    info = metrics.book_info(fixture_book)
    assert (info.first_month, info.as_of_month) == ("2023-01", "2024-12")
    assert metrics.movements(fixture_book).month.max() == "2024-12"


def test_yearly_waterfall_adds_up_and_the_nrr_bridge_ends_at_the_12_month_nrr(fixture_book):
    w = metrics.waterfall(fixture_book, None, "2024-01", "2024-12").set_index("step").mrr
    assert w.starting_mrr + w[list(metrics.MOVEMENTS)].sum() == pytest.approx(w.ending_mrr, abs=1e-9)
    b = metrics.nrr_bridge(fixture_book, None, "2024-01", "2024-12").set_index("step").mrr
    assert b.new == 0
    nrr_dec = metrics.nrr_trend(fixture_book).set_index("month").nrr["2024-12"]
    assert math.isclose(b.ending_mrr / b.starting_mrr, nrr_dec, abs_tol=1e-12)
