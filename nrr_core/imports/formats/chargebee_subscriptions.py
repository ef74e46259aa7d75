"""Chargebee subscriptions export (Export Data > Subscriptions: ``Subscriptions.csv``), one row per subscription.

Columns used (the export prefixes each with its object):
  subscriptions.id, subscriptions.customer_id or customers.id, subscriptions.status,
  subscriptions.plan_unit_price_in_decimal or subscriptions.plan_unit_price,
  subscriptions.started_at or subscriptions.start_date or subscriptions.activated_at
  or subscriptions.created_at  [required];
  subscriptions.plan_id, subscriptions.plan_quantity, subscriptions.currency_code,
  subscriptions.billing_period, subscriptions.billing_period_unit,
  subscriptions.trial_end, subscriptions.current_term_start,
  subscriptions.current_term_end, subscriptions.cancelled_at,
  customers.first_name, customers.last_name, customers.company  [optional].

Sources: a public migration script that reads Chargebee's exported
``Subscriptions.csv`` (found with the code search) reads
``subscriptions.id``, ``plan_id``, ``plan_quantity``, ``plan_unit_price``,
``plan_unit_price_in_decimal``, ``status``, ``start_date``, ``trial_start``,
``trial_end``, ``current_term_start``, ``current_term_end``, ``created_at``,
``started_at``, ``cancelled_at``, ``customers.id`` and names discounts and
coupons as separate files (SubscriptionDiscounts.csv, SubscriptionCoupons.csv);
the meaning of each field is Chargebee's data catalogue
(datacatalog.chargebee.com/subscriptions: ``cancelled_at`` "when the
subscription was canceled or is set to be canceled", ``activated_at``).
``currency_code``, ``billing_period`` and ``billing_period_unit`` are the
subscription object's API names; their presence in the export is not confirmed.

Mapping (rules in ``snapshot.py``):
- Price: ``plan_unit_price_in_decimal`` (currency units) when filled, else
  ``plan_unit_price`` in cents (Chargebee stores amounts in the currency's
  minor unit), times ``plan_quantity`` (default 1). Discounts and coupons are
  in other files of the export and are not applied (noted).
- Interval: billing_period x billing_period_unit when given, else the current
  term's length (current_term_start to current_term_end) in months.
- Status: active -> live; non_renewing (cancellation scheduled) -> live until
  current_term_end; in_trial -> trial (no MRR); future -> not started;
  cancelled -> ended at cancelled_at (for a cancelled subscription the date it
  took effect); paused and transferred -> ended at cancelled_at, else at the
  current term's end. Any other status is an error.
- Currency: currency_code; blank or absent = the reporting currency.
- Account name: customers.company, else first and last name.
"""
from __future__ import annotations

import datetime as dt

from ..header import Header
from ..values import records
from .base import Format, Part, Result, col, remember_customer
from .snapshot import ENDED, LIVE, NEVER, TRIAL, Subscription, interval_from_period, monthly_rate, to_lines

S = "subscriptions."
STATUSES = {"active": LIVE, "non_renewing": LIVE, "in_trial": TRIAL, "future": NEVER, "cancelled": ENDED,
            "paused": ENDED, "transferred": ENDED}

PART = Part(
    "subscriptions",
    required=(col(S + "id"), col(S + "customer_id", "customers.id"), col(S + "status"),
              col(S + "plan_unit_price", S + "plan_unit_price_in_decimal"),
              col(S + "started_at", S + "start_date", S + "activated_at", S + "created_at")),
    optional=(col(S + "plan_unit_price_in_decimal"), col(S + "plan_id"), col(S + "plan_quantity"),
              col(S + "currency_code"), col(S + "billing_period"), col(S + "billing_period_unit"),
              col(S + "trial_end"), col(S + "current_term_start"), col(S + "current_term_end"),
              col(S + "cancelled_at"), col("customers.first_name"), col("customers.last_name"),
              col("customers.company")),
)


def _price(c) -> float:
    if c.get(S + "plan_unit_price_in_decimal"):
        return c.number(S + "plan_unit_price_in_decimal", negative=False)
    return c.number(S + "plan_unit_price", cents=True, negative=False)


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    subs: list[Subscription] = []
    for header in headers["subscriptions"]:
        c = PART.cells(header)
        for line, row in records(header):
            c.at(line, row)
            cid = c.required(S + "customer_id")
            status = c.get(S + "status").lower()
            state = STATUSES.get(status)
            if state is None:
                raise c.fail(f"{c.title(S + 'status')} {status[:40]!r} is not a Chargebee subscription status "
                             f"({', '.join(STATUSES)})")
            start = c.date(S + "started_at", required=True)
            if state == NEVER:  # never paid: its price and interval do not matter
                subs.append(Subscription(header.name, line, cid, state, start, 0.0, ""))
                result.customers.setdefault(cid, {})
                continue
            cts, cte = c.date(S + "current_term_start"), c.date(S + "current_term_end")
            unit = count = None
            if c.get(S + "billing_period_unit"):
                unit, count = c.interval(S + "billing_period_unit", c.count(S + "billing_period"))
            unit, count = interval_from_period(c, unit, count, cts, cte,
                                               "subscriptions.current_term_start/end")
            per_period = _price(c) * c.count(S + "plan_quantity")
            end = None
            if state == ENDED:
                end = c.date(S + "cancelled_at") or cte
                if end is None:
                    raise c.fail(f"a {status} subscription needs subscriptions.cancelled_at or current_term_end")
            elif status == "non_renewing":
                end = cte or c.date(S + "cancelled_at")
            currency = c.currency(S + "currency_code") if c.get(S + "currency_code") else ""
            subs.append(Subscription(header.name, line, cid, state, start, monthly_rate(per_period, unit, count),
                                     currency, "", c.date(S + "trial_end"), end, cts, cte))
            person = " ".join(p for p in (c.get("customers.first_name"), c.get("customers.last_name")) if p)
            remember_customer(result.customers, cid, c.get("customers.company") or person)
    to_lines(subs, as_of, result)
    result.notes.append("Chargebee discounts and coupons are separate files of the export: amounts are before them")
    return result


FORMAT = Format("chargebee_subscriptions", "Chargebee subscriptions export", (PART,), convert)
