"""The forward forecast's model: monthly rates estimated from history up to a
month T, and each account's expected MRR over the following months.

**State.** Each account active at a month is in one of six states: its risk
band (low: risk score below half the scorecard's risk threshold; medium: from
half; high: at or above the threshold) × its expansion band (below or at/above
the expansion threshold), scored with the review board's scorecard in force at
T (``review.calibrate``) on the account's point-in-time factors.

**Monthly rates** (estimated at T, only from months whose outcome is known by
T: the month after t is at most T, t within the last ``WINDOW`` months). Per
segment and state: the MRR-weighted rate of each movement in the following
month, i.e. Σ movement ÷ Σ MRR of the account-months in the cell (churn and
contraction negative). A rate combines the chance of the movement and its
expected size. Cells with little exposure are pulled towards their segment's
rate, and segments towards the book's, each with a weight of
``SHRINK_MONTHS`` average account-months. With ``USE_RENEWAL`` the cells are
also split by whether the month is the account's renewal month (its contract
anniversary, ``History.anniversary``); it is off (see the constant).

**Moving between states.** Scores change: an account at high risk today is
not at high risk for ever. The share of surviving MRR that moves from each
state to each state in a month (per segment, MRR-weighted, shrunk the same way
towards the segment's mix) carries the expected MRR from state to state.

**Reactivation.** Of the MRR churned d months ago, the share that came back in
month d (first return only, counted over churns whose d months are observed
by T); the returned MRR is then kept flat.

**The projection.** For an account with MRR m at T in state s, the expected
MRR vector over states starts at m·e_s; each month k = 1..H the rates of its
segment, state and renewal flag give the expected churn, contraction,
expansion and cross-sell (the parts), the surviving MRR moves between states,
and churned MRR returns as above. E[MRR(a, T+k)] is the sum, and the start MRR
plus the parts' running sums equals it exactly.

**Calibration.** Monthly rates compounded over a year miss what a closed
group of accounts does as it ages (its renewals all fall within the year,
while the rates are diluted by young accounts before their first renewal;
a changing mix). ``ForecastModel.calibration`` holds, per horizon h, the
factor measured on the book's past cohorts with h months observed by T
(``track.calibration``): Σ actual MRR ÷ Σ the MRR this model projects for
them. E[MRR(a, T+h)] is the projection times the factor, the difference shown
as its own part (``calibration``), so start plus parts is still the expected
MRR. Accounts with a commit or lost call keep the CSM's call uncalibrated.

**Review decisions in force at T** (recorded for a book month up to T; the
latest status, and the latest forecast call recorded for the account):

* status at risk: starts in the high risk band; watch: at least medium;
  healthy: low; expansion: high expansion band;
* forecast call ``commit``: no churn over the horizon (contraction and
  expansion as modelled); ``likely``: the model unchanged; ``at risk``: starts
  in the high risk band (whatever the status); ``lost``: no churn before its
  next renewal, all of its MRR churns in the renewal month, and none returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..months import label
from ..review.decisions import FORECAST_CALLS, STATUSES
from .history import EXPANSION_KEYS, RISK_KEYS, History

MOVES = ("churn", "contraction", "expansion", "cross_sell")
PARTS = MOVES + ("reactivation", "calibration")
N_STATES = 6
STATE_LABELS = tuple(f"{r} risk · {e}" for r in ("low", "medium", "high")
                     for e in ("no expansion signal", "expansion candidate"))
WINDOW = 24          # months of observed transitions the rates are estimated on
# Pseudo account-months pulling a cell towards its parent (a state towards its
# segment, a segment towards the book). 1,000, not 30: a state's own rate moved
# the 12-month forecast of small books more than their outcomes bore out (on
# 1,200 accounts × 48 months the mix drifted towards expansion candidates and
# the forecast with it, while the actual NRR did not). On the 13 books of the
# README's "Forecast", 1,000 lowered the back-test's mean error on 12 (mean
# 2.03 → 1.97 points) and kept every band's coverage at 80 % or more; 3,000
# erred less on average (1.94) but left one book's band holding 8 of 12. On
# the demo book most cells hold 400 to 8,500 account-months of the window; at
# 100,000 accounts fifty times as many, where the weight matters little.
SHRINK_MONTHS = 1000
MIN_HISTORY = 6      # months of data before T that a forecast needs
# Rates split by renewal month (1) or not (0). Off: on the demo book the split
# made the 12-month back-test worse (mean absolute error 0.70 against 0.59
# points, 24-month window), since the data holds renewal dates only for accounts
# active at the as-of month; a churned account's contract month is guessed from
# its first month, so past renewal-month churn is mislabelled. Renewal timing
# still places a "lost" call's churn.
USE_RENEWAL = 0
CALLS = FORECAST_CALLS


@dataclass(frozen=True)
class Levers:
    """What-if changes of the monthly rates, as fractions of the base rate
    (−0.2: 20 % less of that movement; 0: the base). ``segments``: extra
    changes for one segment, ((segment, {movement: fraction}), ...), applied
    on top of the book-wide ones. ``save_decided_at_risk``: accounts whose
    latest review status is at risk or watch do not churn."""

    churn: float = 0.0
    contraction: float = 0.0
    expansion: float = 0.0
    cross_sell: float = 0.0
    segments: tuple = ()
    save_decided_at_risk: bool = False


@dataclass(frozen=True)
class Start:
    """The accounts a projection starts from, as arrays of one length:
    account_id (text; None for a group of accounts), segment_code, state,
    months_to_renewal (1..12), mrr, status and forecast_call (text or None)."""

    account_id: np.ndarray
    segment_code: np.ndarray
    state: np.ndarray
    months_to_renewal: np.ndarray
    mrr: np.ndarray
    status: np.ndarray
    forecast_call: np.ndarray

    def __len__(self) -> int:
        return len(self.mrr)


@dataclass(frozen=True)
class ForecastModel:
    """Everything a projection needs, estimated at ``as_of_idx`` (pure data).

    ``rates``: (movement in ``MOVES``, segment, state, renewal 0/1) monthly
    MRR-weighted rates; ``transition``: (segment, from state, to state) shares
    of surviving MRR, rows summing to 1; ``reactivation``: index d = 1..horizon,
    the share of MRR churned d months earlier that returns then. ``start``:
    the selected accounts active at T (``Start``), with the decisions in force
    applied to their state.
    """

    as_of_idx: int
    horizon: int
    segments: tuple[str, ...]
    rates: np.ndarray
    transition: np.ndarray
    reactivation: np.ndarray
    start: Start = field(compare=False)
    risk_threshold: int = 0
    expansion_threshold: int = 0
    calibration: np.ndarray | None = field(default=None, compare=False)

    @property
    def as_of(self) -> str:
        return label(self.as_of_idx)

    @property
    def accounts(self) -> pd.DataFrame:
        """``start`` as a table: account_id, segment, segment_code, mrr, state,
        months_to_renewal, status, forecast_call."""
        st = self.start
        return pd.DataFrame({
            "account_id": st.account_id, "segment": np.array(self.segments, dtype=object)[st.segment_code],
            "segment_code": st.segment_code, "mrr": st.mrr, "state": st.state,
            "months_to_renewal": st.months_to_renewal, "status": st.status, "forecast_call": st.forecast_call})


@dataclass(frozen=True)
class Projection:
    """Expected MRR per account: ``mrr`` (accounts × horizon+1, column 0 the
    start) and ``parts`` (movement in ``PARTS`` → accounts × horizon monthly
    expected amounts; churn and contraction negative). ``nrr``: per horizon
    1..H, Σ E[MRR] ÷ Σ start MRR (NaN with no start MRR)."""

    mrr: np.ndarray
    parts: dict

    @property
    def nrr(self) -> np.ndarray:
        start = self.mrr[:, 0].sum()
        return self.mrr[:, 1:].sum(axis=0) / start if start > 0 else np.full(self.mrr.shape[1] - 1, np.nan)


def states(history: History, card) -> np.ndarray:
    """Each history row's state (0..5) under scorecard ``card``."""
    risk = history.risk @ np.array([card.points[k] for k in RISK_KEYS], dtype=float)
    grow = history.expansion @ np.array([card.points[k] for k in EXPANSION_KEYS], dtype=float)
    band = np.where(risk >= card.risk_threshold, 2, np.where(risk >= card.risk_threshold / 2, 1, 0))
    return band * 2 + (grow >= card.expansion_threshold).astype(int)


def _shrunk(amount: np.ndarray, exposure: np.ndarray, prior: np.ndarray, weight: float) -> np.ndarray:
    """(amount + weight × prior) ÷ (exposure + weight); 0 where both are empty."""
    total = exposure + weight
    return np.divide(amount + weight * prior, total, out=np.zeros(np.broadcast(amount, total).shape), where=total > 0)


@dataclass(frozen=True)
class MonthlySums:
    """Per month t of the history (offset from its first month), the sums the
    rates are estimated from, for one state assignment: ``count`` and
    ``exposure`` (account-months and their MRR, by cell = (segment, state,
    renewal flag of t+1)), ``amounts`` (per movement in ``MOVES``, its sum in
    month t+1, by cell), ``flows`` (MRR at t+1 of the accounts still active,
    by segment, state at t and state at t+1). A window of months is then a
    sum over its rows."""

    count: np.ndarray
    exposure: np.ndarray
    amounts: np.ndarray
    flows: np.ndarray


def monthly_sums(history: History, state: np.ndarray) -> MonthlySums:
    """``MonthlySums`` of every history row whose next month is in the data."""
    n_seg, months = len(history.segments), history.months
    rows = np.flatnonzero(history.month < history.as_of_idx)
    m = history.month[rows] - history.first_idx
    seg, st, mrr = history.segment[rows], state[rows], history.mrr[rows]
    renewal = ((history.month[rows] + 1) % 12 == history.anniversary[rows]).astype(np.int64) * USE_RENEWAL
    cells = n_seg * N_STATES * 2
    cell = m * cells + (seg * N_STATES + st) * 2 + renewal
    shape = (months, n_seg, N_STATES, 2)
    count = np.bincount(cell, None, months * cells).reshape(shape)
    exposure = np.bincount(cell, mrr, months * cells).reshape(shape)
    amounts = np.stack([np.bincount(cell, getattr(history, f"next_{move}")[rows], months * cells).reshape(shape)
                        for move in MOVES])
    nxt = history.next_row[rows]
    kept = nxt >= 0
    pair = ((m[kept] * n_seg + seg[kept]) * N_STATES + st[kept]) * N_STATES + state[nxt[kept]]
    flows = np.bincount(pair, history.mrr[nxt[kept]], months * n_seg * N_STATES * N_STATES)
    return MonthlySums(count, exposure, amounts, flows.reshape(months, n_seg, N_STATES, N_STATES))


def estimate(history: History, state: np.ndarray, as_of_idx: int, horizon: int,
             sums: MonthlySums | None = None) -> tuple:
    """(rates, transition, reactivation) at ``as_of_idx`` from the history
    rows observed by then: months t with t + 1 ≤ ``as_of_idx``, the last
    ``WINDOW`` of them (see the module docstring). ``sums``: ``monthly_sums``
    of the same ``state``, when already made."""
    sums = sums or monthly_sums(history, state)
    lo = max(as_of_idx - WINDOW - history.first_idx, 0)
    hi = as_of_idx - 1 - history.first_idx
    window = slice(lo, hi + 1)
    count = sums.count[window].sum(axis=0)
    exposure = sums.exposure[window].sum(axis=0)
    weight = SHRINK_MONTHS * (exposure.sum() / count.sum() if count.sum() else 1.0)
    rates = np.zeros((len(MOVES),) + exposure.shape)
    for i in range(len(MOVES)):
        amount = sums.amounts[i, window].sum(axis=0)
        book = _shrunk(amount.sum(axis=(0, 1)), exposure.sum(axis=(0, 1)), np.zeros(2), 0.0)
        segment_rate = _shrunk(amount.sum(axis=1), exposure.sum(axis=1), book[None, :], weight)
        rates[i] = _shrunk(amount, exposure, segment_rate[:, None, :], weight)
    # Moves between states of the MRR that survived the month.
    flows = sums.flows[window].sum(axis=0)
    book_mix = flows.sum(axis=(0, 1))
    book_mix = book_mix / book_mix.sum() if book_mix.sum() > 0 else np.full(N_STATES, 1 / N_STATES)
    seg_mix = flows.sum(axis=1) + weight * book_mix[None, :]
    seg_mix = seg_mix / seg_mix.sum(axis=1, keepdims=True)
    transition = (flows + weight * seg_mix[:, None, :]) / (flows.sum(axis=2, keepdims=True) + weight)
    # Churned MRR that came back d months later, over churns observed for d months.
    churns = history.churns
    churn_idx = churns.churn_idx.to_numpy(dtype=np.int64)
    lag = (churns.back_idx.to_numpy(dtype=float, na_value=np.nan) - churn_idx)
    regained = churns.regained.to_numpy(dtype=float, na_value=0.0)
    lost = churns.lost.to_numpy(dtype=float)
    reactivation = np.zeros(horizon + 1)
    for d in range(1, horizon + 1):
        seen = churn_idx <= as_of_idx - d
        base = lost[seen].sum()
        if base > 0:
            reactivation[d] = regained[seen & (lag == d)].sum() / base
    return rates, transition, reactivation


def start_accounts(history: History, state: np.ndarray, as_of_idx: int, decisions: pd.DataFrame | None,
                   with_ids: bool = True) -> Start:
    """The selected accounts active at ``as_of_idx`` (ordered by account_id),
    with the review decisions in force (``calls.in_force``) applied to their
    state (see the module docstring). ``with_ids=False``: account_id is None
    for every account when there is no decision to place (the track record
    sums accounts into groups and never reads it; naming 100,000 accounts is
    most of this function's time)."""
    rows = history.rows_at(as_of_idx)
    rows = rows[history.selected[rows]]
    months_to_renewal = (history.anniversary[rows] - as_of_idx % 12) % 12
    decided = decisions is not None and len(decisions) > 0
    ids = (history.account_ids[history.account[rows]].astype(object) if with_ids or decided
           else np.full(len(rows), None, dtype=object))
    st = state[rows].copy()
    status = np.full(len(rows), None, dtype=object)
    call = np.full(len(rows), None, dtype=object)
    if decided:
        where = {aid: i for i, aid in enumerate(ids)}
        for aid, st_, call_ in zip(decisions.account_id, decisions.status, decisions.forecast_call):
            i = where.get(aid)
            if i is None:
                continue
            status[i], call[i] = st_, call_
            band, grow = divmod(int(st[i]), 2)
            band = {"at risk": 2, "watch": max(band, 1), "healthy": 0}.get(st_, band)
            grow = 1 if st_ == "expansion" else grow
            band = 2 if call_ == "at risk" else band
            st[i] = band * 2 + grow
    return Start(ids, history.segment[rows], st, np.where(months_to_renewal == 0, 12, months_to_renewal),
                 history.mrr[rows], status, call)


def _multipliers(model: ForecastModel, levers: Levers) -> np.ndarray:
    """(accounts × movements) factors on the base rates: 1 with no lever."""
    codes = model.start.segment_code
    mult = np.ones((len(codes), len(MOVES)))
    for i, move in enumerate(MOVES):
        mult[:, i] *= 1.0 + float(getattr(levers, move))
    for segment, changes in levers.segments:
        if segment in model.segments:
            mine = codes == model.segments.index(segment)
            for i, move in enumerate(MOVES):
                mult[mine, i] *= 1.0 + float(dict(changes).get(move, 0.0))
    return mult


def project(model: ForecastModel, levers: Levers | None = None) -> Projection:
    """Expected MRR of ``model.accounts`` for months 1..horizon (see the
    module docstring), with ``levers`` (default: none, the base)."""
    levers = levers or Levers()
    acc = model.start
    n, h_max = len(acc), model.horizon
    seg = acc.segment_code.astype(np.int64)
    r0 = acc.months_to_renewal.astype(np.int64)
    mass = np.zeros((n, N_STATES))
    mass[np.arange(n), acc.state.astype(np.int64)] = acc.mrr.astype(float)
    mult = _multipliers(model, levers)
    calls = acc.forecast_call
    no_churn = calls == "commit"
    if levers.save_decided_at_risk:
        no_churn = no_churn | np.isin(acc.status, ["at risk", "watch"])
    lost = calls == "lost"
    moves = mult.T[:, :, None]  # (moves, n, 1)
    by_renewal = model.rates.transpose(1, 3, 0, 2)  # (segment, renewal, moves, states)
    q = model.transition[seg]
    out = np.zeros((n, h_max + 1))
    out[:, 0] = mass.sum(axis=1)
    parts = {p: np.zeros((n, h_max)) for p in PARTS}
    for k in range(1, h_max + 1):
        renewal = ((k == r0) | (k == r0 + 12)).astype(np.int64) * USE_RENEWAL
        rate = by_renewal[seg, renewal].transpose(1, 0, 2) * moves  # (moves, n, states)
        rate[0, no_churn | lost] = 0.0
        at_renewal = lost & (k == r0)
        rate[:, at_renewal] = 0.0
        rate[0, at_renewal] = -1.0
        amounts = np.einsum("mns,ns->mn", rate, mass)
        for i, move in enumerate(MOVES):
            parts[move][:, k - 1] = amounts[i]
        survived = mass * (1.0 + rate.sum(axis=0))
        mass = np.einsum("ns,nst->nt", survived, q)
        out[:, k] = mass.sum(axis=1)
    # Churned MRR returning d months later (then kept flat); never for a lost call.
    lags = np.arange(h_max)[:, None] - np.arange(h_max)[None, :]   # k − j, months after the churn
    returning = np.where(lags >= 1, model.reactivation[np.clip(lags, 0, h_max)], 0.0)
    back = -parts["churn"] @ returning.T
    back[lost] = 0.0
    parts["reactivation"] = back
    out[:, 1:] += np.cumsum(back, axis=1)
    # The model's measured gap on past cohorts (``track.calibration``), as its own part.
    parts["calibration"] = np.zeros((n, h_max))
    if model.calibration is not None:
        # A commit or lost call is the CSM's word on the account, not the model's.
        gap = out[:, 1:] * (model.calibration[:h_max] - 1.0) * ~(calls == "commit")[:, None] * ~lost[:, None]
        parts["calibration"] = np.diff(gap, axis=1, prepend=0.0)
        out[:, 1:] += gap
    return Projection(out, parts)


def build_model(history: History, card, as_of_idx: int, horizon: int, decisions: pd.DataFrame | None = None,
                state: np.ndarray | None = None, sums: MonthlySums | None = None,
                estimated: tuple | None = None, with_ids: bool = True) -> ForecastModel:
    """The model at ``as_of_idx`` with scorecard ``card`` (the one in force
    then); ``state``, ``sums`` and ``estimated``: ``states``, ``monthly_sums``
    and ``estimate`` of ``card`` when already made; ``with_ids`` as
    ``start_accounts``."""
    state = states(history, card) if state is None else state
    rates, transition, reactivation = estimated or estimate(history, state, as_of_idx, horizon, sums)
    return ForecastModel(as_of_idx, horizon, history.segments, rates, transition, reactivation,
                         start_accounts(history, state, as_of_idx, decisions, with_ids), int(card.risk_threshold),
                         int(card.expansion_threshold))


def _group_keys(start: Start) -> tuple[np.ndarray, int]:
    """Each account's group (segment, state, months to renewal, status, call)
    as a number, and the size of that number space."""
    kind = np.zeros(len(start), dtype=np.int64)
    for values, choices, scale in ((start.status, STATUSES, 1), (start.forecast_call, CALLS, len(STATUSES) + 1)):
        if not np.not_equal(values, None).any():
            continue  # no decision: nothing to tell apart
        for i, choice in enumerate(choices, start=1):
            kind += (values == choice) * (i * scale)
    kinds = (len(STATUSES) + 1) * (len(CALLS) + 1)
    key = ((start.segment_code * N_STATES + start.state) * 13 + start.months_to_renewal) * kinds + kind
    return key, (int(start.segment_code.max(initial=0)) + 1) * N_STATES * 13 * kinds


def grouped(start: Start) -> Start:
    """``start`` summed into one row per segment, state, months to renewal,
    status and call (in that key's order): the same projection totals from far
    fewer rows (the track record needs only the totals)."""
    key, size = _group_keys(start)
    kinds = (len(STATUSES) + 1) * (len(CALLS) + 1)
    # Counting into the dense key space is far quicker than sorting the keys.
    keys = np.flatnonzero(np.bincount(key, minlength=size))
    mrr = np.bincount(key, start.mrr, size)[keys]
    rest, kind = np.divmod(keys, kinds)
    rest, months_to_renewal = np.divmod(rest, 13)
    segment_code, state = np.divmod(rest, N_STATES)
    status_i, call_i = kind % (len(STATUSES) + 1), kind // (len(STATUSES) + 1)
    status = np.array((None,) + tuple(STATUSES), dtype=object)[status_i]
    call = np.array((None,) + tuple(CALLS), dtype=object)[call_i]
    return Start(np.full(len(keys), None, dtype=object), segment_code, state, months_to_renewal, mrr, status, call)


def project_accounts(model: ForecastModel, levers: Levers | None = None) -> Projection:
    """``project`` of every account of ``model.start``, made once per group
    (``grouped``) for one unit of MRR and scaled by each account's MRR: the
    projection is linear in the start MRR, and accounts of one group share
    every rate, so the result is the same at a fraction of the work."""
    start = model.start
    key, size = _group_keys(start)
    position = np.zeros(size, dtype=np.int64)
    keys = np.flatnonzero(np.bincount(key, minlength=size))
    position[keys] = np.arange(len(keys))
    groups = grouped(start)
    unit = project(with_start(model, replace(groups, mrr=np.ones(len(groups)))), levers)
    row, scale = position[key], start.mrr.astype(float)[:, None]
    return Projection(unit.mrr[row] * scale, {k: v[row] * scale for k, v in unit.parts.items()})


def with_start(model: ForecastModel, start: Start) -> ForecastModel:
    """The same rates over other start accounts (the track record, tests)."""
    return replace(model, start=start)
