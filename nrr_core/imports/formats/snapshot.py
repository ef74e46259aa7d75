"""Snapshot exports (one row per subscription, as it stands today) -> service-period lines.

Used by the Stripe, Chargebee, Recurly and Baremetrics subscription exports.
Each format reads its row into a ``Subscription`` (its own status words mapped
to ``LIVE``, ``TRIAL``, ``ENDED`` or ``NEVER``), then ``to_lines`` applies the
one set of rules:

- **Start**: the subscription's start, or its trial end if later: a trial adds
  no MRR. A subscription still in trial (status trial, or a trial ending after
  the as-of month) gives no line, and neither does one that never started
  paying (``NEVER``: incomplete, failed, future starts after the as-of month),
  nor one that ended before its trial did.
- **End** (exclusive):
  - ``ENDED``: the date it ended (the format decides which column that is);
  - ``LIVE`` with a cancellation scheduled: the date the scheduled end takes
    effect, i.e. the current period's end. A cancel *request* date is never
    the end: MRR is kept until the paid period runs out;
  - ``LIVE`` and renewing: the later of the current period's end and the first
    day after the as-of month. An active subscription renews, so it keeps
    counting through the as-of month even when its period ended just before.
- **Amount**: the monthly rate (per-period price x quantity minus discounts,
  divided by the interval in months: ``year`` = 12 x count, ``week`` =
  count x 12/52, ``day`` = count x 12/365) times the month-first-days the line
  covers, so the loader's month rule gives back the monthly rate.
- **The as-of month** is the caller's, else the month of the latest current
  period start in the export (a current period always starts on or before the
  day of the export), else of the latest start. A renewing line is split at
  the as-of month's first day, so the last line starts in the as-of month and
  the loader's default as-of (the latest line start) is the export's.
- An end before the start is an error on the subscription's line.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...errors import InputError
from ..invoice_lines import Line
from ..periods import first_days_covered, first_of, month_idx, months_between
from ..values import MONTHS_PER_UNIT, Cells
from .base import Result

LIVE, TRIAL, ENDED, NEVER = "live", "trial", "ended", "never"


@dataclass(slots=True)
class Subscription:
    file: str
    line: int
    customer_id: str
    state: str  # LIVE, TRIAL, ENDED or NEVER
    start: dt.date
    monthly: float
    currency: str
    product: str = ""
    trial_end: dt.date | None = None
    end: dt.date | None = None  # ENDED: when it ended; LIVE: a scheduled end, if any
    current_period_start: dt.date | None = None
    current_period_end: dt.date | None = None


def monthly_rate(per_period: float, unit: str, count: int) -> float:
    """MRR of a price billed every ``count`` ``unit``s."""
    return per_period / (MONTHS_PER_UNIT[unit] * count)


def interval_from_period(cells: Cells, unit: str | None, count: int | None,
                         period_start: dt.date | None, period_end: dt.date | None,
                         what: str) -> tuple[str, int]:
    """The billing interval: the export's own when given, else the current period's length in months.

    ``unit`` without ``count``: the count comes from the current period when it
    is a whole number of that unit (a quarterly Stripe price is ``month`` with a
    three-month current period), else 1.
    """
    if unit is not None and count is not None:
        return unit, count
    months = months_between(period_start, period_end) if period_start and period_end else None
    if unit is None:
        if months is None:
            raise cells.fail(f"cannot tell the billing interval: no interval column and the current period "
                             f"({what}) is not a whole number of months")
        return ("year", months // 12) if months % 12 == 0 else ("month", months)
    if months is not None and unit in ("month", "year"):
        per = 12 if unit == "year" else 1
        if months % per == 0:
            return unit, months // per
    return unit, 1


def default_as_of(subs: list[Subscription]) -> dt.date | None:
    """First day of the as-of month: the latest current period start, else the latest start."""
    starts = [s.current_period_start for s in subs if s.current_period_start]
    if not starts:
        starts = [s.start for s in subs]
    return first_of(month_idx(max(starts))) if starts else None


def to_lines(subs: list[Subscription], as_of: dt.date | None, result: Result) -> None:
    """Append each subscription's lines to ``result`` and count what adds no MRR in its notes."""
    as_of = as_of or default_as_of(subs)
    result.as_of = as_of
    if as_of is None:
        return
    as_of_first = first_of(month_idx(as_of))
    after_as_of = first_of(month_idx(as_of) + 1)
    trials = never = empty = later = scheduled = ended_in_trial = 0
    lines = result.lines
    for s in subs:
        if s.state == TRIAL:
            trials += 1
            continue
        if s.state == NEVER:
            never += 1
            continue
        begin = max(s.start, s.trial_end) if s.trial_end else s.start
        if s.state == ENDED:
            end = s.end
        elif s.end is not None:
            end = s.end
            scheduled += 1
        else:
            end = max(s.current_period_end or after_as_of, after_as_of)
        if end < s.start:
            raise InputError(s.file, s.line, f"the subscription ends ({end.isoformat()}) before it starts "
                                             f"({s.start.isoformat()})")
        if end <= begin and s.end is not None:  # cancelled before its trial ended: it never paid
            ended_in_trial += 1
            continue
        if begin >= after_as_of:
            if s.trial_end and s.trial_end >= after_as_of:
                trials += 1
            else:
                later += 1
            continue
        if s.state == LIVE and s.end is None and begin < as_of_first:
            pieces = ((begin, as_of_first), (as_of_first, end))
        else:
            pieces = ((begin, end),)
        wrote = False
        for a, b in pieces:
            n = first_days_covered(a, b)
            if n:
                lines.append(Line(s.customer_id, s.product, "subscription", a, b, s.monthly * n, s.currency, False))
                wrote = True
        if not wrote:
            empty += 1
    notes = result.notes
    notes.append(f"as-of month {as_of_first.isoformat()[:7]}: renewing subscriptions count through it")
    if trials:
        notes.append(f"{trials} subscription(s) still in trial add no MRR")
    if ended_in_trial:
        notes.append(f"{ended_in_trial} subscription(s) ended during their trial and add no MRR")
    if never:
        notes.append(f"{never} subscription(s) that never started paying add no MRR")
    if later:
        notes.append(f"{later} subscription(s) starting after the as-of month are left out")
    if scheduled:
        notes.append(f"{scheduled} live subscription(s) with a scheduled cancellation end at their period end")
    if empty:
        notes.append(f"{empty} subscription(s) cover no month's first day and add no MRR")
