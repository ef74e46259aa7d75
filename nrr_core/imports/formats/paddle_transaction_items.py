"""Paddle Billing transaction line items report (Reports > Transaction line items).

Columns used:
  transaction_id, status, customer_id, currency_code, subtotal  [required];
  billing_period_starts_at, billing_period_ends_at, discount, tax, quantity,
  subscription_id, product_id, product_name, price_id, origin, business_name,
  customer_email (not written)  [optional].

Source: Paddle's developer docs, "Transaction line item reports"
(developer.paddle.com/build/finance/reports/transaction-line-items): the
report's "column headings mirror fields in the Paddle API" and hold the
transaction id (txn_), its status (draft, ready, billed, paid, completed,
past_due, canceled), the customer id and email, the business name, the
subscription id, the transaction item id, the product id and name, ...; the
API's transaction fields (currency_code, origin, billing_period.starts_at /
ends_at, item totals subtotal / discount / tax / total in the currency's
lowest denomination). The stored copy of the page does not show the literal
heading text: the names above are the API field names it says the headings
mirror (``billing_period.starts_at`` is accepted for
``billing_period_starts_at``). Amounts are read in the lowest denomination
(cents), as in the API: confirm against a real report.

Mapping:
- amount = subtotal - discount (before tax), in cents; quantity is already in it.
- Service period = billing_period_starts_at..billing_period_ends_at (exclusive).
  A line with a billing period and a subscription is a subscription line; a
  line without one, or from origin subscription_charge (a one-off charge on a
  subscription), is one_time; origin subscription_update is a proration
  (prorated, no MRR).
- status: billed, paid, completed, past_due count; draft, ready and canceled
  transactions were never billed and are left out (noted). Any other status is
  an error.
- product_name is the product line (Paddle products are what is sold).
- business_name becomes the account name when present.
"""
from __future__ import annotations

import datetime as dt

from ..header import Header
from ..invoice_lines import Line
from ..values import records
from .base import Format, Part, Result, col, remember_customer

BILLED = ("billed", "paid", "completed", "past_due")
NOT_BILLED = ("draft", "ready", "canceled")

PART = Part(
    "transaction_items",
    required=(col("transaction_id"), col("status"), col("customer_id"), col("currency_code"), col("subtotal")),
    optional=(col("billing_period_starts_at", "billing_period.starts_at"),
              col("billing_period_ends_at", "billing_period.ends_at"), col("discount"), col("tax"),
              col("quantity"), col("subscription_id"), col("product_id"), col("product_name"), col("price_id"),
              col("origin"), col("business_name"), col("customer_email")),
)


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    skipped = one_time = prorated = 0
    for header in headers["transaction_items"]:
        c = PART.cells(header)
        for line, row in records(header):
            c.at(line, row)
            status = c.get("status").lower()
            if status in NOT_BILLED:
                skipped += 1
                continue
            if status not in BILLED:
                raise c.fail(f"{c.title('status')} {status[:40]!r} is not a Paddle transaction status "
                             f"({', '.join(BILLED + NOT_BILLED)})")
            cid = c.required("customer_id")
            start = c.date("billing_period_starts_at")
            end = c.date("billing_period_ends_at")
            if (start is None) != (end is None):
                raise c.fail("billing_period_starts_at and billing_period_ends_at must both be given or both blank")
            origin = c.get("origin").lower()
            if start is None:
                # A one-time purchase has no service period: it is dated nowhere
                # in the month rule, so any valid date does; we have none, skip it.
                one_time += 1
                continue
            if end < start:
                raise c.fail(f"{c.title('billing_period_ends_at')} {end.isoformat()} is before "
                             f"{c.title('billing_period_starts_at')} {start.isoformat()}")
            recurring = bool(c.get("subscription_id")) and origin != "subscription_charge"
            proration = origin == "subscription_update"
            amount = c.number("subtotal", cents=True) - c.number("discount", default=0.0, cents=True)
            one_time += not recurring
            prorated += proration and recurring
            result.lines.append(Line(cid, c.get("product_name"), "subscription" if recurring else "one_time",
                                     start, end, amount, c.currency("currency_code"), proration))
            remember_customer(result.customers, cid, c.get("business_name"))
    if skipped:
        result.notes.append(f"{skipped} line(s) of draft, ready or canceled transactions were never billed: left out")
    if one_time:
        result.notes.append(f"{one_time} one-time line(s) add no MRR")
    if prorated:
        result.notes.append(f"{prorated} proration line(s) add no MRR")
    return result


FORMAT = Format("paddle_transaction_items", "Paddle Billing transaction line items", (PART,), convert)
