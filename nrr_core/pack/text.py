"""Plain text for the board pack: data values as safe text, months, periods,
bridge steps, changes, scores and dates in the words and formats the pack
prints. Nothing here is markup: the PDF writes every string verbatim."""
from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime

import pandas as pd

from ..formatting import money, points
from ..months import long_label, parse_month
from ..period import Period


def missing(value) -> bool:
    """None, NaN, NaT or pd.NA (list-likes are judged by pandas, as before)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list of several values
        return False


def plain(value) -> str:
    """Data text as safe plain text: a dash for missing values, control
    characters out, unpaired surrogates replaced; everything else verbatim."""
    if missing(value):
        return "–"
    if isinstance(value, (list, tuple)):
        return "; ".join(plain(v) for v in value)
    text = str(value).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            if ch in "\t\n\r":
                out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def headline_name(head: dict) -> str:
    """The headline tile's name: ``'NRR, trailing 12 months'`` for our
    definition, else the chosen definition's label (``head["label"]``)."""
    name = head.get("label", "NRR")
    return f"{name}, trailing 12 months" if name == "NRR" else name


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def month_words(month: str) -> str:
    """``'2026-10'`` -> ``'Oct 2026'``."""
    return long_label(parse_month(month))


def period_words(period: Period) -> str:
    """``'Aug 2026 – Oct 2026 (3 months)'`` or ``'Oct 2026 (1 month)'``."""
    if period.months == 1:
        return f"{month_words(period.to_month)} (1 month)"
    return f"{month_words(period.from_month)} – {month_words(period.to_month)} ({period.months} months)"


def step_text(step: str, value: float, currency: str = "$") -> str:
    """A bridge step as the pack prints it: totals plain, movements signed."""
    shown = money(value, currency, precise=True)
    return shown if step in ("starting_mrr", "ending_mrr") or value < 0 else "+" + shown


def span(period: Period) -> str:
    """``'Aug – Oct 2026'``, ``'Nov 2025 – Oct 2026'`` or ``'Oct 2026'``."""
    lo, hi = parse_month(period.from_month), parse_month(period.to_month)
    if lo == hi:
        return long_label(hi)
    if lo // 12 == hi // 12:
        return f"{long_label(lo)[:3]} – {long_label(hi)}"
    return f"{long_label(lo)} – {long_label(hi)}"


def change_since(value, previous, since: str, currency: str | None = None) -> str:
    """A change since ``since``: money with a sign when ``currency`` is given,
    else percentage points; ``'no figure for ...'`` when either is missing."""
    if value is None or previous is None:
        return f"no figure for {since}"
    if currency is not None:
        change = value - previous
        return f"{'+' if change >= 0 else ''}{money(change, currency)} vs {since}"
    return f"{points(value - previous)} vs {since}"


def score_text(value) -> str:
    """A review score: up to two decimals below 10, whole numbers above; text as is."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return plain(value)
    if math.isnan(v):
        return "–"
    return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:,.0f}"


def date_text(value) -> str:
    """A date, datetime or ISO text as ``YYYY-MM-DD``; other text shortened; a dash if missing."""
    if missing(value):
        return "–"
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return f"{value:%Y-%m-%d}"
    text = plain(value).strip()
    try:  # ISO text such as 2026-11-24T09:00:00+00:00
        return f"{datetime.fromisoformat(text):%Y-%m-%d}"
    except ValueError:
        return short(text, 20)
