"""The review decisions in force at a month, as the forecast reads them."""
from __future__ import annotations

import pandas as pd

from ..months import label
from ..review.decisions import DecisionStore


def decisions_of(store: DecisionStore | None) -> pd.DataFrame | None:
    """Every decision of ``store`` (``DecisionStore.every``); None without a store."""
    return None if store is None else store.every()


def in_force(every: pd.DataFrame | None, month_idx: int) -> pd.DataFrame:
    """Per account, the decisions recorded for a book month up to ``month_idx``
    (a decision without a book month counts from any month), from ``every``
    (``decisions_of``): ``status`` of
    the latest one, and ``forecast_call``, the latest call made (a later
    decision without a call keeps the earlier call; None when none was made).
    Columns: account_id, status, forecast_call. Empty without a store."""
    empty = pd.DataFrame({"account_id": pd.Series(dtype=object), "status": pd.Series(dtype=object),
                          "forecast_call": pd.Series(dtype=object)})
    if every is None or every.empty:
        return empty
    month = label(int(month_idx))
    book = every.book_month.astype(object)
    every = every[book.isna() | (book.astype(str) <= month)].sort_values("id")
    if every.empty:
        return empty
    status = every.groupby("account_id", sort=True).status.last()
    calls = every[every.forecast_call.notna()].groupby("account_id").forecast_call.last()
    out = pd.DataFrame({"status": status}).join(calls.rename("forecast_call"), how="left")
    out["forecast_call"] = out.forecast_call.astype(object).where(out.forecast_call.notna(), None)
    return out.reset_index()
