"""The account review board at one month: the selected accounts with their
scores (``factors``), the live factors, the latest decisions, split into the
at-risk list and the expansion candidates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..filters import Filters
from ..frames import member_of
from ..metrics import MOVEMENT_LABELS, book_info
from ..months import label, parse_month
from ._common import _month_idx, _run, today_after
from .calibration import Scorecard, judgment_scorecard, scorecard_at
from .decisions import RISK_STATUSES, DecisionStore, no_decisions, stored_decisions
from .factors import FACTORS, GROWTH_EXTRA_POINTS, GROWTH_MONTHS, GROWTH_NRR, REVIEW_STALE_DAYS, _reasons_column

# A latest decision with one of these statuses puts the account on a list.
LISTING_STATUSES = RISK_STATUSES + ("expansion",)


BOARD_COLUMNS = [
    "account_id", "name", "segment", "region", "industry", "csm_owner", "executive_sponsor", "arr", "nrr_12m",
    "last_movement", "last_movement_label", "last_movement_month", "renewal_date", "days_to_renewal",
    "renewal_flag", "risk_score", "expansion_score", "score", "reasons", "decision_status", "decision_department",
    "decision_action", "decision_owner", "decision_due", "decision_note", "decision_recorded_by",
    "decision_recorded_at", "reviews", "top_reason",
]
# The latest decision's fields (DecisionStore.latest) as the board names them.
DECISION_COLUMNS = {
    "status": "decision_status", "department": "decision_department", "next_action": "decision_action",
    "action_owner": "decision_owner", "due_date": "decision_due", "note": "decision_note",
    "recorded_by": "decision_recorded_by", "recorded_at": "decision_recorded_at",
}
# After those, for review mode and the CSV: each factor (True where it holds) and its inputs.
DETAIL_COLUMNS = [f.key for f in FACTORS] + ["utilisation", "usage_change", "tickets_3m", "tickets_before",
                                             "nps_latest", "products", "growing_strongly", "risk_threshold"]


def candidates(con, filters: Filters | None, month: str | int, scorecard: Scorecard | None = None,
               listed: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every selected account with revenue in ``month``, with its point-in-time
    scores and factors: one row per account, largest MRR first.

    Columns: account_id, name, segment, region, industry, csm_owner,
    executive_sponsor, mrr, arr, nrr_12m, last_movement, last_movement_month,
    renewal_date, days_to_renewal (from the day after ``month``; NaN if no
    date), risk_score, expansion_score (point-in-time only), one boolean per
    point-in-time factor and per renewal factor (renewal_90, renewal_180: live,
    not in risk_score), and the point-in-time factors' inputs: utilisation, usage_change,
    tickets_3m, tickets_before, nps_latest, products; scored_accounts and
    any_signals (how many selected accounts were scored, and whether any has
    usage or NPS data: the same on every row). Scores with ``scorecard``'s
    points (default: judgment).

    ``listed``: the accounts whose latest decision puts them on a list
    (``listed_ids``); when given, only the accounts that can be on the board
    (``assemble_board``): those, and those with a point-in-time risk score
    that the live factors could lift to the risk threshold (their renewal's
    points and, whatever the store, the review's) or an expansion
    score at its threshold, plus the selected account with the lowest key (so
    the counts arrive when nobody can be listed). At 100,000 accounts that is
    about a third of the rows, and the board made from them is the same.
    """
    idx = _month_idx(month)
    card = scorecard or judgment_scorecard()
    # Growing strongly only raises an account's threshold, so the scorecard's threshold
    # less the review's points is the lowest that can list it with its renewal's points.
    review_points = max(int(card.points["no_recent_review"]), 0)
    params = {**(filters or Filters()).to_params(), "month_idx": idx, "weights": card.weights(),
              "today": today_after(idx), "shortlist": listed is not None, "listed": list(listed or ()),
              "risk_floor": int(card.risk_threshold) - review_points,
              "expansion_floor": int(card.expansion_threshold), "renewal_90_points": int(card.points["renewal_90"]),
              "renewal_180_points": int(card.points["renewal_180"])}
    frame = _run(con, "review/board", params)
    frame["days_to_renewal"] = frame.days_to_renewal.astype("float64")  # NaN, not pd.NA, where no date
    return frame


def _review_age_factor(frame: pd.DataFrame, latest: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Add the live review factor as a boolean column (the renewal ones come
    with ``candidates``).

    "No review in 180 days" holds only once the decisions store has recorded
    reviews for that long (its first decision at least ``REVIEW_STALE_DAYS``
    before ``today``): on a new install no review was possible, so it says
    nothing about an account."""
    cutoff = dt.datetime.combine(today - dt.timedelta(days=REVIEW_STALE_DAYS), dt.time(), dt.timezone.utc)
    since = latest.store_since.min() if "store_since" in latest and len(latest) else None
    if since is None or dt.datetime.fromisoformat(since) > cutoff:
        frame["no_recent_review"] = False
        return frame
    recent = {aid for aid, at in zip(latest.account_id, latest.recorded_at)
              if dt.datetime.fromisoformat(at) >= cutoff}
    frame["no_recent_review"] = ~member_of(frame.account_id, recent)
    return frame


def _growing_strongly(frame: pd.DataFrame, idx: int) -> pd.Series:
    """12-month NRR of at least ``GROWTH_NRR`` and an expansion or cross-sell
    as the latest movement, in this month or the ``GROWTH_MONTHS`` − 1 before."""
    # A few dozen distinct months among any number of accounts: parse each once.
    months = frame.last_movement_month
    ago = {m: idx - parse_month(m) for m in months.dropna().unique() if isinstance(m, str)}
    recent = months.map(ago).astype("float64") < GROWTH_MONTHS  # no movement: NaN, not recent
    return ((frame.nrr_12m >= GROWTH_NRR).fillna(False).astype(bool)
            & frame.last_movement.isin(["expansion", "cross_sell"]) & recent.astype(bool))


def _renewal_flags(days: pd.Series) -> np.ndarray:
    """Each account's renewal in words: "date passed", "≤ 90 days", "≤ 180 days", or ""
    (later, or no date)."""
    return np.select([days < 0, days <= 90, days <= 180], ["date passed", "≤ 90 days", "≤ 180 days"],
                     default="").astype(object)


@dataclass(frozen=True)
class Board:
    """The board at one month: at_risk and expansion (``BOARD_COLUMNS`` then
    ``DETAIL_COLUMNS``, largest ARR first; ``score`` is the list's own score),
    how many accounts were scored, and the scorecard whose points it used."""

    month: str
    at_risk: pd.DataFrame
    expansion: pd.DataFrame
    scored_accounts: int
    has_signals: bool
    scorecard: Scorecard

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


def assemble_board(scored: pd.DataFrame, latest: pd.DataFrame, month: str | int,
                   scorecard: Scorecard | None = None) -> Board:
    """The board from ``candidates`` (scored with the same ``scorecard``;
    default: judgment) and the latest decisions (``DecisionStore.latest``).

    At risk: risk score (with the live factors) ≥ ``risk_threshold``, or a
    latest decision of "at risk" or "watch". ``risk_threshold`` is the
    scorecard's (``RISK_THRESHOLD`` for judgment points), plus ``GROWTH_EXTRA_POINTS`` for an account growing
    strongly (``_growing_strongly``): growth is strong evidence against a
    loss, so it takes more to call such an account at risk. Expansion:
    expansion score ≥ the scorecard's expansion threshold and not at risk, or a latest
    decision of "expansion". Both ranked by ARR at stake (the account's ARR).
    """
    card = scorecard or judgment_scorecard()
    idx = _month_idx(month)
    today = today_after(idx)
    frame = _review_age_factor(scored.copy(), latest, today)
    live = [f for f in FACTORS if f.live]
    frame["risk_score"] = frame.risk_score + sum(frame[f.key].astype(int) * card.points[f.key] for f in live)
    frame["growing_strongly"] = _growing_strongly(frame, idx)
    frame["risk_threshold"] = card.risk_threshold + GROWTH_EXTRA_POINTS * frame.growing_strongly.astype(int)
    decided = latest.rename(columns=DECISION_COLUMNS)[["account_id", *DECISION_COLUMNS.values(), "reviews"]]
    frame = frame.merge(decided, on="account_id", how="left")
    frame["reviews"] = frame.reviews.fillna(0).astype(int)
    frame["last_movement_label"] = frame.last_movement.map(MOVEMENT_LABELS)
    frame["renewal_flag"] = _renewal_flags(frame.days_to_renewal)
    status = frame.decision_status.fillna("")
    risky = (frame.risk_score >= frame.risk_threshold) | status.isin(RISK_STATUSES)
    risky &= status != "expansion"
    growing = ((frame.expansion_score >= card.expansion_threshold) & ~risky) | (status == "expansion")

    def one_list(mask, kind: str) -> pd.DataFrame:
        part = frame[mask].copy()
        part["score"] = part[f"{kind}_score"]
        part["reasons"] = _reasons_column(part, kind, points=card.points)
        part["top_reason"] = _reasons_column(part, kind, limit=1, points=card.points)
        part = part.sort_values(["arr", "score", "account_id"], ascending=[False, False, True])
        return part[BOARD_COLUMNS + DETAIL_COLUMNS].reset_index(drop=True)

    scored_accounts = int(frame.scored_accounts.iloc[0]) if len(frame) else 0
    has_signals = bool(frame.any_signals.iloc[0]) if len(frame) else False  # of every scored account
    return Board(label(idx), one_list(risky, "risk"), one_list(growing, "expansion"), scored_accounts, has_signals,
                 card)


def board(con, filters: Filters | None, month: str | int, store: DecisionStore | None = None,
          scorecard: Scorecard | None = None) -> Board:
    """The review board for the selected accounts at ``month`` (see
    ``assemble_board``), scored with ``scorecard``; by default the one in
    force at ``month`` (``calibrate``: fitted on the book's history up to
    then, or the judgment points when that is too short)."""
    card = scorecard or scorecard_at(con, book_info(con).load_id, _month_idx(month))
    latest = store.latest() if store is not None else no_decisions()
    return assemble_board(candidates(con, filters, month, card, listed_ids(latest)), latest, month, card)


def board_at(con, filters: Filters | None, month: str | int, decisions_path: str | None,
             decisions_version: int = 0) -> Board:
    """``board`` with the decisions of the store at ``decisions_path`` (none
    when it does not exist); the app caches on ``decisions_version``
    (``DecisionStore.version``, which grows with every decision), so a new
    decision shows on the next rerun and a rerun without one reads the board
    made before."""
    return board(con, filters, month, stored_decisions(decisions_path))


def listed_ids(latest: pd.DataFrame) -> tuple[str, ...]:
    """The accounts whose latest decision (``DecisionStore.latest``) puts them
    on a list (at risk, watch, expansion), sorted: ``candidates``' ``listed``."""
    return tuple(sorted(latest.account_id[latest.status.isin(LISTING_STATUSES)].astype(str)))


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


