"""The review board's scores: each factor with its points and rule, the
thresholds, and how a board row's score is explained (reasons, contributions,
evidence).

Scores are sums of points, one documented factor at a time (``FACTORS``), so
every account shows which factors it scored and by how much. The factor
inputs are built once per load (``account_health`` in ``sql/load/review_tables.sql``)
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

from dataclasses import dataclass

import numpy as np
import pandas as pd


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
# An account growing strongly needs this many more risk points to be put at
# risk: a 12-month NRR of GROWTH_NRR or more and, as its latest movement within
# the last GROWTH_MONTHS months, an expansion or cross-sell.
GROWTH_NRR = 1.30
GROWTH_MONTHS = 3
GROWTH_EXTRA_POINTS = 25
EXPANSION_THRESHOLD = 45  # expansion score that makes a candidate
REVIEW_STALE_DAYS = 180
HORIZON = 3               # months after the scoring month the back-test watches
TOP_SHARE = 0.10          # the back-test's "top decile"
TOP_K = 50                # the back-test's precision@K

def factor_table(points: dict[str, int] | None = None) -> pd.DataFrame:
    """The documented factors: score (risk or expansion), factor, judgment
    (the documented points), points (``points``, the scorecard in force;
    default: judgment), rule, back_tested (False for the live factors)."""
    points = points or _judgment_points()
    return pd.DataFrame([{"score": f.kind, "factor": f.label, "judgment": f.points, "points": points[f.key],
                          "rule": f.rule, "back_tested": not f.live} for f in FACTORS])


def _judgment_points() -> dict[str, int]:
    return {f.key: f.points for f in FACTORS}


def _ranked(factors: list[Factor], points: dict[str, int]) -> list[Factor]:
    """Factors that carry points, most points first (ties in FACTORS order)."""
    return sorted((f for f in factors if points[f.key] > 0), key=lambda f: -points[f.key])


def _join_reasons(scored: list[Factor], points: dict[str, int], limit: int | None) -> str:
    shown = scored if limit is None else scored[:limit]
    text = " · ".join(f"{f.label} (+{points[f.key]})" for f in shown)
    if limit is not None and len(scored) > limit:
        text += f" · {len(scored) - limit} more"
    return text


def reasons(row, kind: str, limit: int | None = 3, points: dict[str, int] | None = None) -> str:
    """One row's factors of ``kind`` that hold and carry points, most points
    first, in words. ``points``: the scorecard's (default: judgment)."""
    points = points or _judgment_points()
    return _join_reasons(_ranked([f for f in FACTORS if f.kind == kind and bool(row[f.key])], points),
                         points, limit)


def _reasons_column(frame: pd.DataFrame, kind: str, limit: int = 3,
                    points: dict[str, int] | None = None) -> list[str]:
    """``reasons`` for every row of ``frame`` (reads the factor columns once).
    A row's words depend only on which factors hold, and a board of any size has
    few such patterns: each pattern is put in words once."""
    points = points or _judgment_points()
    factors = [f for f in FACTORS if f.kind == kind]
    flags = frame[[f.key for f in factors]].to_numpy(dtype=bool)
    codes, row_code = np.unique(flags @ (1 << np.arange(len(factors))), return_inverse=True)
    words = [_join_reasons(_ranked([f for i, f in enumerate(factors) if code >> i & 1], points), points, limit)
             for code in codes.tolist()]
    return [words[i] for i in row_code.reshape(-1)]


def contributions(row: dict | pd.Series, kind: str, points: dict[str, int] | None = None) -> pd.DataFrame:
    """How each factor of ``kind`` contributed to one board row's score.

    Columns: factor (label), points (0 when the factor does not hold or
    carries none in the scorecard), holds, evidence (the figures behind it, in
    words), rule. Holding factors first, most points first. ``points``: the
    scorecard's (``Board.scorecard.points``; default: judgment).
    """
    points = points or _judgment_points()
    ev = _evidence(row)
    rows = [{"factor": f.label, "points": points[f.key] if bool(row.get(f.key, False)) else 0,
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


