"""The reporting period: an as-of month and a window of months ending at it."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import NrrError
from .months import label, long_label, parse_month

WINDOW_MONTHS = {"month": 1, "quarter": 3, "year": 12}
# The words shown in the app, which are also the values in its URLs (?window=Year).
WINDOW_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Year", "custom": "Custom"}


@dataclass(frozen=True)
class Period:
    """Months ``from_month..to_month`` (inclusive), ``to_month`` being the as-of month.

    ``window`` is month, quarter (3 months), year (12 months) or custom (from
    ``start``). Build it with ``Period.within`` so the window is clipped to the
    data: a window cannot start before the first month of data.
    """

    from_month: str
    to_month: str
    window: str = "quarter"

    @classmethod
    def within(cls, first_month: str, as_of: str, window: str = "quarter", start: str | None = None) -> "Period":
        first, hi = parse_month(first_month), parse_month(as_of)
        if window == "custom":
            lo = parse_month(start, what="start month") if start else hi - 2
            if lo > hi:
                raise NrrError(f"the window starts ({label(lo)}) after it ends ({label(hi)})")
        elif window in WINDOW_MONTHS:
            lo = hi - WINDOW_MONTHS[window] + 1
        else:
            raise NrrError(f"unknown window {window!r}")
        return cls(label(max(lo, first)), label(hi), window)

    @property
    def months(self) -> int:
        return parse_month(self.to_month) - parse_month(self.from_month) + 1

    def describe(self) -> str:
        """``'3 months to Sep 2026'`` or ``'Sep 2026'`` for a single month."""
        end = long_label(parse_month(self.to_month))
        if self.months == 1:
            return end
        return f"{self.months} months to {end}"

    def previous(self) -> "Period":
        """The window of the same length just before this one."""
        n = self.months
        hi = parse_month(self.from_month) - 1
        return Period(label(hi - n + 1), label(hi), self.window)

    def comparison_month(self) -> str:
        """The month this window's figures are compared with: the month before
        its first month, where its bridge starts (metrics.md, "Waterfall").

        A year earlier than the as-of month for a year window, a quarter for a
        quarter, a month for a month; for a custom window, the end of the month
        before its start. It may lie before the data (then there is no figure
        to compare with).
        """
        return label(parse_month(self.from_month) - 1)

    def comparison_words(self) -> str:
        """How far back ``comparison_month`` is, in words short enough for a
        tile's delta: ``'a year ago'``, ``'a quarter ago'``, ``'a month ago'``,
        or ``'window start'`` for a custom window or one clipped by the data's
        start."""
        if WINDOW_MONTHS.get(self.window) == self.months:
            return {"month": "a month ago", "quarter": "a quarter ago", "year": "a year ago"}[self.window]
        return "window start"
