"""Every NRR definition of metrics.md "NRR by other definitions", per month.

All of them come from three small results: the monthly movements
(``metrics.movements``), the twelve-month retention (``metrics.nrr_trend``) and
the reactivation of each month's base (``sql/variants/base_reactivation.sql``).
With m a month, S = MRR twelve months earlier (= the base's MRR then), mv(k)
the expansion + cross-sell + contraction + churn of month k and start(k) the
MRR of the month before k:

- nrr, grr: the retention report's figures;
- nrr_excluding_reactivation = (base's MRR at m − base's reactivation over
  m−11..m) / S;
- nrr_arr_bridge = (S + Σ_{k=m−11..m} mv(k)) / S;
- r(k) = (start(k) + mv(k)) / start(k), the month's net retention of the
  accounts active the month before; nrr_monthly_chained = Π_{k=m−11..m} r(k);
- nrr_last_month = r(m); nrr_last_month_annualised = r(m)^12.

A month without a month twelve earlier in the data has no row. A variant
with no base (S = 0, or a month before that is empty) is NaN, never 0 or 1.
"""
from __future__ import annotations

import math

import pandas as pd

from .. import db, metrics
from ..filters import Filters
from ..months import label, parse_month
from .catalogue import KEYS, VARIANTS

# The movements of accounts active the month before (no new logos, no reactivation).
KEPT_MOVES = ("expansion", "cross_sell", "contraction", "churn")
MONTHS = 12


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def trend(con, filters: Filters | None = None, to_month: str | None = None) -> pd.DataFrame:
    """Each definition per month: columns month, then one per key of
    ``catalogue.KEYS`` in order (fractions, NaN where there is no base), then
    base_mrr (S). One row per month with a month twelve earlier in the data,
    up to ``to_month`` (default the as-of month)."""
    params = (filters or Filters()).to_params()
    moves = metrics.movements(con, filters)
    retention = metrics.nrr_trend(con, filters).set_index("month")
    react = db.run(con, "variants/base_reactivation", params)
    base_react = {label(int(i)): float(v) for i, v in zip(react.month_idx, react.base_reactivation)}
    months = list(moves.month)
    start = moves.starting_mrr.astype(float).tolist()
    end = moves.ending_mrr.astype(float).tolist()
    kept = moves[list(KEPT_MOVES)].sum(axis=1).astype(float).tolist()
    rate = [_ratio(s + k, s) for s, k in zip(start, kept)]
    rows = []
    for i in range(MONTHS, len(months)):
        month = months[i]
        if to_month is not None and month > to_month:
            break
        base = end[i - MONTHS]
        window = range(i - MONTHS + 1, i + 1)
        row = {"month": month, **dict.fromkeys(KEYS, math.nan), "base_mrr": base}
        if month in retention.index:
            r = retention.loc[month]
            row["nrr"], row["grr"] = float(r.nrr), float(r.grr)
            row["nrr_excluding_reactivation"] = _ratio(float(r.retained_mrr) - base_react.get(month, 0.0),
                                                       float(r.base_mrr))
        row["nrr_arr_bridge"] = _ratio(base + sum(kept[k] for k in window), base)
        chained = [rate[k] for k in window]
        row["nrr_monthly_chained"] = math.prod(chained) if not any(math.isnan(v) for v in chained) else math.nan
        row["nrr_last_month"] = rate[i]
        row["nrr_last_month_annualised"] = rate[i] ** MONTHS
        rows.append(row)
    return pd.DataFrame(rows, columns=["month", *KEYS, "base_mrr"])


def values(con, filters: Filters | None, month: str) -> dict[str, float | None]:
    """Every definition at ``month`` (key -> fraction, None where there is no
    base or no month twelve earlier in the data), in ``catalogue.KEYS`` order."""
    found = trend(con, filters, month)
    found = found[found.month == label(parse_month(month))]
    if found.empty:
        return dict.fromkeys(KEYS)
    row = found.iloc[0]
    return {key: (None if math.isnan(row[key]) else float(row[key])) for key in KEYS}


def table(con, filters: Filters | None, month: str) -> pd.DataFrame:
    """The definitions report: one row per key in order. Columns definition,
    value (NaN where no base), label, points_vs_nrr (the difference from our
    headline in percentage points), formula, used_by."""
    found = values(con, filters, month)
    nrr = found["nrr"]
    return pd.DataFrame({
        "definition": list(KEYS),
        "value": [math.nan if found[k] is None else found[k] for k in KEYS],
        "label": [v.label for v in VARIANTS],
        "points_vs_nrr": [math.nan if found[k] is None or nrr is None else (found[k] - nrr) * 100 for k in KEYS],
        "formula": [v.formula for v in VARIANTS],
        "used_by": [v.used_by for v in VARIANTS],
    })
