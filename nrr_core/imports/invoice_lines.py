"""The converters' output: one invoice-lines CSV and, when the export names
customers, one customers CSV.

invoice-lines.csv columns, in the contract's order (data-contract.md,
"invoice-lines.csv"): customer_id, product, type, service_period_start,
service_period_end (exclusive), amount (for the whole period, after discounts,
before tax, in ``currency``), currency, prorated. ``product`` is left blank
when the export has no product line (the loader reads blank as
``Subscription``): plans are price tiers of one product, not product lines, so
a plan change stays an expansion or contraction instead of becoming a
cross-sell plus a churn.

customers.csv is the loader's light accounts file (``load.CUSTOMERS``):
account_id, name (blank when the export has none; the loader then shows the
id), then any attributes the export carries (company, country, ...) as extra
columns, which the loader keeps as filterable account attributes.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, NamedTuple

from ..load import CUSTOMERS

# The column order we write: the contract table's order (a test checks it
# against the loader's spec, so the two cannot drift apart after the merge).
LINE_COLUMNS = ("customer_id", "product", "type", "service_period_start", "service_period_end",
                "amount", "currency", "prorated")

# Line types that add no MRR, from the contract; anything else is written as subscription.
NON_RECURRING_TYPES = ("one_time", "usage", "tax", "refund", "credit")


class Line(NamedTuple):
    customer_id: str
    product: str
    type: str
    start: object  # datetime.date
    end: object  # datetime.date, exclusive
    amount: float
    currency: str
    prorated: bool


def format_amount(value: float) -> str:
    """Up to six decimals, no exponent, no trailing zeros (``1200``, ``83.333333``)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_lines(path: Path, lines: Iterable[Line]) -> int:
    """Write invoice-lines.csv; returns the number of lines written."""
    n = 0
    iso: dict = {}  # date -> 'YYYY-MM-DD': lines share few distinct days, format each once
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(LINE_COLUMNS)
        for ln in lines:
            start = iso.get(ln.start) or iso.setdefault(ln.start, ln.start.isoformat())
            end = iso.get(ln.end) or iso.setdefault(ln.end, ln.end.isoformat())
            w.writerow((ln.customer_id, ln.product, ln.type, start, end, format_amount(ln.amount), ln.currency,
                        "true" if ln.prorated else "false"))
            n += 1
    return n


def write_customers(path: Path, customers: dict[str, dict[str, str]]) -> int:
    """Write customers.csv from ``{account_id: {"name": ..., attribute: value}}``; returns rows written."""
    id_column = CUSTOMERS.required[0]
    attributes: list[str] = []
    for attrs in customers.values():
        for key in attrs:
            if key != "name" and key not in attributes:
                attributes.append(key)
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow((id_column, "name", *attributes))
        for cid, attrs in customers.items():
            w.writerow((cid, attrs.get("name", ""), *(attrs.get(a, "") for a in attributes)))
    return len(customers)
