"""The accounts that started inside the data, with the bands the early-adoption
and drivers views group them by, and their 12-month outcome from their own start.

The 12-month window is each account's own: from its first revenue month s to
s + 12. An account is *eligible* once s + 12 is not after the as-of month.
Accounts already active in the data's first month are left out: their real
start (and so their onboarding and first year) is before the data.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..filters import Filters
from ..months import parse_month, quarter_label
from .journey import _run, params
from .rules import DEFAULT_RULES, JourneyRules, size_band_labels, ttv_band_labels

NO_USAGE = "no usage data"


def start_accounts(con, filters: Filters | None, month: str, rules: JourneyRules | None = None) -> pd.DataFrame:
    """One row per account started inside the data by ``month`` (see sql/insight/start_accounts.sql),
    plus start_arr, eligible (12-month outcome known), size_band, products_band, ttv_band, early_band."""
    rules = rules or DEFAULT_RULES
    found = _run(con, "insight/start_accounts", params(filters, rules, month_idx=parse_month(month)))
    combos = _run(con, "insight/start_combos", {})
    row = np.searchsorted(combos.combo_key.to_numpy(), found.combo_key.to_numpy())
    frame = found[["account_id"]].copy()
    for column in ("segment", "region", "industry", "csm_owner", "extras"):
        frame[column] = combos[column].to_numpy(dtype=object)[row]
    frame["start_idx"] = found.start_idx
    starts = sorted(set(found.start_idx.tolist()))
    quarters = np.array([quarter_label(int(i)) for i in starts], dtype=object)
    frame["start_quarter"] = quarters[np.searchsorted(np.array(starts, dtype=int), found.start_idx.to_numpy())] \
        if starts else np.array([], dtype=object)
    frame = frame.join(found.drop(columns=["account_id", "combo_key", "start_idx"]))
    frame["start_arr"] = frame.start_mrr * 12
    frame["eligible"] = frame.mrr_12.notna()
    # Bands as codes into their labels (one label per band, not one string per account).
    size_labels = size_band_labels(rules.size_edges)
    frame["size_band"] = pd.Categorical.from_codes(
        np.searchsorted(np.array(rules.size_edges), frame.start_arr.to_numpy(dtype=float), "right"),
        categories=size_labels, ordered=True)
    products = frame.start_products.to_numpy(dtype=int)
    counts = sorted(set(products.tolist()))
    frame["products_band"] = pd.Categorical.from_codes(
        np.searchsorted(np.array(counts, dtype=int), products),
        categories=[f"{p} product line{'s' if p != 1 else ''} at start" for p in counts]).astype(object)
    ttv_labels = ttv_band_labels(rules.ttv_edges)
    ttv = frame.ttv.to_numpy(dtype=float)
    idx = np.where(np.isnan(ttv), len(rules.ttv_edges),
                   np.searchsorted(np.array(rules.ttv_edges, dtype=float), np.nan_to_num(ttv), "left"))
    frame["ttv_band"] = pd.Categorical.from_codes(idx.astype(int), categories=ttv_labels, ordered=True)
    above, below = early_band_labels(rules)
    util = frame.util_early.to_numpy(dtype=float)
    frame["early_band"] = np.where(np.isnan(util), NO_USAGE, np.where(util >= rules.early_share, above, below))
    return frame


def early_band_labels(rules: JourneyRules) -> tuple[str, str]:
    """(adopted early, did not), in words."""
    share = f"{rules.early_share * 100:.0f} %"
    days = rules.early_months * 30
    return (f"{share}+ of seats in use after {days} days", f"under {share} of seats in use after {days} days")
