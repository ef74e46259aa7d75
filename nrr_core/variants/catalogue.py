"""The NRR definitions compared side by side: keys, labels, formulas in words,
and who uses each (metrics.md, "NRR by other definitions", which wins where
these sentences differ).

This is the one home of these facts: the CLI's ``definitions`` report, the
Definitions view, the board pack and the headline setting all read them here.
Plain text only, no markup.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import NrrError


@dataclass(frozen=True)
class Variant:
    key: str
    label: str  # the name every tile, title and export uses: "NRR (ARR bridge)"
    formula: str  # the definition in words
    used_by: str  # who computes "NRR" this way


VARIANTS = (
    Variant("nrr", "NRR",
            "Our headline. Take the accounts active twelve months ago (the base); their MRR this month divided by "
            "their MRR then. Expansion, cross-sell, contraction, churn and reactivation of the base all count; "
            "accounts won since never do.",
            "This dashboard; the usual investor and board definition (cohort NRR, also called NDR)."),
    Variant("grr", "GRR",
            "The same base, each account's MRR this month capped at its MRR twelve months ago, so only losses "
            "count. Never above 100%.",
            "Finance and investors beside NRR; SaaS Capital's GRR survey."),
    Variant("nrr_excluding_reactivation", "NRR (excluding reactivation)",
            "The base's MRR twelve months ago plus the base's expansion, cross-sell, contraction and churn over "
            "the twelve months, divided by its MRR then. A base account that churned and came back counts as lost; "
            "its moves after coming back count.",
            "ChartMogul's Net MRR Retention chart (interval form); billing analytics that treat a return as new "
            "business."),
    Variant("nrr_arr_bridge", "NRR (ARR bridge)",
            "MRR twelve months ago plus all expansion, cross-sell, contraction and churn of the twelve months, of "
            "every account including those won inside the year, divided by MRR twelve months ago: the company ARR "
            "bridge read as retention (\"lazy NRR\").",
            "Finance's ARR bridge (beginning ARR + expansion − contraction − churn); spreadsheet models."),
    Variant("nrr_monthly_chained", "NRR (monthly, chained)",
            "Twelve month-over-month net retentions multiplied together: each month, the MRR of the accounts active "
            "the month before divided by their MRR then.",
            "CS platforms and dashboards that chain monthly retention (e.g. Gainsight, ChurnZero style reports)."),
    Variant("nrr_last_month", "NRR (last month)",
            "One month's net retention: this month's MRR of the accounts active last month divided by their MRR "
            "last month, i.e. 1 − (churn + contraction − expansion − cross-sell) ÷ starting MRR.",
            "Baremetrics' rolling 30-day NRR (at month grain); ChartMogul's monthly Net MRR Retention."),
    Variant("nrr_last_month_annualised", "NRR (last month, annualised)",
            "The last month's net retention raised to the 12th power, as if every month were like the last.",
            "Monthly retention quoted as a yearly figure in sales decks and some billing tools."),
)
KEYS = tuple(v.key for v in VARIANTS)
BY_KEY = {v.key: v for v in VARIANTS}
HEADLINE_DEFAULT = "nrr"


def variant(key: str) -> Variant:
    """The definition of ``key``; NrrError naming the keys for anything else."""
    if key not in BY_KEY:
        raise NrrError(f"unknown NRR definition {key!r} (use one of {', '.join(KEYS)})")
    return BY_KEY[key]


def label(key: str) -> str:
    """The name a figure of definition ``key`` carries: ``'NRR (ARR bridge)'``."""
    return variant(key).label
