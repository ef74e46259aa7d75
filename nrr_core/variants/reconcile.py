"""From our headline NRR to every other definition: a bridge of named steps in
points, with the accounts behind each step.

Notation for month m: W = the twelve months m−11..m; B = the accounts active
in m−12 and S their MRR then; mv(a, k) = account a's expansion + cross-sell +
contraction + churn in month k; react(a) = a's reactivation over W;
start(k) = the MRR of the month before k (all selected accounts active then);
MV(k) = Σ_a mv(a, k); g(k) = MV(k) / start(k); r(m) = 1 + g(m).

Each step's formula is in ``STEPS``. Added in a definition's order (``PATHS``)
to our NRR they give the definition's value exactly (to floating rounding):

- grr = nrr + above_base
- nrr_excluding_reactivation = nrr + reactivated_base
- nrr_arr_bridge = nrr + reactivated_base + won_inside_year + won_back_inside_year
- nrr_monthly_chained = nrr_arr_bridge + monthly_denominators + compounding
- nrr_last_month = nrr + reactivated_base + earlier_months + outside_base_last_month
  + last_month_denominator
- nrr_last_month_annualised = nrr_last_month + annualising

Every step but compounding and annualising is a sum over accounts, and the
account rows carry each account's share; those two are arithmetic on the
monthly rates and have no accounts behind them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import db, metrics
from ..filters import Filters
from ..months import label, parse_month
from . import compute
from .catalogue import KEYS

NOTATION = ("For month m: the base is the accounts active in m−12 and S their MRR then; mv(a, k) is account a's "
            "expansion + cross-sell + contraction + churn in month k; start(k) is the MRR of the month before k; "
            "MV(k) = Σ mv(a, k) over accounts; g(k) = MV(k) ÷ start(k); r(m) = 1 + g(m).")
# step key -> (name, formula in words). The one home of the steps' words.
STEPS = {
    "above_base": ("Growth above each base account's MRR a year ago",
                   "−Σ over base accounts of max(0, MRR now − MRR twelve months ago) ÷ S: GRR caps every base "
                   "account at its MRR then, so its expansion and cross-sell above it drop out."),
    "reactivated_base": ("Reactivated base accounts",
                         "−Σ over base accounts of their reactivation MRR in the twelve months ÷ S: a base account "
                         "that churned and came back counts as lost."),
    "won_inside_year": ("Accounts won inside the year",
                        "+Σ over accounts first active after the base month of their expansion, cross-sell, "
                        "contraction and churn in the twelve months ÷ S: the ARR bridge counts them, cohort NRR "
                        "never does."),
    "won_back_inside_year": ("Accounts won back inside the year",
                             "+Σ over accounts active before the base month but not in it of their expansion, "
                             "cross-sell, contraction and churn in the twelve months ÷ S."),
    "monthly_denominators": ("Each month over its own starting MRR",
                             "+Σ over accounts and months k of mv(a, k) × (1 ÷ start(k) − 1 ÷ S): a monthly rate "
                             "divides by that month's book, which grows with the logos won since the base month."),
    "compounding": ("Compounding twelve monthly rates",
                    "Π(1 + g(k)) − (1 + Σ g(k)) over the twelve months: chaining multiplies the monthly rates "
                    "instead of adding them. Arithmetic, no accounts behind it."),
    "earlier_months": ("The eleven earlier months left out",
                       "−Σ over base accounts of their expansion, cross-sell, contraction and churn in months "
                       "m−11..m−1 ÷ S: a one-month figure sees the last month only."),
    "outside_base_last_month": ("Accounts outside the base, last month",
                                "+Σ over accounts not in the base of their expansion, cross-sell, contraction "
                                "and churn in month m ÷ S: last month's base is everyone active the month before."),
    "last_month_denominator": ("Last month over its own starting MRR",
                               "+MV(m) × (1 ÷ start(m) − 1 ÷ S): one month's rate divides by last month's book, "
                               "not the book a year ago."),
    "annualising": ("Annualising one month",
                    "r(m)^12 − r(m): the month's rate as if all twelve months were like it. Arithmetic, no "
                    "accounts behind it."),
}
_ARR_BRIDGE = ("reactivated_base", "won_inside_year", "won_back_inside_year")
_LAST_MONTH = ("reactivated_base", "earlier_months", "outside_base_last_month", "last_month_denominator")
PATHS = {
    "nrr": (),
    "grr": ("above_base",),
    "nrr_excluding_reactivation": ("reactivated_base",),
    "nrr_arr_bridge": _ARR_BRIDGE,
    "nrr_monthly_chained": (*_ARR_BRIDGE, "monthly_denominators", "compounding"),
    "nrr_last_month": _LAST_MONTH,
    "nrr_last_month_annualised": (*_LAST_MONTH, "annualising"),
}
STEP_COLUMNS = ["definition", "step", "label", "points", "value_after", "formula", "accounts"]
ACCOUNT_COLUMNS = ["definition", "step", "account_id", "name", "segment", "mrr", "points"]


@dataclass(frozen=True)
class Reconciliation:
    """``steps``: one row per definition and step, in path order (columns
    STEP_COLUMNS: points = the step in percentage points, value_after = the
    figure after it as a fraction, accounts = how many accounts are behind it).
    ``accounts``: the account rows behind each step (ACCOUNT_COLUMNS: mrr = the
    account's MRR the step counts, points = its share of the step).
    ``values``: every definition's value (as ``compute.values``)."""

    month: str
    values: dict
    steps: pd.DataFrame
    accounts: pd.DataFrame

    def steps_to(self, key: str) -> pd.DataFrame:
        """The steps from our NRR to definition ``key``, in order."""
        return self.steps[self.steps.definition == key].reset_index(drop=True)

    def accounts_behind(self, key: str, step: str | None = None) -> pd.DataFrame:
        """The account rows behind definition ``key``'s steps (or one ``step``), largest share first."""
        picked = self.accounts.definition == key
        if step is not None:
            picked &= self.accounts.step == step
        return self.accounts[picked].reset_index(drop=True)


def _empty(month: str, values: dict) -> Reconciliation:
    return Reconciliation(month, values, pd.DataFrame(columns=STEP_COLUMNS), pd.DataFrame(columns=ACCOUNT_COLUMNS))


def reconcile(con, filters: Filters | None, month: str) -> Reconciliation:
    """The bridge from ``nrr`` to every other definition at ``month``. A
    definition without a value (or every one, when our NRR has no base) has
    no steps."""
    m = parse_month(month)
    month = label(m)
    values = compute.values(con, filters, month)
    if values["nrr"] is None:
        return _empty(month, values)
    rows = db.run(con, "variants/window_accounts", {**(filters or Filters()).to_params(), "month_idx": m})
    moves = metrics.movements(con, filters).set_index("month")
    window = [label(k) for k in range(m - compute.MONTHS + 1, m + 1)]
    start = {k: float(moves.starting_mrr[k]) for k in window}
    kept_month = {k: float(moves.loc[k, list(compute.KEPT_MOVES)].sum()) for k in window}
    rows["mv"] = rows[list(compute.KEPT_MOVES)].sum(axis=1)
    month_of = {i: label(i) for i in range(m - compute.MONTHS, m + 1)}
    info = rows.groupby("account_id", sort=True).agg(name=("name", "first"), segment=("segment", "first"),
                                                     start_idx=("start_idx", "first"))
    at = lambda idx: rows[rows.month_idx == idx].set_index("account_id").mrr.reindex(info.index, fill_value=0.0)
    base, now = at(m - compute.MONTHS), at(m)
    in_w = rows[rows.month_idx > m - compute.MONTHS]
    per_account = lambda frame, col: frame.groupby("account_id")[col].sum().reindex(info.index, fill_value=0.0)
    mv_year = per_account(in_w, "mv")
    mv_last = per_account(in_w[in_w.month_idx == m], "mv")
    mv_earlier = mv_year - mv_last
    react = per_account(in_w, "reactivation")
    s = float(base[base > 0].sum())
    weight = {idx: (1 / start[k] - 1 / s if start[k] > 0 else math.nan) for idx, k in month_of.items() if k in start}
    weighted = in_w.assign(w=in_w.mv * in_w.month_idx.map(weight))
    in_base = base > 0
    outside = ~in_base
    won_back = outside & (info.start_idx < m - compute.MONTHS)
    gains = [kept_month[k] / start[k] for k in window] if all(start[k] > 0 for k in window) else None
    r_last = values["nrr_last_month"]
    by_step = {
        "above_base": (-(now - base).clip(lower=0).where(in_base, 0.0), None),
        "reactivated_base": (-react.where(in_base, 0.0), None),
        "won_inside_year": (mv_year.where(outside & ~won_back, 0.0), None),
        "won_back_inside_year": (mv_year.where(won_back, 0.0), None),
        "monthly_denominators": (mv_year, per_account(weighted, "w") * s),
        "compounding": (None, None if gains is None else math.prod(1 + g for g in gains) - 1 - sum(gains)),
        "earlier_months": (-mv_earlier.where(in_base, 0.0), None),
        "outside_base_last_month": (mv_last.where(outside, 0.0), None),
        "last_month_denominator": (mv_last, mv_last * s * (1 / start[month] - 1 / s) if start[month] > 0 else None),
        "annualising": (None, None if r_last is None else r_last ** compute.MONTHS - r_last),
    }
    step_rows, account_parts = [], []
    for key in KEYS:
        if values[key] is None:
            continue
        running = values["nrr"]
        for step in PATHS[key]:
            mrr, override = by_step[step]
            if mrr is None:  # arithmetic only
                delta, count = float(override), 0
            else:
                shares = (override if override is not None else mrr) / s
                delta = float(shares.sum())
                keep = (shares != 0) | (mrr != 0)
                count = int(keep.sum())
                part = info[keep].assign(definition=key, step=step, mrr=mrr[keep], points=shares[keep] * 100)
                part = part.assign(size=-part.points.abs()).reset_index().sort_values(["size", "account_id"])
                account_parts.append(part[ACCOUNT_COLUMNS])
            running += delta
            name, formula = STEPS[step]
            step_rows.append({"definition": key, "step": step, "label": name, "points": delta * 100,
                              "value_after": running, "formula": formula, "accounts": count})
    steps = pd.DataFrame(step_rows, columns=STEP_COLUMNS)
    accounts = (pd.concat(account_parts, ignore_index=True) if account_parts
                else pd.DataFrame(columns=ACCOUNT_COLUMNS))
    return Reconciliation(month, values, steps, accounts)
