"""After the board: the churn retrospective, ARR at risk rolled up, executive
sponsor coverage, an account's signals and the decision log."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..errors import NrrError
from ..filters import Filters
from ..metrics import book_info
from ._common import _month_idx, _ratio, _run
from .calibration import Scorecard, scorecard_at
from .decisions import RISK_STATUSES, DecisionStore, no_decisions, shown_time


def retrospective(con, filters: Filters | None, from_month: str | int, to_month: str | int,
                  store: DecisionStore | None = None, scorecard: Scorecard | None = None) -> tuple[pd.DataFrame, dict]:
    """Churned and contracted accounts in the window, and whether each was flagged.

    Rows (largest loss first): account_id, name, segment, csm_owner,
    first_loss_month, kind (churn or contraction), lost_arr (ARR lost by churn
    and contraction in the window), arr_before (ARR the month before the first
    loss), score_before (point-in-time risk score that month, with
    ``scorecard``'s points; by default the scorecard in force the month
    before the window, so nothing after it shaped the score), flagged_by_score
    (score_before ≥ the scorecard's risk threshold), flagged_in_review (an "at risk" or "watch"
    decision recorded before the first day of the first loss month),
    flagged_on (when).

    Summary: accounts, lost_arr, churned_accounts, surprise_accounts and
    surprise_share (share of lost ARR not flagged in a review beforehand),
    score_caught_share (share of lost ARR whose account the score flagged the
    month before), risk_threshold (the score that counted as flagged),
    reviews_before_window (decisions of any status recorded on
    the selected accounts before the window's first day). When
    reviews_before_window is 0 no review could have flagged anything, so the
    surprise figures say nothing about the reviews: show that instead of them.
    """
    lo, hi = _month_idx(from_month), _month_idx(to_month)
    card = scorecard or scorecard_at(con, book_info(con).load_id, lo - 1)
    params = {**(filters or Filters()).to_params(), "from_idx": lo, "to_idx": hi, "weights": card.weights()}
    frame = _run(con, "review/churn_retro", params)
    history = store.every() if store is not None else no_decisions()
    window_start = _month_start(lo)
    earlier = [aid for aid, at in zip(history.account_id, history.recorded_at)
               if dt.datetime.fromisoformat(at) < window_start]
    reviews_before = 0
    if earlier:  # (the selection's ids are read only when there is something to count: 100k names cost 0.3 s)
        selected = set(_run(con, "review/account_names", (filters or Filters()).to_params()).account_id.tolist())
        reviews_before = sum(1 for aid in earlier if aid in selected)
    flagged_on = []
    risky = history[history.status.isin(RISK_STATUSES)]
    first_by_account = {aid: list(group.recorded_at) for aid, group in risky.groupby("account_id")}
    for aid, first_idx in zip(frame.account_id, frame.first_loss_idx):
        start = _month_start(int(first_idx))
        before = [t for t in first_by_account.get(aid, []) if dt.datetime.fromisoformat(t) < start]
        flagged_on.append(min(before)[:10] if before else None)
    frame["flagged_on"] = flagged_on
    frame["flagged_in_review"] = frame.flagged_on.notna()
    frame["flagged_by_score"] = (frame.score_before >= card.risk_threshold).fillna(False).astype(bool)
    frame = frame.drop(columns=["first_loss_idx", "lost_mrr"])
    lost = float(frame.lost_arr.sum())
    summary = {
        "accounts": len(frame), "lost_arr": lost,
        "churned_accounts": int((frame.kind == "churn").sum()),
        "surprise_accounts": int((~frame.flagged_in_review).sum()),
        "surprise_share": _ratio(frame.lost_arr[~frame.flagged_in_review].sum(), lost),
        "risk_threshold": int(card.risk_threshold),
        "score_caught_share": _ratio(frame.lost_arr[frame.flagged_by_score].sum(), lost),
        "reviews_before_window": reviews_before,
    }
    return frame, summary


def _month_start(idx: int) -> dt.datetime:
    """Midnight UTC on the first day of month index ``idx``."""
    return dt.datetime(idx // 12, idx % 12 + 1, 1, tzinfo=dt.timezone.utc)


def at_risk_rollup(at_risk: pd.DataFrame, by: str) -> pd.DataFrame:
    """ARR of the board's at-risk accounts by ``by`` ("department": the owning
    department of the latest decision, "No decision yet" where none; or
    "csm_owner"). Columns: value, accounts, arr, share (of the at-risk ARR);
    largest first."""
    column = {"department": "decision_department", "csm_owner": "csm_owner"}.get(by)
    if column is None:
        raise NrrError(f"cannot roll up by {by!r}: use department or csm_owner")
    missing = "No decision yet" if by == "department" else "(none)"
    values = at_risk[column].fillna(missing).replace("", missing)
    grouped = at_risk.assign(value=values).groupby("value", as_index=False).agg(
        accounts=("account_id", "count"), arr=("arr", "sum"))
    total = grouped.arr.sum()
    grouped["share"] = grouped.arr / total if total else 0.0
    return grouped.sort_values(["arr", "value"], ascending=[False, True]).reset_index(drop=True)


def sponsor_coverage(con, filters: Filters | None, month: str | int) -> tuple[pd.DataFrame, dict]:
    """Executive-sponsor coverage of the top accounts that make up 80 % of the
    selection's ARR at ``month``.

    Rows: those top accounts *without* a sponsor, largest first: account_id,
    name, segment, csm_owner, executive_sponsor, arr, rank (1 = largest of all
    the top accounts, sponsored or not), arr_share (the account's own share of
    the selection's ARR), cumulative_share (running share of the selection's
    ARR over *all* top accounts down to this one: it jumps between listed rows
    where sponsored accounts sit between them) and uncovered_share (running
    share of the selection's ARR over the listed rows only: the ARR at the top
    without a sponsor, down to this row).
    Summary: accounts (all top accounts), with_sponsor, account_share, arr,
    arr_with_sponsor, arr_share.
    """
    params = {**(filters or Filters()).to_params(), "month_idx": _month_idx(month)}
    frame = _run(con, "review/sponsor_coverage", params)
    covered = frame.executive_sponsor.notna()
    summary = {"accounts": len(frame), "with_sponsor": int(covered.sum()),
               "account_share": _ratio(covered.sum(), len(frame)),
               "arr": float(frame.arr.sum()), "arr_with_sponsor": float(frame.arr[covered].sum()),
               "arr_share": _ratio(frame.arr[covered].sum(), frame.arr.sum())}
    uncovered = frame[~covered].reset_index(drop=True)
    uncovered["uncovered_share"] = uncovered.arr_share.cumsum()
    return uncovered, summary


def account_signals(con, account_id: str) -> pd.DataFrame:
    """One account's signals by month: month, seats_licensed, active_users,
    utilisation, support_tickets, nps (NaN where not recorded)."""
    return _run(con, "review/account_signals", {"account_id": str(account_id)})


def decision_log(con, filters: Filters | None, store: DecisionStore) -> pd.DataFrame:
    """Every recorded decision on the selected accounts, newest first.

    Columns: recorded_at (ISO 8601, UTC), recorded (the same as shown on
    screen: "2026-12-01 10:40 UTC"), account_id, name, segment, csm_owner,
    status, department, next_action, action_owner, due_date, note,
    recorded_by, book_month. Decisions on accounts no longer in the book are
    left out.
    """
    names = _run(con, "review/account_names", (filters or Filters()).to_params())
    log = store.every().merge(names, on="account_id", how="inner")
    log["recorded"] = log.recorded_at.map(shown_time).astype(object)
    columns = ["recorded_at", "recorded", "account_id", "name", "segment", "csm_owner", "status", "department",
               "next_action", "action_owner", "due_date", "note", "recorded_by", "book_month"]
    return log.sort_values("id", ascending=False)[columns].reset_index(drop=True)
