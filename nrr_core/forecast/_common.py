"""Month arguments of the forecast functions."""
from __future__ import annotations

from ..months import parse_month


def month_index(month: str | int) -> int:
    """A month as ``'YYYY-MM'`` text or a month index, as a month index."""
    return month if isinstance(month, int) else parse_month(month)
