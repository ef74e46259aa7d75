"""Calendar months as integers.

Every table stores a month as ``month_idx = year * 12 + (month - 1)``, so that
"the previous month" is ``idx - 1`` and "twelve months earlier" is ``idx - 12``
with plain integer arithmetic. These helpers convert at the edges only.
"""
from __future__ import annotations

import re

from .errors import NrrError

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


def to_idx(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def parse_month(text: str, *, what: str = "month") -> int:
    """``'2024-07'`` (or ``'2024-07-01'``) -> month index; NrrError otherwise."""
    m = _MONTH.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise NrrError(f"{what} {text!r} is not a month like 2024-07")
    return to_idx(int(m.group(1)), int(m.group(2)))


def label(idx: int) -> str:
    """Month index -> ``'YYYY-MM'``."""
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def long_label(idx: int) -> str:
    """Month index -> ``'Sep 2026'`` for captions."""
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return f"{names[idx % 12]} {idx // 12}"


def quarter_label(idx: int) -> str:
    """Month index -> ``'2026-Q3'``."""
    return f"{idx // 12}-Q{idx % 12 // 3 + 1}"
