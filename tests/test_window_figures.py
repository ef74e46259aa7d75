"""Exact values of the window figures the pages share: the window's NRR, the
headline at the window's comparison month, account amounts as ARR, the best
and worst groups of the first grouping that has two, and the cohort triangle's
partial and thin cells. Small books built by hand (tests/conftest.py)."""
from __future__ import annotations

import numpy as np
import pytest

from nrr_core import Filters, metrics
from nrr_core.triangle import MIN_ELIGIBLE_ACCOUNTS, cohort_triangle

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


def rows(account, values, months=MONTHS, product="Core"):
    return [(account, product, m, v) for m, v in zip(months, values) if v]


@pytest.fixture
def small(make_book):
    """A: 100 → 130 from Apr; B: 50 until Apr, churns in May; C: new in Apr at 70."""
    return make_book(rows("A", [100, 100, 100, 130, 130, 130]) + rows("B", [50, 50, 50, 50, 0, 0])
                     + rows("C", [0, 0, 0, 70, 70, 70]))


def test_window_nrr_is_the_bridge_of_existing_accounts(small):
    # Base: A and B, active in March (150). At June: A 130, B 0; C is new and never counts.
    assert metrics.window_nrr(small, None, "2024-04", "2024-06") == pytest.approx(130 / 150, rel=1e-12)
    assert metrics.window_nrr(small, None, "2024-06", "2024-06") == pytest.approx(130 / 130, rel=1e-12)


def test_window_nrr_is_none_without_a_base(small):
    assert metrics.window_nrr(small, None, "2024-01", "2024-03") is None  # nobody before the first month


def test_headline_compares_with_the_month_given(small):
    head = metrics.headline(small, None, "2024-06", "2024-03")
    assert (head["arr"], head["arr_prev"], head["compare_month"]) == (12 * 200, 12 * 150, "2024-03")
    assert metrics.headline(small, None, "2024-06", "2024-05")["arr_prev"] == 12 * 200
    assert metrics.headline(small, None, "2024-06")["compare_month"] == "2024-03"  # a quarter by default
    before = metrics.headline(small, None, "2024-06", "2023-12")
    assert before["arr_prev"] is None and before["nrr_prev"] is None


def test_account_amounts_come_as_arr(small):
    movers = metrics.top_movers(small, None, "2024-04", "2024-06")
    assert list(movers["gains"].account_id) == ["A"] and list(movers["losses"].account_id) == ["B"]
    assert movers["gains"].arr_change.tolist() == [360.0]
    assert movers["losses"].arr_change.tolist() == [-600.0]
    churned = metrics.movement_accounts(small, None, "churn", "2024-04", "2024-06")
    assert churned[["account_id", "amount", "arr_amount"]].values.tolist() == [["B", -50.0, -600.0]]
    wins = metrics.customer_wins(small, None, "2024-04", "2024-06")
    assert wins[["account_id", "expansion_arr", "cross_sell_arr", "gained_arr"]].values.tolist() == [
        ["A", 360.0, 0.0, 360.0]]


YEAR = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01"]


@pytest.fixture
def regions(make_book):
    """Three SMB accounts in two regions and one Enterprise account, 13 months:
    NA (A) keeps 120 %, EMEA (B, C) 75 %; Enterprise (D) 110 %."""
    mrr = (rows("A", [100] * 12 + [120], YEAR) + rows("B", [100] * 12 + [50], YEAR)
           + rows("C", [100] * 13, YEAR) + rows("D", [100] * 12 + [110], YEAR))
    return make_book(mrr, accounts=[("A", "SMB", "NA"), ("B", "SMB", "EMEA"), ("C", "SMB", "EMEA"),
                                    ("D", "Enterprise", "NA")])


def test_best_and_worst_groups_by_segment_when_there_are_two(regions):
    found = metrics.best_and_worst_groups(regions, None, "2025-01")
    assert found["by"] == "segment" and found["skipped"] == ()
    assert (found["best"]["value"], found["best"]["nrr"]) == ("Enterprise", pytest.approx(1.1, rel=1e-12))
    assert (found["worst"]["value"], found["worst"]["nrr"]) == ("SMB", pytest.approx(270 / 300, rel=1e-12))


def test_one_segment_selected_compares_regions(regions):
    found = metrics.best_and_worst_groups(regions, Filters.of(segment="SMB"), "2025-01")
    assert found["by"] == "region" and found["skipped"] == ("segment",)
    assert (found["best"]["value"], found["best"]["nrr"]) == ("NA", pytest.approx(1.2, rel=1e-12))
    assert (found["worst"]["value"], found["worst"]["nrr"]) == ("EMEA", pytest.approx(0.75, rel=1e-12))
    assert list(found["groups"].value) == ["NA", "EMEA"]


def test_no_grouping_with_two_groups_gives_none(regions):
    assert metrics.best_and_worst_groups(regions, Filters.of(segment="SMB", region="NA"), "2025-01") is None
    assert metrics.best_and_worst_groups(regions, None, "2024-06") is None  # no 12-month base yet


@pytest.fixture
def cohorts_book(make_book):
    """Cohort 2024-Q1: X1 (Jan, 100) and X2 (Mar, 50 then 100); cohort 2024-Q2: Y1 (Apr, 40). As of June."""
    return make_book(rows("X1", [100] * 6) + rows("X2", [0, 0, 50, 100, 100, 100]) + rows("Y1", [0, 0, 0, 40, 40, 40]))


def test_cohort_triangle_marks_partial_and_thin_cells(cohorts_book):
    t = cohort_triangle(cohorts_book, None, "quarter", "revenue_retention", 1, min_eligible=2)
    assert list(t.values.index) == ["2024-Q1", "2024-Q2"] and list(t.values.columns) == [0, 1, 2, 3, 4, 5]
    assert t.size.tolist() == [2, 1]
    assert t.eligible.values.tolist() == [[2, 2, 2, 2, 1, 1], [1, 1, 1, 0, 0, 0]]
    # X2 started in March: by June it has reached month 3 only, so months 4-5 rest on X1 alone.
    assert t.partial.values.tolist() == [[False] * 4 + [True] * 2, [False] * 6]
    assert t.thin.values.tolist() == [[False] * 4 + [True] * 2, [True] * 3 + [False] * 3]
    np.testing.assert_allclose(t.values.loc["2024-Q1"].to_numpy(dtype=float),
                               [1.0, 200 / 150, 200 / 150, 200 / 150, 1.0, 1.0], rtol=1e-12)
    assert np.isnan(t.values.loc["2024-Q2", 3])


def test_cohort_triangle_default_minimum_and_step(cohorts_book):
    t = cohort_triangle(cohorts_book, None, "quarter", "logo_retention", 3)
    assert t.min_eligible == MIN_ELIGIBLE_ACCOUNTS == 10
    assert list(t.values.columns) == [0, 3]
    assert t.thin.values.tolist() == [[True, True], [True, False]]  # every reached cell has under 10
    assert t.partial.values.tolist() == [[False, False], [False, False]]


def test_cohort_triangle_of_nothing_is_empty(cohorts_book):
    t = cohort_triangle(cohorts_book, Filters.of(segment="Enterprise"), "quarter")
    assert t.empty and t.partial.empty and t.size.empty
