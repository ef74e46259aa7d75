"""``frames.member_of`` answers exactly as ``Series.isin`` for the columns it is used on."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nrr_core.frames import member_of


@pytest.mark.parametrize("dtype", ["str", object], ids=["arrow text", "python objects"])
@pytest.mark.parametrize("values", [("b", "d"), ["b", "zz"], {"a"}, (), pd.Series(["c", "c"]), np.array(["a", "c"])],
                         ids=["tuple", "list", "set", "empty", "series", "array"])
def test_membership_is_the_same_as_isin_for_text_whatever_holds_the_values(dtype, values):
    series = pd.Series(["a", "b", "c", "d", "b"], index=[10, 11, 12, 13, 14], dtype=dtype)
    got = member_of(series, values)
    assert got.dtype == bool
    pd.testing.assert_series_equal(got, series.isin(list(values)))


def test_a_missing_value_is_never_a_member_and_numbers_fall_back_to_isin():
    text = pd.Series(["a", None, "b"], dtype="str")
    assert member_of(text, ["a", "b"]).tolist() == [True, False, True]
    numbers = pd.Series([1, 2, 3])
    assert member_of(numbers, {2, 3}).tolist() == [False, True, True]
    mixed = pd.Series(["a", 1], dtype=object)
    assert member_of(mixed, ["a"]).tolist() == [True, False]
