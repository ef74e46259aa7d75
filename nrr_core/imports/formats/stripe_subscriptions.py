"""Stripe Dashboard subscriptions export (Billing > Subscriptions > Export), one row per subscription.

Columns used (names as exported; matched case-insensitively):
  id, Customer ID, Status, Amount, Currency, Interval, Current Period End (UTC),
  Start Date (UTC) or Start (UTC) or Created (UTC)  [required];
  Customer Name, Plan, Product, Quantity, Interval Count, Current Period Start (UTC),
  Trial End (UTC), Canceled At (UTC), Ended At (UTC), Cancel At Period End,
  Cancel At (UTC), Coupon  [optional].

Sources: Stripe publishes no spec of this export. The column names are those
parsed by public projects that read it (found with the code search: importers
reading ``Customer ID``, ``Status``, ``Plan``, ``Quantity``, ``Currency``,
``Interval``, ``Amount``, ``Created (UTC)``, ``Start Date (UTC)``, ``Start
(UTC)``, ``Current Period Start/End (UTC)``, ``Trial Start/End (UTC)``,
``Canceled At (UTC)``, ``Ended At (UTC)``, ``Coupon``, ``Cancellation Reason``),
as summarised in shared/docs/imports-and-edge-cases.md section 2.1. Not
confirmed by any source: ``Product``, ``Interval Count``, ``Cancel At Period
End``, ``Cancel At (UTC)``; they are read when present.

Mapping (rules in ``snapshot.py``):
- Amount is the price per interval per unit in currency units (``29.00``),
  times Quantity (default 1). Coupon holds only the coupon's id, not its value,
  so amounts stay before coupons (counted in the notes).
- Interval x Interval Count; without Interval Count, the count is the current
  period's length in that unit (a quarterly price is ``month`` over 3 months).
- Status: active, past_due, unpaid -> live; trialing -> trial (no MRR);
  canceled -> ended at Ended At (UTC), else Canceled At (UTC); incomplete,
  incomplete_expired and paused (a trial that ended without a payment method)
  -> never paid. Any other status is an error.
- A live subscription with Cancel At Period End true, or with a Canceled At
  date (a cancellation requested, not yet effective), ends at Cancel At (UTC)
  if given, else at its Current Period End (UTC): the request date is not the end.
- Customer Name becomes the account name.
"""
from __future__ import annotations

import datetime as dt

from ..header import Header
from ..values import records
from .base import Format, Part, Result, col, remember_customer
from .snapshot import ENDED, LIVE, NEVER, TRIAL, Subscription, interval_from_period, monthly_rate, to_lines

STATUSES = {"active": LIVE, "past_due": LIVE, "unpaid": LIVE, "trialing": TRIAL, "canceled": ENDED,
            "incomplete": NEVER, "incomplete_expired": NEVER, "paused": NEVER}

PART = Part(
    "subscriptions",
    required=(col("id"), col("customer_id"), col("status"), col("amount"), col("currency"), col("interval"),
              col("current_period_end_(utc)"),
              col("start_date_(utc)", "start_(utc)", "created_(utc)")),
    optional=(col("customer_name"), col("plan"), col("product"), col("quantity"), col("interval_count"),
              col("current_period_start_(utc)"), col("trial_end_(utc)"), col("canceled_at_(utc)"),
              col("ended_at_(utc)"), col("cancel_at_period_end"), col("cancel_at_(utc)"), col("coupon")),
)


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    subs: list[Subscription] = []
    coupons = 0
    for header in headers["subscriptions"]:
        c = PART.cells(header)
        for line, row in records(header):
            c.at(line, row)
            cid = c.required("customer_id")
            status = c.get("status").lower()
            state = STATUSES.get(status)
            if state is None:
                raise c.fail(f"{c.title('status')} {status[:40]!r} is not a Stripe subscription status "
                             f"({', '.join(STATUSES)})")
            start = c.date("start_date_(utc)", required=True)
            if state == NEVER:  # never paid: its price and interval do not matter
                subs.append(Subscription(header.name, line, cid, state, start, 0.0, ""))
                remember_customer(result.customers, cid, c.get("customer_name"))
                continue
            cps, cpe = c.date("current_period_start_(utc)"), c.date("current_period_end_(utc)")
            unit, count = c.interval("interval")
            unit, count = interval_from_period(
                c, unit, c.count("interval_count") if c.get("interval_count") else None, cps, cpe,
                "Current Period Start/End (UTC)")
            per_period = c.number("amount", negative=False) * c.count("quantity")
            end = None
            if state == ENDED:
                end = c.date("ended_at_(utc)") or c.date("canceled_at_(utc)")
                if end is None:
                    raise c.fail("a canceled subscription needs Ended At (UTC) or Canceled At (UTC)")
            elif state == LIVE and (c.flag("cancel_at_period_end") or c.get("canceled_at_(utc)")):
                end = c.date("cancel_at_(utc)") or cpe
            coupons += bool(c.get("coupon"))
            subs.append(Subscription(
                header.name, line, cid, state, start, monthly_rate(per_period, unit, count),
                c.currency("currency"), c.get("product"), c.date("trial_end_(utc)"), end, cps, cpe))
            remember_customer(result.customers, cid, c.get("customer_name"))
    to_lines(subs, as_of, result)
    if coupons:
        result.notes.append(f"{coupons} subscription(s) carry a coupon whose value the export does not give: "
                            "their amounts are before the coupon")
    return result


FORMAT = Format("stripe_subscriptions", "Stripe subscriptions export", (PART,), convert)
