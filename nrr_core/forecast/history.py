"""The forecast's inputs, read once per call from the book: every account-month
with revenue (its review factors and the month after it), churned MRR that
came back, and the scorecard in force at each month.

Everything here is history; ``model`` estimates rates from the part of it
observed by a month T, so a forecast made at T reads nothing after T.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import db
from ..filters import Filters
from ..metrics import book_info
from ..review._common import _run
from ..review.factors import FACTORS

RISK_KEYS = tuple(f.key for f in FACTORS if f.kind == "risk" and not f.live)
EXPANSION_KEYS = tuple(f.key for f in FACTORS if f.kind == "expansion" and not f.live)


@dataclass(frozen=True)
class History:
    """The book's account-months as arrays (one entry per account-month with
    MRR > 0, ordered by account then month).

    ``first_idx``/``as_of_idx``: the data's months. Per row: ``account`` (the
    account's key, an index into ``account_ids``), ``month`` (month index), ``segment``
    (code into ``segments``), ``mrr``, ``anniversary`` (0 = January),
    ``selected`` (the filter selects it), ``risk`` / ``expansion`` (0/1 factor
    matrices in ``RISK_KEYS`` / ``EXPANSION_KEYS`` order, int8), ``next_row`` (the
    same account's row one month later, −1 when it had no revenue then),
    ``next_mrr`` and the next month's ``next_churn``, ``next_contraction``,
    ``next_expansion``, ``next_cross_sell`` (NaN after the as-of month).
    ``churns``: reactivations.sql (churn_idx, lost, back_idx, regained).
    ``selected_mrr``: MRR of the selected accounts, account × month offset
    (0 where none), for the actuals. ``by_month``: the row numbers ordered by
    month (then account) and ``month_bounds`` where each month's rows start
    in it (``rows_at``). ``derived``: what is computed from the whole book
    once per load (the rates behind each scorecard), shared by every
    selection of the same book. ``selection``: names the selected accounts
    ("every account", else a digest of which), so what is derived for one
    selection can be kept beside the book's.
    """

    first_idx: int
    as_of_idx: int
    load_id: str
    segments: tuple[str, ...]
    account_ids: np.ndarray
    account: np.ndarray
    month: np.ndarray
    segment: np.ndarray
    mrr: np.ndarray
    anniversary: np.ndarray
    selected: np.ndarray
    risk: np.ndarray
    expansion: np.ndarray
    next_row: np.ndarray
    next_mrr: np.ndarray
    next_churn: np.ndarray
    next_contraction: np.ndarray
    next_expansion: np.ndarray
    next_cross_sell: np.ndarray
    churns: pd.DataFrame
    selected_mrr: np.ndarray
    by_month: np.ndarray
    month_bounds: np.ndarray
    derived: dict = field(default_factory=dict, compare=False, repr=False)
    selection: str = "every account"

    @property
    def months(self) -> int:
        return self.as_of_idx - self.first_idx + 1

    def rows_at(self, month_idx: int) -> np.ndarray:
        """The rows of ``month_idx`` (every account active then), by account."""
        i = month_idx - self.first_idx
        return self.by_month[self.month_bounds[i]:self.month_bounds[i + 1]]


def read_history(con, filters: Filters | None) -> History:
    """The book's history for a forecast of the accounts ``filters`` selects:
    the whole book's history (``book_history``, read once per load) with the
    selection marked."""
    book = book_history(con)
    keys = db.run(con, "forecast/selected_accounts", (filters or Filters()).to_params()).account_key
    keys = keys.to_numpy(dtype=np.int64)
    picked = np.zeros(len(book.account_ids), dtype=bool)
    picked[keys] = True
    if picked[book.account].all():
        return book
    return replace(book, selected=picked[book.account],
                   selected_mrr=np.where(picked[:, None], book.selected_mrr, 0.0),
                   selection=hashlib.blake2b(picked.tobytes(), digest_size=16).hexdigest())


# A book's history is read from the database once per load: at 100,000 accounts
# that is 2.5 million account-months and seconds of reading, against a few
# milliseconds to mark a selection. Kept per process, keyed on the load id (a
# new load is a new id), the few latest books only.
_BOOKS: OrderedDict = OrderedDict()
_BOOKS_LOCK = threading.Lock()
_BOOKS_MAX = 2


def book_history(con) -> History:
    """The whole book's ``History`` (every account selected), remembered per load."""
    info = book_info(con)
    with _BOOKS_LOCK:
        if info.load_id in _BOOKS:
            _BOOKS.move_to_end(info.load_id)
            return _BOOKS[info.load_id]
    book = _read_book(con, info)
    book.derived["whole"] = book   # a selection's copy reaches the whole book through the shared dict
    with _BOOKS_LOCK:
        book = _BOOKS.setdefault(info.load_id, book)
        while len(_BOOKS) > _BOOKS_MAX:
            _BOOKS.popitem(last=False)
    return book


def _read_book(con, info) -> History:
    rows = _run(con, "forecast/account_months", {})
    churns = db.run(con, "forecast/reactivations")
    accounts = db.run(con, "forecast/accounts")
    keys = accounts.account_key.to_numpy(dtype=np.int64)
    ids = np.empty(int(keys.max()) + 1 if len(keys) else 1, dtype=object)
    ids[keys] = accounts.account_id.to_numpy(dtype=object)
    segments, codes = np.unique(accounts.segment.to_numpy(dtype=object).astype(str), return_inverse=True)
    segment_of = np.zeros(len(ids), dtype=np.int64)
    segment_of[keys] = codes
    account = rows.account_key.to_numpy(dtype=np.int64)
    segment = segment_of[account]
    month = rows.month_idx.to_numpy(dtype=np.int64)
    n = len(rows)
    same_next = np.zeros(n, dtype=bool)
    if n > 1:
        same_next[:-1] = (account[1:] == account[:-1]) & (month[1:] == month[:-1] + 1)
    next_row = np.where(same_next, np.arange(n) + 1, -1)
    offsets = month - info.first_idx
    months = info.as_of_idx - info.first_idx + 1
    grid = np.zeros((len(ids), months))
    grid[account, offsets] = rows.mrr.to_numpy(dtype=float)
    by_month = np.argsort(offsets, kind="stable")
    bounds = np.searchsorted(offsets[by_month], np.arange(months + 1))

    def floats(col):
        return rows[col].to_numpy(dtype=float, na_value=np.nan)

    return History(
        first_idx=info.first_idx, as_of_idx=info.as_of_idx, load_id=info.load_id,
        segments=tuple(str(s) for s in segments), account_ids=ids, account=account, month=month,
        segment=segment, mrr=floats("mrr"), anniversary=rows.anniversary.to_numpy(dtype=np.int64),
        selected=np.ones(n, dtype=bool),
        risk=rows[list(RISK_KEYS)].to_numpy(dtype=np.int8),
        expansion=rows[list(EXPANSION_KEYS)].to_numpy(dtype=np.int8),
        next_row=next_row, next_mrr=floats("next_mrr"), next_churn=floats("next_churn"),
        next_contraction=floats("next_contraction"), next_expansion=floats("next_expansion"),
        next_cross_sell=floats("next_cross_sell"), churns=churns, selected_mrr=grid,
        by_month=by_month, month_bounds=bounds)
