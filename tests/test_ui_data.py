"""ui/data.py's cache key: an nrr_core function's qualified name."""
from __future__ import annotations

import pytest

from nrr_core import methodology, metrics, triangle
from ui import data


def test_qualified_name_of_nrr_core_functions():
    assert data.qualified_name(metrics.breakdown) == "nrr_core.metrics.breakdown"
    assert data.qualified_name(triangle.cohort_triangle) == "nrr_core.triangle.cohort_triangle"
    assert data.qualified_name(methodology.worked_example) == "nrr_core.methodology.worked_example"


@pytest.mark.parametrize("fn", [lambda con: None, str.upper, pytest.approx, metrics.BookInfo.months],
                         ids=["lambda", "builtin", "other package", "method"])
def test_anything_else_cannot_key_the_cache(fn):
    with pytest.raises(ValueError, match="not an nrr_core function"):
        data.qualified_name(fn)


def test_there_is_no_call_by_name_any_more():
    assert not hasattr(data, "query") and not hasattr(data, "QUERIES")
