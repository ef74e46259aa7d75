"""Billing-system exports -> the loader's invoice-lines CSV (and a customers CSV).

Front door::

    from nrr_core.imports import detect, to_invoice_lines, FORMATS
    detect("subscriptions.csv")            # Detected(role="billing", format="stripe_subscriptions", ...)
    done = to_invoice_lines(["plans.csv", "invoices.csv", "line_items.csv"], "out/")
    done.invoice_lines, done.customers     # paths to load with --invoice-lines / --customers
    done.as_of                             # 'YYYY-MM' the lines were built for (snapshot formats)

Formats (``FORMATS``, one module each in ``formats/``): stripe_subscriptions,
stripe_invoice_lines, chargebee_subscriptions, recurly_subscriptions,
chartmogul (plans + invoices + line items [+ customers]), baremetrics,
paddle_transaction_items. See ``README.md`` for each format's columns and
mapping. Everything here is pure Python; errors are ``InputError`` (vendor
file, physical line, problem) or ``NrrError`` for a bad request.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import InputError, NrrError
from ..months import label, parse_month
from .detect import BILLING, Detected, detect, detect_header
from .formats import FORMATS
from .header import header_of, read_header
from .invoice_lines import write_customers, write_lines
from .periods import first_of, month_idx

__all__ = ["Converted", "Detected", "FORMATS", "detect", "detect_upload", "to_invoice_lines"]


def detect_upload(name: str, head: bytes) -> Detected:
    """``detect`` for a file held in memory (an upload): its name and first bytes."""
    return detect_header(header_of(name, head))

LINES_FILE = "invoice-lines.csv"
CUSTOMERS_FILE = "customers.csv"


@dataclass(frozen=True)
class Converted:
    """The result of a conversion.

    ``invoice_lines``: the invoice-lines CSV written; ``customers``: the
    customers CSV (account_id, name, attributes), or None when the export names
    no customer and carries no attribute; ``format``: the vendor format;
    ``files``: each input file's detection; ``lines`` / ``customer_count``: rows
    written (0 customers when no customers file is written); ``notes``: what
    was left out or assumed, in words; ``as_of``: the
    ``YYYY-MM`` month snapshot exports were counted through (None for line
    formats): pass it to the loader as ``--as-of``.
    """

    invoice_lines: Path
    customers: Path | None
    format: str
    files: tuple[Detected, ...]
    lines: int
    customer_count: int
    notes: tuple[str, ...]
    as_of: str | None


def _format_named(name: str):
    fmt = FORMATS.get(name)
    if fmt is None:
        raise NrrError(f"unknown billing format {name!r}: known formats are {', '.join(FORMATS)}")
    return fmt


def to_invoice_lines(paths: str | os.PathLike | Iterable[str | os.PathLike], out_dir: str | os.PathLike,
                     format: str | None = None, *, as_of: str | None = None) -> Converted:
    """Convert one vendor export (a file, or for ChartMogul its set of files) into ``out_dir``.

    ``format`` forces a format by name (see ``FORMATS``); by default each file's
    header decides. Every file must belong to the same format. ``as_of``
    (``YYYY-MM``) is the month snapshot exports count renewing subscriptions
    through; by default the export's own (see ``formats/snapshot.py``).
    Writes ``invoice-lines.csv`` and, when the export names customers,
    ``customers.csv`` (overwriting them; an older ``customers.csv`` is removed
    when this export names none); nothing is written if the input is bad.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise NrrError("give at least one billing export file")
    forced = _format_named(format) if format is not None else None
    as_of_date = first_of(parse_month(as_of, what="as-of")) if as_of else None
    fmt = forced
    by_part: dict[str, list] = {}
    files = []
    for path in paths:
        header = read_header(path)
        if forced and len(forced.parts) == 1:
            found = Detected(BILLING, forced.name, header.columns, forced.parts[0].name)
        else:
            found = detect_header(header, only=forced)
        if found.role != BILLING:
            raise InputError(header.name, 1, f"is our own {found.role} input file, not a billing export: "
                                             f"load it directly")
        if fmt is None:
            fmt = FORMATS[found.format]
        elif found.format != fmt.name:
            raise NrrError(f"{header.name} is a {FORMATS[found.format].title}, but {paths[0].name} is a "
                           f"{fmt.title}: convert one format at a time")
        by_part.setdefault(found.part, []).append(header)
        files.append(found)
    missing = [p for p in fmt.required_parts if p not in by_part]
    if missing:
        raise NrrError(f"{fmt.title} needs its {' and '.join(missing)} file(s) too")
    result = fmt.convert(by_part, as_of_date)
    if not result.lines and not result.customers:
        revenue_file = by_part[fmt.parts[-1].name][0] if fmt.parts[-1].name in by_part else header
        raise InputError(revenue_file.name, None, "has a header but no data rows")
    # A line whose period is empty (a one-time charge dated start = end) covers
    # no day at all; leaving it out keeps every written line a real period.
    lines = [ln for ln in result.lines if ln.end > ln.start]
    notes = list(result.notes)
    if len(lines) < len(result.lines):
        notes.append(f"{len(result.lines) - len(lines)} line(s) with an empty service period (end = start) left out")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines_path = out / LINES_FILE
    n_lines = write_lines(lines_path, lines)
    customers_path, n_customers = None, 0
    if any(result.customers.values()):
        customers_path = out / CUSTOMERS_FILE
        n_customers = write_customers(customers_path, result.customers)
    else:
        # A customers file left by an earlier conversion must not be loaded with these lines.
        (out / CUSTOMERS_FILE).unlink(missing_ok=True)
    return Converted(lines_path, customers_path, fmt.name, tuple(files), n_lines, n_customers,
                     tuple(notes), label(month_idx(result.as_of)) if result.as_of else None)
