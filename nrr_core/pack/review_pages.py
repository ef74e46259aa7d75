"""The board pack's account pages: the review board's at-risk and expansion
lists with their latest decisions (``review_page``), and the churned and
contracted accounts of the period with whether anyone saw them coming
(``retrospective_page``). Columns and headers of the review lists come from
``review.columns.PACK``; names, notes and decisions are untrusted text,
printed through ``plain``."""
from __future__ import annotations

import pandas as pd

from .. import review
from ..formatting import money, percent
from .pdf import heading, table
from .text import date_text, missing, period_words, plain, score_text, short

REVIEW_LIMIT = 15
RETROSPECTIVE_LIMIT = 15
# The board's columns the pack prints (their keys and header labels).
LABELS = {c.key: c.label for c in review.columns.PACK}


def review_header() -> list[str]:
    """The review tables' headers: several board columns share a printed column."""
    return [f"{LABELS['name']} · {LABELS['segment']} · {LABELS['csm_owner']}", LABELS["arr"], LABELS["score"],
            LABELS["reasons"], LABELS["decision_status"], f"{LABELS['decision_owner']}, {LABELS['decision_due']}"]


def _account(row: dict) -> str:
    """``Name (A00001)``, the name shortened to 120 characters."""
    name = short(plain(row.get("name")), 120)
    return f"{name} ({plain(row.get('account_id'))})" if row.get("account_id") is not None else name


def _who(row: dict) -> str:
    """``segment · CSM owner``, leaving out what is missing."""
    return " · ".join(v for v in (plain(row.get("segment")), plain(row.get("csm_owner"))) if v != "–")


def _account_cell(row: dict) -> str:
    """The account and, on a second line, segment · CSM owner."""
    who = _who(row)
    return f"{_account(row)}\n{who}" if who else _account(row)


def review_cells(row: dict, currency: str) -> list[str]:
    """One printed row of a review list, in the order of ``review_header()``."""
    status = plain(row.get("decision_status"))
    if status == "–" or not status.strip():
        decision = "No decision recorded"
        owner = "–"
    else:
        decision = status
        department = plain(row.get("decision_department"))
        if department != "–":
            decision += f" · {department}"
        action = plain(row.get("decision_action"))
        if action != "–":
            decision += f": {short(action, 110)}"
        owner = plain(row.get("decision_owner"))
        due = date_text(row.get("decision_due"))
        if due != "–":
            owner += f", due {due}"
        recorded = date_text(row.get("decision_recorded_at"))
        if recorded != "–":
            owner += f" (recorded {recorded})"
    return [_account_cell(row), money(row.get("arr"), currency), score_text(row.get("score")),
            short(plain(row.get("reasons")), 170), short(decision, 170), short(owner, 90)]


def review_page(pdf, ctx: dict, which: str) -> None:
    """The ``at_risk`` or ``expansion`` list: the REVIEW_LIMIT largest by ARR
    (ties by account id), with the list's size and ARR, over as many pages as
    it takes; a sentence when the list is empty."""
    frame = ctx["reviews"][0 if which == "at_risk" else 1]
    title = "Accounts at risk" if which == "at_risk" else "Expansion opportunities"
    total = 0 if frame is None else len(frame)
    pdf.add_page()
    if not total:
        heading(pdf, title, "No accounts on this list for the selection at this month.")
        return
    if "arr" in frame:
        ordered = frame.assign(_arr=pd.to_numeric(frame["arr"], errors="coerce"))
        sort = ["_arr", "account_id"] if "account_id" in frame else ["_arr"]
        frame = ordered.sort_values(sort, ascending=[False] + [True] * (len(sort) - 1), na_position="last")
    shown = frame.head(REVIEW_LIMIT)
    arr = pd.to_numeric(frame.get("arr", pd.Series(dtype=float)), errors="coerce").sum()
    sub = (f"{total:,} account{'s' if total != 1 else ''} on the review board with "
           f"{money(arr, ctx['currency'])} ARR" + (f"; the {len(shown)} largest by ARR below." if total > len(shown)
                                                    else ", largest ARR first."))
    sub += " Decisions are the latest recorded by the review board."
    heading(pdf, title, sub)
    rows = [review_cells(r, ctx["currency"]) for r in shown.to_dict("records")]
    header = review_header()
    widths = [64, 18, 14, 76, 58, 37]
    aligns = ["LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT"]
    pdf.continued = f"{title} (continued)"
    try:
        table(pdf, header, rows, widths, aligns, size=9.5, line_height=4.5, padding=(1.4, 1.6))
    finally:
        pdf.continued = ""


def retrospective_page(pdf, ctx: dict) -> None:
    """The accounts that churned or contracted in the period
    (``review.retrospective``): how many, the ARR lost, how much of it was
    flagged beforehand (in a review, by the score), and the RETROSPECTIVE_LIMIT
    largest losses (ties by account id) with their ARR before and lost."""
    frame, summary = ctx["retrospective"]
    cur, when = ctx["currency"], period_words(ctx["period"])
    title = "Churned and contracted accounts"
    pdf.add_page()
    if not len(frame):
        heading(pdf, title, f"No selected account churned or contracted in {when}.")
        return
    ordered = frame.sort_values(["lost_arr", "account_id"], ascending=[False, True])
    shown = ordered.head(RETROSPECTIVE_LIMIT)
    total, churned = int(summary["accounts"]), int(summary["churned_accounts"])
    sub = (f"{total:,} account{'s' if total != 1 else ''} lost {money(summary['lost_arr'], cur)} ARR in {when}: "
           f"{churned:,} churned, {total - churned:,} contracted. "
           f"{percent(1 - summary['surprise_share'])} of that ARR had been flagged in a review beforehand; the risk "
           f"score flagged {percent(summary['score_caught_share'])} the month before the first loss. "
           + (f"The {len(shown)} largest losses below." if total > len(shown) else "Largest loss first."))
    heading(pdf, title, sub)
    header = [LABELS["name"], f"{LABELS['segment']} · {LABELS['csm_owner']}", "Lost by", "First loss", "ARR before",
              "ARR lost", "Score before", "Flagged beforehand"]
    rows = [[_account(r), _who(r), plain(r.get("kind")), plain(r.get("first_loss_month")),
             money(r.get("arr_before"), cur), money(r.get("lost_arr"), cur), score_text(r.get("score_before")),
             _flagged(r)]
            for r in shown.to_dict("records")]
    widths = [72, 52, 23, 19, 22, 22, 19, 38]
    aligns = ["LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"]
    pdf.continued = f"{title} (continued)"
    try:
        table(pdf, header, rows, widths, aligns, size=9.5, line_height=4.5, padding=(1.4, 1.6))
    finally:
        pdf.continued = ""


def _flagged(row: dict) -> str:
    """``'by the score; in a review on 2026-08-03'``, or ``'no'``."""
    said = ["by the score"] if _yes(row.get("flagged_by_score")) else []
    if _yes(row.get("flagged_in_review")):
        said.append(f"in a review on {date_text(row.get('flagged_on'))}")
    return "; ".join(said) or "no"


def _yes(value) -> bool:
    return not missing(value) and bool(value)
