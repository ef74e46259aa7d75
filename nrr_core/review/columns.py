"""The review board's columns, in one place: what each is called on screen,
in the board pack and in the CSV, and in which order the room reads them.

``BOARD_COLUMNS`` (in ``board_lists``) is what a board list holds; the tuples
here choose from it. A page turns ``SCREEN`` into its table's column settings,
the pack prints ``PACK``, and ``python -m nrr_core report board`` writes
``REPORT`` (every column a decision needs, with the list it is on).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str      # the board list's column
    label: str    # the header people read
    kind: str     # text, money, percent, int, date
    help: str = ""


_ALL = {c.key: c for c in (
    Column("name", "Account", "text"),
    Column("arr", "ARR", "money", "ARR at stake: the account's ARR in the as-of month"),
    Column("score", "Score", "int", "Sum of the factors' points (see Score quality)"),
    Column("renewal_flag", "Renews in", "text", "≤ 90 days, ≤ 180 days, or date passed"),
    Column("csm_owner", "CSM owner", "text"),
    Column("decision_status", "Latest decision", "text", "Status of the latest review decision"),
    Column("decision_department", "Owning dept.", "text"),
    Column("decision_action", "Next action", "text"),
    Column("decision_owner", "Action owner", "text"),
    Column("decision_due", "Due", "text"),
    Column("decision_recorded_at", "Decided", "text"),
    Column("segment", "Segment", "text"),
    Column("nrr_12m", "12-month NRR", "percent", "MRR now ÷ MRR 12 months earlier"),
    Column("renewal_date", "Renewal", "date"),
    Column("last_movement_label", "Last movement", "text"),
    Column("last_movement_month", "In", "text"),
    Column("top_reason", "Top reason", "text", "The factor with the most points; all of them in review mode"),
    Column("reasons", "Reasons", "text"),
    Column("account_id", "ID", "text"),
)}

# On screen: what the room decides on first (who owns it, when it renews, what
# was decided, how strong the signal is), the evidence after.
SCREEN: tuple[Column, ...] = tuple(_ALL[k] for k in (
    "name", "arr", "score", "renewal_flag", "csm_owner", "decision_status", "decision_department",
    "decision_action", "segment", "nrr_12m", "top_reason", "last_movement_label", "last_movement_month",
    "renewal_date", "account_id"))

# The board pack's review lists (landscape A4: what fits a printed row).
PACK: tuple[Column, ...] = tuple(_ALL[k] for k in (
    "account_id", "name", "segment", "csm_owner", "arr", "score", "reasons", "decision_status",
    "decision_department", "decision_action", "decision_owner", "decision_due", "decision_recorded_at"))

# `report board`: every list, one row per account, machine-readable names.
REPORT: tuple[str, ...] = (
    "list", "account_id", "name", "segment", "region", "industry", "csm_owner", "arr", "nrr_12m",
    "last_movement", "last_movement_month", "renewal_date", "renewal_flag", "score", "risk_score",
    "expansion_score", "reasons", "decision_status", "decision_department", "decision_action",
    "decision_owner", "decision_due", "decision_recorded_by", "decision_recorded_at")
