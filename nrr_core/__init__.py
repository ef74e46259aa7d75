"""nrr_core: net revenue retention metrics over a DuckDB book. No Streamlit here.

Typical use::

    from nrr_core import db, metrics, Filters
    con = db.connect_read_only("data/nrr.duckdb")
    metrics.nrr_trend(con, Filters.of(segment="Enterprise"))
"""
from .errors import InputError, NrrError
from .filters import ATTRIBUTES, Filters

__all__ = ["ATTRIBUTES", "Filters", "InputError", "NrrError"]
