"""The cohort triangle: retention by cohort and months since start, with how
many of each cohort every cell rests on (metrics.md, "Retention curves").

A cohort's members start in different months (a quarter cohort in three), so
near the as-of month only the members that started early enough are eligible
for a cell: the cell is *partial*. A cell over very few eligible accounts
swings on one account: it is *thin*, and the chart greys it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .filters import Filters
from .metrics import cohorts

# Below this many eligible accounts a cell is greyed: one account then moves
# it by ten points or more.
MIN_ELIGIBLE_ACCOUNTS = 10


@dataclass(frozen=True)
class CohortTriangle:
    """Cohorts down (index), months since start across (columns), one frame per measure.

    - ``values``: the retention (revenue or logo, as asked); NaN where no
      member is eligible.
    - ``eligible``: eligible accounts per cell; 0 where none.
    - ``size``: accounts per cohort (all eligible at month 0), a Series by cohort.
    - ``partial``: True where some but not all of the cohort is eligible.
    - ``thin``: True where 1 to ``min_eligible`` − 1 accounts are eligible.
    """

    values: pd.DataFrame
    eligible: pd.DataFrame
    size: pd.Series
    partial: pd.DataFrame
    thin: pd.DataFrame
    min_eligible: int = MIN_ELIGIBLE_ACCOUNTS

    @property
    def empty(self) -> bool:
        return self.values.empty


def cohort_triangle(con, filters: Filters | None = None, by: str = "quarter", value: str = "revenue_retention",
                    step: int = 1, min_eligible: int = MIN_ELIGIBLE_ACCOUNTS) -> CohortTriangle:
    """The triangle of ``value`` (revenue_retention or logo_retention) for
    cohorts grouped ``by`` (as ``metrics.cohorts``), every ``step`` months
    since start (0, 3, 6, … with step 3). Cells with no eligible member are
    NaN in ``values``, 0 in ``eligible`` and neither partial nor thin. With no
    accounts, every frame is empty."""
    frame = cohorts(con, filters, by)
    frame = frame[frame.months_since_start % step == 0]
    values = frame.pivot(index="cohort", columns="months_since_start", values=value)
    eligible = (frame.pivot(index="cohort", columns="months_since_start", values="eligible_accounts")
                .reindex(index=values.index, columns=values.columns).fillna(0).astype("int64"))
    size = eligible[0] if 0 in eligible.columns else pd.Series(0, index=eligible.index, dtype="int64")
    reached = eligible > 0
    partial = reached & eligible.lt(size, axis=0)
    thin = reached & (eligible < min_eligible)
    return CohortTriangle(values, eligible, size.rename("accounts"), partial, thin, min_eligible)
