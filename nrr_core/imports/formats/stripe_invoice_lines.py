"""Stripe invoice line items (the ``invoice_line_items`` table: Sigma, data pipeline, warehouse syncs).

Columns used:
  customer (or customer_id), amount, currency, period_start, period_end  [required];
  id, invoice_id (or invoice), type, proration, quantity, subscription_id
  (or subscription), plan_id, discount_amount  [optional].

Sources: Stripe's InvoiceLineItem object (``amount`` "in cents", ``currency``,
``period.start``/``period.end``, ``proration``, ``quantity``, ``type``
subscription or invoiceitem, ``subscription``; Stitch's Stripe schema
``invoice_line_items``) and the raw Stripe table of fivetran/dbt_stripe
(``integration_tests/seeds/invoice_line_item_data.csv``: ``id, invoice_id,
amount, currency, description, discountable, period_end, period_start,
plan_id, proration, quantity, subscription_id, subscription_item_id, type``).
That table has no customer column (the customer is on the invoice): export it
with the invoice's customer joined in as ``customer``. ``discount_amount``
(cents) is not a Stripe column name we could confirm; it is subtracted when
present.

Mapping:
- amount is in cents and already covers the quantity; it is the line before
  discounts (subtract ``discount_amount`` when given) and before tax.
- period_start..period_end is the service period; Stripe's end is exclusive.
- type: subscription -> subscription; invoiceitem -> one_time unless it is a
  proration; blank -> subscription when the line names a subscription, else
  one_time. proration true -> a prorated subscription line (no MRR: the next
  full-period line carries the new price).
- currency is required on every line; lower-case codes are upper-cased.
- An end before the start is an error.
"""
from __future__ import annotations

import datetime as dt

from ..header import Header
from ..invoice_lines import Line
from ..values import records
from .base import Format, Part, Result, col

TYPES = ("subscription", "invoiceitem", "")

PART = Part(
    "line_items",
    required=(col("customer", "customer_id"), col("amount"), col("currency"), col("period_start"),
              col("period_end")),
    optional=(col("id"), col("invoice_id", "invoice"), col("type"), col("proration"), col("quantity"),
              col("subscription_id", "subscription"), col("plan_id"), col("discount_amount")),
)


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    one_time = prorated = 0
    for header in headers["line_items"]:
        c = PART.cells(header)
        for line, row in records(header):
            c.at(line, row)
            cid = c.required("customer")
            kind = c.get("type").lower()
            if kind not in TYPES:
                raise c.fail(f"{c.title('type')} {kind[:40]!r} is not a Stripe line type (subscription or invoiceitem)")
            start = c.date("period_start", required=True)
            end = c.date("period_end", required=True)
            if end < start:
                raise c.fail(f"{c.title('period_end')} {end.isoformat()} is before "
                             f"{c.title('period_start')} {start.isoformat()}")
            proration = c.flag("proration")
            recurring = kind == "subscription" or proration or (kind == "" and bool(c.get("subscription_id")))
            amount = c.number("amount", cents=True) - c.number("discount_amount", default=0.0, cents=True)
            one_time += not recurring
            prorated += proration
            result.lines.append(Line(cid, "", "subscription" if recurring else "one_time", start, end, amount,
                                     c.currency("currency"), proration))
            result.customers.setdefault(cid, {})
    if one_time:
        result.notes.append(f"{one_time} one-time line(s) add no MRR")
    if prorated:
        result.notes.append(f"{prorated} proration line(s) add no MRR")
    return result


FORMAT = Format("stripe_invoice_lines", "Stripe invoice line items", (PART,), convert)
