"""Service periods and the contract's month rule, on plain dates.

Month rule (data-contract.md, invoice-lines.csv): a line counts in month m
when ``start <= m's first day < end``; its monthly amount is the line's amount
divided by the number of month-first-days it covers. The converters use the
same rule backwards: a snapshot subscription in force from ``start`` to
``end`` at a monthly rate R becomes one line whose amount is R times the
first-days it covers, so the loader gives back R in each of those months.
"""
from __future__ import annotations

import datetime as dt


def month_idx(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def first_of(idx: int) -> dt.date:
    return dt.date(idx // 12, idx % 12 + 1, 1)


def first_days_covered(start: dt.date, end: dt.date) -> int:
    """How many month-first-days fall in ``[start, end)``."""
    first = month_idx(start) + (start.day != 1)
    last = month_idx(end) - (end.day == 1)
    return max(0, last - first + 1)


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months, the day clipped to the target month's length."""
    idx = month_idx(d) + months
    nxt = first_of(idx + 1)
    last_day = (nxt - dt.timedelta(days=1)).day
    return dt.date(idx // 12, idx % 12 + 1, min(d.day, last_day))


def add_interval(d: dt.date, unit: str, count: int) -> dt.date:
    """``d`` plus ``count`` intervals of ``unit`` (day, week, month, year)."""
    if unit == "day":
        return d + dt.timedelta(days=count)
    if unit == "week":
        return d + dt.timedelta(weeks=count)
    return add_months(d, count * (12 if unit == "year" else 1))


def months_between(start: dt.date, end: dt.date) -> int | None:
    """Whole months from ``start`` to ``end`` when ``end`` is that many months on (day clipped), else None."""
    k = month_idx(end) - month_idx(start)
    if k >= 1 and add_months(start, k) == end:
        return k
    return None


def period_end_on_or_after(start: dt.date, unit: str, count: int, when: dt.date) -> dt.date:
    """The first billing-period boundary (``start`` + k intervals, k ≥ 1) on or after ``when``.

    A cancellation takes effect there: the customer keeps the period paid for.
    """
    if unit in ("day", "week"):
        step = count * (7 if unit == "week" else 1)
        k = max(1, -(-(when - start).days // step))
        return start + dt.timedelta(days=k * step)
    step = count * (12 if unit == "year" else 1)
    k = max(1, (month_idx(when) - month_idx(start)) // step)
    end = add_months(start, k * step)
    while end < when:
        k += 1
        end = add_months(start, k * step)
    return end
