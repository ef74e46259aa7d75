"""The account review board: risk and expansion scores, their back-test, the
churn retrospective and the roll-ups.

Scores are sums of points, one documented factor at a time (``FACTORS``), so
every account shows which factors it scored and by how much. The factor
inputs are built once per load (``account_health`` in ``sql/build_book.sql``)
from each account's own month and earlier months only. Two kinds of factor:

* **point-in-time** factors (usage, contraction, NPS, tickets, sponsor) can
  be computed for any past month, so the back-test ranks accounts by the
  score as it would have been computed then, and measures what happened next;
* **live** factors (renewal soon, no review lately) exist only for the current
  month: the data holds each account's *next* renewal date, not past ones (and
  a churned account has none, so using it for past months would leak the
  outcome), and review decisions are recorded from now on. The back-test
  leaves them out, and says so.

The executive sponsor is today's value for every month (the data has no
history of it).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import db
from .decisions import RISK_STATUSES, DecisionStore, no_decisions
from .errors import NrrError  # noqa: F401  (re-exported for callers)
from .filters import Filters
from .metrics import MOVEMENT_LABELS, book_info
from .months import label, parse_month


@dataclass(frozen=True)
class Factor:
    key: str
    kind: str          # "risk" or "expansion"
    points: int
    label: str         # what the board shows
    rule: str          # the exact rule, for the methodology
    live: bool = False  # only for the current month (not back-tested)


FACTORS: tuple[Factor, ...] = (
    Factor("usage_drop", "risk", 25, "Usage fell 20 %+ in 3 months",
           "seat utilisation or active users at least 20 % below their level 3 months earlier"),
    Factor("recent_contraction", "risk", 20, "Contracted in the last 3 months",
           "a contraction movement in this month or the 2 before"),
    Factor("low_utilisation", "risk", 15, "Seat utilisation below 50 %",
           "active users ÷ seats licensed below 0.5 this month"),
    Factor("detractor", "risk", 15, "NPS detractor",
           "the latest NPS response of the last 6 months is 0–6"),
    Factor("renewal_90", "risk", 15, "Renewal within 90 days",
           "the renewal date is 0–90 days after the as-of month", live=True),
    Factor("product_dropped", "risk", 10, "Dropped a product line",
           "fewer product lines than in one of the 6 previous months"),
    Factor("ticket_spike", "risk", 10, "Support-ticket spike",
           "3 or more tickets in the last 3 months, at least twice the 3-month average of the 6 months before"),
    Factor("top_without_sponsor", "risk", 10, "Top account without an executive sponsor",
           "among the accounts making up 80 % of the book's MRR, and no executive sponsor"),
    Factor("renewal_180", "risk", 8, "Renewal within 91–180 days",
           "the renewal date is 91–180 days after the as-of month", live=True),
    Factor("no_recent_review", "risk", 5, "No review in 180 days",
           "no decision recorded in the 180 days before the day after the as-of month", live=True),
    Factor("high_utilisation", "expansion", 30, "Seat utilisation 90 %+",
           "active users ÷ seats licensed at least 0.9 this month (seats running out)"),
    Factor("usage_growth", "expansion", 20, "Usage grew 15 %+ in 3 months",
           "seat utilisation or active users at least 15 % above 3 months earlier, and neither fell 20 %"),
    Factor("single_product", "expansion", 15, "One product line only (cross-sell)",
           "exactly one product line while the book sells two or more"),
    Factor("promoter", "expansion", 15, "NPS promoter",
           "the latest NPS response of the last 6 months is 9–10"),
    Factor("recent_expansion", "expansion", 10, "Expanded in the last 6 months",
           "an expansion or cross-sell movement in this month or the 5 before"),
)
FACTOR_BY_KEY = {f.key: f for f in FACTORS}
POINT_IN_TIME = tuple(f.key for f in FACTORS if not f.live)

RISK_THRESHOLD = 40       # risk score that puts an account on the board
EXPANSION_THRESHOLD = 45  # expansion score that makes a candidate
REVIEW_STALE_DAYS = 180
HORIZON = 3               # months after the scoring month the back-test watches
TOP_SHARE = 0.10          # the back-test's "top decile"
TOP_K = 50                # the back-test's precision@K

BOARD_COLUMNS = [
    "account_id", "name", "segment", "region", "industry", "csm_owner", "executive_sponsor", "arr", "nrr_12m",
    "last_movement", "last_movement_label", "last_movement_month", "renewal_date", "days_to_renewal",
    "renewal_flag", "risk_score", "expansion_score", "score", "reasons", "decision_status", "decision_department",
    "decision_action", "decision_owner", "decision_due", "decision_note", "decision_recorded_by",
    "decision_recorded_at", "reviews",
]
# The latest decision's fields (DecisionStore.latest) as the board names them.
DECISION_COLUMNS = {
    "status": "decision_status", "department": "decision_department", "next_action": "decision_action",
    "action_owner": "decision_owner", "due_date": "decision_due", "note": "decision_note",
    "recorded_by": "decision_recorded_by", "recorded_at": "decision_recorded_at",
}
# After those, for review mode and the CSV: each factor (True where it holds) and its inputs.
DETAIL_COLUMNS = [f.key for f in FACTORS] + ["utilisation", "usage_change", "tickets_3m", "tickets_before",
                                             "nps_latest", "products"]


def factor_table() -> pd.DataFrame:
    """The documented factors: score (risk or expansion), factor, points, rule,
    back_tested (False for the live factors)."""
    return pd.DataFrame([{"score": f.kind, "factor": f.label, "points": f.points, "rule": f.rule,
                          "back_tested": not f.live} for f in FACTORS])


def weights() -> dict[str, int]:
    """The point-in-time factors' points, bound as the SQL ``$weights`` STRUCT."""
    return {key: FACTOR_BY_KEY[key].points for key in POINT_IN_TIME}


def today_after(month: str | int) -> dt.date:
    """The day after ``month``: the data's "today" for renewal and review ages."""
    nxt = _month_idx(month) + 1
    return dt.date(nxt // 12, nxt % 12 + 1, 1)


def _month_idx(month: str | int) -> int:
    return month if isinstance(month, int) else parse_month(month)


def _run(con, name: str, params: dict) -> pd.DataFrame:
    try:
        return db.run(con, name, params)
    except Exception as exc:  # a book built before the review board existed
        if "account_health" in str(exc) or "account_scores" in str(exc) or "score_outcomes" in str(exc):
            raise NrrError("this database was built by an older version and has no account health data: "
                           "load the data again (python -m nrr_core load …), or delete the demo database to "
                           "have it generated afresh") from None
        raise


def candidates(con, filters: Filters | None, month: str | int) -> pd.DataFrame:
    """Every selected account with revenue in ``month``, with its point-in-time
    scores and factors: one row per account, largest MRR first.

    Columns: account_id, name, segment, region, industry, csm_owner,
    executive_sponsor, mrr, arr, nrr_12m, last_movement, last_movement_month,
    renewal_date, days_to_renewal (from the day after ``month``; NaN if no
    date), risk_score, expansion_score (point-in-time only), one boolean per
    point-in-time factor, and their inputs: utilisation, usage_change,
    tickets_3m, tickets_before, nps_latest, products.
    """
    idx = _month_idx(month)
    params = {**(filters or Filters()).to_params(), "month_idx": idx, "weights": weights(),
              "today": today_after(idx)}
    frame = _run(con, "review_board", params)
    frame["days_to_renewal"] = frame.days_to_renewal.astype("float64")  # NaN, not pd.NA, where no date
    return frame


def _live_points(frame: pd.DataFrame, latest: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Add the live factors (renewal, review age) as boolean columns."""
    days = frame.days_to_renewal
    frame["renewal_90"] = days.between(0, 90).fillna(False).astype(bool)
    frame["renewal_180"] = days.between(91, 180).fillna(False).astype(bool)
    cutoff = dt.datetime.combine(today - dt.timedelta(days=REVIEW_STALE_DAYS), dt.time(), dt.timezone.utc)
    recent = {aid for aid, at in zip(latest.account_id, latest.recorded_at)
              if dt.datetime.fromisoformat(at) >= cutoff}
    frame["no_recent_review"] = ~frame.account_id.isin(recent)
    return frame


def _join_reasons(scored: list[Factor], limit: int | None) -> str:
    shown = scored if limit is None else scored[:limit]
    text = " · ".join(f"{f.label} (+{f.points})" for f in shown)
    if limit is not None and len(scored) > limit:
        text += f" · {len(scored) - limit} more"
    return text


def _reasons(row, kind: str, limit: int | None = 3) -> str:
    """One row's factors of ``kind`` that hold, largest points first, in words."""
    return _join_reasons([f for f in FACTORS if f.kind == kind and bool(row[f.key])], limit)


def _reasons_column(frame: pd.DataFrame, kind: str, limit: int = 3) -> list[str]:
    """``_reasons`` for every row of ``frame`` (reads the factor columns once)."""
    factors = [f for f in FACTORS if f.kind == kind]
    flags = frame[[f.key for f in factors]].to_numpy(dtype=bool)
    return [_join_reasons([factors[i] for i in row.nonzero()[0]], limit) for row in flags]


def _renewal_flag(days) -> str:
    if pd.isna(days):
        return ""
    if days < 0:
        return "date passed"
    if days <= 90:
        return "≤ 90 days"
    if days <= 180:
        return "≤ 180 days"
    return ""


@dataclass(frozen=True)
class Board:
    """The board at one month: at_risk and expansion (``BOARD_COLUMNS`` then
    ``DETAIL_COLUMNS``, largest ARR first; ``score`` is the list's own score),
    and how many accounts were scored."""

    month: str
    at_risk: pd.DataFrame
    expansion: pd.DataFrame
    scored_accounts: int
    has_signals: bool

    @property
    def at_risk_arr(self) -> float:
        return float(self.at_risk.arr.sum())

    @property
    def expansion_arr(self) -> float:
        return float(self.expansion.arr.sum())

    @property
    def at_risk_renewing_90(self) -> int:
        """At-risk accounts whose renewal is within 90 days."""
        return int((self.at_risk.renewal_flag == "≤ 90 days").sum())

    def row(self, account_id: str) -> dict | None:
        """One board row as a dict (None for missing values), with ``list``:
        "risk" or "expansion"; None if the account is not on the board."""
        for kind, frame in (("risk", self.at_risk), ("expansion", self.expansion)):
            match = frame[frame.account_id == account_id]
            if len(match):
                row = {k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v)
                       for k, v in match.iloc[0].to_dict().items()}
                return {**row, "list": kind}
        return None

    def queue(self) -> list[str]:
        """The review order: at-risk accounts, then expansion candidates."""
        return list(self.at_risk.account_id) + list(self.expansion.account_id)


def assemble_board(scored: pd.DataFrame, latest: pd.DataFrame, month: str | int) -> Board:
    """The board from ``candidates`` and the latest decisions (``DecisionStore.latest``).

    At risk: risk score (with the live factors) ≥ ``RISK_THRESHOLD``, or a
    latest decision of "at risk" or "watch". Expansion: expansion score ≥
    ``EXPANSION_THRESHOLD`` and not at risk, or a latest decision of
    "expansion". Both ranked by ARR at stake (the account's ARR).
    """
    idx = _month_idx(month)
    today = today_after(idx)
    frame = _live_points(scored.copy(), latest, today)
    live = [f for f in FACTORS if f.live]
    frame["risk_score"] = frame.risk_score + sum(frame[f.key].astype(int) * f.points for f in live)
    decided = latest.rename(columns=DECISION_COLUMNS)[["account_id", *DECISION_COLUMNS.values(), "reviews"]]
    frame = frame.merge(decided, on="account_id", how="left")
    frame["reviews"] = frame.reviews.fillna(0).astype(int)
    frame["last_movement_label"] = frame.last_movement.map(MOVEMENT_LABELS)
    frame["renewal_flag"] = frame.days_to_renewal.map(_renewal_flag)
    status = frame.decision_status.fillna("")
    risky = (frame.risk_score >= RISK_THRESHOLD) | status.isin(RISK_STATUSES)
    risky &= status != "expansion"
    growing = ((frame.expansion_score >= EXPANSION_THRESHOLD) & ~risky) | (status == "expansion")

    def one_list(mask, kind: str) -> pd.DataFrame:
        part = frame[mask].copy()
        part["score"] = part[f"{kind}_score"]
        part["reasons"] = _reasons_column(part, kind)
        part = part.sort_values(["arr", "score", "account_id"], ascending=[False, False, True])
        return part[BOARD_COLUMNS + DETAIL_COLUMNS].reset_index(drop=True)

    has_signals = bool(frame.utilisation.notna().any() or frame.nps_latest.notna().any())
    return Board(label(idx), one_list(risky, "risk"), one_list(growing, "expansion"), len(frame), has_signals)


def board(con, filters: Filters | None, month: str | int, store: DecisionStore | None = None) -> Board:
    """The review board for the selected accounts at ``month`` (see ``assemble_board``)."""
    latest = store.latest() if store is not None else no_decisions()
    return assemble_board(candidates(con, filters, month), latest, month)


def decision_summary(row: dict) -> str:
    """The latest decision of a board row in one line of plain text, e.g.
    "Latest decision: watch · Product · next: Call the CFO (Ana, due 2026-12-15) ·
    recorded 2026-11-24 10:40 UTC by Bo"."""
    parts = [f"Latest decision: {row['decision_status']}"]
    if row.get("decision_department"):
        parts.append(str(row["decision_department"]))
    if row.get("decision_action"):
        who = ", ".join(str(x) for x in (row.get("decision_owner"),
                                         row.get("decision_due") and f"due {row['decision_due']}") if x)
        parts.append(f"next: {row['decision_action']}" + (f" ({who})" if who else ""))
    at = str(row.get("decision_recorded_at") or "")
    parts.append(f"recorded {at[:10]} {at[11:16]} UTC by {row.get('decision_recorded_by')}")
    return " · ".join(parts)


def contributions(row: dict | pd.Series, kind: str) -> pd.DataFrame:
    """How each factor of ``kind`` contributed to one board row's score.

    Columns: factor (label), points (0 when the factor does not hold), holds,
    evidence (the figures behind it, in words), rule. Holding factors first.
    """
    ev = _evidence(row)
    rows = [{"factor": f.label, "points": f.points if bool(row.get(f.key, False)) else 0,
             "holds": bool(row.get(f.key, False)), "evidence": ev.get(f.key, ""), "rule": f.rule}
            for f in FACTORS if f.kind == kind]
    frame = pd.DataFrame(rows)
    return frame.sort_values(["holds", "points"], ascending=False, kind="stable").reset_index(drop=True)


def _pct(value) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


def _evidence(row) -> dict[str, str]:
    get = row.get
    util, change, nps = get("utilisation"), get("usage_change"), get("nps_latest")
    days, renewal = get("days_to_renewal"), get("renewal_date")
    has = lambda v: not pd.isna(v)  # noqa: E731
    out = {
        "usage_drop": f"change vs 3 months earlier: {change:+.0%}" if has(change) else "no usage data",
        "usage_growth": f"change vs 3 months earlier: {change:+.0%}" if has(change) else "no usage data",
        "low_utilisation": f"utilisation {_pct(util)}",
        "high_utilisation": f"utilisation {_pct(util)}",
        "detractor": f"latest NPS {int(nps)}" if has(nps) else "no NPS response in 6 months",
        "promoter": f"latest NPS {int(nps)}" if has(nps) else "no NPS response in 6 months",
        "ticket_spike": (f"{int(get('tickets_3m'))} tickets in 3 months vs {get('tickets_before'):.1f} before"
                         if has(get("tickets_3m")) and has(get("tickets_before")) else "no ticket data"),
        "single_product": f"{int(get('products'))} product line(s)" if has(get("products")) else "",
        "top_without_sponsor": f"sponsor: {get('executive_sponsor') or 'none'}",
        "renewal_90": f"renewal {pd.Timestamp(renewal):%Y-%m-%d} ({int(days)} days)" if has(days) else "no date",
        "no_recent_review": (f"{int(get('reviews'))} review(s) recorded" if has(get("reviews")) else ""),
    }
    out["renewal_180"] = out["renewal_90"]
    return out


# ---------------------------------------------------------------- back-test

@dataclass(frozen=True)
class Backtest:
    """How well the point-in-time scores ranked accounts in past months.

    ``summary``: pooled over the scoring months (keys below); ``monthly``: one
    row per scoring month (month, accounts, base_rate, top_rate, lift,
    precision_at_k, caught_share); ``factors``: each factor alone (factor, key,
    kind, points, share, rate_with, rate_without, lift; for risk factors the
    rate is of churn or contraction, for expansion factors of expansion).
    """

    from_month: str
    to_month: str
    horizon: int
    summary: dict
    monthly: pd.DataFrame
    factors: pd.DataFrame


def _ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")


def backtest(con, filters: Filters | None, to_month: str | int, horizon: int = HORIZON,
             top_share: float = TOP_SHARE, top_k: int = TOP_K) -> Backtest | None:
    """Rank the selected accounts by their score in every month from the
    seventh month of the data to ``to_month`` − ``horizon`` (scores from that
    month's data only), and count what happened in the ``horizon`` months
    after. None when the data has no such month.

    Summary keys: months, account_months, base_lost_rate (share of accounts that
    churned or contracted), top_lost_rate (the same in the top ``top_share`` by
    risk score), lift (top ÷ base), base_churn_rate, top_churn_rate,
    churn_lift, precision_at_k (share lost among the ``top_k`` highest scores),
    caught_share (share of the lost MRR that was in the top group),
    flagged_share / flagged_precision / flagged_caught_share (accounts with a
    risk score ≥ RISK_THRESHOLD), and for the expansion score:
    base_grew_rate, top_grew_rate, expansion_lift, expansion_precision_at_k,
    expansion_caught_share.
    """
    info = book_info(con)
    hi = min(_month_idx(to_month), info.as_of_idx) - horizon
    lo = info.first_idx + 6
    if hi < lo:
        return None
    params = {**(filters or Filters()).to_params(), "from_idx": lo, "to_idx": hi, "horizon": int(horizon),
              "weights": weights(), "top_share": float(top_share), "top_k": int(top_k),
              "risk_threshold": RISK_THRESHOLD, "expansion_threshold": EXPANSION_THRESHOLD}
    monthly = _run(con, "score_backtest", params)
    if monthly.empty:
        return None
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

    per_month = pd.DataFrame({
        "month": [label(int(i)) for i in monthly.month_idx],
        "accounts": monthly.accounts.astype(int),
        "base_rate": monthly.lost_accounts / monthly.accounts,
        "top_rate": monthly.top_lost / monthly.top_accounts,
        "precision_at_k": monthly.topk_lost / monthly.topk_accounts,
        "caught_share": (monthly.top_lost_mrr / monthly.lost_mrr.where(monthly.lost_mrr > 0)),
    })
    per_month["lift"] = per_month.top_rate / per_month.base_rate.where(per_month.base_rate > 0)

    raw = _run(con, "factor_backtest", {k: v for k, v in params.items()
                                        if k not in ("weights", "top_share", "top_k", "risk_threshold",
                                                     "expansion_threshold")})
    rows = []
    for r in raw.itertuples(index=False):
        f = FACTOR_BY_KEY[r.factor]
        hit_with, hit_without = (r.lost_with, r.lost_without) if f.kind == "risk" else (r.grew_with, r.grew_without)
        with_rate = _ratio(hit_with, r.with_factor)
        without_rate = _ratio(hit_without, r.account_months - r.with_factor)
        rows.append({"factor": f.label, "key": f.key, "kind": f.kind, "points": f.points,
                     "share": _ratio(r.with_factor, r.account_months), "rate_with": with_rate,
                     "rate_without": without_rate, "lift": _ratio(with_rate, without_rate)})
    order = {f.key: i for i, f in enumerate(FACTORS)}
    factors = pd.DataFrame(rows).sort_values("key", key=lambda s: s.map(order)).reset_index(drop=True)
    return Backtest(label(lo), label(hi), int(horizon), summary, per_month, factors)


# ------------------------------------------------------- retrospective, roll-ups

def retrospective(con, filters: Filters | None, from_month: str | int, to_month: str | int,
                  store: DecisionStore | None = None) -> tuple[pd.DataFrame, dict]:
    """Churned and contracted accounts in the window, and whether each was flagged.

    Rows (largest loss first): account_id, name, segment, csm_owner,
    first_loss_month, kind (churn or contraction), lost_arr (ARR lost by churn
    and contraction in the window), arr_before (ARR the month before the first
    loss), score_before (point-in-time risk score that month), flagged_by_score
    (score_before ≥ RISK_THRESHOLD), flagged_in_review (an "at risk" or "watch"
    decision recorded before the first day of the first loss month),
    flagged_on (when).

    Summary: accounts, lost_arr, surprise_accounts and surprise_share (share of
    lost ARR not flagged in a review beforehand), score_caught_share (share of
    lost ARR whose account the score flagged the month before).
    """
    lo, hi = _month_idx(from_month), _month_idx(to_month)
    params = {**(filters or Filters()).to_params(), "from_idx": lo, "to_idx": hi, "weights": weights()}
    frame = _run(con, "churn_retro", params)
    history = store.every() if store is not None else no_decisions()
    flagged_on = []
    risky = history[history.status.isin(RISK_STATUSES)]
    first_by_account = {aid: list(group.recorded_at) for aid, group in risky.groupby("account_id")}
    for aid, first_idx in zip(frame.account_id, frame.first_loss_idx):
        start = dt.datetime(int(first_idx) // 12, int(first_idx) % 12 + 1, 1, tzinfo=dt.timezone.utc)
        before = [t for t in first_by_account.get(aid, []) if dt.datetime.fromisoformat(t) < start]
        flagged_on.append(min(before)[:10] if before else None)
    frame["flagged_on"] = flagged_on
    frame["flagged_in_review"] = frame.flagged_on.notna()
    frame["flagged_by_score"] = (frame.score_before >= RISK_THRESHOLD).fillna(False).astype(bool)
    frame = frame.drop(columns=["first_loss_idx", "lost_mrr"])
    lost = float(frame.lost_arr.sum())
    summary = {
        "accounts": len(frame), "lost_arr": lost,
        "churned_accounts": int((frame.kind == "churn").sum()),
        "surprise_accounts": int((~frame.flagged_in_review).sum()),
        "surprise_share": _ratio(frame.lost_arr[~frame.flagged_in_review].sum(), lost),
        "score_caught_share": _ratio(frame.lost_arr[frame.flagged_by_score].sum(), lost),
    }
    return frame, summary


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

    Rows: those top accounts *without* a sponsor (account_id, name, segment,
    csm_owner, executive_sponsor, arr, cumulative_share; largest first).
    Summary: accounts (all top accounts), with_sponsor, account_share, arr,
    arr_with_sponsor, arr_share.
    """
    params = {**(filters or Filters()).to_params(), "month_idx": _month_idx(month)}
    frame = _run(con, "sponsor_coverage", params)
    covered = frame.executive_sponsor.notna()
    summary = {"accounts": len(frame), "with_sponsor": int(covered.sum()),
               "account_share": _ratio(covered.sum(), len(frame)),
               "arr": float(frame.arr.sum()), "arr_with_sponsor": float(frame.arr[covered].sum()),
               "arr_share": _ratio(frame.arr[covered].sum(), frame.arr.sum())}
    return frame[~covered].reset_index(drop=True), summary


def account_signals(con, account_id: str) -> pd.DataFrame:
    """One account's signals by month: month, seats_licensed, active_users,
    utilisation, support_tickets, nps (NaN where not recorded)."""
    return _run(con, "account_signals", {"account_id": str(account_id)})


def decision_log(con, filters: Filters | None, store: DecisionStore) -> pd.DataFrame:
    """Every recorded decision on the selected accounts, newest first.

    Columns: recorded_at, account_id, name, segment, csm_owner, status,
    department, next_action, action_owner, due_date, note, recorded_by,
    book_month. Decisions on accounts no longer in the book are left out.
    """
    names = _run(con, "account_names", (filters or Filters()).to_params())
    log = store.every().merge(names, on="account_id", how="inner")
    columns = ["recorded_at", "account_id", "name", "segment", "csm_owner", "status", "department", "next_action",
               "action_owner", "due_date", "note", "recorded_by", "book_month"]
    return log.sort_values("id", ascending=False)[columns].reset_index(drop=True)
