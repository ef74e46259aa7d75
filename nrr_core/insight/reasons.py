"""Why revenue was lost: the churn-reason taxonomy, the department that owns
each reason, and the append-only store of recorded reasons.

The taxonomy (key, label, owning department) is the one home of these facts:
the loader checks churn_reasons.csv against ``REASON_KEYS``, the form offers
``REASON_LABELS``, the roll-up maps reasons to departments with
``REASON_DEPARTMENT``. Departments are the review decisions' ``DEPARTMENTS``.

Why each department: value not realised and "other" stay with Customer
Success (who owns adoption and the relationship); a missing capability with
Product; support experience with Support; budget cuts, price and competitor
losses with Sales (commercial terms and competitive positioning); a champion
or sponsor leaving and mergers with the Executive sponsor (relationships above
the day-to-day contact).

Recorded reasons live in the review decisions' store (its SQLite file or
PostgreSQL database), table ``churn_reasons`` (``sql/insight/reasons/schema.sql``, run idempotently on
every write, so an existing store gains the table on its first reason and
keeps every decision): append-only, triggers refuse UPDATE and DELETE, a
changed mind is a new row and the latest per account and loss month counts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import stores
from ..errors import NrrError
from ..months import label, parse_month, quarter_label
from ..review.decisions import DEPARTMENTS, TIMEOUT, DecisionStore, migrate_sqlite


# key, label, owning department
TAXONOMY = (
    ("value_not_realised", "Value not realised", "Customer Success"),
    ("missing_capability", "Missing product capability", "Product"),
    ("budget_cut", "Budget cut", "Sales"),
    ("competitor", "Competitor", "Sales"),
    ("sponsor_left", "Champion or sponsor left", "Executive sponsor"),
    ("merger_acquisition", "Merger or acquisition", "Executive sponsor"),
    ("support_experience", "Support experience", "Support"),
    ("price", "Price", "Sales"),
    ("other", "Other", "Customer Success"),
)
REASON_KEYS = tuple(k for k, _, _ in TAXONOMY)
REASON_LABELS = {k: text for k, text, _ in TAXONOMY}
REASON_DEPARTMENT = {k: d for k, _, d in TAXONOMY}
assert set(REASON_DEPARTMENT.values()) <= set(DEPARTMENTS)

MAX_NOTES = 4000
COLUMNS = ["id", "account_id", "loss_month", "reason", "notes", "recorded_by", "recorded_at"]



@dataclass(frozen=True)
class ChurnReason:
    """Why one account churned or contracted in ``loss_month`` (its first loss month in the retrospective)."""

    account_id: str
    loss_month: str
    reason: str
    recorded_by: str
    notes: str | None = None

    def checked(self) -> dict:
        values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in self.__dict__.items()}
        if not values["account_id"]:
            raise NrrError("a churn reason needs an account")
        if values["reason"] not in REASON_KEYS:
            raise NrrError(f"reason must be one of {', '.join(REASON_KEYS)}")
        if not values["recorded_by"]:
            raise NrrError("a churn reason needs the name of who records it")
        values["loss_month"] = label(parse_month(values["loss_month"] or "", what="loss month"))
        if values["notes"] and len(values["notes"]) > MAX_NOTES:
            raise NrrError(f"the notes are longer than {MAX_NOTES} characters")
        for key in ("account_id", "recorded_by"):
            if len(values[key]) > 200:
                raise NrrError(f"{key.replace('_', ' ')} is longer than 200 characters")
        return values


class ReasonStore:
    """The ``churn_reasons`` table of the decisions store at ``path`` (a SQLite
    file or a PostgreSQL URL, ``nrr_core.stores``)."""

    def __init__(self, path):
        self.path = stores.place(path)
        # The decisions' schema first, so a store first made by a reason is a whole decisions store.
        self._store = stores.Store(self.path, "decisions store", DecisionStore.SCHEMAS + ("insight/reasons/schema",),
                                   prepare=migrate_sqlite, timeout=TIMEOUT)

    def record(self, reason: ChurnReason, *, now: dt.datetime | None = None) -> int:
        """Append ``reason``; returns its id once it is stored."""
        params = reason.checked()
        params["recorded_at"] = (now or dt.datetime.now(dt.timezone.utc)).astimezone(
            dt.timezone.utc).isoformat(timespec="seconds")
        (row_id,) = self._store.append("insight/reasons/record", [params], "the churn reason was not saved")
        return row_id

    def every(self) -> pd.DataFrame:
        """Every recorded reason, oldest first (``COLUMNS``); empty when none or no table yet."""
        if not self._store.exists():
            return pd.DataFrame(columns=COLUMNS)
        (_, [(has,)]) = self._store.read("insight/reasons/exists")
        if not has:
            return pd.DataFrame(columns=COLUMNS)
        return self._store.frame("insight/reasons/every", None, COLUMNS)


NOT_RECORDED = "Not recorded yet"
ATTACHED_COLUMNS = ["reason", "reason_label", "department", "notes", "reason_source"]
ROLLUP_COLUMNS = ["quarter", "value", "accounts", "lost_arr", "flagged_in_review_arr", "flagged_by_score_arr",
                  "surprise_arr", "surprise_share"]


def imported(con) -> pd.DataFrame:
    """Reasons loaded with the data (churn_reasons.csv at load): account_id, loss_month, reason, notes."""
    from .journey import _run

    return _run(con, "insight/imported_reasons", {})


def known_reasons(imported_reasons: pd.DataFrame, store: ReasonStore | None) -> pd.DataFrame:
    """Every reason known: the imported ones, then those recorded in ``store``.
    Columns: account_id, loss_month, reason, notes, source ("imported" or
    "recorded"), order (later wins among the same source)."""
    recorded = store.every() if store is not None else pd.DataFrame(columns=COLUMNS)
    recorded = recorded[["account_id", "loss_month", "reason", "notes"]].assign(source="recorded")
    first = imported_reasons[["account_id", "loss_month", "reason", "notes"]].assign(source="imported")
    return pd.concat([first.assign(order=range(len(first))),
                      recorded.assign(order=range(len(first), len(first) + len(recorded)))], ignore_index=True)


def recorded_reasons(con, store: ReasonStore | None) -> pd.DataFrame:
    """``known_reasons`` of the book at ``con`` and ``store``."""
    return known_reasons(imported(con), store)


def attach(retro: pd.DataFrame, reasons: pd.DataFrame, from_month: str, to_month: str) -> pd.DataFrame:
    """The retrospective's rows with the reason in force for each: the latest
    reason (a recorded one beats an imported one) on that account whose loss
    month is inside the window. Adds ``ATTACHED_COLUMNS`` and quarter (of the
    first loss month); reason is None where none is known."""
    lo, hi = parse_month(from_month), parse_month(to_month)
    inside = reasons[[lo <= parse_month(m) <= hi for m in reasons.loss_month]] if len(reasons) else reasons
    inside = inside.assign(rank=(inside.source == "recorded").astype(int) * 10**9 + inside.order) \
        if len(inside) else inside.assign(rank=[])
    latest = inside.sort_values("rank").groupby("account_id").tail(1).set_index("account_id")
    out = retro.copy()
    out["reason"] = out.account_id.map(latest.reason) if len(latest) else None
    out["reason"] = out.reason.astype(object).where(out.reason.notna(), None)
    out["reason_label"] = [REASON_LABELS.get(r, NOT_RECORDED) if r else NOT_RECORDED for r in out.reason]
    out["department"] = [REASON_DEPARTMENT.get(r, NOT_RECORDED) if r else NOT_RECORDED for r in out.reason]
    out["notes"] = out.account_id.map(latest.notes).astype(object) if len(latest) else None
    out["reason_source"] = out.account_id.map(latest.source).astype(object) if len(latest) else None
    out["quarter"] = [quarter_label(parse_month(m)) for m in out.first_loss_month]
    return out


def rollup(attached: pd.DataFrame, by: str = "reason") -> pd.DataFrame:
    """Lost ARR per quarter (of the first loss) and reason (``by="reason"``, the
    label) or owning department (``by="department"``): ``ROLLUP_COLUMNS``.
    flagged_in_review_arr / flagged_by_score_arr: lost ARR of accounts a review
    (at risk or watch recorded before the loss) / the risk score (the month
    before) flagged; surprise_arr: flagged by neither; largest loss first
    within each quarter."""
    if by not in ("reason", "department"):
        raise NrrError(f"roll up churn reasons by reason or department, not {by!r}")
    if attached.empty:
        return pd.DataFrame(columns=ROLLUP_COLUMNS)
    column = "reason_label" if by == "reason" else "department"
    a = attached.assign(
        value=attached[column],
        in_review=attached.lost_arr.where(attached.flagged_in_review, 0.0),
        by_score=attached.lost_arr.where(attached.flagged_by_score, 0.0),
        surprise=attached.lost_arr.where(~(attached.flagged_in_review | attached.flagged_by_score), 0.0))
    out = a.groupby(["quarter", "value"], as_index=False).agg(
        accounts=("account_id", "count"), lost_arr=("lost_arr", "sum"), flagged_in_review_arr=("in_review", "sum"),
        flagged_by_score_arr=("by_score", "sum"), surprise_arr=("surprise", "sum"))
    out["surprise_share"] = out.surprise_arr / out.lost_arr.where(out.lost_arr > 0)
    out = out.sort_values(["quarter", "lost_arr", "value"], ascending=[True, False, True], kind="stable")
    return out[ROLLUP_COLUMNS].reset_index(drop=True)
