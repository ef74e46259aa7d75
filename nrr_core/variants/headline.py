"""The headline in force: the NRR definition a deployment shows as its
headline (nrr.toml ``[display] headline``, default ``nrr``), as the figures
the overview tiles, the NRR chart, the presentation and the board pack draw.

With the default key these are exactly ``metrics.headline`` and
``metrics.nrr_trend``; with another key the ``nrr`` figures are replaced by
that definition's, and ``label`` names it ("NRR (ARR bridge)"). The command
line's ``retention`` report never reads this: its nrr is always ours.
"""
from __future__ import annotations

import math

import pandas as pd

from .. import metrics
from ..filters import Filters
from . import compute
from .catalogue import HEADLINE_DEFAULT, label, variant


def headline_trend(con, filters: Filters | None, key: str = HEADLINE_DEFAULT,
                   to_month: str | None = None) -> pd.DataFrame:
    """``metrics.nrr_trend`` with its ``nrr`` column holding definition ``key``
    (NaN where that definition has no base)."""
    variant(key)
    frame = metrics.nrr_trend(con, filters, to_month)
    if key == HEADLINE_DEFAULT or frame.empty:
        return frame
    by_month = compute.trend(con, filters, to_month).set_index("month")[key]
    return frame.assign(nrr=[float(by_month.get(m, math.nan)) for m in frame.month])


def headline_figures(con, filters: Filters | None, month: str, compare_month: str | None = None,
                     key: str = HEADLINE_DEFAULT) -> dict:
    """``metrics.headline`` with ``nrr`` and ``nrr_prev`` of definition ``key``,
    and ``label`` (its name) and ``definition`` (the key) added."""
    out = metrics.headline(con, filters, month, compare_month)
    if key != HEADLINE_DEFAULT:
        by_month = compute.trend(con, filters, month).set_index("month")[key]
        for suffix, m in (("", month), ("_prev", out["compare_month"])):
            value = float(by_month.get(m, math.nan))
            out["nrr" + suffix] = None if math.isnan(value) else value
    return {**out, "label": label(key), "definition": key}
