"""Recurly subscriptions export (Exports > Subscriptions), one row per subscription.

Columns used:
  uuid (or id), account_code, state, unit_amount, currency,
  activated_at (or created_at), current_period_ends_at  [required];
  quantity, add_ons_total, plan_code, current_period_started_at, trial_ends_at,
  canceled_at, expires_at, plan_interval_unit / plan_interval_length (or
  interval_unit / interval_length), company_name (or company), first_name,
  last_name  [optional].

Sources: Recurly's export documentation (docs.recurly.com "Subscriptions -
export": ``uuid``, ``account_code``, ``email``, the status filters live,
canceled = "will not renew after the present term", expired = inactive,
future, paused) and the raw Recurly subscription table of fivetran/dbt_recurly
(``integration_tests/seeds/subscription_history_data.csv``: ``state``,
``unit_amount`` such as ``99.0``, ``quantity``, ``add_ons_total``,
``currency``, ``activated_at``, ``canceled_at``, ``expires_at``,
``current_period_started_at``, ``current_period_ends_at``,
``trial_started_at``, ``trial_ends_at``). The exact header of the UI export
beyond its first columns could not be read in the stored copy of the page;
the seed's names are used. The interval columns are the plan's API names and
are optional.

Mapping (rules in ``snapshot.py``):
- Price per period: unit_amount (currency units) x quantity (default 1) +
  add_ons_total. The export has no discount column: coupons are not applied.
- Interval: the plan's interval columns when present, else the current
  period's length (current_period_started_at to current_period_ends_at).
- State: active -> live (a trial_ends_at after the start delays its MRR);
  canceled -> live until expires_at (else current_period_ends_at): it will not
  renew, and the canceled_at request date is not the end; expired -> ended at
  expires_at (else canceled_at); paused -> ended at current_period_ends_at;
  future and failed -> not started. Any other state is an error.
- Account name: company_name, else first and last name.
"""
from __future__ import annotations

import datetime as dt

from ..header import Header
from ..values import records
from .base import Format, Part, Result, col, remember_customer
from .snapshot import ENDED, LIVE, NEVER, Subscription, interval_from_period, monthly_rate, to_lines

STATES = {"active": LIVE, "canceled": LIVE, "expired": ENDED, "paused": ENDED, "future": NEVER, "failed": NEVER}

PART = Part(
    "subscriptions",
    required=(col("uuid", "id"), col("account_code"), col("state"), col("unit_amount"), col("currency"),
              col("activated_at", "created_at"), col("current_period_ends_at")),
    optional=(col("quantity"), col("add_ons_total"), col("plan_code"), col("current_period_started_at"),
              col("trial_ends_at"), col("canceled_at"), col("expires_at"),
              col("plan_interval_unit", "interval_unit"), col("plan_interval_length", "interval_length"),
              col("company_name", "company"), col("first_name"), col("last_name")),
)


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    subs: list[Subscription] = []
    for header in headers["subscriptions"]:
        c = PART.cells(header)
        for line, row in records(header):
            c.at(line, row)
            cid = c.required("account_code")
            state_word = c.get("state").lower()
            state = STATES.get(state_word)
            if state is None:
                raise c.fail(f"{c.title('state')} {state_word[:40]!r} is not a Recurly subscription state "
                             f"({', '.join(STATES)})")
            start = c.date("activated_at", required=True)
            if state == NEVER:  # never paid: its price and interval do not matter
                subs.append(Subscription(header.name, line, cid, state, start, 0.0, ""))
                result.customers.setdefault(cid, {})
                continue
            cps, cpe = c.date("current_period_started_at"), c.date("current_period_ends_at")
            unit = count = None
            if c.get("plan_interval_unit"):
                unit, count = c.interval("plan_interval_unit", c.count("plan_interval_length"))
            unit, count = interval_from_period(c, unit, count, cps, cpe,
                                               "current_period_started_at/ends_at")
            per_period = (c.number("unit_amount", negative=False) * c.count("quantity")
                          + c.number("add_ons_total", default=0.0, negative=False))
            end = None
            if state_word == "canceled":
                end = c.date("expires_at") or cpe
            elif state_word == "expired":
                end = c.date("expires_at") or c.date("canceled_at")
                if end is None:
                    raise c.fail("an expired subscription needs expires_at or canceled_at")
            elif state_word == "paused":
                end = cpe
            subs.append(Subscription(header.name, line, cid, state, start, monthly_rate(per_period, unit, count),
                                     c.currency("currency"), "", c.date("trial_ends_at"), end, cps, cpe))
            person = " ".join(p for p in (c.get("first_name"), c.get("last_name")) if p)
            remember_customer(result.customers, cid, c.get("company_name") or person)
    to_lines(subs, as_of, result)
    return result


FORMAT = Format("recurly_subscriptions", "Recurly subscriptions export", (PART,), convert)
