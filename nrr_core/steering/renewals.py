"""The renewal calendar: the selected accounts' next renewals by month and by
quarter, with their ARR, where they stand on the review board (the risk
band), their latest review decision (and forecast call, where the decisions
store has one), and the expected outcome from the forecast hook.

"Today" is the day after the as-of month (as on the review board), so the
calendar of a past month reads as it did then. The next 90 and 180 days are
highlighted: a renewal's ``window`` is "next 90 days" (0–90 days away),
"next 180 days" (91–180), "later", or "date passed" (a renewal date before
today that the data has not moved on).

**Forecast hook.** ``expected`` is a DataFrame (account_id, expected_mrr):
each account's expected MRR after its renewal, wired to ``nrr_core.forecast``
by the caller. With it, rows and buckets get expected_arr (12 × expected_mrr)
and expected_change (expected_arr − arr); without it those columns are absent.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import db
from ..filters import Filters
from ..frames import member_of
from ..metrics import MONTHS_PER_YEAR
from ..months import parse_month, quarter_label
from ..review._common import today_after

WINDOWS = ((90, "next 90 days"), (180, "next 180 days"))
LATER, PASSED = "later", "date passed"
BANDS = {"risk": "At risk", "expansion": "Expansion candidate", None: "Not on the board"}
# The decisions store's optional column (added by the forecast branch): shown when present.
FORECAST_CALL = "forecast_call"


def window_of(days) -> str:
    """The highlight of a renewal ``days`` away from today."""
    if days < 0:
        return PASSED
    for limit, name in WINDOWS:
        if days <= limit:
            return name
    return LATER


@dataclass(frozen=True)
class Calendar:
    """``accounts``: one row per renewal (account_id, name, segment, region,
    csm_owner, renewal_date, renewal_month, renewal_quarter, arr,
    days_to_renewal, window, risk_band, risk_score, decision_status,
    decision_recorded_at, [forecast_call], [expected_arr, expected_change]);
    ``by_month`` and ``by_quarter``: one row per bucket (``bucket``, accounts,
    arr, at_risk_accounts, at_risk_arr, next_90_arr, next_180_arr, window: the
    nearest highlight of a renewal in it, [expected_arr, expected_change])."""

    today: object
    accounts: pd.DataFrame
    by_month: pd.DataFrame
    by_quarter: pd.DataFrame
    has_forecast_call: bool
    has_expected: bool

    def month_accounts(self, bucket: str) -> pd.DataFrame:
        """The renewals of one month ('YYYY-MM') or quarter ('2026-Q4'), largest ARR first."""
        column = "renewal_quarter" if "-Q" in bucket else "renewal_month"
        rows = self.accounts[self.accounts[column] == bucket]
        return rows.sort_values(["arr", "account_id"], ascending=[False, True]).reset_index(drop=True)


def renewal_accounts(con, filters: Filters | None, month: str) -> pd.DataFrame:
    """The selected accounts with a renewal date and revenue at ``month``:
    account_id, name, segment, region, csm_owner, renewal_date, arr,
    days_to_renewal (from the day after ``month``), renewal_month,
    renewal_quarter, window."""
    idx = parse_month(month)
    frame = db.run(con, "steering/renewals", {**(filters or Filters()).to_params(), "month_idx": idx,
                                              "today": today_after(idx)})
    dates = pd.to_datetime(frame.renewal_date)
    frame["renewal_month"] = dates.dt.strftime("%Y-%m")
    frame["renewal_quarter"] = [quarter_label(d.year * 12 + d.month - 1) for d in dates]
    frame["window"] = frame.days_to_renewal.map(window_of)
    return frame


def _buckets(rows: pd.DataFrame, key: str, has_expected: bool) -> pd.DataFrame:
    work = rows.assign(at_risk=rows.risk_band == BANDS["risk"],
                       next_90_arr=rows.arr.where(rows.window == WINDOWS[0][1], 0.0),
                       next_180_arr=rows.arr.where(rows.window.isin([w for _, w in WINDOWS]), 0.0))
    work["at_risk_arr"] = work.arr.where(work.at_risk, 0.0)
    sums = {"accounts": ("account_id", "count"), "arr": ("arr", "sum"), "at_risk_accounts": ("at_risk", "sum"),
            "at_risk_arr": ("at_risk_arr", "sum"), "next_90_arr": ("next_90_arr", "sum"),
            "next_180_arr": ("next_180_arr", "sum"), "nearest": ("days_to_renewal", "min")}
    if has_expected:
        sums["expected_arr"] = ("expected_arr", "sum")
    out = work.groupby(key, as_index=False).agg(**sums).rename(columns={key: "bucket"})
    out["at_risk_accounts"] = out.at_risk_accounts.astype(int)
    out["window"] = out.pop("nearest").map(window_of)
    if has_expected:
        out["expected_change"] = out.expected_arr - out.arr
    return out.sort_values("bucket").reset_index(drop=True)


def assemble_calendar(accounts: pd.DataFrame, month: str, *, at_risk: pd.DataFrame | None = None,
                      expansion: pd.DataFrame | None = None, latest: pd.DataFrame | None = None,
                      expected: pd.DataFrame | None = None) -> Calendar:
    """The calendar from ``renewal_accounts`` rows, the review board's lists at
    the same month (``Board.at_risk``, ``Board.expansion``: the risk band and
    risk score), the latest decisions (``DecisionStore.latest``; its
    ``forecast_call`` column is carried when the store has one) and the
    forecast hook ``expected`` (account_id, expected_mrr; optional)."""
    rows = accounts.copy()
    band = pd.Series(BANDS[None], index=rows.index)
    score = pd.Series(float("nan"), index=rows.index)
    for kind, frame in (("expansion", expansion), ("risk", at_risk)):
        if frame is not None and len(frame):
            hit = member_of(rows.account_id, frame.account_id)
            band = band.mask(hit, BANDS[kind])
            if kind == "risk":
                score = rows.account_id.map(dict(zip(frame.account_id, frame.risk_score))).astype("float64")
    rows["risk_band"] = band
    rows["risk_score"] = score
    latest = latest if latest is not None else pd.DataFrame(columns=["account_id", "status", "recorded_at"])
    by_id = latest.set_index("account_id") if len(latest) else None
    rows["decision_status"] = rows.account_id.map(by_id.status) if by_id is not None else None
    rows["decision_recorded_at"] = rows.account_id.map(by_id.recorded_at) if by_id is not None else None
    has_call = FORECAST_CALL in latest.columns
    if has_call:
        rows[FORECAST_CALL] = rows.account_id.map(by_id[FORECAST_CALL]) if by_id is not None else None
    has_expected = expected is not None
    if has_expected:
        exp = expected.set_index(expected.account_id.astype(str)).expected_mrr.astype(float)
        rows["expected_arr"] = rows.account_id.map(exp) * MONTHS_PER_YEAR
        rows["expected_change"] = rows.expected_arr - rows.arr
    return Calendar(today_after(month), rows.reset_index(drop=True), _buckets(rows, "renewal_month", has_expected),
                    _buckets(rows, "renewal_quarter", has_expected), has_call, has_expected)


def renewal_calendar(con, filters: Filters | None, month: str, *, store=None,
                     expected: pd.DataFrame | None = None) -> Calendar:
    """The renewal calendar of the selected accounts at ``month`` (the as-of
    month), with the review board at that month, the latest decisions of
    ``store`` (a ``DecisionStore`` or None) and the forecast hook ``expected``."""
    from .. import review

    board = review.board(con, filters, month, store)
    return assemble_calendar(renewal_accounts(con, filters, month), month, at_risk=board.at_risk,
                             expansion=board.expansion,
                             latest=store.latest() if store is not None else None, expected=expected)
