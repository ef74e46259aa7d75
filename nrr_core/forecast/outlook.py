"""Where the forecast lands, and the forecast as the steering pages read it.

``landing``: the forward NRR at the horizon (base and band) against the NRR
target applying then, and the biggest swing factors: the at-risk accounts
that have a review decision (what saving them is worth, by ``whatif``) and
the accounts with the largest expected losses (``contribution_table``). The
presentation mode's "where we will land" slide and the board pack's forecast
page print it.

``expected_mrr``: each account's expected MRR at a later month (the
scorecards' and the renewal calendar's ``expected`` hook).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import NrrError
from ..filters import Filters
from ..formatting import money, percent, points
from ..metrics import MONTHS_PER_YEAR
from ..months import label, long_label, parse_month
from ..review.decisions import DecisionStore, stored_decisions
from .model import STATE_LABELS, Levers
from .track import Forecast, account_names, contribution_table, forecast, forecast_at
from .whatif import scenario

# The review statuses whose accounts "have a decision" to save (``Levers.save_decided_at_risk``).
DECIDED_AT_RISK = ("at risk", "watch")
LARGEST_LOSSES = 3
SWING_COLUMNS = ["key", "accounts", "arr", "nrr_points", "priced_points", "names"]
HIGH_RISK = STATE_LABELS[4:]  # the two high-risk states (model.STATE_LABELS: risk band × expansion band)
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Landing:
    """The forecast made at ``as_of`` at its horizon's ``month``: ``base``,
    ``low``, ``high`` (forward NRR; the band NaN while unmeasured),
    ``start_arr`` and ``expected_arr``; ``target`` and ``target_period`` (the
    NRR target applying at ``month`` when it is twelve months after
    ``as_of``, ``forward_targets``; None otherwise), ``gap`` (base − target,
    None without a target);
    ``swings`` (``SWING_COLUMNS``, largest first by size in points): key
    "at_risk" (the accounts starting in the high risk band) or
    "decided_at_risk" (those whose latest review status is at risk or watch),
    accounts, arr (their ARR now), nrr_points (the swing, in points of forward
    NRR: for "at_risk" what losing all of them would take off, for
    "decided_at_risk" what saving them adds, by ``whatif.scenario``),
    priced_points (their expected change already in the base, in points;
    ``contribution_table.nrr_points``), names (the ``NAMES_SHOWN`` largest by ARR)."""

    as_of: str
    month: str
    base: float
    low: float
    high: float
    start_arr: float
    expected_arr: float
    target: float | None
    target_period: str | None
    gap: float | None
    swings: pd.DataFrame


def forward_targets(fc: Forecast, filters: Filters | None, in_force: pd.DataFrame) -> pd.DataFrame:
    """The NRR target for the scope the filters select that the forecast can
    be held to (``steering.target_series``: month, target, period): the one
    applying twelve months after the as-of month, where the forward NRR is
    metrics.md's headline NRR (the accounts active a year earlier, measured a
    year later). At an earlier month the forward NRR covers fewer months than
    a target's trailing year, so no target is set beside it. Empty with no
    such target or a horizon under 12 months."""
    from .. import steering

    scope = steering.scope_of(filters)
    year_on = fc.table.month[fc.table.horizon == MONTHS_PER_YEAR].tolist()
    if scope is None or in_force is None or in_force.empty or not year_on:
        return pd.DataFrame(columns=["month", "target", "period"])
    return steering.target_series(in_force, *scope, "nrr", year_on)


def landing(fc: Forecast, names: pd.DataFrame, filters: Filters | None = None,
            in_force: pd.DataFrame | None = None) -> Landing:
    """Where the forecast ``fc`` lands (see ``Landing``); ``names`` is
    ``account_names`` of the same filters, ``in_force`` the targets in force
    (``TargetStore.in_force``; None: no targets)."""
    end = fc.table.iloc[-1]
    target, period = held_target(fc, forward_targets(fc, filters, in_force))
    base = float(end.nrr_base)
    rows = []
    table = contribution_table(fc, names)
    start_mrr = table.start_mrr.sum()
    risky = table[table.state.isin(HIGH_RISK)].sort_values(["start_arr", "account_id"], ascending=[False, True])
    if len(risky) and start_mrr > 0:
        rows.append({"key": "at_risk", "accounts": len(risky), "arr": float(risky.start_arr.sum()),
                     "nrr_points": -float(risky.start_mrr.sum()) / start_mrr * 100,
                     "priced_points": float(risky.nrr_points.sum()),
                     "names": _names(risky)})
    if any(s in DECIDED_AT_RISK for s in fc.model.start.status):
        saved = scenario(fc.model, Levers(save_decided_at_risk=True))
        mine = table[table.status.isin(DECIDED_AT_RISK)].sort_values(["start_arr", "account_id"],
                                                                    ascending=[False, True])
        rows.append({"key": "decided_at_risk", "accounts": len(mine), "arr": float(mine.start_arr.sum()),
                     "nrr_points": saved.nrr_change * 100, "priced_points": float(mine.nrr_points.sum()),
                     "names": _names(mine)})
    swings = pd.DataFrame(rows, columns=SWING_COLUMNS)
    if len(swings):
        swings = swings.assign(_size=swings.nrr_points.abs()).sort_values("_size", ascending=False, kind="stable")
        swings = swings.drop(columns="_size").reset_index(drop=True)
    return Landing(fc.as_of, str(end.month), base, float(end.nrr_low), float(end.nrr_high),
                   float(end.start_mrr * 12), float(end.expected_arr), target, period,
                   None if target is None else base - target, swings)


def held_target(fc: Forecast, targets: pd.DataFrame) -> tuple:
    """(target, period) of the NRR target the forecast's last month is held
    to, from ``targets`` (``forward_targets`` of ``fc``: only when that month
    is twelve months after the as-of month), else (None, None)."""
    if not len(targets) or targets.month.iloc[0] != fc.table.month.iloc[-1]:
        return None, None
    return float(targets.target.iloc[0]), str(targets.period.iloc[0])


def target_words(month: str, base: float, target: float | None, period: str | None) -> str:
    """The forecast ``base`` at ``month`` against its target (``held_target``)
    in one sentence: the Forecast page, the board pack and the deck print it."""
    if target is None:
        return (f"No NRR target applies to this selection at {long_label(parse_month(month))}, the one month where "
                f"the forward NRR is a year's NRR.")
    return f"NRR target {period}: {percent(target)}; the base forecast is {_gap_words(base - target)}."


def _gap_words(gap: float) -> str:
    """``-0.017`` -> ``'1.7 pts below it'``."""
    return f"{points(abs(gap))[1:]} {'above' if gap >= 0 else 'below'} it"


@dataclass(frozen=True)
class PeriodEnd:
    """A target period that ends within the forecast's first eleven months,
    and where its NRR is expected to land: ``month`` (the period's last month,
    where its NRR is measured), ``period`` and ``target`` (the NRR target of
    the filters' scope applying then), ``expected`` (``expected_nrr_at``) and
    ``known_months`` (how many of the twelve months behind ``month`` are in
    the data)."""

    month: str
    period: str
    target: float
    expected: float
    known_months: int

    @property
    def gap(self) -> float:
        return self.expected - self.target


def expected_nrr_at(con, fc: Forecast, filters: Filters | None, month: str) -> float:
    """metrics.md's headline NRR at ``month`` (1 to ``fc.horizon`` months
    after ``fc.as_of``, and at most 12) as the forecast ``fc`` of the same
    filters expects it: over the selected accounts active twelve months
    before ``month``, Σ expected MRR at ``month`` ÷ Σ MRR then. An account
    active at the as-of month expects its forecast MRR; one that churned
    between the two months expects 0 (the forecast projects returns only of
    MRR churned after the as-of month). At twelve months it is the forward
    NRR. NaN without MRR a year before ``month``."""
    from .history import read_history

    history = read_history(con, filters)
    h = parse_month(month) - parse_month(fc.as_of)
    col = parse_month(month) - MONTHS_PER_YEAR - history.first_idx
    if not 1 <= h <= min(fc.horizon, MONTHS_PER_YEAR) or col < 0:
        raise NrrError(f"{month} is not 1 to 12 months after the forecast's month {fc.as_of}, a year into the data")
    base = history.selected_mrr[:, col]
    if base.sum() <= 0:
        return float("nan")
    # A set, not np.isin: on arrays of text np.isin compares every pair (minutes at 100,000 accounts).
    ids = set(history.account_ids[np.flatnonzero(base > 0)])
    in_base = np.fromiter((a in ids for a in fc.model.start.account_id), dtype=bool, count=len(fc.model.start))
    return float(fc.projection.mrr[in_base, h].sum() / base.sum())


def period_end(con, fc: Forecast, filters: Filters | None, in_force: pd.DataFrame | None) -> PeriodEnd | None:
    """The first target period of the company or a segment (``steering.scope_of``)
    whose last month falls 1 to 11 months after ``fc.as_of`` and a year or
    more into the data, with its NRR target applying then
    (``steering.target_for``: its quarter's, else its year's) and the NRR
    expected then (``PeriodEnd``). None without one, and for a CSM owner,
    whose period-end forecast the CSM scorecards give on the owner's frozen
    book."""
    from .. import steering
    from .history import read_history

    scope = steering.scope_of(filters)
    if scope is None or scope[0] == "csm_owner" or in_force is None or in_force.empty:
        return None
    as_of = parse_month(fc.as_of)
    # A month with no year of data behind it has no NRR, so no target is measured there.
    first = max(as_of + 1, read_history(con, filters).first_idx + MONTHS_PER_YEAR)
    for month in range(first, as_of + min(fc.horizon + 1, MONTHS_PER_YEAR)):
        hit = steering.target_for(in_force, *scope, "nrr", month)
        if hit and steering.parse_period(hit["period"]).last_idx == month:
            return PeriodEnd(label(month), hit["period"], float(hit["target"]),
                             expected_nrr_at(con, fc, filters, label(month)), MONTHS_PER_YEAR - (month - as_of))
    return None


def period_end_at(con, month: str | None, filters: Filters | None, horizon: int, decisions_path: str | None,
                  decisions_version: int, in_force: pd.DataFrame | None) -> PeriodEnd | None:
    """``period_end`` of ``forecast_at``'s forecast (the app caches on the
    decisions store's version and the targets in force)."""
    return period_end(con, forecast_at(con, month, filters, horizon, decisions_path, decisions_version), filters,
                      in_force)


def period_end_words(end: PeriodEnd | None) -> str:
    """``period_end`` in one sentence ("" for None)."""
    if end is None:
        return ""
    return (f"The {end.period} NRR target ({percent(end.target)}) is measured at {long_label(parse_month(end.month))} "
            f"on the accounts active a year earlier: with {end.known_months} of its 12 months in the data, the "
            f"forecast expects {percent(end.expected)}, {_gap_words(end.gap)}.")


def _names(rows: pd.DataFrame) -> list[str]:
    return [str(n) for n in rows.name.fillna(rows.account_id).head(NAMES_SHOWN)]


def swing_words(row, currency: str = "$") -> str:
    """One swing factor of ``Landing.swings`` in words (names not included:
    they are data, printed apart as plain text)."""
    n, arr, pts = int(row["accounts"]), money(row["arr"], currency), row["nrr_points"]
    s = "s" if n != 1 else ""
    if row["key"] == "decided_at_risk":
        return f"Saving the {n} at-risk account{s} with a review decision ({arr} ARR): {pts:+.1f} pts"
    return f"High-risk ARR: {arr} in {n} account{s}, {pts:+.1f} pts if all were lost"


def expected_mrr(con, filters: Filters | None, month: str, made_at: str,
                 store: DecisionStore | None = None) -> pd.DataFrame | None:
    """Each selected account's expected MRR at ``month`` (account_id,
    expected_mrr) by the forecast made at ``made_at`` with data up to it: the
    accounts active at ``made_at``, the decisions and forecast calls in force.
    None when ``month`` is not after ``made_at`` (nothing left to forecast) or
    the book has too little history before ``made_at``. The CSM-owner filter
    is dropped (scorecards freeze books by owner history; the caller selects)."""
    horizon = parse_month(month) - parse_month(made_at)
    if horizon <= 0:
        return None
    selected = dataclasses.replace(filters or Filters(), csm_owner=())
    try:
        made = forecast(con, made_at, selected, horizon, store)
    except NrrError:
        return None
    return contribution_table(made, account_names(con, selected))[["account_id", "expected_mrr"]]


def expected_mrr_at(con, filters: Filters | None, month: str, made_at: str, decisions_path: str | None,
                    decisions_version: int = 0) -> pd.DataFrame | None:
    """``expected_mrr`` with the decisions of the store at ``decisions_path``
    (the app caches on ``decisions_version``, as ``forecast_at``)."""
    return expected_mrr(con, filters, month, made_at, stored_decisions(decisions_path))

