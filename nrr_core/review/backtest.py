"""The back-test: how well the point-in-time scores ranked accounts in past
months, pooled, month by month, and factor by factor."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..filters import Filters
from ..metrics import book_info
from ..months import label
from ._common import _month_idx, _ratio, _run
from .calibration import FIRST_SCORED, Scorecard, calibrate, factor_counts, factor_rate, scorecard_at
from .factors import FACTORS, HORIZON, TOP_K, TOP_SHARE


@dataclass(frozen=True)
class Backtest:
    """How well the point-in-time scores ranked accounts in past months.

    ``summary``: pooled over the scoring months (keys below); ``monthly``: one
    row per scoring month (month, accounts, base_rate, top_rate, lift,
    precision_at_k, caught_share); ``factors``: each factor alone (factor, key,
    kind, points, share, rate_with, rate_without, lift; for risk factors the
    rate is of churn or contraction, for expansion factors of expansion);
    ``scorecard``: the points ranked by.
    """

    from_month: str
    to_month: str
    horizon: int
    summary: dict
    monthly: pd.DataFrame
    factors: pd.DataFrame
    scorecard: Scorecard


def scored_months(con, filters: Filters | None, lo: int, hi: int, horizon: int, scorecard: Scorecard,
                  top_share: float = TOP_SHARE, top_k: int = TOP_K) -> pd.DataFrame:
    """``score_backtest.sql``: one row per scoring month lo..hi, the selected
    accounts ranked by ``scorecard``'s point-in-time points."""
    params = {**(filters or Filters()).to_params(), "from_idx": int(lo), "to_idx": int(hi),
              "horizon": int(horizon), "weights": scorecard.weights(), "top_share": float(top_share),
              "top_k": int(top_k), "risk_threshold": scorecard.risk_threshold,
              "expansion_threshold": scorecard.expansion_threshold}
    return _run(con, "review/score_backtest", params)


def summarise(monthly: pd.DataFrame, top_k: int = TOP_K, top_share: float = TOP_SHARE) -> dict:
    """The pooled figures of ``scored_months`` rows (keys: see ``backtest``)."""
    t = monthly.sum(numeric_only=True)
    summary = {
        "months": len(monthly), "account_months": int(t.accounts), "top_k": int(top_k), "top_share": top_share,
        "base_lost_rate": _ratio(t.lost_accounts, t.accounts),
        "top_lost_rate": _ratio(t.top_lost, t.top_accounts),
        "base_churn_rate": _ratio(t.churned_accounts, t.accounts),
        "top_churn_rate": _ratio(t.top_churned, t.top_accounts),
        "precision_at_k": _ratio(t.topk_lost, t.topk_accounts),
        "caught_share": _ratio(t.top_lost_mrr, t.lost_mrr),
        "lost_mrr": float(t.lost_mrr), "top_lost_mrr": float(t.top_lost_mrr),
        "flagged_share": _ratio(t.flagged_accounts, t.accounts),
        "flagged_precision": _ratio(t.flagged_lost, t.flagged_accounts),
        "flagged_caught_share": _ratio(t.flagged_lost_mrr, t.lost_mrr),
        "base_grew_rate": _ratio(t.grew_accounts, t.accounts),
        "top_grew_rate": _ratio(t.exp_top_grew, t.top_accounts),
        "expansion_precision_at_k": _ratio(t.exp_topk_grew, t.exp_topk_accounts),
        "expansion_caught_share": _ratio(t.exp_top_gained_mrr, t.gained_mrr),
    }
    summary["lift"] = _ratio(summary["top_lost_rate"], summary["base_lost_rate"])
    summary["churn_lift"] = _ratio(summary["top_churn_rate"], summary["base_churn_rate"])
    summary["expansion_lift"] = _ratio(summary["top_grew_rate"], summary["base_grew_rate"])
    return summary


def factor_rates(counts: pd.DataFrame, scorecard: Scorecard) -> pd.DataFrame:
    """Each point-in-time factor on its own, from ``factor_counts`` rows:
    factor (label), key, kind, points (``scorecard``'s), share (of
    account-months where it held), rate_with, rate_without (churned or
    contracted for risk factors, expanded for expansion factors), lift."""
    return pd.DataFrame([{"factor": f.label, "key": f.key, "kind": f.kind, "points": int(scorecard.points[f.key]),
                          **factor_rate(counts, f)} for f in FACTORS if not f.live])


def backtest(con, filters: Filters | None, to_month: str | int, horizon: int = HORIZON,
             top_share: float = TOP_SHARE, top_k: int = TOP_K, scorecard: Scorecard | None = None) -> Backtest | None:
    """Rank the selected accounts by their score in every month from the
    seventh month of the data to ``to_month`` − ``horizon`` (scores from that
    month's data only), and count what happened in the ``horizon`` months
    after. None when the data has no such month. ``scorecard``: the points to
    rank by; by default the one in force at ``to_month`` (``calibrate``).

    Summary keys: months, account_months, base_lost_rate (share of accounts that
    churned or contracted), top_lost_rate (the same in the top ``top_share`` by
    risk score), lift (top ÷ base), base_churn_rate, top_churn_rate,
    churn_lift, precision_at_k (share lost among the ``top_k`` highest scores),
    caught_share (share of the lost MRR that was in the top group),
    flagged_share / flagged_precision / flagged_caught_share (accounts with a
    risk score ≥ the scorecard's risk threshold), and for the expansion score:
    base_grew_rate, top_grew_rate, expansion_lift, expansion_precision_at_k,
    expansion_caught_share.
    """
    scored = _scored(con, filters, to_month, horizon, top_share, top_k, scorecard)
    if scored is None:
        return None
    lo, hi, scorecard, monthly = scored
    factors = factor_rates(factor_counts(con, filters, lo, hi, horizon), scorecard)
    return Backtest(label(lo), label(hi), int(horizon), summarise(monthly, top_k, top_share), monthly_rates(monthly),
                    factors, scorecard)


def backtest_by_month(con, filters: Filters | None, to_month: str | int, horizon: int = HORIZON,
                      top_share: float = TOP_SHARE, top_k: int = TOP_K,
                      scorecard: Scorecard | None = None) -> pd.DataFrame | None:
    """``backtest``'s month-by-month table alone (its ``monthly``, what
    ``report backtest`` prints), without the pooled figures and the factors'
    own rates: those count every account-month again (a third of the time at
    100,000 accounts). None when the data has no month to back-test."""
    scored = _scored(con, filters, to_month, horizon, top_share, top_k, scorecard)
    return None if scored is None else monthly_rates(scored[3])


def _scored(con, filters: Filters | None, to_month: str | int, horizon: int, top_share: float, top_k: int,
            scorecard: Scorecard | None) -> tuple[int, int, Scorecard, pd.DataFrame] | None:
    """The back-test's first and last scoring months, its scorecard and its
    ``scored_months`` rows (see ``backtest``); None when there is no month."""
    info = book_info(con)
    hi = min(_month_idx(to_month), info.as_of_idx) - horizon
    lo = info.first_idx + FIRST_SCORED
    if hi < lo:
        return None
    if scorecard is None:
        in_force = min(_month_idx(to_month), info.as_of_idx)
        scorecard = (scorecard_at(con, info.load_id, in_force) if horizon == HORIZON
                     else calibrate(con, in_force, horizon).scorecard)
    monthly = scored_months(con, filters, lo, hi, horizon, scorecard, top_share, top_k)
    return None if monthly.empty else (lo, hi, scorecard, monthly)


def monthly_rates(monthly: pd.DataFrame) -> pd.DataFrame:
    """The month-by-month table of ``scored_months`` rows: month, accounts,
    base_rate, top_rate, precision_at_k, caught_share (NaN without lost MRR),
    lift (NaN where nothing was lost)."""
    per_month = pd.DataFrame({
        "month": [label(int(i)) for i in monthly.month_idx],
        "accounts": monthly.accounts.astype(int),
        "base_rate": monthly.lost_accounts / monthly.accounts,
        "top_rate": monthly.top_lost / monthly.top_accounts,
        "precision_at_k": monthly.topk_lost / monthly.topk_accounts,
        "caught_share": (monthly.top_lost_mrr / monthly.lost_mrr.where(monthly.lost_mrr > 0)),
    })
    per_month["lift"] = per_month.top_rate / per_month.base_rate.where(per_month.base_rate > 0)
    return per_month
