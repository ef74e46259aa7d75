"""Human formats for money and ratios, shared by the app and its exports."""
from __future__ import annotations

import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value, symbol: str = "$", precise: bool = False) -> str:
    """``1234567`` -> ``'$1.23M'``; ``precise`` -> ``'$1,234,567'``. Negative with a minus sign."""
    if _missing(value):
        return "–"
    v = float(value)
    sign = "−" if v < 0 else ""
    v = abs(v)
    if precise or v < 1_000:
        return f"{sign}{symbol}{v:,.0f}"
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= div:
            q = v / div
            return f"{sign}{symbol}{q:,.{2 if q < 10 else 1 if q < 100 else 0}f}{suffix}"
    return f"{sign}{symbol}{v:,.0f}"


def percent(value, digits: int = 1) -> str:
    """``1.043`` -> ``'104.3%'``; None/NaN -> ``'–'``."""
    if _missing(value):
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def points(value, digits: int = 1) -> str:
    """A change of a ratio in percentage points: ``0.012`` -> ``'+1.2 pts'``."""
    if _missing(value):
        return "–"
    v = float(value) * 100
    return f"{'+' if v >= 0 else '−'}{abs(v):.{digits}f} pts"
