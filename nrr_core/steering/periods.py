"""Steering periods: a calendar quarter (``2026-Q3``) or year (``2026``).

Targets and scorecards are set per period; a period's figure is the
trailing-twelve-month figure at its last month (metrics.md, "Retention").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import NrrError
from ..months import label, quarter_label

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class SteeringPeriod:
    """A quarter or a year: ``label`` as written (``2026-Q3``, ``2026``) and its
    first and last month indexes."""

    label: str
    first_idx: int
    last_idx: int

    @property
    def first_month(self) -> str:
        return label(self.first_idx)

    @property
    def last_month(self) -> str:
        return label(self.last_idx)

    @property
    def is_year(self) -> bool:
        return "-Q" not in self.label


def parse_period(text: str) -> SteeringPeriod:
    """``'2026-Q3'`` or ``'2026'`` (any case, spaces trimmed); NrrError otherwise."""
    m = _PERIOD.match(str(text).strip().upper())
    if not m:
        raise NrrError(f"period {str(text)[:40]!r} is not a quarter like 2026-Q1 or a year like 2026")
    year = int(m.group(1))
    if m.group(2):
        first = year * 12 + (int(m.group(2)) - 1) * 3
        return SteeringPeriod(f"{year}-Q{m.group(2)}", first, first + 2)
    return SteeringPeriod(str(year), year * 12, year * 12 + 11)


def period_containing(month_idx: int, year: bool = False) -> SteeringPeriod:
    """The quarter (or with ``year`` the year) a month falls in."""
    return parse_period(str(month_idx // 12) if year else quarter_label(month_idx))


def periods_containing(month_idx: int) -> tuple[str, str]:
    """The labels of the quarter and the year a month falls in, quarter first:
    the order in which a target applies to that month."""
    return quarter_label(month_idx), str(month_idx // 12)


def period_of(month_idx: int, window: str) -> str:
    """The steering period a view of ``window`` (month, quarter, year, custom)
    ending at ``month_idx`` is scored on: its year for a Year window, else its
    quarter (the scorecards' period in the app and in the board pack)."""
    return period_containing(month_idx, year=window == "year").label
