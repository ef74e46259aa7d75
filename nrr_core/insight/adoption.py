"""Early adoption against retention, per start cohort (quarter of first revenue).

Seats adopted after 60 / 90 days = active users ÷ licensed seats in the month
2 / 3 months after the first revenue month (the month itself is month 0);
the cohort's figure is the mean over its accounts with signals that month.
Retention a year on compares the accounts at or above ``early_share`` after
``early_months`` months with those below, each over its eligible accounts
(first revenue at least 12 months before the as-of month, utilisation known):
logo retention = share active 12 months after start; revenue retention =
Σ MRR 12 months after start ÷ Σ MRR in the start month.
"""
from __future__ import annotations

import math

import pandas as pd

from ..filters import Filters
from .rules import DEFAULT_RULES, JourneyRules
from .starts import start_accounts

COLUMNS = ["cohort", "accounts", "measured_60d", "adopted_60d", "measured_90d", "adopted_90d",
           "above_accounts", "above_logo_retention", "above_revenue_retention",
           "below_accounts", "below_logo_retention", "below_revenue_retention"]


def _retention(part: pd.DataFrame) -> tuple[int, float, float]:
    n = len(part)
    if not n:
        return 0, math.nan, math.nan
    start = part.start_mrr.sum()
    return n, float((part.mrr_12 > 0).mean()), float(part.mrr_12.sum() / start) if start else math.nan


def _row(name: str, part: pd.DataFrame, rules: JourneyRules) -> dict:
    m60, m90 = part.util_60d.dropna(), part.util_90d.dropna()
    known = part[part.eligible & part.util_early.notna()]
    above = known[known.util_early >= rules.early_share]
    below = known[known.util_early < rules.early_share]
    na, la, ra = _retention(above)
    nb, lb, rb = _retention(below)
    return {"cohort": name, "accounts": len(part),
            "measured_60d": len(m60), "adopted_60d": float(m60.mean()) if len(m60) else math.nan,
            "measured_90d": len(m90), "adopted_90d": float(m90.mean()) if len(m90) else math.nan,
            "above_accounts": na, "above_logo_retention": la, "above_revenue_retention": ra,
            "below_accounts": nb, "below_logo_retention": lb, "below_revenue_retention": rb}


def early_adoption(con, filters: Filters | None, month: str, rules: JourneyRules | None = None) -> pd.DataFrame:
    """One row per start quarter and a last "All" row (``COLUMNS``): accounts
    started, how many had utilisation measured at 60 / 90 days and its mean,
    and the eligible accounts above and below the early-adoption threshold
    with their 12-month logo and revenue retention (NaN where none)."""
    rules = rules or DEFAULT_RULES
    # Only the figures' columns: slicing the account names and attributes per cohort costs more than the sums.
    starts = start_accounts(con, filters, month, rules)[
        ["start_quarter", "util_60d", "util_90d", "util_early", "eligible", "start_mrr", "mrr_12"]]
    rows = [_row(q, part, rules) for q, part in starts.groupby("start_quarter", sort=True)]
    if len(starts):
        rows.append(_row("All", starts, rules))
    return pd.DataFrame(rows, columns=COLUMNS)
