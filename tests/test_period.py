"""The reporting period's comparison month: the start of the selected window."""
from __future__ import annotations

import pytest

from nrr_core.period import Period

FIRST = "2023-11"


@pytest.mark.parametrize("window,month,words", [
    ("month", "2026-09", "a month ago"),
    ("quarter", "2026-07", "a quarter ago"),
    ("year", "2025-10", "a year ago"),
])
def test_standard_windows_compare_with_the_month_before_they_start(window, month, words):
    period = Period.within(FIRST, "2026-10", window)
    assert period.comparison_month() == month
    assert period.comparison_words() == words


def test_a_custom_window_compares_with_the_month_before_its_start():
    period = Period.within(FIRST, "2026-10", "custom", "2026-03")
    assert (period.from_month, period.to_month) == ("2026-03", "2026-10")
    assert period.comparison_month() == "2026-02"
    assert period.comparison_words() == "window start"


def test_a_window_clipped_by_the_data_is_not_called_a_year():
    period = Period.within(FIRST, "2024-03", "year")
    assert period.from_month == FIRST
    assert period.comparison_month() == "2023-10"  # before the data: no figure to compare with
    assert period.comparison_words() == "window start"
