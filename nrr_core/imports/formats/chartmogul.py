"""ChartMogul CSV import files: plans, customers, invoices and invoice line items, converted together.

Columns used, per file (matched case-insensitively, spaces as ``_``):
- plans: Name, Plan ID (or External ID), Interval Unit, Interval Count [all required].
- customers (optional): External ID, Name [required]; Company, Country, State,
  City [optional, kept as account attributes]; Email, Zip, Lead created at,
  Free trial started at are not written.
- invoices (optional when the line items carry Customer ID and Currency):
  Customer ID (or customer_external_id), Invoice ID (or external_id),
  Invoice Date (or date), Currency [required].
- invoice line items (the revenue): Invoice ID (or invoice_external_id), Type,
  Amount in cents [required]; Plan ID (or plan_external_id), Service Period
  Start, Service Period End, Quantity, Discount Amount in cents, Tax Amount in
  cents, Prorated, Subscription External ID, Customer ID, Currency [optional].

Sources: ChartMogul help centre, "Importing billing data using CSV"
(help.chartmogul.com/hc/en-us/articles/360013881659: one CSV per record type,
uploaded plans and customers first, then invoices and invoice line items;
UTF-8 or ASCII; the customers table: Name required, External ID required and
unique) and ChartMogul's developer reference (dev.chartmogul.com, Import
Invoices and the Invoice Line Items dataset: ``type`` subscription or
one_time, ``amount_in_cents`` "the final amount charged ... after discounts,
taxes and fees", ``quantity``, ``discount_amount_in_cents``,
``tax_amount_in_cents``, ``service_period_start/end``, ``prorated``), as
summarised in shared/docs/imports-and-edge-cases.md section 2.1. The literal
header text of the line-items sample file was not visible; the API names
above are accepted, with the Plan ID / Invoice ID spellings as alternatives.

Mapping:
- amount = Amount in cents - Tax Amount in cents, / 100: ChartMogul's amount
  is after discounts and includes tax; the contract wants after discounts,
  before tax. Quantity is already in the amount. Discount Amount in cents is
  informational (already taken off).
- Type subscription -> subscription, one_time -> one_time (no MRR); any other
  type is an error. Prorated true -> prorated (no MRR).
- A subscription line needs a plan known in the plans file (an unknown plan is
  an error on the line); a blank Service Period End is the start plus the
  plan's interval (Interval Unit day/week/month/year x Interval Count).
- Customer and currency come from the line's invoice (an unknown invoice is
  an error); without an invoices file, from the line items' own Customer ID
  and Currency columns. Customer names and attributes come from the customers
  file.
"""
from __future__ import annotations

import datetime as dt

from ...errors import InputError
from ..header import Header
from ..invoice_lines import Line
from ..periods import add_interval
from ..values import records
from .base import Format, Part, Result, col, remember_customer

PLANS = Part("plans", required=(col("name"), col("plan_id", "external_id"), col("interval_unit"),
                                col("interval_count")))
CUSTOMERS = Part("customers", required=(col("external_id"), col("name")),
                 optional=(col("company"), col("country"), col("state"), col("city"), col("email"), col("zip")))
INVOICES = Part("invoices", required=(col("customer_id", "customer_external_id"), col("invoice_id", "external_id"),
                                      col("invoice_date", "date"), col("currency")),
                optional=(col("due_date"),))
LINE_ITEMS = Part("line_items",
                  required=(col("invoice_id", "invoice_external_id"), col("type"), col("amount_in_cents")),
                  optional=(col("plan_id", "plan_external_id"), col("service_period_start"),
                            col("service_period_end"), col("quantity"), col("discount_amount_in_cents"),
                            col("tax_amount_in_cents"), col("prorated"),
                            col("subscription_external_id", "subscription_id"),
                            col("customer_id", "customer_external_id"), col("currency")))

ATTRIBUTES = ("company", "country", "state", "city")


def _plans(headers: list[Header]) -> dict[str, tuple[str, int]]:
    plans: dict[str, tuple[str, int]] = {}
    for header in headers:
        c = PLANS.cells(header)
        for line, row in records(header):
            c.at(line, row)
            plans[c.required("plan_id")] = c.interval("interval_unit", c.count("interval_count"))
    return plans


def _invoices(headers: list[Header]) -> dict[str, tuple[str, str]]:
    invoices: dict[str, tuple[str, str]] = {}
    for header in headers:
        c = INVOICES.cells(header)
        for line, row in records(header):
            c.at(line, row)
            invoice = c.required("invoice_id")
            if invoice in invoices:
                raise c.fail(f"Invoice ID {invoice[:40]!r} appears twice")
            c.date("invoice_date", required=True)
            invoices[invoice] = (c.required("customer_id"), c.currency("currency"))
    return invoices


def convert(headers: dict[str, list[Header]], as_of: dt.date | None) -> Result:
    result = Result()
    plans = _plans(headers["plans"])
    invoices = _invoices(headers["invoices"]) if "invoices" in headers else None
    for header in headers.get("customers", []):
        c = CUSTOMERS.cells(header)
        for line, row in records(header):
            c.at(line, row)
            remember_customer(result.customers, c.required("external_id"), c.get("name"),
                              **{a: c.get(a) for a in ATTRIBUTES})
    one_time = prorated = 0
    for header in headers["line_items"]:
        c = LINE_ITEMS.cells(header)
        if invoices is None and not (c.has("customer_id") and c.has("currency")):
            raise InputError(header.name, 1, "without the invoices file the line items need Customer ID and "
                                             "Currency columns")
        for line, row in records(header):
            c.at(line, row)
            invoice = c.required("invoice_id")
            if invoices is None:
                cid, currency = c.required("customer_id"), c.currency("currency")
            elif invoice in invoices:
                cid, currency = invoices[invoice]
            else:
                raise c.fail(f"{c.title('invoice_id')} {invoice[:40]!r} is not in the invoices file")
            kind = c.get("type").lower()
            if kind not in ("subscription", "one_time"):
                raise c.fail(f"{c.title('type')} {kind[:40]!r} is not subscription or one_time")
            amount = (c.number("amount_in_cents", cents=True)
                      - c.number("tax_amount_in_cents", default=0.0, cents=True))
            start = c.date("service_period_start", required=kind == "subscription")
            end = c.date("service_period_end")
            if kind == "subscription":
                plan = c.required("plan_id")
                if plan not in plans:
                    raise c.fail(f"{c.title('plan_id')} {plan[:40]!r} is not in the plans file")
                if end is None:
                    end = add_interval(start, *plans[plan])
            elif start is None or end is None:
                # A one-time charge without a service period adds no MRR under
                # any date; it is counted, not written.
                one_time += 1
                continue
            if end < start:
                raise c.fail(f"{c.title('service_period_end')} {end.isoformat()} is before "
                             f"{c.title('service_period_start')} {start.isoformat()}")
            is_prorated = c.flag("prorated")
            one_time += kind == "one_time"
            prorated += is_prorated
            result.lines.append(Line(cid, "", kind, start, end, amount, currency, is_prorated))
            result.customers.setdefault(cid, {})
    if one_time:
        result.notes.append(f"{one_time} one-time line(s) add no MRR")
    if prorated:
        result.notes.append(f"{prorated} prorated line(s) add no MRR")
    return result


FORMAT = Format("chartmogul", "ChartMogul CSV import",
                (PLANS, CUSTOMERS, INVOICES, LINE_ITEMS), convert, needs=("plans", "line_items"))
