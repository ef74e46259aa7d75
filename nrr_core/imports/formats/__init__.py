"""The vendor formats, one module each; ``FORMATS`` maps each format's name to it.

Each module's docstring lists the columns it uses, where they were found, and
how the vendor's statuses, intervals, amounts, quantities, discounts, trials,
cancellations and currencies map onto the invoice-lines rules.
"""
from __future__ import annotations

from . import (baremetrics, chargebee_subscriptions, chartmogul, paddle_transaction_items,
               recurly_subscriptions, stripe_invoice_lines, stripe_subscriptions)
from .base import Format

FORMATS: dict[str, Format] = {m.FORMAT.name: m.FORMAT for m in (
    stripe_subscriptions, stripe_invoice_lines, chargebee_subscriptions, recurly_subscriptions,
    chartmogul, baremetrics, paddle_transaction_items)}

__all__ = ["FORMATS", "Format"]
