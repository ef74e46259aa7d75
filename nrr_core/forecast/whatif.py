"""What-if on the forward forecast: pure functions over a ``ForecastModel``.

A scenario changes the model's monthly rates (``Levers``: each movement as a
fraction of its base rate, book-wide and per segment) or saves the at-risk
accounts that have a decision, and is projected exactly as the base
(``model.project``). With every lever at zero the scenario *is* the base.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .model import ForecastModel, Levers, grouped, project, with_start

SEARCH_STEPS = 45   # bisection steps of the inverse: the change to within 2^-45 of its range


@dataclass(frozen=True)
class Scenario:
    """A scenario at the horizon's end: nrr and arr (12 × expected MRR) of the
    scenario and of the base, the differences (nrr_change in NRR, arr_change),
    and against ``target_nrr`` (None: no target): target_arr (start ARR ×
    target) and arr_gap (scenario ARR − target ARR)."""

    nrr: float
    arr: float
    base_nrr: float
    base_arr: float
    start_arr: float
    target_nrr: float | None
    target_arr: float | None

    @property
    def nrr_change(self) -> float:
        return self.nrr - self.base_nrr

    @property
    def arr_change(self) -> float:
        return self.arr - self.base_arr

    @property
    def arr_gap(self) -> float | None:
        return None if self.target_arr is None else self.arr - self.target_arr


def _totals_only(model: ForecastModel) -> ForecastModel:
    """The model over its accounts summed by segment, state, renewal month,
    status and call (``grouped``): the same totals, and every lever still
    applies (they act on segments, statuses and calls)."""
    return with_start(model, grouped(model.start))


def _end(model: ForecastModel, levers: Levers) -> tuple[float, float, float]:
    """(NRR at the horizon, ARR at the horizon, start ARR) under ``levers``."""
    proj = project(model, levers)
    return float(proj.nrr[-1]), float(proj.mrr[:, -1].sum() * 12), float(proj.mrr[:, 0].sum() * 12)


def scenario(model: ForecastModel, levers: Levers | None = None, target_nrr: float | None = None) -> Scenario:
    """The forward NRR and ARR at the horizon under ``levers`` (default none),
    against the base and against ``target_nrr``."""
    model = _totals_only(model)
    nrr, arr, start = _end(model, levers or Levers())
    base_nrr, base_arr, _ = _end(model, Levers())
    return Scenario(nrr, arr, base_nrr, base_arr, start, target_nrr,
                    None if target_nrr is None else start * target_nrr)


@dataclass(frozen=True)
class Needed:
    """The answer of ``needed``: ``change`` (the lever's value, a fraction of
    the base rate: −0.25 = churn 25 % lower) or None when no value within
    ``limit`` reaches the target; ``reached`` (the NRR with it, or with the
    limit when unreachable); ``already`` (the base already reaches it:
    change 0)."""

    lever: str
    target_nrr: float
    change: float | None
    reached: float
    already: bool


def needed(model: ForecastModel, target_nrr: float, lever: str = "churn", base: Levers | None = None) -> Needed:
    """The change of one lever that brings the forward NRR at the horizon to
    ``target_nrr``, the other levers as in ``base`` (default none).

    ``lever``: "churn" or "contraction" (searched as a reduction, 0 to −100 %:
    less of it raises NRR) or "expansion" or "cross_sell" (an increase, 0 to
    +1000 %). NRR moves monotonically with each lever, so bisection finds the
    smallest change that reaches the target."""
    base = base or Levers()
    if lever not in ("churn", "contraction", "expansion", "cross_sell"):
        raise ValueError(f"unknown lever {lever!r}")
    model = _totals_only(model)
    limit = -1.0 if lever in ("churn", "contraction") else 10.0
    start_value = getattr(base, lever)

    def nrr_at(change: float) -> float:
        return _end(model, replace(base, **{lever: start_value + change}))[0]

    now = nrr_at(0.0)
    if now >= target_nrr:
        return Needed(lever, target_nrr, 0.0, now, True)
    best = nrr_at(limit)
    if best < target_nrr:
        return Needed(lever, target_nrr, None, best, False)
    lo, hi = 0.0, limit   # nrr_at(lo) < target <= nrr_at(hi)
    for _ in range(SEARCH_STEPS):
        mid = (lo + hi) / 2
        if nrr_at(mid) >= target_nrr:
            hi = mid
        else:
            lo = mid
    return Needed(lever, target_nrr, hi, nrr_at(hi), False)
