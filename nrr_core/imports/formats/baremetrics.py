"""Baremetrics manual subscription import template, one row per subscription.

Columns used: plan_amount, plan_currency, plan_interval, customer_oid,
subscription_started_at [required]; plan_oid, plan_name, plan_interval_count,
customer_name, customer_email (not written), subscription_oid,
subscription_canceled_at, subscription_quantity [optional].

Source: Baremetrics "Manual Subscription Import Guide" and its template sheet
(help.baremetrics.com; the template's header row and notes: plan_amount is
"cents integer, $1 == 100"; plan_interval is week, month or year;
plan_interval_count "how often this occurs"; dates YYYY-MM-DD;
subscription_canceled_at is the cancellation date, not the period end;
subscription_quantity defaults to 1), summarised in
shared/docs/imports-and-edge-cases.md section 2.1.

Mapping (rules in ``snapshot.py``):
- plan_amount (whole cents) / 100 x subscription_quantity per plan_interval x
  plan_interval_count (blank = 1). The template has no discount or trial
  columns: amounts are as given, and every subscription pays from its start.
- No status column: a row with subscription_canceled_at is cancelled, and the
  cancellation takes effect at the end of the billing period in which it was
  made (the first start + k intervals on or after the cancellation date): the
  customer keeps the period paid for. Others are live and renew through the
  as-of month, which by default is the month of the latest start or
  cancellation date in the file (the template has no current-period column).
- plan_currency is required on every row.
- customer_name becomes the account name.
"""
from __future__ import annotations

import datetime as dt

from ..header import Header
from ..periods import period_end_on_or_after
from ..values import records
from .base import Format, Part, Result, col, remember_customer
from .snapshot import ENDED, LIVE, Subscription, monthly_rate, to_lines

PART = Part(
    "subscriptions",
    required=(col("plan_amount"), col("plan_currency"), col("plan_interval"), col("customer_oid"),
              col("subscription_started_at")),
    optional=(col("plan_oid"), col("plan_name"), col("plan_interval_count"), col("customer_name"),
              col("customer_email"), col("subscription_oid"), col("subscription_canceled_at"),
              col("subscription_quantity")),
)


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    subs: list[Subscription] = []
    seen: list[dt.date] = []  # starts and cancellations: the export was made after all of them
    for header in headers["subscriptions"]:
        c = PART.cells(header)
        for line, row in records(header):
            c.at(line, row)
            cid = c.required("customer_oid")
            start = c.date("subscription_started_at", required=True)
            unit, count = c.interval("plan_interval", c.count("plan_interval_count"))
            per_period = c.number("plan_amount", cents=True, negative=False) * c.count("subscription_quantity")
            canceled = c.date("subscription_canceled_at")
            if canceled is not None and canceled < start:
                raise c.fail(f"the subscription is cancelled ({canceled.isoformat()}) before it starts "
                             f"({start.isoformat()})")
            end = period_end_on_or_after(start, unit, count, canceled) if canceled else None
            seen.append(canceled or start)
            subs.append(Subscription(header.name, line, cid, ENDED if canceled else LIVE, start,
                                     monthly_rate(per_period, unit, count), c.currency("plan_currency"), end=end))
            remember_customer(result.customers, cid, c.get("customer_name"))
    to_lines(subs, as_of or (max(seen) if seen else None), result)
    return result


FORMAT = Format("baremetrics", "Baremetrics subscription import", (PART,), convert)
