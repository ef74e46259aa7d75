"""Retention targets: NRR, GRR and logo retention for the company, a segment
or a CSM owner, per quarter or year.

Set in the app by data owners or loaded from ``targets.csv``; either way one
entry is appended to ``targets.sqlite`` (beside the decisions store), or to
the ``targets`` table of the decisions' PostgreSQL database, with who and
when. The store is append-only like the decisions (triggers refuse UPDATE and
DELETE, and in PostgreSQL TRUNCATE); the latest entry per scope, value, period and metric is
in force. ``Target.checked`` is the one check of a target's values, used by
the form and, row by row, by the file.

A target applies to a month's figure when its period contains the month: the
quarter's target if there is one, else the year's (``target_for``).
"""
from __future__ import annotations

import datetime as dt
import getpass
import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import stores
from ..errors import InputError, NrrError
from ..filters import Filters
from ..load import CsvSpec, read_checked
from .periods import parse_period, periods_containing

TIMEOUT = 30.0
FILE_NAME = "targets.sqlite"

SCOPES = ("company", "segment", "csm_owner")
SCOPE_LABELS = {"company": "Company", "segment": "Segment", "csm_owner": "CSM owner"}
METRICS = ("nrr", "grr", "logo_retention")
METRIC_LABELS = {"nrr": "NRR", "grr": "GRR", "logo_retention": "Logo retention"}
# The highest target accepted: GRR and logo retention cannot pass 100 %; an NRR
# target above 300 % is taken for a percentage typed as a number (105 for 1.05).
MAX_TARGET = {"nrr": 3.0, "grr": 1.0, "logo_retention": 1.0}
MAX_TEXT = 200

# targets.csv: scope, scope_value (blank for the company), period, metric, target.
TARGETS_CSV = CsvSpec("targets", ("scope", "period", "metric", "target"), ("scope_value",))
COLUMNS = ["scope", "scope_value", "period", "metric", "target", "recorded_by", "recorded_at", "source", "entries"]



def beside(decisions_path: str | os.PathLike) -> Path | str:
    """The targets store's default place: ``targets.sqlite`` beside the decisions
    file, or the decisions store's own PostgreSQL database (its ``targets`` table)."""
    if stores.is_url(decisions_path):
        return stores.place(decisions_path)
    return Path(decisions_path).with_name(FILE_NAME)


@dataclass(frozen=True)
class Target:
    """One target as typed: ``target`` is a fraction (1.05 = 105 %) or its text."""

    scope: str
    scope_value: str | None
    period: str
    metric: str
    target: float | str

    def checked(self) -> dict:
        """The target as bound parameters (normalised), or NrrError saying what is wrong."""
        scope, value, metric = (_text(v) for v in (self.scope, self.scope_value, self.metric))
        scope, metric = scope.lower(), metric.lower()
        if scope not in SCOPES:
            raise NrrError(f"scope {str(self.scope)[:40]!r} is not one of {', '.join(SCOPES)}")
        if scope == "company" and value:
            raise NrrError("scope_value must be blank for a company target")
        if scope != "company" and not value:
            raise NrrError(f"scope_value is blank: a {scope} target names its {SCOPE_LABELS[scope].lower()}")
        if len(value) > MAX_TEXT:
            raise NrrError(f"scope_value is longer than {MAX_TEXT} characters")
        period = parse_period(self.period).label
        if metric not in METRICS:
            raise NrrError(f"metric {str(self.metric)[:40]!r} is not one of {', '.join(METRICS)}")
        try:
            target = float(str(self.target).strip()) if isinstance(self.target, str) else float(self.target)
        except (TypeError, ValueError):
            raise NrrError(f"target {str(self.target)[:40]!r} is not a number (a fraction: 1.05 for 105%)") from None
        if not math.isfinite(target) or target <= 0:
            raise NrrError(f"target {str(self.target)[:40]!r} must be a number above 0 (a fraction: 1.05 for 105%)")
        if target > MAX_TARGET[metric]:
            hint = (f"; {metric} cannot pass 100%" if MAX_TARGET[metric] == 1.0
                    else "; give a fraction: 1.05 for 105%")
            raise NrrError(f"target {target:g} is above {MAX_TARGET[metric]:g}{hint}")
        return {"scope": scope, "scope_value": value, "period": period, "metric": metric, "target": target}


def _text(value) -> str:
    """A cell as trimmed text; "" for a blank (None, NaN, NA)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def no_targets() -> pd.DataFrame:
    """``TargetStore.in_force()`` of a store with nothing recorded."""
    return pd.DataFrame(columns=COLUMNS)


class TargetStore:
    """The targets store at ``path``: a SQLite file (created with its folder on
    first write) or a PostgreSQL URL (``nrr_core.stores``)."""

    def __init__(self, path: str | os.PathLike):
        self.path = stores.place(path)
        self._store = stores.Store(self.path, "targets store", ("steering/targets/schema",), timeout=TIMEOUT)

    def record(self, targets: list[Target] | Target, recorded_by: str, source: str = "app", *,
               now: dt.datetime | None = None) -> list[int]:
        """Append ``targets`` in one transaction (all or none); returns their ids
        once stored. ``recorded_by`` is who sets them, ``source`` "app" or the
        file they came from."""
        targets = [targets] if isinstance(targets, Target) else list(targets)
        who = str(recorded_by or "").strip()
        if not who:
            raise NrrError("a target needs the name of who sets it")
        rows = [t.checked() for t in targets]
        at = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
        return self._store.append("steering/targets/record",
                                  [{**row, "recorded_by": who[:MAX_TEXT], "recorded_at": at,
                                    "source": str(source)[:MAX_TEXT]} for row in rows],
                                  "the targets were not saved")

    def in_force(self) -> pd.DataFrame:
        """The latest entry per scope, scope_value, period and metric (``COLUMNS``;
        ``entries`` counts how many were ever recorded for it)."""
        return self._store.frame("steering/targets/in_force", None, COLUMNS)

    def history(self) -> pd.DataFrame:
        """Every entry, newest first."""
        return self._store.frame("steering/targets/history", None, ["id"] + COLUMNS[:-1])


def load_targets_csv(path: str | os.PathLike, store: TargetStore, recorded_by: str | None = None) -> int:
    """Check every row of ``targets.csv`` and append them all in one
    transaction; returns how many. A bad row raises InputError(file, line,
    problem) and nothing is written. ``recorded_by`` defaults to the
    operating-system user."""
    path = Path(path)
    rows = read_checked(path, TARGETS_CSV)
    targets = []
    for row in rows.itertuples(index=False):
        target = Target(row.scope, row.scope_value, row.period, row.metric, row.target)
        try:
            target.checked()
        except NrrError as exc:
            raise InputError(path.name, int(row.line), str(exc)) from None
        targets.append(target)
    store.record(targets, recorded_by or getpass.getuser(), source=path.name)
    return len(targets)


def may_edit(viewer: str | None, editors: tuple[str, ...], open_mode: bool) -> bool:
    """Who may set targets in the app: with sign-in, a viewer whose e-mail is
    in ``editors`` (any case); in open mode (no viewer) only when ``open_mode``
    is set."""
    if viewer is None:
        return bool(open_mode)
    return viewer.strip().lower() in {e.strip().lower() for e in editors}


def scope_of(filters: Filters | None) -> tuple[str, str] | None:
    """The target scope a filter selects: the company (no filter), one segment
    or one CSM owner (that filter alone); None for anything else, where no
    target applies."""
    f = filters or Filters()
    if f.is_empty():
        return "company", ""
    if f.extra or f.region or f.industry:
        return None
    if len(f.segment) == 1 and not f.csm_owner:
        return "segment", f.segment[0]
    if len(f.csm_owner) == 1 and not f.segment:
        return "csm_owner", f.csm_owner[0]
    return None


def target_for(in_force: pd.DataFrame, scope: str, value: str, metric: str, month_idx: int) -> dict | None:
    """The target applying to ``metric``'s figure at a month: its quarter's, else
    its year's. {"target", "period", "recorded_by", "recorded_at"} or None."""
    if in_force.empty:
        return None
    mine = in_force[(in_force.scope == scope) & (in_force.scope_value == value) & (in_force.metric == metric)]
    for period in periods_containing(month_idx):
        hit = mine[mine.period == period]
        if len(hit):
            row = hit.iloc[0]
            return {"target": float(row.target), "period": period, "recorded_by": row.recorded_by,
                    "recorded_at": row.recorded_at}
    return None


def target_series(in_force: pd.DataFrame, scope: str, value: str, metric: str, months: list[str]) -> pd.DataFrame:
    """The target applying at each of ``months`` ('YYYY-MM'): columns month,
    target, period; months with no target are left out."""
    from ..months import parse_month

    rows = []
    for month in months:
        hit = target_for(in_force, scope, value, metric, parse_month(month))
        if hit:
            rows.append({"month": month, "target": hit["target"], "period": hit["period"]})
    return pd.DataFrame(rows, columns=["month", "target", "period"])


def describe_target(target: Target) -> str:
    """One line for a confirmation: "NRR target for segment SMB, 2026-Q3: 105.0%"."""
    t = target.checked()
    who = "the company" if t["scope"] == "company" else f"{SCOPE_LABELS[t['scope']].lower()} {t['scope_value']}"
    return f"{METRIC_LABELS[t['metric']]} target for {who}, {t['period']}: {t['target'] * 100:.1f}%"


__all__ = ["COLUMNS", "FILE_NAME", "METRICS", "METRIC_LABELS", "SCOPES", "SCOPE_LABELS", "TARGETS_CSV", "Target",
           "TargetStore", "beside", "describe_target", "load_targets_csv", "may_edit", "no_targets",
           "scope_of", "target_for", "target_series"]


VS_TARGET_COLUMNS = ["scope", "scope_value", "metric", "actual", "target", "period", "gap", "attainment"]


def vs_targets(in_force: pd.DataFrame, figures: list[tuple[str, str, dict]], month_idx: int) -> pd.DataFrame:
    """Each figure against the target applying at ``month_idx`` (``target_for``).

    ``figures``: (scope, scope_value, {metric: actual}) for the company, a
    segment or a CSM owner, the actuals as fractions (None where there is no
    12-month figure). One row per figure and metric of ``METRICS``, in the
    given order: scope, scope_value, metric, actual, target and period (None
    without a target), gap (actual − target) and attainment (actual ÷ target),
    NaN where either is missing. Empty (these columns) without figures."""
    rows = []
    for scope, value, actual in figures:
        for metric in METRICS:
            hit = target_for(in_force, scope, value, metric, month_idx)
            a = actual.get(metric)
            a = None if a is None or a != a else float(a)
            t = None if hit is None else hit["target"]
            both = a is not None and t is not None
            rows.append({"scope": scope, "scope_value": value, "metric": metric, "actual": a, "target": t,
                         "period": None if hit is None else hit["period"],
                         "gap": a - t if both else float("nan"), "attainment": a / t if both and t else float("nan")})
    return pd.DataFrame(rows, columns=VS_TARGET_COLUMNS)
