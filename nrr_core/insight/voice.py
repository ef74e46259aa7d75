"""The customer's voice: NPS comments as a searchable feed, and NPS and the
survey response rate over time.

Comments are untrusted text: returned exactly as loaded, for the app to show
as plain text only. NPS = promoters % − detractors % of the answers with a
score (promoter 9–10, detractor 0–6, as NPS defines them); response rate =
answers with a score ÷ accounts active (one answer per account and month at most).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..filters import Filters
from ..frames import member_of
from ..months import parse_month, quarter_label
from .journey import _run

PROMOTER_MIN, DETRACTOR_MAX = 9, 6
FEED_COLUMNS = ["priority", "month", "account_id", "name", "segment", "csm_owner", "score", "kind", "at_risk",
                "comment"]


def kind(score) -> str:
    if score is None or score != score:
        return "no score"
    return "promoter" if score >= PROMOTER_MIN else "detractor" if score <= DETRACTOR_MAX else "passive"


def comment_feed(con, filters: Filters | None, from_month: str, to_month: str, search: str = "",
                 at_risk: tuple[str, ...] = ()) -> pd.DataFrame:
    """Answers with a comment in the months, containing ``search`` (case-insensitive plain text),
    ordered: detractor comments of at-risk accounts (``at_risk``: the board's at-risk
    account ids) first, then other detractors, then the rest; newest first within each.
    Columns: ``FEED_COLUMNS`` (priority 1, 2, 3 as just listed)."""
    frame = _run(con, "insight/nps_feed", {**(filters or Filters()).to_params(),
                                            "from_idx": parse_month(from_month), "to_idx": parse_month(to_month),
                                            "search": str(search or "").strip()})
    frame["kind"] = [kind(s) for s in frame.score]
    frame["at_risk"] = member_of(frame.account_id, at_risk)
    detractor = frame.kind == "detractor"
    frame["priority"] = np.where(detractor & frame.at_risk, 1, np.where(detractor, 2, 3))
    frame = frame.sort_values(["priority", "month_idx", "account_id"], ascending=[True, False, True], kind="stable")
    return frame[FEED_COLUMNS].reset_index(drop=True)


def nps_trend(con, filters: Filters | None, grain: str = "quarter") -> pd.DataFrame:
    """NPS and response rate per period ("month" or "quarter") and segment, plus
    "All" segments: period, segment, active_accounts (account-months), responses,
    promoters, detractors, nps (−1..1; NaN without answers), response_rate."""
    monthly = _run(con, "insight/nps_trend", (filters or Filters()).to_params())
    if grain == "quarter":
        monthly["period"] = [quarter_label(parse_month(m)) for m in monthly.month]
    else:
        monthly["period"] = monthly.month
    sums = ["active_accounts", "responses", "promoters", "detractors"]
    by_seg = monthly.groupby(["period", "segment"], as_index=False)[sums].sum()
    everyone = monthly.groupby("period", as_index=False)[sums].sum().assign(segment="All")
    frame = pd.concat([by_seg, everyone], ignore_index=True).sort_values(["period", "segment"], kind="stable")
    frame["nps"] = (frame.promoters - frame.detractors) / frame.responses.where(frame.responses > 0)
    frame["response_rate"] = frame.responses / frame.active_accounts
    return frame[["period", "segment"] + sums + ["nps", "response_rate"]].reset_index(drop=True)
