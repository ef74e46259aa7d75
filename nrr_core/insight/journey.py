"""The customer journey: phases per account and month, time to value, stalls.

The rules are in ``rules.py`` (words and thresholds) and run in SQL
(``journey_phase`` and ``time_to_value`` macros, built at load by
``sql/load/journey_tables.sql``; the queries are ``sql/insight/*.sql``).
"""
from __future__ import annotations

import math

import pandas as pd

from .. import db
from ..errors import NrrError
from ..filters import Filters
from ..months import label, parse_month
from .rules import DEFAULT_RULES, PHASES, SUSTAIN_MONTHS, JourneyRules

TTV_GROUPS = ("segment", "quarter")
TTV_MILESTONES = (1, 3, 6, 12)
ALL = "All"


def _run(con, name: str, params: dict) -> pd.DataFrame:
    try:
        return db.run(con, name, params)
    except Exception as exc:
        text = str(exc)
        if any(t in text for t in ("journey_month", "journey_account", "journey_phase", "time_to_value",
                                   "util_at", "journey_defaults", "nps_responses", "nps_month",
                                   "imported_churn_reasons")):
            raise NrrError("this database was built by an older version and has no journey tables: load the data "
                           "again (python -m nrr_core load …), or delete the demo database to have it generated "
                           "afresh") from None
        raise


def params(filters: Filters | None, rules: JourneyRules | None, **extra) -> dict:
    return {**(filters or Filters()).to_params(), **(rules or DEFAULT_RULES).params(), **extra}


def built_with(con, rules: JourneyRules | None) -> bool:
    """Whether the load's phase summary (journey_phase_mix) was built under the
    thresholds of ``rules``, so the phases can be read from it instead of
    phasing every account-month again."""
    rules = rules or DEFAULT_RULES
    built = _run(con, "insight/journey_defaults", {})
    return len(built) == 1 and (float(built.value_share.iloc[0]) == float(rules.value_share)
                                and int(built.promoter_score.iloc[0]) == int(rules.promoter_score)
                                and int(built.advocacy_months.iloc[0]) == int(rules.advocacy_months))


def phases(con, filters: Filters | None, rules: JourneyRules | None = None, *,
           summary: bool = True) -> pd.DataFrame:
    """Accounts and ARR per phase and month: month, phase, accounts, arr, share
    (of the month's accounts), arr_share; every phase on every month (zeros),
    from the data's first month + SUSTAIN_MONTHS − 1 (before it, value
    realisation cannot be measured yet). Read from the load's summary when it
    was built under these rules (``summary=False`` phases every account-month
    instead: same figures, slower)."""
    query = "insight/phase_mix" if summary and built_with(con, rules) else "insight/phases"
    raw = _run(con, query, params(filters, rules))
    # Value realisation needs SUSTAIN_MONTHS of signals: earlier months would show none.
    first = int(_run(con, "metrics/book_info", {}).first_idx.iloc[0])
    raw = raw[raw.month_idx >= first + SUSTAIN_MONTHS - 1]
    if raw.empty:
        return pd.DataFrame(columns=["month", "phase", "accounts", "arr", "share", "arr_share"])
    months = sorted(raw.month_idx.unique())
    grid = pd.MultiIndex.from_product([months, PHASES], names=["month_idx", "phase"])
    frame = raw.set_index(["month_idx", "phase"]).reindex(grid, fill_value=0).reset_index()
    frame["accounts"] = frame.accounts.astype(int)
    frame["arr"] = frame.arr.astype(float)
    totals = frame.groupby("month_idx")[["accounts", "arr"]].transform("sum")
    frame["share"] = frame.accounts / totals.accounts
    frame["arr_share"] = frame.arr / totals.arr
    frame.insert(0, "month", [label(int(i)) for i in frame.pop("month_idx")])
    return frame


def phase_mix(con, filters: Filters | None, month: str, rules: JourneyRules | None = None) -> pd.DataFrame:
    """The phases at ``month``: phase, accounts, arr, share, arr_share (every phase, in journey order)."""
    return mix_at(phases(con, filters, rules), month)


def mix_at(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    """The rows of ``phases``'s frame at ``month`` (phase, accounts, arr, share, arr_share)."""
    return frame[frame.month == month].drop(columns="month").reset_index(drop=True)


def account_phases(con, filters: Filters | None, month: str, rules: JourneyRules | None = None) -> pd.DataFrame:
    """Every selected account active at ``month`` with its phase then: account_id,
    name, segment, csm_owner, phase, months_in_phase (counted at most one month
    past the longest stall limit), months_since_start, installed, utilisation,
    arr; largest ARR first."""
    return _run(con, "insight/account_phases", params(filters, rules, month_idx=parse_month(month),
                                                      only_stalled=False))


def stalls(con, filters: Filters | None, month: str, rules: JourneyRules | None = None) -> pd.DataFrame:
    """Accounts active at ``month`` whose months in their current phase exceed
    the phase's stall limit, largest ARR first: account_id, name, segment,
    csm_owner, phase, months_in_phase, limit, months_since_start, installed,
    utilisation, arr. Advocacy never stalls."""
    rules = rules or DEFAULT_RULES
    frame = _run(con, "insight/account_phases", params(filters, rules, month_idx=parse_month(month),
                                                       only_stalled=True))
    limits = rules.stall_limits()
    frame["limit"] = frame.phase.map(limits)
    stalled = frame[frame["limit"].notna() & (frame.months_in_phase > frame["limit"])].copy()
    stalled["limit"] = stalled["limit"].astype(int)
    return stalled.reset_index(drop=True)


def stall_summary(stalled: pd.DataFrame, mix: pd.DataFrame, rules: JourneyRules | None = None) -> pd.DataFrame:
    """Per phase with a stall limit: phase, limit, accounts (in the phase), stalled, stalled_share, stalled_arr,
    median_months (in the phase, of the stalled accounts)."""
    rules = rules or DEFAULT_RULES
    rows = []
    for phase, limit in rules.stall_limits().items():
        mine = stalled[stalled.phase == phase]
        in_phase = int(mix.loc[mix.phase == phase, "accounts"].sum()) if len(mix) else 0
        rows.append({"phase": phase, "limit": limit, "accounts": in_phase, "stalled": len(mine),
                     "stalled_share": len(mine) / in_phase if in_phase else math.nan,
                     "stalled_arr": float(mine.arr.sum()),
                     "median_months": float(mine.months_in_phase.median()) if len(mine) else math.nan})
    return pd.DataFrame(rows)


def _kaplan_meier(counts: pd.DataFrame) -> pd.DataFrame:
    """From rows (months, reached, censored) of one group: months, at_risk, reached, censored,
    survival (share still onboarding after that many months), reached_share = 1 − survival."""
    c = counts.groupby("months", as_index=False)[["reached", "censored"]].sum().sort_values("months")
    total = int(c.reached.sum() + c.censored.sum())
    at_risk = total - (c.reached + c.censored).cumsum().shift(fill_value=0)
    c["at_risk"] = at_risk.astype(int)
    survival, s = [], 1.0
    for d, n in zip(c.reached, c.at_risk):
        s *= (1 - d / n) if n else 1.0
        survival.append(s)
    c["survival"] = survival
    c["reached_share"] = 1 - c.survival
    return c


def _survival_at(km: pd.DataFrame, t: int) -> float:
    upto = km[km.months <= t]
    return float(upto.survival.iloc[-1]) if len(upto) else 1.0


def time_to_value(con, filters: Filters | None, month: str, by: str = "segment",
                  rules: JourneyRules | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Time to value of the accounts that started inside the data, by ``by``
    ("segment" or "quarter", the start quarter), with data up to ``month``.

    Accounts that have not reached value are censored (Kaplan-Meier): counted
    as still onboarding through the months observed (to ``month`` if still
    active, else to their last active month), never as reaching value, and
    never dropped. Returns (summary, curve):

    - summary, one row per group and a last "All" row: group, accounts,
      reached, still_onboarding, lost_before_value, median_months (Kaplan-Meier
      median: the first month by which half have reached value; NaN when fewer
      than half have yet), reached_1m, reached_3m, reached_6m, reached_12m
      (share reached by that many months after first revenue).
    - curve: group, months, at_risk, reached, censored, reached_share.
    """
    if by not in TTV_GROUPS:
        raise NrrError(f"time to value groups by {' or '.join(TTV_GROUPS)}, not {by!r}")
    raw = _run(con, "insight/time_to_value", params(filters, rules, month_idx=parse_month(month), by=by))
    raw["censored"] = raw.still_onboarding + raw.lost_before_value
    rows, curves = [], []
    groups = [(g, raw[raw.group == g]) for g in sorted(raw.group.unique())]
    if len(groups):
        groups.append((ALL, raw))
    for name, part in groups:
        km = _kaplan_meier(part)
        below = km[km.survival <= 0.5]
        row = {"group": name, "accounts": int(part.reached.sum() + part.censored.sum()),
               "reached": int(part.reached.sum()), "still_onboarding": int(part.still_onboarding.sum()),
               "lost_before_value": int(part.lost_before_value.sum()),
               "median_months": float(below.months.iloc[0]) if len(below) else math.nan}
        for t in TTV_MILESTONES:
            row[f"reached_{t}m"] = 1 - _survival_at(km, t)
        rows.append(row)
        curves.append(km.assign(group=name)[["group", "months", "at_risk", "reached", "censored", "reached_share"]])
    columns = ["group", "accounts", "reached", "still_onboarding", "lost_before_value", "median_months"] + \
              [f"reached_{t}m" for t in TTV_MILESTONES]
    summary = pd.DataFrame(rows, columns=columns)
    curve = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(
        columns=["group", "months", "at_risk", "reached", "censored", "reached_share"])
    return summary, curve
