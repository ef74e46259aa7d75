"""The metric definitions in plain words, and the benchmark defaults.

These sentences restate the project's definitions (``docs/metrics.md``, which
wins where they differ) for readers: the board pack prints them and the
dashboard's methodology page shows them, so both say the same thing. Plain
text only, no markup: a page may add emphasis around ``name`` but never
inside the words.
"""
from __future__ import annotations

from types import MappingProxyType

from .formatting import percent

# Benchmark bands shown beside the figures (metrics.md, "Benchmarks"): median
# SaaS NRR around 90-95 %, top performers above 120 %. A deployment overrides
# them in nrr.toml ([benchmarks]); these are the defaults everywhere else.
DEFAULT_BENCHMARKS = MappingProxyType({"median_low": 0.90, "median_high": 0.95, "top": 1.20})

GRAIN = ("MRR is counted per account, product line and calendar month; several rows for the same account, "
         "product and month are added up, and no row means zero. An account is active in a month when its MRR is "
         "above zero. ARR is 12 × MRR. The as-of month is the latest month in the data; nothing is inferred "
         "after it.")

FILTERS = ("Segment, region, industry and CSM owner are each account's current values: a filter selects accounts "
           "and every figure is computed on those accounts only.")

# (name, definition): the retention figures, in the order they are read.
RETENTION = (
    ("NRR (net revenue retention, trailing 12 months)",
     "Take the accounts active twelve months before the month (the base). NRR is their MRR in the month divided "
     "by their MRR then. Their expansion, cross-sell, contraction, churn and reactivation all count; accounts that "
     "became customers since then never do. NRR and NDR are the same metric."),
    ("GRR (gross revenue retention)",
     "The same base, but each account's MRR in the month is capped at its MRR twelve months earlier, so only "
     "losses count. Never above 100%."),
    ("Logo retention",
     "The share of the base accounts still active (MRR above zero) in the month."),
    ("ARR and MRR",
     "MRR is monthly recurring revenue, summed over an account's product lines; ARR = 12 × MRR. A quarter's or a "
     "year's retention is the trailing-twelve-month figure at its last month."),
)

BASE = "For a month m, the base is the accounts active twelve months earlier."

NO_HISTORY = "Months without twelve months of history before them have no figure: never 0, never 100%."

MOVEMENTS_INTRO = "Each account's MRR in a month is compared with the month before:"

# (movement key, name, what it means), in the bridge's order.
MOVEMENTS = (
    ("new", "New", "an account active for the first time."),
    ("expansion", "Expansion", "an existing account pays more for a product line it already had (seats, tier, "
                               "price)."),
    ("cross_sell", "Cross-sell", "an existing account adds a product line."),
    ("contraction", "Contraction", "an existing account pays less for a line, or drops a line while staying a "
                                   "customer."),
    ("churn", "Churn", "an account's MRR falls to zero (logo churn)."),
    ("reactivation", "Reactivation", "an account that had been active before and lapsed becomes active again."),
)

MOVEMENT_NOTES = ("A dropped add-on is contraction, not churn; swapping one module for another is cross-sell plus "
                  "contraction.")

IDENTITY = ("Starting MRR + the six movements = ending MRR, for every month, period and filter. Contraction and "
            "churn are negative.")

WINDOW = ("For a window of months, starting MRR is the month before the window, each movement is summed over the "
          "window and ending MRR is the window's last month. The NRR bridge is the same window restricted to the "
          "accounts active just before it, so its ending bar ÷ its starting bar is the window's net retention.")

CURVES = ("An account's start is its first active month. For k months since start, the eligible members of a group "
          "are those whose start + k is not after the as-of month; revenue and logo retention at k are computed "
          "over eligible members only, and the number of eligible accounts is shown so a thin tail is not "
          "over-read.")


def benchmark_words(benchmarks) -> str:
    """The benchmark bands in a sentence: ``'median SaaS NRR 90%–95%; top
    performers above 120%'`` (``benchmarks``: median_low, median_high, top)."""
    return (f"median SaaS NRR {percent(benchmarks['median_low'], 0)}–{percent(benchmarks['median_high'], 0)}; "
            f"top performers above {percent(benchmarks['top'], 0)}")
