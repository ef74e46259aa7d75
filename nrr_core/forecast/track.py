"""The forecast made at a month, its band, and its track record.

**The base** at T is the model's projection (``model.project``) times its
calibration at T (``calibration``: the model at T against the whole book's
past cohorts whose outcome is known by T).

**The band.** Every month T0 from ``MIN_HISTORY`` months into the data has its
own base forecast, made with data up to T0 only (``model``). Once T0 + h is
in the data, its error at horizon h is known: actual − base, in NRR (the
actual is Σ MRR(a, T0+h) ÷ Σ MRR(a, T0) over the selected accounts active at
T0). The band of a forecast made at T, at horizon h, is

    base ± t(0.9, k − 1) × σ × h^GROWTH × √(1 + 1/k),

where σ is the root-mean-square of the known errors (T0 + h ≤ T) of the
``RECENT`` latest forecasts made before T, each divided by h^GROWTH (scaled
to one month), and k the number of those forecasts; t is the Student t
quantile: the 80 % prediction interval of a normal error as large as the
model's own recent errors, wider while there are few of them. With fewer
than ``MIN_ERRORS`` forecasts the band is empty (NaN). Nothing in the band
reads data after T either.

Why these choices (measured on 13 generated books, README "Forecast"):
*recent* forecasts, since the errors shrink as the history grows (forecasts
made with 6 to 11 months of data erred by up to 14 points at a year), so the
oldest ones overstate the error of a forecast made with more; *every
horizon*, since at T the errors at 12 months are known only for forecasts a
year old or more, while those at one to a few months are fresh; *h^0.9*,
since errors grow nearly in proportion to the horizon (a rate misjudged by a
little compounds month after month): √h (a random walk) left the actual
outside the band in more than one month in five on five of the books, and
0.75 or 0.85 on one; h^1 widened the band past 15 points on six, 0.9 on two.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from ..errors import NrrError
from ..filters import Filters
from ..memo import Kept
from ..metrics import nrr_trend
from ..months import label
from ..review.calibration import scorecard_at
from ..review.decisions import DecisionStore, stored_decisions
from ._common import month_index
from .calls import decisions_of, in_force
from .history import History, read_history
from .model import (MIN_HISTORY, PARTS, ForecastModel, Projection, Start, build_model, estimate, grouped,
                    monthly_sums, project, project_accounts, start_accounts, states, with_start)

HORIZON = 12
Z80 = 1.2815515655446004   # the normal 90th percentile: 80 % of errors inside ±Z80 σ
MIN_ERRORS = 3       # past forecasts with a known outcome before a band is drawn
RECENT = 12          # the latest forecasts whose errors make the band
GROWTH = 0.9         # errors grow as horizon^GROWTH


@dataclass(frozen=True)
class Track:
    """Base forecasts at every month T0 of ``origins`` (month indexes):
    ``base`` and ``actual`` (origins × horizon, NRR at h = 1..H; actual NaN
    where T0 + h is after the as-of month). ``model``: the model at the last
    origin, with its accounts named (the forecast made then)."""

    origins: tuple[int, ...]
    horizon: int
    base: np.ndarray
    actual: np.ndarray
    model: ForecastModel

    def band(self, as_of_idx: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(half-width, σ × h^GROWTH, errors counted) per horizon h = 1..H of
        the band of the forecast made at ``as_of_idx`` (see the module
        docstring); errors counted: of the recent forecasts, those with a
        known outcome at h."""
        origins = np.array(self.origins)
        h = np.arange(1, self.horizon + 1)
        recent = np.flatnonzero(origins < as_of_idx)[-RECENT:]
        known = origins[recent, None] + h[None, :] <= as_of_idx
        errors = np.where(known, self.actual[recent] - self.base[recent], np.nan)
        count = (~np.isnan(errors)).sum(axis=0)
        k = int((~np.isnan(errors)).any(axis=1).sum())
        if k < MIN_ERRORS:
            return np.full(self.horizon, np.nan), np.full(self.horizon, np.nan), count
        scaled = errors / h[None, :] ** GROWTH
        sigma = math.sqrt(float(np.nanmean(scaled ** 2))) * h ** GROWTH
        return t_quantile(0.9, k - 1) * sigma * math.sqrt(1 + 1 / k), sigma, count


def t_quantile(p: float, dof: float) -> float:
    """Student's t quantile (``p`` = 0.9 only): exact for 1 and 2 degrees of
    freedom, the Cornish–Fisher expansion in 1/ν (4 terms) from 3, within
    0.001 of the tables."""
    if p != 0.9:
        raise ValueError("only the 0.9 quantile is implemented")
    z = Z80
    if dof == 1:
        return math.tan(math.pi * (p - 0.5))
    if dof == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    v = float(dof)
    return (z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3)
            + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * v ** 4))


# Tracks kept per load (in the book's ``derived``), per selection, decisions,
# horizon and last month: a page rerun or a second command on the same data
# reads the record instead of re-making forty past forecasts. Each holds a few
# small arrays and one model, so a handful is a few megabytes at 100,000 accounts.
_TRACKS_MAX = 8


def track(con, history: History, horizon: int, store: DecisionStore | None, upto_idx: int) -> Track:
    """The base forecast at every month from ``MIN_HISTORY`` months into the
    data to ``upto_idx``, each with the scorecard and decisions in force then;
    remembered per load, selection and decisions (``_TRACKS_MAX`` of them)."""
    every = decisions_of(store)
    decided_key = ("no decisions" if every is None or every.empty
                   else hashlib.blake2b(pd.util.hash_pandas_object(every, index=False).to_numpy().tobytes(),
                                        digest_size=16).hexdigest())
    kept = history.derived.setdefault("tracks", Kept(_TRACKS_MAX))
    return kept.get_or_make((history.selection, decided_key, horizon, upto_idx),
                            lambda: _track(con, history, horizon, every, upto_idx))


def _track(con, history: History, horizon: int, every: pd.DataFrame | None, upto_idx: int) -> Track:
    origins = tuple(range(history.first_idx + MIN_HISTORY, upto_idx + 1))
    base = np.full((len(origins), horizon), np.nan)
    model = None
    for i, t0 in enumerate(origins):
        card = scorecard_at(con, history.load_id, t0)
        state, sums, estimated = _estimated(history, card, t0, horizon)
        decided = in_force(every, t0) if every is not None and len(every) else None
        model = build_model(history, card, t0, horizon, decided, state=state, sums=sums, estimated=estimated,
                            with_ids=t0 == upto_idx)
        model = replace(model, calibration=calibration(history, card, t0, horizon))
        base[i] = project(with_start(model, grouped(model.start))).nrr
    return Track(origins, horizon, base, all_actuals(history, origins, horizon), model)


def _estimated(history: History, card, t0: int, horizon: int) -> tuple:
    """(state, sums, estimate) of ``card`` at ``t0``: from the whole book,
    whatever the selection, so kept with the book's history (``derived``)
    and made once per load."""
    derived = history.derived
    key = _card_key(card)
    if key not in derived:
        state = states(history, card)
        derived[key] = (state, monthly_sums(history, state))
    state, sums = derived[key]
    if (key, t0, horizon) not in derived:
        derived[key, t0, horizon] = estimate(history, state, t0, horizon, sums)
    return state, sums, derived[key, t0, horizon]


def calibration(history: History, card, t0: int, horizon: int) -> np.ndarray:
    """The model's factor per horizon h = 1..H at ``t0``: over the whole
    book's past cohorts (the accounts active at a month T0 from the data's
    first, with T0 + h ≤ t0), Σ actual MRR(T0 + h) ÷ Σ the MRR the model made
    at ``t0`` projects for them (without decisions). It measures what the
    monthly rates miss over a year (accounts' age and renewal cycle, a
    changing mix), on outcomes known by ``t0``. Where no cohort has h months
    observed, the factor of the longest horizon j that has, to the power h/j;
    with none, 1. Made once per load (``History.derived``)."""
    whole = history.derived["whole"]
    key = ("calibration", _card_key(card), t0, horizon)
    if key in whole.derived:
        return whole.derived[key]
    state, _, estimated = _estimated(whole, card, t0, horizon)
    model = ForecastModel(t0, horizon, whole.segments, *estimated, start=None)
    cohorts = tuple(range(whole.first_idx, t0))
    factor = np.ones(horizon)
    if cohorts:
        starts = [_cohort_start(whole, card, state, c) for c in cohorts]
        sizes = np.array([len(st) for st in starts])
        joined = Start(*(np.concatenate([getattr(st, f.name) for st in starts]) for f in fields(Start)))
        projected = project(with_start(model, joined)).mrr[:, 1:]
        ends = np.cumsum(sizes)
        per_cohort = np.array([projected[e - k:e].sum(axis=0) if k else np.zeros(horizon)
                               for e, k in zip(ends, sizes)])
        cols = np.array(cohorts) - whole.first_idx
        mrr_by_cohort = _cohort_mrr(whole)
        ahead = cols[:, None] + np.arange(1, horizon + 1)[None, :]
        known = ahead <= t0 - whole.first_idx
        actual = np.where(known, mrr_by_cohort[cols[:, None], np.minimum(ahead, mrr_by_cohort.shape[1] - 1)], 0.0)
        num = actual.sum(axis=0)
        den = np.where(known, per_cohort, 0.0).sum(axis=0)
        measured = np.divide(num, den, out=np.full(horizon, np.nan), where=den > 0)
        for i in range(horizon):
            if np.isnan(measured[i]):
                shorter = [j for j in range(i) if not np.isnan(measured[j])]
                factor[i] = measured[shorter[-1]] ** ((i + 1) / (shorter[-1] + 1)) if shorter else 1.0
            else:
                factor[i] = measured[i]
    whole.derived[key] = factor
    return factor


def _cohort_start(whole: History, card, state: np.ndarray, month_idx: int) -> Start:
    """The whole book's accounts active at ``month_idx`` in ``card``'s states,
    grouped (``model.grouped``): the same for every later month's calibration
    with the same card, so kept per load."""
    key = ("cohort start", _card_key(card), month_idx)
    if key not in whole.derived:
        whole.derived[key] = grouped(start_accounts(whole, state, month_idx, None, with_ids=False))
    return whole.derived[key]


def _cohort_mrr(whole: History) -> np.ndarray:
    """Months × months: the MRR in month j of the accounts active in month i
    (offsets from the first month), over the whole book; kept per load."""
    if "cohort_mrr" not in whole.derived:
        grid = whole.selected_mrr
        whole.derived["cohort_mrr"] = (grid > 0).T.astype(float) @ grid
    return whole.derived["cohort_mrr"]


def _card_key(card) -> tuple:
    return (tuple(sorted(card.points.items())), card.risk_threshold, card.expansion_threshold)


def all_actuals(history: History, origins: tuple[int, ...], horizon: int) -> np.ndarray:
    """``actuals`` of every origin (origins × horizon), from one product of
    the selected accounts' MRR grid: for months i, j, the MRR in j of the
    accounts active in i."""
    grid = history.selected_mrr
    if not origins:
        return np.full((0, horizon), np.nan)
    cols = np.array(origins) - history.first_idx
    lo, hi = int(cols.min()), int(cols.max())
    cohort = (grid[:, lo:hi + 1] > 0).T.astype(float) @ grid   # (origins' months × every month)
    out = np.full((len(origins), horizon), np.nan)
    for i, col in enumerate(cols):
        start = cohort[col - lo, col]
        ahead = min(horizon, grid.shape[1] - 1 - col)
        if start > 0 and ahead > 0:
            out[i, :ahead] = cohort[col - lo, col + 1:col + 1 + ahead] / start
    return out


@dataclass(frozen=True)
class Forecast:
    """The forecast made at ``as_of``: ``table`` (one row per h = 1..H:
    month, horizon, nrr_low, nrr_base, nrr_high, start_mrr, expected_mrr,
    expected_arr, churn, contraction, expansion, cross_sell, reactivation (the
    parts' expected amounts from as_of to that month, MRR; churn and
    contraction negative), rmse (the past errors' size the band uses),
    errors (how many past forecasts were measured at that horizon)); ``model``
    and ``projection`` behind it."""

    as_of: str
    horizon: int
    table: pd.DataFrame
    model: ForecastModel
    projection: Projection


def _check(history: History, as_of_idx: int, horizon: int) -> None:
    if horizon < 1 or horizon > 36:
        raise NrrError(f"--horizon {horizon}: use a number of months from 1 to 36")
    if as_of_idx > history.as_of_idx or as_of_idx < history.first_idx:
        raise NrrError(f"{label(as_of_idx)} is outside the data ({label(history.first_idx)} to "
                       f"{label(history.as_of_idx)})")
    if as_of_idx < history.first_idx + MIN_HISTORY:
        raise NrrError(f"a forecast at {label(as_of_idx)} needs {MIN_HISTORY} months of data before it "
                       f"(the data starts {label(history.first_idx)})")


def _table(as_of_idx: int, model: ForecastModel, proj: Projection, half: np.ndarray, rmse: np.ndarray,
           count: np.ndarray) -> pd.DataFrame:
    h = np.arange(1, model.horizon + 1)
    nrr = proj.nrr
    start = float(proj.mrr[:, 0].sum())
    table = pd.DataFrame({
        "month": [label(as_of_idx + int(k)) for k in h], "horizon": h,
        "nrr_low": nrr - half, "nrr_base": nrr, "nrr_high": nrr + half,
        "start_mrr": start, "expected_mrr": proj.mrr[:, 1:].sum(axis=0),
    })
    table["expected_arr"] = table.expected_mrr * 12
    for part in PARTS:
        table[part] = np.cumsum(proj.parts[part].sum(axis=0))
    table["rmse"] = rmse
    table["errors"] = count
    return table


def forecast(con, month: str | int | None = None, filters: Filters | None = None, horizon: int = HORIZON,
             store: DecisionStore | None = None) -> Forecast:
    """The forward NRR of the selected accounts active at ``month`` (default:
    the as-of month) over the next ``horizon`` months, with its band (module
    docstring), made with data up to ``month`` only. NrrError when ``month``
    has fewer than ``MIN_HISTORY`` months of data before it."""
    history = read_history(con, filters)
    idx = history.as_of_idx if month is None else month_index(month)
    _check(history, idx, horizon)
    record = track(con, history, horizon, store, idx)
    return _forecast_from(record, idx)


def _forecast_from(record: Track, idx: int) -> Forecast:
    model = record.model
    proj = project_accounts(model)
    half, rmse, count = record.band(idx)
    return Forecast(label(idx), record.horizon, _table(idx, model, proj, half, rmse, count), model, proj)


@dataclass(frozen=True)
class Backtest:
    """The forecasts made at past months against what happened.

    ``table``: one row per past month T with T − 12 and T + horizon in the
    data: as_of, target_month, nrr_low, nrr_base, nrr_high, actual_nrr,
    naive_nrr (the retention report's NRR at T: "next year like the last"),
    error (base − actual), naive_error, inside (actual within the band).
    ``summary``: months, mae, naive_mae, coverage (share inside), width (mean
    high − low), bias (mean error); NaN where there is no month."""

    horizon: int
    table: pd.DataFrame
    summary: dict


def backtest(con, filters: Filters | None = None, horizon: int = HORIZON,
             store: DecisionStore | None = None) -> Backtest:
    """The track record of ``forecast`` at horizon ``horizon`` (see ``Backtest``)."""
    history = read_history(con, filters)
    _check(history, history.as_of_idx, horizon)
    last = history.as_of_idx - horizon
    first = max(history.first_idx + 12, history.first_idx + MIN_HISTORY)
    columns = ["as_of", "target_month", "nrr_low", "nrr_base", "nrr_high", "actual_nrr", "naive_nrr", "error",
               "naive_error", "inside"]
    rows = []
    if last >= first:
        record = track(con, history, horizon, store, last)
        naive = nrr_trend(con, filters).set_index("month").nrr
        for t in range(first, last + 1):
            i = record.origins.index(t)
            half = record.band(t)[0][-1]
            base, actual = record.base[i, -1], record.actual[i, -1]
            rows.append({"as_of": label(t), "target_month": label(t + horizon),
                         "nrr_low": base - half, "nrr_base": base, "nrr_high": base + half,
                         "actual_nrr": actual, "naive_nrr": float(naive.get(label(t), np.nan))})
    table = pd.DataFrame(rows, columns=columns[:7])
    table["error"] = table.nrr_base - table.actual_nrr
    table["naive_error"] = table.naive_nrr - table.actual_nrr
    table["inside"] = (table.actual_nrr >= table.nrr_low) & (table.actual_nrr <= table.nrr_high)
    return Backtest(horizon, table, summarise(table))


def summarise(table: pd.DataFrame) -> dict:
    """The back-test's figures: months, mae, naive_mae, coverage, width, bias."""
    banded = table.dropna(subset=["nrr_low", "nrr_high"])
    return {
        "months": len(table),
        "mae": float(table.error.abs().mean()) if len(table) else math.nan,
        "naive_mae": float(table.naive_error.abs().mean()) if table.naive_error.notna().any() else math.nan,
        "bias": float(table.error.mean()) if len(table) else math.nan,
        "coverage": float(banded.inside.mean()) if len(banded) else math.nan,
        "width": float((banded.nrr_high - banded.nrr_low).mean()) if len(banded) else math.nan,
    }


def track_words(summary: dict, horizon: int) -> str:
    """The back-test's ``summary`` (``Backtest.summary``) in one paragraph of
    plain words: the Forecast page and the board pack print it."""
    months = summary["months"]
    if not months:
        return ""
    mae, naive = summary["mae"] * 100, summary["naive_mae"] * 100
    inside = round(summary["coverage"] * months) if summary["coverage"] == summary["coverage"] else 0
    better = ("better than" if mae < naive else "no better than") if naive == naive else "–"
    return (f"Over the {months} past months with a known outcome, the forecast made {horizon} months ahead missed "
            f"the actual NRR by {mae:.1f} points on average; the naive forecast (the last 12 months' NRR) missed "
            f"by {naive:.1f} points, so the model did {better} it. The 80 % band held the actual in {inside} of "
            f"{months} months ({summary['coverage']:.0%}), {summary['width'] * 100:.1f} points wide on average; "
            f"on average the forecast was {abs(summary['bias']) * 100:.1f} points "
            f"{'above' if summary['bias'] > 0 else 'below'} what happened.")


def account_names(con, filters: Filters | None = None) -> pd.DataFrame:
    """The selected accounts' account_id, name, segment and csm_owner (for
    ``contribution_table``)."""
    from .. import db

    return db.run(con, "review/account_names", (filters or Filters()).to_params())


def forecast_at(con, month: str | None, filters: Filters | None, horizon: int, decisions_path: str | None,
                decisions_version: int = 0) -> Forecast:
    """``forecast`` with the decisions of the store at ``decisions_path``; the
    app caches on ``decisions_version`` (``DecisionStore.version``), so a new
    decision or call shows on the next rerun."""
    return forecast(con, month, filters, horizon, stored_decisions(decisions_path))


def backtest_at(con, filters: Filters | None, horizon: int, decisions_path: str | None,
                decisions_version: int = 0) -> Backtest:
    """``backtest`` with the decisions of the store at ``decisions_path`` (see ``forecast_at``)."""
    return backtest(con, filters, horizon, stored_decisions(decisions_path))


def contributions(con, month: str | int | None = None, filters: Filters | None = None, horizon: int = HORIZON,
                  store: DecisionStore | None = None, forecast_result: Forecast | None = None) -> pd.DataFrame:
    """Why the forecast is what it is: ``contribution_table`` of the forecast
    at ``month`` (default the as-of month) for the selected accounts.
    ``forecast_result``: a forecast already made with the same arguments."""
    fc = forecast_result or forecast(con, month, filters, horizon, store)
    return contribution_table(fc, account_names(con, filters))


def contribution_table(fc: Forecast, names: pd.DataFrame) -> pd.DataFrame:
    """One row per account of ``fc`` (the selected accounts active at its
    month), largest expected change first (absolute), then account_id.

    Columns: account_id, name, segment, csm_owner (from ``names``: account_id,
    name, csm_owner), start_mrr, expected_mrr (at the horizon), change
    (expected − start), churn, contraction, expansion, cross_sell,
    reactivation (expected amounts over the horizon, MRR; churn and
    contraction negative; start + parts = expected exactly), start_arr,
    expected_arr, change_arr (12 ×), state (risk · expansion band at the
    start, after decisions), months_to_renewal, status, forecast_call (the
    decision in force; None where none), nrr_points (change ÷ the selection's
    start MRR × 100: they add up to (forward NRR − 1) × 100). Empty (same
    columns) with no account.
    """
    from .model import STATE_LABELS

    acc, proj = fc.model.accounts, fc.projection
    out = pd.DataFrame({"account_id": acc.account_id, "segment": acc.segment, "start_mrr": proj.mrr[:, 0],
                        "expected_mrr": proj.mrr[:, -1]})
    out["change"] = out.expected_mrr - out.start_mrr
    for part in PARTS:
        out[part] = proj.parts[part].sum(axis=1)
    for col in ("start", "expected"):
        out[f"{col}_arr"] = out[f"{col}_mrr"] * 12
    out["change_arr"] = out.change * 12
    out["state"] = [STATE_LABELS[s] for s in acc.state]
    out["months_to_renewal"] = acc.months_to_renewal.to_numpy()
    out["status"] = acc.status.to_numpy()
    out["forecast_call"] = acc.forecast_call.to_numpy()
    start = out.start_mrr.sum()
    out["nrr_points"] = out.change / start * 100 if start > 0 else np.nan
    out = out.merge(names[["account_id", "name", "csm_owner"]], on="account_id", how="left")
    order = out.change.abs().sort_values(ascending=False, kind="stable").index
    out = out.loc[order].reset_index(drop=True)
    for col in ("status", "forecast_call"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out[["account_id", "name", "segment", "csm_owner", "start_mrr", "expected_mrr", "change", *PARTS,
                "start_arr", "expected_arr", "change_arr", "state", "months_to_renewal", "status", "forecast_call",
                "nrr_points"]]
