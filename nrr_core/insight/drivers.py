"""Retention drivers: which groups of accounts keep more revenue a year after
their start, each against the rest.

Over the eligible accounts (started inside the data, first revenue month s
with s + 12 not after the as-of month; the 12-month window is each account's
own, s to s + 12), for every value of every dimension (segment, region,
industry, CSM owner, each extra attribute, starting ARR band, product lines at
start, time-to-value band, early-adoption band), the group and the rest of
the eligible accounts get:

- NRR = Σ MRR(s + 12) ÷ Σ MRR(s); GRR = Σ min(MRR(s + 12), MRR(s)) ÷ Σ MRR(s);
  logo retention = share active at s + 12;
- 95 % intervals: Wilson for logo retention, delta method for NRR and GRR
  (``intervals.py``);
- ARR impact = (group NRR − rest NRR) × the group's starting ARR: how much
  more (or less) ARR the group holds a year on than it would at the rest's
  rate. Groups are ranked by its size; groups under ``min_group`` accounts
  (or whose rest is) are listed but not ranked.

These are associations in this book, not causes: a group can differ from the
rest in many ways at once (bigger accounts adopt faster and are in other
segments). The time-to-value band is itself observed inside the same first
year. Retention by starting ARR band answers "what is the smallest deal that
stays"; what each band costs to serve is not in the data.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..filters import ATTRIBUTE_LABELS, ATTRIBUTES, Filters
from .intervals import ratio_interval, wilson
from .rules import DEFAULT_RULES, JourneyRules
from .starts import start_accounts

BANDS = {"size_band": "Starting ARR", "products_band": "Product lines at start",
         "ttv_band": "Time to value", "early_band": "Early adoption"}
COLUMNS = ["dimension", "group", "accounts", "rest_accounts", "start_arr",
           "nrr", "nrr_low", "nrr_high", "rest_nrr", "rest_nrr_low", "rest_nrr_high",
           "grr", "grr_low", "grr_high", "rest_grr",
           "logo_retention", "logo_low", "logo_high", "rest_logo_retention", "rest_logo_low", "rest_logo_high",
           "nrr_ratio", "arr_impact", "ranked", "rank", "summary"]


def _stats(x: np.ndarray, y: np.ndarray) -> dict:
    n = len(x)
    sx, sy = float(x.sum()), float(y.sum())
    g = np.minimum(x, y)
    out = {"n": n, "start_arr": sx * 12}
    out["nrr"] = sy / sx if sx else math.nan
    out["nrr_ci"] = ratio_interval(n, sx, sy, float((x * x).sum()), float((x * y).sum()), float((y * y).sum()))
    out["grr"] = float(g.sum()) / sx if sx else math.nan
    out["grr_ci"] = ratio_interval(n, sx, float(g.sum()), float((x * x).sum()), float((x * g).sum()),
                                   float((g * g).sum()))
    kept = int((y > 0).sum())
    out["logo"] = kept / n if n else math.nan
    out["logo_ci"] = wilson(kept, n)
    return out


def _dimensions(frame: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    dims = [(ATTRIBUTE_LABELS[a], frame[a].fillna("(none)").astype(str)) for a in ATTRIBUTES]
    # NULL: no extra attributes (most books have none: skip the per-account walk).
    maps = [m if isinstance(m, dict) else {} for m in frame.extras] if frame.extras.notna().any() else []
    for name in sorted({k for m in maps for k in m}):
        dims.append((name, pd.Series([m.get(name, "(none)") for m in maps], index=frame.index).astype(str)))
    for column, title in BANDS.items():
        dims.append((title, frame[column].astype(str)))
    return dims


_WHO = {"size_band": "Accounts starting at {} ARR", "products_band": "Accounts with {}",
        "ttv_band": "Accounts reaching value in {}", "early_band": "Accounts with {}"}


def who(dimension: str, group: str) -> str:
    """The group in words: "Accounts with 60 %+ of seats in use after 90 days", "Enterprise accounts (Segment)"."""
    for column, title in BANDS.items():
        if dimension == title:
            return _WHO[column].format(group)
    return f"{group} accounts ({dimension})"


def summary_sentence(dimension: str, group: str, g: dict, r: dict) -> str:
    """"Accounts with … keep 1.32× the revenue of the rest a year after their start (112 % vs 85 % NRR); 412 vs 388 accounts"."""
    ratio = g["nrr"] / r["nrr"]
    return (f"{who(dimension, group)} keep {ratio:.2f}× the revenue of the rest a year after their start "
            f"({g['nrr'] * 100:.0f} % vs {r['nrr'] * 100:.0f} % NRR); {g['n']:,} vs {r['n']:,} accounts.")


def drivers(con, filters: Filters | None, month: str, rules: JourneyRules | None = None) -> pd.DataFrame:
    """Every group of every dimension against the rest (``COLUMNS``), ranked by
    |ARR impact| (rank 1 first; unranked groups after, by dimension)."""
    rules = rules or DEFAULT_RULES
    starts = start_accounts(con, filters, month, rules)
    columns = ["start_mrr", "mrr_12", *ATTRIBUTES, "extras", *BANDS]
    return drivers_of(starts.loc[starts.eligible.to_numpy(), columns], rules)


def drivers_of(eligible: pd.DataFrame, rules: JourneyRules | None = None) -> pd.DataFrame:
    """``drivers`` on a frame of eligible accounts (start_mrr, mrr_12, the attributes and bands)."""
    rules = rules or DEFAULT_RULES
    rows = []
    if eligible.empty:
        return pd.DataFrame(columns=COLUMNS)
    x_all = eligible.start_mrr.to_numpy(dtype=float)
    y_all = eligible.mrr_12.to_numpy(dtype=float)
    for dimension, values in _dimensions(eligible):
        values = values.to_numpy()
        for group in pd.unique(values):
            mask = values == group
            g, r = _stats(x_all[mask], y_all[mask]), _stats(x_all[~mask], y_all[~mask])
            ranked = g["n"] >= rules.min_group and r["n"] >= rules.min_group
            impact = (g["nrr"] - r["nrr"]) * g["start_arr"] if r["n"] else math.nan
            rows.append({
                "dimension": dimension, "group": str(group), "accounts": g["n"], "rest_accounts": r["n"],
                "start_arr": g["start_arr"],
                "nrr": g["nrr"], "nrr_low": g["nrr_ci"][0], "nrr_high": g["nrr_ci"][1],
                "rest_nrr": r["nrr"], "rest_nrr_low": r["nrr_ci"][0], "rest_nrr_high": r["nrr_ci"][1],
                "grr": g["grr"], "grr_low": g["grr_ci"][0], "grr_high": g["grr_ci"][1], "rest_grr": r["grr"],
                "logo_retention": g["logo"], "logo_low": g["logo_ci"][0], "logo_high": g["logo_ci"][1],
                "rest_logo_retention": r["logo"], "rest_logo_low": r["logo_ci"][0],
                "rest_logo_high": r["logo_ci"][1],
                "nrr_ratio": g["nrr"] / r["nrr"] if r["n"] and r["nrr"] else math.nan,
                "arr_impact": impact, "ranked": bool(ranked and not math.isnan(impact)),
                "summary": summary_sentence(dimension, str(group), g, r) if r["n"] and r["nrr"] else "",
            })
    frame = pd.DataFrame(rows)
    frame["order"] = np.where(frame.ranked, -frame.arr_impact.abs().fillna(0), np.inf)
    frame = frame.sort_values(["order", "dimension", "group"], kind="stable").drop(columns="order")
    frame["rank"] = np.where(frame.ranked, np.arange(1, len(frame) + 1), np.nan)
    frame.loc[frame.ranked, "rank"] = np.arange(1, int(frame.ranked.sum()) + 1)
    return frame[COLUMNS].reset_index(drop=True)


def top_drivers(frame: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` ranked groups with the largest ARR impact, one per dimension (the
    two sides of a yes/no band say the same thing twice)."""
    ranked = frame[frame.ranked]
    return ranked.drop_duplicates("dimension").head(n).reset_index(drop=True)
