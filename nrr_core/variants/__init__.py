"""NRR by other definitions (metrics.md, "NRR by other definitions"): every
variant per month (``compute``), the bridge from our headline to each with the
accounts behind every step (``reconcile``), their words and who uses them
(``catalogue``), and benchmark sets that name their source (``benchmarks``)."""
from .catalogue import HEADLINE_DEFAULT, KEYS, VARIANTS, Variant, label, variant
from .benchmarks import BenchmarkSet, compare_groups, sets_from_config
from .compute import table, trend, values
from .headline import headline_figures, headline_trend
from .reconcile import NOTATION, PATHS, STEPS, Reconciliation, reconcile

__all__ = ["BenchmarkSet", "compare_groups", "headline_figures", "headline_trend", "sets_from_config",
           "HEADLINE_DEFAULT", "KEYS", "NOTATION", "PATHS", "STEPS", "VARIANTS", "Reconciliation", "Variant", "label",
           "reconcile", "table", "trend", "values", "variant"]
