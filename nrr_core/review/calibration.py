"""Points that earn their place: the risk and expansion scorecards calibrated
on the book's own history, and the proof that they rank better than the
judgment points, out of time.

The model is a logistic scorecard, the additive model credit scoring uses
because each factor keeps a fixed number of points a reviewer can read:

* For every past month whose outcome is known (the ``HORIZON`` months after it
  are in the data), each active account's point-in-time factors (0/1) are the
  inputs and "churned or contracted in the next ``HORIZON`` months" (risk) or
  "expanded or cross-sold" (expansion) the outcome. A logistic regression with
  a small ridge penalty gives each factor a coefficient β: the change in the
  log-odds of the outcome when the factor holds.
* Points = β × ``POINTS_TO_DOUBLE`` ÷ ln 2, rounded: every 20 points double
  the odds. So the board's threshold of 40 risk points means four times the
  odds of losing revenue of an account with no factor.
* The thresholds follow from the same model: an account is at risk from the
  points at which its modelled chance of losing revenue in the next
  ``HORIZON`` months is ``RISK_MULTIPLE`` times the book's average, and an
  expansion candidate from the points at which its chance of expanding is
  ``EXPANSION_MULTIPLE`` times the average.
* A factor gets no points when its coefficient is not positive, or when its
  lift out of time (rate with ÷ rate without, on the latest months, which the
  fit of the proof never saw) is not above 1.
* The live factors (renewal dates, review age) have no history to fit: they
  keep their judgment points. So does every factor when the history is too
  short (``MIN_FIT_MONTHS``, ``MIN_EVENTS``): the scorecard then *is* the
  judgment one, and says so.

The proof: the months with known outcomes are split in time. The fit months
come first; the test months are the latest ``TEST_SHARE`` of them; between
the two lie ``HORIZON`` months, so no fit outcome overlaps a test month. A
scorecard fitted on the fit months only, and the judgment scorecard, rank the
test months' accounts; ``Calibration.comparison`` holds both results. The
board's own scorecard is then fitted on every month with a known outcome.

Everything reads months up to the scoring month only (no look-ahead): the
board of a past month is what it would have been then. The whole book is
used, whatever the filters: an account's score never depends on who else is
selected.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..filters import Filters
from ..memo import Kept
from ..metrics import book_info
from ..months import label
from ._common import _month_idx, _ratio, _run
from .factors import EXPANSION_THRESHOLD, FACTORS, HORIZON, POINT_IN_TIME, RISK_THRESHOLD, TOP_K, TOP_SHARE

POINTS_TO_DOUBLE = 20   # points that double the odds of the outcome
MAX_POINTS = 60         # no single factor outweighs three doublings
RIDGE = 1.0             # L2 penalty on the coefficients (not the intercept): rare factors stay finite
MIN_FIT_MONTHS = 6      # fewer fit months than this: keep the judgment points
MIN_EVENTS = 100        # fewer outcomes (or non-outcomes) in the fit: keep the judgment points
MIN_TEST_MONTHS = 3
TEST_SHARE = 1 / 3      # the latest third of the months with known outcomes judges the fit
FIRST_SCORED = 6        # months of history a month needs before it is scored (calibration and back-test)
RISK_MULTIPLE = 2.0     # at risk: twice the average chance of losing revenue
EXPANSION_MULTIPLE = 1.5  # expansion candidate: 1.5 times the average chance of expanding

OUTCOME = {"risk": "lost", "expansion": "grew"}


@dataclass(frozen=True)
class Scorecard:
    """Points per factor key (every factor, live ones included).

    ``source`` is "calibrated" or "judgment"; ``note`` says in words how the
    points were set (or why the judgment points were kept); ``factors`` has
    one row per factor: key, label, kind, live, judgment (points), coefficient
    (NaN where not fitted), out_of_time_lift (NaN where not measured), points,
    status (plain words: "calibrated", "no lift out of time: 0 points",
    "judgment (live factor)", ...).
    """

    points: dict
    source: str
    note: str
    factors: pd.DataFrame = field(compare=False, repr=False)
    risk_threshold: int = RISK_THRESHOLD
    expansion_threshold: int = EXPANSION_THRESHOLD
    threshold_note: str = ("Judgment thresholds: at risk from 40 risk points, an expansion candidate from 45 "
                           "expansion points.")

    def weights(self) -> dict[str, int]:
        """The point-in-time factors' points, bound as the SQL ``$weights`` STRUCT."""
        return {key: int(self.points[key]) for key in POINT_IN_TIME}


def judgment_scorecard(note: str = "Points set by judgment.") -> Scorecard:
    """The documented judgment points (``FACTORS``), unchanged."""
    rows = [{"key": f.key, "label": f.label, "kind": f.kind, "live": f.live, "judgment": f.points,
             "coefficient": math.nan, "out_of_time_lift": math.nan, "points": f.points,
             "status": "judgment (live factor)" if f.live else "judgment"} for f in FACTORS]
    return Scorecard({f.key: f.points for f in FACTORS}, "judgment", note, pd.DataFrame(rows))


@dataclass(frozen=True)
class Calibration:
    """The scorecard in force at a month, and its out-of-time proof.

    ``comparison``: one row per score (judgment, calibrated) with the test
    months' figures: accounts (account-months), lost_rate (base rate),
    top_lost_rate, lift, precision_at_k, caught_share (share of lost MRR in
    the top ``TOP_SHARE``), flagged_share, flagged_precision,
    flagged_caught_share (accounts at or above the risk threshold),
    expansion_lift, expansion_precision_at_k, expansion_caught_share. Empty
    when the history is too short to test.
    """

    scorecard: Scorecard
    fit_months: tuple[str, str] | None
    test_months: tuple[str, str] | None
    comparison: pd.DataFrame


def fit_logistic(x: np.ndarray, trials: np.ndarray, events: np.ndarray, ridge: float = RIDGE,
                 iterations: int = 50) -> tuple[float, np.ndarray]:
    """Logistic regression on grouped rows: ``x`` (rows × factors, 0/1),
    ``trials`` and ``events`` per row. Newton–Raphson (IRLS) with an L2 penalty
    ``ridge`` on the coefficients, not on the intercept. Returns (intercept,
    coefficients)."""
    design = np.column_stack([np.ones(len(x)), x.astype(float)])
    penalty = np.full(design.shape[1], float(ridge))
    penalty[0] = 0.0
    beta = np.zeros(design.shape[1])
    rate = events.sum() / trials.sum()
    beta[0] = math.log(rate / (1 - rate))
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (events - trials * p) - penalty * beta
        hessian = (design * (trials * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-9:
            break
    return float(beta[0]), beta[1:]


def points_from(coefficient: float) -> int:
    """A coefficient (log-odds) as scorecard points: 20 points per doubling of
    the odds, none for a factor that does not raise them, at most MAX_POINTS."""
    if not coefficient > 0:
        return 0
    return int(min(MAX_POINTS, round(coefficient * POINTS_TO_DOUBLE / math.log(2))))


def factor_rate(counts: pd.DataFrame, factor) -> dict[str, float]:
    """One point-in-time factor on ``counts`` (rows of ``factor_counts.sql``):
    share (of account-months where it held), rate_with and rate_without (of its
    kind's outcome: lost for risk, grew for expansion), lift (rate_with ÷
    rate_without). NaN where a side is empty or has no outcome."""
    holds = counts[factor.key].astype(bool)
    hits = counts.n * counts[OUTCOME[factor.kind]]
    rate_with = _ratio(hits[holds].sum(), counts.n[holds].sum())
    rate_without = _ratio(hits[~holds].sum(), counts.n[~holds].sum())
    return {"share": _ratio(counts.n[holds].sum(), counts.n.sum()), "rate_with": rate_with,
            "rate_without": rate_without, "lift": _ratio(rate_with, rate_without)}


def factor_lifts(counts: pd.DataFrame, kind: str) -> dict[str, float]:
    """Each point-in-time factor of ``kind``'s lift on ``counts`` (``factor_rate``)."""
    return {f.key: factor_rate(counts, f)["lift"] for f in FACTORS if f.kind == kind and not f.live}


def _fit_kind(counts: pd.DataFrame, kind: str) -> tuple[float, dict[str, float]]:
    """(intercept, coefficients) of ``kind``'s point-in-time factors fitted on ``counts``."""
    keys = [f.key for f in FACTORS if f.kind == kind and not f.live]
    grouped = counts.groupby(keys, as_index=False).agg(
        n=("n", "sum"), events=("events", "sum"))
    intercept, beta = fit_logistic(grouped[keys].to_numpy(dtype=float), grouped.n.to_numpy(dtype=float),
                                   grouped.events.to_numpy(dtype=float))
    return intercept, dict(zip(keys, beta))


def threshold_points(intercept: float, average_rate: float, multiple: float) -> int:
    """The fewest points at which the modelled chance reaches ``multiple`` ×
    ``average_rate`` (capped at 95 %): points = (logit(target) − intercept) ×
    ``POINTS_TO_DOUBLE`` ÷ ln 2, rounded up, at least 1."""
    target = min(0.95, multiple * average_rate)
    needed = (math.log(target / (1 - target)) - intercept) * POINTS_TO_DOUBLE / math.log(2)
    return max(1, math.ceil(needed - 1e-9))


def _enough(counts: pd.DataFrame, kind: str) -> bool:
    events = float((counts.n * counts[OUTCOME[kind]]).sum())
    return events >= MIN_EVENTS and float(counts.n.sum()) - events >= MIN_EVENTS


def build_scorecard(counts: pd.DataFrame, gate: pd.DataFrame | None, methods: dict[str, str],
                    note: str) -> Scorecard:
    """A scorecard from ``counts`` (``factor_counts.sql`` rows).

    ``methods`` says, per kind ("risk", "expansion"), how its point-in-time
    factors get their points: "calibrated" (fitted on ``counts``, thresholds
    from the model) or "judgment" (the documented points and thresholds). In
    both, a factor whose lift on ``gate`` (other, later months' rows; None:
    no gate) is not above 1 gets no points. A kind without enough outcomes
    in ``counts`` to fit keeps its judgment points."""
    base = judgment_scorecard()
    points, rows = dict(base.points), []
    fitted, lifts, thresholds, said = {}, {}, {}, []
    for kind, multiple, word in (("risk", RISK_MULTIPLE, "losing revenue"),
                                 ("expansion", EXPANSION_MULTIPLE, "expanding")):
        if gate is not None and len(gate):
            lifts.update(factor_lifts(gate, kind))
        if methods.get(kind) != "calibrated" or not _enough(counts, kind):
            said.append(f"{kind}: from {getattr(base, kind + '_threshold')} points (judgment)")
            continue
        with_events = counts.assign(events=counts.n * counts[OUTCOME[kind]])
        intercept, coefficients = _fit_kind(with_events, kind)
        fitted.update(coefficients)
        average = float(with_events.events.sum() / with_events.n.sum())
        thresholds[kind] = threshold_points(intercept, average, multiple)
        said.append(f"{kind}: from {thresholds[kind]} points, where the modelled chance of {word} in the next "
                    f"{HORIZON} months is {multiple:g}× the average ({average:.1%})")
    for f in FACTORS:
        coefficient, lift = fitted.get(f.key, math.nan), lifts.get(f.key, math.nan)
        if f.live:
            status = "judgment (live factor: no history to fit)"
        elif not counts[f.key].astype(bool).any():
            points[f.key] = 0
            status = "never holds in this book (no data for it): 0 points"
        elif gate is not None and not (lift > 1):
            points[f.key] = 0
            status = "no lift out of time: 0 points"
        elif f.key not in fitted:
            status = "judgment"
        else:
            points[f.key] = points_from(coefficient)
            status = "calibrated" if points[f.key] else "does not raise the odds: 0 points"
        rows.append({"key": f.key, "label": f.label, "kind": f.kind, "live": f.live, "judgment": f.points,
                     "coefficient": coefficient, "out_of_time_lift": lift, "points": points[f.key],
                     "status": status})
    source = "calibrated" if fitted else "judgment"
    return Scorecard(points, source, note, pd.DataFrame(rows),
                     thresholds.get("risk", RISK_THRESHOLD), thresholds.get("expansion", EXPANSION_THRESHOLD),
                     "Thresholds: " + "; ".join(said) + ".")


def factor_counts(con, filters: Filters | None, lo: int, hi: int, horizon: int = HORIZON) -> pd.DataFrame:
    """``factor_counts.sql`` over months lo..hi for the selected accounts."""
    return _run(con, "review/factor_counts", {**(filters or Filters()).to_params(), "from_idx": int(lo),
                                       "to_idx": int(hi), "horizon": int(horizon)})


def _windows(first_idx: int, month_idx: int, horizon: int) -> tuple[int, int, int, int] | None:
    """(fit_from, fit_to, test_from, test_to) month indexes, or None when the
    history is too short. Scored months run from the seventh month of the data
    to ``month_idx`` − ``horizon`` (their outcomes are known by ``month_idx``)."""
    lo, hi = first_idx + FIRST_SCORED, month_idx - horizon
    months = hi - lo + 1
    test = max(MIN_TEST_MONTHS, round(months * TEST_SHARE))
    test_from = hi - test + 1
    fit_to = test_from - horizon - 1
    if fit_to - lo + 1 < MIN_FIT_MONTHS:
        return None
    return lo, fit_to, test_from, hi


def _rank_figures(con, lo: int, hi: int, horizon: int, card: Scorecard) -> dict:
    """The back-test figures of ``card`` over months lo..hi on the whole book."""
    from .backtest import scored_months, summarise  # backtest imports this module

    key = ("scored", horizon, tuple(sorted(card.weights().items())), card.risk_threshold, card.expansion_threshold)
    monthly = _monthly_rows(con, key, lo, hi, lambda a, b: scored_months(con, Filters(), a, b, horizon, card,
                                                                          TOP_SHARE, TOP_K))
    return summarise(monthly, TOP_K, TOP_SHARE)


# Calibrating the scorecard of month T reads the factor counts of the months up to
# T − HORIZON and ranks the test months with three scorecards. Each month's rows
# depend on that month alone (a score uses its month's data, an outcome the months
# after it, the ranking is within the month), and the next month's calibration
# reads nearly the same months, often with the same cards (the judgment card
# always). So the rows are kept per load and card, and a calibration computes only
# the months it has not seen: the same figures, without recounting the history
# for every month of a track record.
_MONTHLY = Kept(256)


def _monthly_rows(con, key: tuple, lo: int, hi: int, compute) -> pd.DataFrame:
    """The rows of months lo..hi (a ``month_idx`` column) of the query ``compute(from_idx, to_idx)``,
    remembered under (the book's load id, ``key``); months already seen are not computed again."""
    full_key = (book_info(con).load_id, *key)
    rows, seen = _MONTHLY.get(full_key, (None, frozenset()))
    missing = [m for m in range(lo, hi + 1) if m not in seen]
    if missing:
        a, b = missing[0], missing[-1]
        fresh = compute(a, b)
        kept = rows[(rows.month_idx < a) | (rows.month_idx > b)] if rows is not None else None
        rows = fresh if kept is None or kept.empty else pd.concat([kept, fresh], ignore_index=True)
        rows = rows.sort_values("month_idx", kind="stable").reset_index(drop=True)
        seen = seen | frozenset(range(a, b + 1))
        _MONTHLY.put(full_key, (rows, seen))
    return rows[(rows.month_idx >= lo) & (rows.month_idx <= hi)].reset_index(drop=True)


JUDGED = "judgment without factors that show no lift"


def _lift_words(figures: dict, kind: str) -> str:
    key = "lift" if kind == "risk" else "expansion_lift"
    return (f"top-10 % lift out of time {figures['calibrated'][key]:.2f}× calibrated vs "
            f"{figures[JUDGED][key]:.2f}× judgment")


COMPARED = ("base_lost_rate", "top_lost_rate", "lift", "precision_at_k", "caught_share", "flagged_share",
            "flagged_precision", "flagged_caught_share", "expansion_lift", "expansion_precision_at_k",
            "expansion_caught_share", "account_months")


def calibrate(con, month: str | int, horizon: int = HORIZON) -> Calibration:
    """The scorecard in force at ``month`` and its out-of-time comparison with
    the judgment points (see the module docstring). Reads months up to
    ``month`` only."""
    info = book_info(con)
    idx = min(_month_idx(month), info.as_of_idx)
    windows = _windows(info.first_idx, idx, horizon)
    if windows is None:
        note = (f"Judgment points: the history is too short to calibrate them (at least {MIN_FIT_MONTHS} "
                f"fit months, {horizon} months apart from {MIN_TEST_MONTHS} test months, after "
                f"{FIRST_SCORED} months of history).")
        return Calibration(judgment_scorecard(note), None, None, pd.DataFrame())
    lo, fit_to, test_from, hi = windows
    counts = _monthly_rows(con, ("factors", horizon), lo, hi, lambda a, b: factor_counts(con, None, a, b, horizon))
    fit, test = counts[counts.month_idx <= fit_to], counts[counts.month_idx >= test_from]
    fit_span, test_span = (label(lo), label(fit_to)), (label(test_from), label(hi))
    if not (_enough(fit, "risk") or _enough(fit, "expansion")):
        note = (f"Judgment points: too few outcomes to calibrate them (at least {MIN_EVENTS} account-months "
                f"that lost revenue, and as many that did not, in {fit_span[0]}–{fit_span[1]}).")
        return Calibration(judgment_scorecard(note), fit_span, test_span, pd.DataFrame())
    # The proof: three scorecards set on the fit months only, ranked on the test months.
    fit_gate = fit  # in the proof, a factor must show lift in the fit months themselves
    contenders = {
        "judgment": judgment_scorecard(),
        "judgment without factors that show no lift": build_scorecard(fit, fit_gate, {}, "fit months"),
        "calibrated": build_scorecard(fit, fit_gate, {"risk": "calibrated", "expansion": "calibrated"},
                                      "fit months"),
    }
    figures = {name: _rank_figures(con, test_from, hi, horizon, card) for name, card in contenders.items()}
    comparison = pd.DataFrame([{"score": name, **{k: f[k] for k in COMPARED}} for name, f in figures.items()])
    # Each score keeps the calibrated points only where they ranked better out of time (lift of the top 10 %).
    methods = {
        "risk": "calibrated" if figures["calibrated"]["lift"] > figures[JUDGED]["lift"] else "judgment",
        "expansion": ("calibrated" if figures["calibrated"]["expansion_lift"] > figures[JUDGED]["expansion_lift"]
                      else "judgment"),
    }
    chosen = "; ".join(f"{kind} score: {'calibrated' if how == 'calibrated' else 'judgment'} points "
                       f"({_lift_words(figures, kind)})" for kind, how in methods.items())
    note = (f"{chosen[0].upper()}{chosen[1:]}. Points set on {label(lo)}–{label(hi)} ({int(counts.n.sum()):,} account-months with a "
            f"known {horizon}-month outcome); a factor with no lift in {test_span[0]}–{test_span[1]} gets no "
            f"points.")
    card = build_scorecard(counts, test, methods, note)
    return Calibration(card, fit_span, test_span, comparison)


def comparison_table(comparison: pd.DataFrame, figures: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """``Calibration.comparison`` turned for reading: one row per figure
    (``figures``: key -> (label, "x" for a ratio or "%" for a share)), one
    text column per score, e.g. "2.12×" or "19.8%" ("–" where undefined)."""
    rows = []
    for key, (text, kind) in figures.items():
        row = {"figure": text}
        for score, value in zip(comparison.score, comparison[key]):
            row[score] = "–" if value != value else (f"{value:.2f}×" if kind == "x" else f"{value:.1%}")
        rows.append(row)
    return pd.DataFrame(rows)


# The scorecard in force at a month is calibrated on the history up to it (about
# 0.3 s each on the demo book, tens of seconds at 100,000 accounts). The forecast
# reads it for every past month of its track record and the CSM scorecards for
# their measured month, so it is kept per process, keyed on the book's load id
# (a new load is a new id) and the month: the same book and month give the same card.
# A new process reads the cards other processes calibrated for the same load
# from the file beside the database (``card_file``), once per load.
_CARDS = Kept(512)
_FILES_READ = Kept(64)


def scorecard_at(con, load_id: str, month_idx: int) -> Scorecard:
    """``calibrate(con, month_idx).scorecard``, remembered per load: in this
    process, and in the file beside the database (``card_file``)."""
    from . import card_file

    key = (load_id, int(month_idx))
    card = _CARDS.get(key)
    if card is not None:
        return card
    entry = _FILES_READ.get_or_make(load_id, lambda: card_file.entries(con, load_id)).get(int(month_idx))
    card = card_file.parse(entry) if entry is not None else None
    if card is None:
        card = calibrate(con, int(month_idx)).scorecard
        card_file.write(con, load_id, {int(month_idx): card})
    _CARDS.put(key, card)
    return card
