"""Small helpers the review modules share: month arguments, running a review
query with a clear message on a book built before the review board existed,
and a ratio that is NaN instead of a ZeroDivisionError."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .. import db
from ..errors import NrrError
from ..months import parse_month


def _month_idx(month: str | int) -> int:
    return month if isinstance(month, int) else parse_month(month)


def today_after(month: str | int) -> dt.date:
    """The day after ``month``: the data's "today" for renewal and review ages."""
    nxt = _month_idx(month) + 1
    return dt.date(nxt // 12, nxt % 12 + 1, 1)


def _run(con, name: str, params: dict) -> pd.DataFrame:
    """``db.run`` with a clear message for a book built before the review tables existed."""
    try:
        return db.run(con, name, params)
    except Exception as exc:  # a book built before the review board existed
        if "account_health" in str(exc) or "account_scores" in str(exc) or "score_outcomes" in str(exc):
            raise NrrError("this database was built by an older version and has no account health data: "
                           "load the data again (python -m nrr_core load …), or delete the demo database to "
                           "have it generated afresh") from None
        raise



def _ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")


