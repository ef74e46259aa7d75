"""Vendor billing exports become the invoice lines and MRR we computed by hand.

Each format has a small export under ``tests/fixtures/billing/<format>/``,
written from the vendor's documented headers, with trials, cancellations
(immediate and at period end), monthly / quarterly / annual intervals,
quantities, discounts and cents where the format has them, and two or more
currencies. For each, the test states the expected invoice lines and the
expected MRR per (customer, currency, month), worked out by hand from the
fixture rows (the working is in the comments), and checks the converter's
output against both. MRR is read back from the written CSV with ``mrr_of``,
a plain-Python copy of the contract's month rule that does not use
``nrr_core``.

Then: bad input refused with the vendor file's name, the physical line and
the problem; detection of every format and of our own input kinds.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from nrr_core import InputError, NrrError
from nrr_core.imports import FORMATS, detect, to_invoice_lines
from nrr_core.load import CUSTOMERS, _read_header

FIXTURES = Path(__file__).parent / "fixtures" / "billing"
LINE_HEADER = ["customer_id", "product", "type", "service_period_start", "service_period_end", "amount",
               "currency", "prorated"]


# --------------------------------------------------------------------------- the month rule, by hand

def _first_days(start: dt.date, end: dt.date) -> list[str]:
    """The months (YYYY-MM) whose first day d has start <= d < end."""
    months, y, m = [], start.year, start.month
    d = dt.date(y, m, 1)
    if d < start:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        d = dt.date(y, m, 1)
    while d < end:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        d = dt.date(y, m, 1)
    return months


def mrr_of(lines_csv: Path, through: str) -> dict[tuple[str, str, str], float]:
    """MRR per (customer, currency, month) up to month ``through``: a subscription line that is not
    prorated counts in each month whose first day it covers, at amount / number of such months."""
    out: dict[tuple[str, str, str], float] = defaultdict(float)
    with lines_csv.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["type"] != "subscription" or row["prorated"] == "true":
                continue
            months = _first_days(dt.date.fromisoformat(row["service_period_start"]),
                                 dt.date.fromisoformat(row["service_period_end"]))
            for month in months:
                if month <= through:
                    out[(row["customer_id"], row["currency"], month)] += float(row["amount"]) / len(months)
    return {k: round(v, 6) for k, v in out.items() if round(v, 6)}


def span(customer: str, currency: str, first: str, last: str, mrr: float) -> dict[tuple[str, str, str], float]:
    """{(customer, currency, month): mrr} for every month from ``first`` to ``last``."""
    out, y, m = {}, int(first[:4]), int(first[5:])
    while f"{y:04d}-{m:02d}" <= last:
        out[(customer, currency, f"{y:04d}-{m:02d}")] = mrr
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def read_lines(path: Path) -> list[tuple]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == LINE_HEADER
    return [(r[0], r[1], r[2], r[3], r[4], round(float(r[5]), 6), r[6], r[7]) for r in rows[1:]]


def read_customers(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def convert(tmp_path: Path, fmt: str, *files: str, **kwargs):
    return to_invoice_lines([FIXTURES / fmt / f for f in files], tmp_path / "out", **kwargs)


def test_the_month_rule_helper_counts_first_days_only():
    assert _first_days(dt.date(2024, 1, 15), dt.date(2024, 4, 1)) == ["2024-02", "2024-03"]
    assert _first_days(dt.date(2024, 1, 1), dt.date(2024, 1, 31)) == ["2024-01"]
    assert _first_days(dt.date(2024, 1, 2), dt.date(2024, 1, 31)) == []
    assert _first_days(dt.date(2023, 12, 1), dt.date(2024, 2, 1)) == ["2023-12", "2024-01"]


# --------------------------------------------------------------------------- formats: lines and MRR

def test_stripe_subscriptions_export_gives_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "stripe_subscriptions", "subscriptions.csv")
    # As-of: the latest Current Period Start is 2024-06-10, so June 2024.
    assert (done.format, done.as_of) == ("stripe_subscriptions", "2024-06")
    assert read_lines(done.invoice_lines) == [
        # sub_a: 3 x 10.00 USD a month from 2024-01-01, active: split at the as-of month's first day.
        ("cus_A", "", "subscription", "2024-01-01", "2024-06-01", 150.0, "USD", "false"),
        ("cus_A", "", "subscription", "2024-06-01", "2024-07-01", 30.0, "USD", "false"),
        # sub_b: 300.00 EUR per 3 months (Interval month, current period 3 months) = 100 a month.
        ("cus_B", "", "subscription", "2024-02-01", "2024-06-01", 400.0, "EUR", "false"),
        ("cus_B", "", "subscription", "2024-06-01", "2024-08-01", 200.0, "EUR", "false"),
        # sub_c: 2 x 1200.00 USD a year = 200 a month; cancelled immediately: ends at Ended At 2024-04-10,
        # covering the first days of 2023-04 .. 2024-04 = 13 months -> 2600.
        ("cus_C", "", "subscription", "2023-03-15", "2024-04-10", 2600.0, "USD", "false"),
        # sub_d: trialing -> no line. sub_e: trial to 2023-12-10, then 20 USD a month; cancel at period
        # end requested 2024-06-05 -> ends at Current Period End 2024-07-10 (7 first days -> 140).
        ("cus_E", "", "subscription", "2023-12-10", "2024-07-10", 140.0, "USD", "false"),
        # sub_f: 15 EUR a month, cancelled at period end (requested 2024-03-20, ended 2024-04-01).
        ("cus_A", "", "subscription", "2024-02-01", "2024-04-01", 30.0, "EUR", "false"),
        # sub_h: incomplete_expired -> never paid, no line. sub_i: cancelled 2024-03-10 inside its trial
        # (to 2024-03-15) -> never paid, no line.
    ]
    expected = {
        **span("cus_A", "USD", "2024-01", "2024-06", 30.0),
        **span("cus_A", "EUR", "2024-02", "2024-03", 15.0),
        **span("cus_B", "EUR", "2024-02", "2024-06", 100.0),
        **span("cus_C", "USD", "2023-04", "2024-04", 200.0),
        **span("cus_E", "USD", "2024-01", "2024-06", 20.0),
    }
    assert mrr_of(done.invoice_lines, "2024-06") == expected
    assert "1 subscription(s) still in trial add no MRR" in done.notes
    assert "1 subscription(s) that never started paying add no MRR" in done.notes
    assert "1 subscription(s) ended during their trial and add no MRR" in done.notes
    assert any("coupon" in n for n in done.notes)
    customers = read_customers(done.customers)
    assert [c["account_id"] for c in customers] == ["cus_A", "cus_B", "cus_C", "cus_D", "cus_E", "cus_H", "cus_I"]
    assert customers[2]["name"] == "Gamma, KK" and customers[3]["name"] == ""


def test_chargebee_export_with_bom_and_semicolons_gives_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "chargebee_subscriptions", "Subscriptions.csv")
    assert done.as_of == "2024-06"  # latest current_term_start 2024-06-10
    assert read_lines(done.invoice_lines) == [
        # cb1: 2 x 2500 cents USD a month = 50.
        ("cust_1", "", "subscription", "2024-01-01", "2024-06-01", 250.0, "USD", "false"),
        ("cust_1", "", "subscription", "2024-06-01", "2024-07-01", 50.0, "USD", "false"),
        # cb2: 120000 cents EUR a year = 100 a month, non_renewing -> ends at current_term_end.
        ("cust_2", "", "subscription", "2023-09-01", "2024-09-01", 1200.0, "EUR", "false"),
        # cb3: in_trial -> no line. cb4: 30000 cents per 3 months = 100 a month, cancelled 2024-05-02:
        # first days 2024-02 .. 2024-05 -> 400.
        ("cust_4", "", "subscription", "2024-01-15", "2024-05-02", 400.0, "USD", "false"),
        # cb5: no billing period columns: the term 2024-04-01..2024-07-01 is 3 months -> 9000 cents / 3.
        ("cust_1", "", "subscription", "2024-04-01", "2024-06-01", 60.0, "USD", "false"),
        ("cust_1", "", "subscription", "2024-06-01", "2024-07-01", 30.0, "USD", "false"),
        # cb6: trial to 2024-03-10, then 10.00 GBP a month.
        ("cust_5", "", "subscription", "2024-03-10", "2024-06-01", 20.0, "GBP", "false"),
        ("cust_5", "", "subscription", "2024-06-01", "2024-07-10", 20.0, "GBP", "false"),
    ]
    expected = {
        **span("cust_1", "USD", "2024-01", "2024-03", 50.0),
        **span("cust_1", "USD", "2024-04", "2024-06", 80.0),
        **span("cust_2", "EUR", "2023-09", "2024-06", 100.0),
        **span("cust_4", "USD", "2024-02", "2024-05", 100.0),
        **span("cust_5", "GBP", "2024-04", "2024-06", 10.0),
    }
    assert mrr_of(done.invoice_lines, "2024-06") == expected
    names = {c["account_id"]: c["name"] for c in read_customers(done.customers)}
    assert names == {"cust_1": "Acme Inc", "cust_2": "Jane Doe", "cust_3": "", "cust_4": "Zeta Ltd", "cust_5": ""}


def test_recurly_export_gives_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "recurly_subscriptions", "subscriptions.csv", as_of="2024-06")
    assert read_lines(done.invoice_lines) == [
        # r1: 4 x 25.00 USD a month = 100.
        ("acct_1", "", "subscription", "2024-01-01", "2024-06-01", 500.0, "USD", "false"),
        ("acct_1", "", "subscription", "2024-06-01", "2024-07-01", 100.0, "USD", "false"),
        # r2: canceled = will not renew: (600 + 120 add-ons) EUR a year = 60 a month until expires_at;
        # the 2024-02-14 request is not the end.
        ("acct_2", "", "subscription", "2023-07-01", "2024-07-01", 720.0, "EUR", "false"),
        # r3: expired on 2024-03-10, 90 USD per 3-month period = 30 a month, 3 first days.
        ("acct_3", "", "subscription", "2024-01-01", "2024-03-10", 90.0, "USD", "false"),
        # r4: in trial until after the as-of month -> no line; r5: failed -> no line.
    ]
    expected = {
        **span("acct_1", "USD", "2024-01", "2024-06", 100.0),
        **span("acct_2", "EUR", "2023-07", "2024-06", 60.0),
        **span("acct_3", "USD", "2024-01", "2024-03", 30.0),
    }
    assert mrr_of(done.invoice_lines, "2024-06") == expected
    assert "1 subscription(s) still in trial add no MRR" in done.notes
    assert "1 subscription(s) that never started paying add no MRR" in done.notes


def test_baremetrics_template_gives_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "baremetrics", "subscriptions.csv")
    assert done.as_of == "2024-06"  # the latest start or cancellation date is 2024-06-01
    assert read_lines(done.invoice_lines) == [
        # sub_1: 2 x 5000 cents USD a month = 100.
        ("cust_1", "", "subscription", "2024-01-01", "2024-06-01", 500.0, "USD", "false"),
        ("cust_1", "", "subscription", "2024-06-01", "2024-07-01", 100.0, "USD", "false"),
        # sub_2: 30000 cents EUR every 3 months from 2023-11-15 = 100 a month; cancelled 2024-03-01,
        # inside the period 2024-02-15..2024-05-15, so it ends 2024-05-15 (first days 2023-12 .. 2024-05).
        ("cust_2", "", "subscription", "2023-11-15", "2024-05-15", 600.0, "EUR", "false"),
        # sub_3: 120000 cents a year = 100 a month, cancelled exactly at its renewal date 2024-06-01.
        ("cust_3", "", "subscription", "2023-06-01", "2024-06-01", 1200.0, "USD", "false"),
        # sub_4: 1200 cents every 2 weeks = 12 x 52 / 24 = 26 a month.
        ("cust_4", "", "subscription", "2024-05-01", "2024-06-01", 26.0, "USD", "false"),
        ("cust_4", "", "subscription", "2024-06-01", "2024-07-01", 26.0, "USD", "false"),
    ]
    expected = {
        **span("cust_1", "USD", "2024-01", "2024-06", 100.0),
        **span("cust_2", "EUR", "2023-12", "2024-05", 100.0),
        **span("cust_3", "USD", "2023-06", "2024-05", 100.0),
        **span("cust_4", "USD", "2024-05", "2024-06", 26.0),
    }
    assert mrr_of(done.invoice_lines, "2024-06") == expected
    assert {c["account_id"]: c["name"] for c in read_customers(done.customers)}["cust_2"] == ""


def test_chartmogul_files_together_give_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "chartmogul", "line_items.csv", "plans.csv", "invoices.csv", "customers.csv")
    assert (done.format, done.as_of) == ("chartmogul", None)
    assert sorted(d.part for d in done.files) == ["customers", "invoices", "line_items", "plans"]
    assert read_lines(done.invoice_lines) == [
        # inv_1: 11000 cents after a 1000 discount, including 1000 tax -> 100.00 for 2 seats.
        ("cus_1", "", "subscription", "2024-01-01", "2024-02-01", 100.0, "USD", "false"),
        # inv_2: blank end -> start + the plan's interval (1 month). The one-time setup fee has no
        # service period and is left out.
        ("cus_1", "", "subscription", "2024-02-01", "2024-03-01", 100.0, "USD", "false"),
        # inv_3: 132000 cents including 12000 tax -> 1200 EUR a year from 2024-01-10.
        ("cus_2", "", "subscription", "2024-01-10", "2025-01-10", 1200.0, "EUR", "false"),
        # inv_4: a prorated stub, then a quarter of Silver at 30000 cents.
        ("cus_1", "", "subscription", "2024-02-15", "2024-03-01", 20.0, "USD", "true"),
        ("cus_1", "", "subscription", "2024-03-01", "2024-06-01", 300.0, "USD", "false"),
        # inv_5: a free trial month is a zero line: it adds no MRR.
        ("cus_2", "", "subscription", "2024-06-01", "2024-07-01", 0.0, "EUR", "false"),
    ]
    expected = {
        **span("cus_1", "USD", "2024-01", "2024-05", 100.0),
        **span("cus_2", "EUR", "2024-02", "2024-12", 100.0),
    }
    assert mrr_of(done.invoice_lines, "2024-12") == expected
    assert done.notes == ("1 one-time line(s) add no MRR", "1 prorated line(s) add no MRR")
    assert read_customers(done.customers) == [
        {"account_id": "cus_1", "name": "Ann Lee", "company": "Lee Labs", "country": "US", "state": "CA",
         "city": "Oakland"},
        {"account_id": "cus_2", "name": "", "company": "", "country": "DE", "state": "", "city": "Berlin"},
    ]


def test_stripe_invoice_line_items_give_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "stripe_invoice_lines", "invoice_line_items.csv")
    assert read_lines(done.invoice_lines) == [
        # amounts in cents; il_2's period is given in Unix seconds.
        ("cus_1", "", "subscription", "2024-01-01", "2024-02-01", 30.0, "USD", "false"),
        ("cus_1", "", "subscription", "2024-02-01", "2024-03-01", 30.0, "USD", "false"),
        # a proration credit: prorated, no MRR.
        ("cus_1", "", "subscription", "2024-02-10", "2024-03-01", -10.0, "USD", "true"),
        ("cus_2", "", "subscription", "2024-01-15", "2025-01-15", 1200.0, "EUR", "false"),
        # il_5, an invoice item that is no proration, is a one-time charge dated start = end: it covers
        # no day and is left out.
        # 90000 cents minus a 9000 discount for a quarter -> 270 a month.
        ("cus_3", "", "subscription", "2024-01-01", "2024-04-01", 810.0, "USD", "false"),
    ]
    expected = {
        **span("cus_1", "USD", "2024-01", "2024-02", 30.0),
        **span("cus_2", "EUR", "2024-02", "2025-01", 100.0),
        **span("cus_3", "USD", "2024-01", "2024-03", 270.0),
    }
    assert mrr_of(done.invoice_lines, "2025-12") == expected
    assert "1 line(s) with an empty service period (end = start) left out" in done.notes
    assert done.customers is None  # the line items name no customer: no customers file
    assert done.customer_count == 0


def test_paddle_transaction_line_items_give_the_hand_computed_lines_and_mrr(tmp_path):
    done = convert(tmp_path, "paddle_transaction_items", "transaction_line_items.csv")
    assert read_lines(done.invoice_lines) == [
        # subtotal 5000 - discount 500 cents, before tax, for 5 seats.
        ("ctm_1", "Core", "subscription", "2024-01-01", "2024-02-01", 45.0, "USD", "false"),
        ("ctm_1", "Core", "subscription", "2024-02-01", "2024-03-01", 45.0, "USD", "false"),
        ("ctm_1", "Analytics", "subscription", "2024-01-01", "2025-01-01", 240.0, "USD", "false"),
        # origin subscription_update: a proration.
        ("ctm_1", "Core", "subscription", "2024-02-15", "2024-03-01", 10.0, "USD", "true"),
        # 60000 - 6000 cents EUR for a quarter.
        ("ctm_2", "Core", "subscription", "2024-01-01", "2024-04-01", 540.0, "EUR", "false"),
        # draft and canceled transactions and the one-time setup fee are left out; a trial is a zero
        # line and adds no MRR.
        ("ctm_3", "Core", "subscription", "2024-03-10", "2024-04-10", 0.0, "USD", "false"),
    ]
    expected = {
        **span("ctm_1", "USD", "2024-01", "2024-02", 65.0),
        **span("ctm_1", "USD", "2024-03", "2024-12", 20.0),
        **span("ctm_2", "EUR", "2024-01", "2024-03", 180.0),
    }
    assert mrr_of(done.invoice_lines, "2025-12") == expected
    assert done.notes[0].startswith("2 line(s) of draft, ready or canceled transactions")
    assert {c["account_id"]: c["name"] for c in read_customers(done.customers)} == {
        "ctm_1": "Alpha Biz", "ctm_2": "Beta Biz", "ctm_3": "Gamma Biz"}


def test_an_explicit_as_of_month_extends_renewing_subscriptions_through_it(tmp_path):
    done = convert(tmp_path, "stripe_subscriptions", "subscriptions.csv", as_of="2024-09")
    mrr = mrr_of(done.invoice_lines, "2024-09")
    assert done.as_of == "2024-09"
    assert mrr[("cus_A", "USD", "2024-09")] == 30.0  # active: renews through the as-of month
    assert ("cus_E", "USD", "2024-08") not in mrr  # its cancellation took effect 2024-07-10


def test_the_written_columns_are_the_loaders_invoice_lines_columns():
    from nrr_core.imports.invoice_lines import LINE_COLUMNS
    from nrr_core.load import INVOICE_LINES
    canonical = {INVOICE_LINES.aliases.get(c, c) for c in LINE_COLUMNS}  # customer_id is read as account_id
    assert set(INVOICE_LINES.required) <= canonical <= set(INVOICE_LINES.known)
    assert list(LINE_COLUMNS) == LINE_HEADER  # the contract table's order


def test_the_customers_file_passes_the_loaders_customers_header_check(tmp_path):
    done = convert(tmp_path, "chartmogul", "line_items.csv", "plans.csv", "invoices.csv", "customers.csv")
    _, columns = _read_header(done.customers, CUSTOMERS)
    assert columns[:2] == ["account_id", "name"]


def test_forcing_a_format_converts_a_file_whose_header_alone_is_not_enough(tmp_path):
    src = tmp_path / "export.csv"
    src.write_text("plan_amount,plan_currency,plan_interval,customer_oid,subscription_started_at\n"
                   "1000,usd,month,c1,2024-01-01\n")
    done = to_invoice_lines(src, tmp_path / "out", format="baremetrics", as_of="2024-02")
    assert read_lines(done.invoice_lines) == [
        ("c1", "", "subscription", "2024-01-01", "2024-02-01", 10.0, "USD", "false"),
        ("c1", "", "subscription", "2024-02-01", "2024-03-01", 10.0, "USD", "false")]
    assert done.customers is None


def test_a_conversion_without_customer_names_removes_an_older_customers_file(tmp_path):
    convert(tmp_path, "baremetrics", "subscriptions.csv")
    assert (tmp_path / "out" / "customers.csv").exists()
    done = convert(tmp_path, "stripe_invoice_lines", "invoice_line_items.csv")
    assert done.customers is None and not (tmp_path / "out" / "customers.csv").exists()


def test_an_unknown_format_name_is_refused_with_the_known_names():
    with pytest.raises(NrrError) as err:
        to_invoice_lines(FIXTURES / "baremetrics" / "subscriptions.csv", "unused", format="zuora")
    assert "unknown billing format 'zuora'" in str(err.value)
    for name in FORMATS:
        assert name in str(err.value)


def test_chartmogul_line_items_carrying_customer_and_currency_need_no_invoices_file(tmp_path):
    (tmp_path / "plans.csv").write_text(CM_PLANS)
    (tmp_path / "lines.csv").write_text(
        "Invoice ID,Customer ID,Currency,Type,Plan ID,Service Period Start,Service Period End,Amount in cents\n"
        "inv_1,cus_9,eur,subscription,pl_gold,2024-01-01,2024-04-01,30000\n")
    done = to_invoice_lines([tmp_path / "plans.csv", tmp_path / "lines.csv"], tmp_path / "out")
    assert read_lines(done.invoice_lines) == [
        ("cus_9", "", "subscription", "2024-01-01", "2024-04-01", 300.0, "EUR", "false")]


def test_chartmogul_line_items_without_invoices_or_their_own_customer_are_refused(tmp_path):
    (tmp_path / "plans.csv").write_text(CM_PLANS)
    (tmp_path / "lines.csv").write_text(CM_LINES_HEAD + "inv_1,subscription,pl_gold,2024-01-01,2024-02-01,1000\n")
    with pytest.raises(InputError) as err:
        to_invoice_lines([tmp_path / "plans.csv", tmp_path / "lines.csv"], tmp_path / "out")
    assert (err.value.file, err.value.line) == ("lines.csv", 1)
    assert "without the invoices file the line items need Customer ID and Currency" in err.value.problem


def test_chartmogul_without_its_plans_file_is_refused(tmp_path):
    with pytest.raises(NrrError, match="needs its plans file"):
        convert(tmp_path, "chartmogul", "line_items.csv", "invoices.csv")


def test_files_of_two_formats_are_refused_together(tmp_path):
    with pytest.raises(NrrError, match="convert one format at a time"):
        to_invoice_lines([FIXTURES / "baremetrics" / "subscriptions.csv",
                          FIXTURES / "recurly_subscriptions" / "subscriptions.csv"], tmp_path / "out")


def test_our_own_input_file_is_not_taken_for_a_billing_export(tmp_path):
    src = tmp_path / "mrr.csv"
    src.write_text("account_id,product,month,mrr\nA1,Core,2024-01,10\n")
    with pytest.raises(InputError) as err:
        to_invoice_lines(src, tmp_path / "out")
    assert (err.value.file, err.value.line) == ("mrr.csv", 1)
    assert "is our own mrr input file" in err.value.problem


# --------------------------------------------------------------------------- bad input

STRIPE_HEAD = ("id,Customer ID,Status,Amount,Currency,Interval,Start Date (UTC),Current Period Start (UTC),"
               "Current Period End (UTC),Ended At (UTC)\n")
STRIPE_OK = "sub_1,cus_1,active,10.00,usd,month,2024-01-01,2024-03-01,2024-04-01,\n"
CHARGEBEE_HEAD = ("subscriptions.id,subscriptions.customer_id,subscriptions.status,subscriptions.plan_unit_price,"
                  "subscriptions.currency_code,subscriptions.billing_period,subscriptions.billing_period_unit,"
                  "subscriptions.started_at,subscriptions.current_term_start,subscriptions.current_term_end,"
                  "subscriptions.cancelled_at\n")
RECURLY_HEAD = ("uuid,account_code,state,unit_amount,currency,activated_at,canceled_at,expires_at,"
                "current_period_started_at,current_period_ends_at\n")
BAREMETRICS_HEAD = ("plan_amount,plan_currency,plan_interval,plan_interval_count,customer_oid,"
                    "subscription_started_at,subscription_canceled_at\n")
STRIPE_LINES_HEAD = "customer,amount,currency,period_start,period_end,type,proration\n"
PADDLE_HEAD = ("transaction_id,status,customer_id,currency_code,subtotal,discount,subscription_id,"
               "billing_period_starts_at,billing_period_ends_at\n")
CM_PLANS = "Name,Plan ID,Interval Unit,Interval Count\nGold,pl_gold,month,1\n"
CM_INVOICES = "Customer ID,Invoice ID,Invoice Date,Currency\ncus_1,inv_1,2024-01-01,USD\n"
CM_LINES_HEAD = "Invoice ID,Type,Plan ID,Service Period Start,Service Period End,Amount in cents\n"

BAD = {
    # name: (format forced or None, {file: text}, file named, line, problem text)
    "stripe required column missing": (
        "stripe_subscriptions", {"subs.csv": STRIPE_HEAD.replace("Status,", "") + "x\n"},
        "subs.csv", 1, "missing required column(s): status"),
    "stripe unparseable date": (
        None, {"subs.csv": STRIPE_HEAD + STRIPE_OK + "sub_2,cus_2,active,10.00,usd,month,2024-13-01,2024-03-01,"
                                                     "2024-04-01,\n"},
        "subs.csv", 3, "Start Date (UTC) '2024-13-01' is not a date like 2024-03-31"),
    "stripe amount with a decimal comma": (
        None, {"subs.csv": STRIPE_HEAD + "sub_1,cus_1,active,\"10,50\",usd,month,2024-01-01,2024-03-01,2024-04-01,\n"},
        "subs.csv", 2, "Amount '10,50' is not a number"),
    "stripe unknown status": (
        None, {"subs.csv": STRIPE_HEAD + STRIPE_OK + STRIPE_OK + STRIPE_OK.replace("active", "frozen")},
        "subs.csv", 4, "Status 'frozen' is not a Stripe subscription status"),
    "stripe unknown interval": (
        None, {"subs.csv": STRIPE_HEAD + STRIPE_OK.replace(",month,", ",fortnight,")},
        "subs.csv", 2, "Interval 'fortnight' is not an interval (day, week, month or year)"),
    "stripe currency missing": (
        None, {"subs.csv": STRIPE_HEAD + STRIPE_OK + STRIPE_OK.replace(",usd,", ",,")},
        "subs.csv", 3, "Currency is blank (every amount needs its currency"),
    "stripe line counted physically past a quoted line break": (
        None, {"subs.csv": STRIPE_HEAD.replace("\n", ",Customer Name\n")
               + STRIPE_OK.replace("\n", ",\"Two\nLines\"\n")
               + STRIPE_OK.replace("\n", ",x\n").replace("2024-01-01", "01/02/2024")},
        "subs.csv", 4, "Start Date (UTC) '01/02/2024' is not a date"),
    "stripe quote never closed": (
        None, {"subs.csv": STRIPE_HEAD + STRIPE_OK + STRIPE_OK.replace("cus_1", '"cus_2') + STRIPE_OK},
        "subs.csv", 3, 'a quoted field is never closed'),
    "stripe canceled subscription ending before it starts": (
        None, {"subs.csv": STRIPE_HEAD + STRIPE_OK.replace("active", "canceled").replace(",\n", ",2023-12-01\n")},
        "subs.csv", 2, "the subscription ends (2023-12-01) before it starts (2024-01-01)"),
    "chargebee price not in whole cents": (
        None, {"Subscriptions.csv": CHARGEBEE_HEAD
               + "s1,c1,active,12.5,USD,1,month,2024-01-01,2024-03-01,2024-04-01,\n"},
        "Subscriptions.csv", 2, "subscriptions.plan_unit_price '12.5' is not a whole number of cents"),
    "chargebee cancelled before it started": (
        None, {"Subscriptions.csv": CHARGEBEE_HEAD
               + "s1,c1,cancelled,1000,USD,1,month,2024-02-01,2024-02-01,2024-03-01,2024-01-20\n"},
        "Subscriptions.csv", 2, "the subscription ends (2024-01-20) before it starts (2024-02-01)"),
    "chargebee unknown status": (
        None, {"Subscriptions.csv": CHARGEBEE_HEAD + "s1,c1,dormant,1000,USD,1,month,2024-01-01,,,\n"},
        "Subscriptions.csv", 2, "subscriptions.status 'dormant' is not a Chargebee subscription status"),
    "recurly unknown state": (
        None, {"subs.csv": RECURLY_HEAD + "r1,a1,lapsed,10,USD,2024-01-01,,,2024-03-01,2024-04-01\n"},
        "subs.csv", 2, "state 'lapsed' is not a Recurly subscription state"),
    "recurly expired without an end": (
        None, {"subs.csv": RECURLY_HEAD + "r1,a1,expired,10,USD,2024-01-01,,,2024-03-01,2024-04-01\n"},
        "subs.csv", 2, "an expired subscription needs expires_at or canceled_at"),
    "recurly period that is no whole interval": (
        None, {"subs.csv": RECURLY_HEAD + "r1,a1,active,10,USD,2024-01-01,,,2024-03-01,2024-03-20\n"},
        "subs.csv", 2, "cannot tell the billing interval"),
    "baremetrics cancelled before it started": (
        None, {"bm.csv": BAREMETRICS_HEAD + "1000,USD,month,1,c1,2024-03-01,2024-02-01\n"},
        "bm.csv", 2, "the subscription is cancelled (2024-02-01) before it starts (2024-03-01)"),
    "baremetrics currency column missing": (
        "baremetrics", {"bm.csv": BAREMETRICS_HEAD.replace("plan_currency,", "") + "1000,month,1,c1,2024-03-01,\n"},
        "bm.csv", 1, "missing required column(s): plan_currency"),
    "baremetrics negative price": (
        None, {"bm.csv": BAREMETRICS_HEAD + "1000,USD,month,1,c1,2024-03-01,\n-500,USD,month,1,c2,2024-03-01,\n"},
        "bm.csv", 3, "plan_amount '-500' is negative"),
    "baremetrics interval count of zero": (
        None, {"bm.csv": BAREMETRICS_HEAD + "1000,USD,month,0,c1,2024-03-01,\n"},
        "bm.csv", 2, "plan_interval_count '0' is not a whole number of at least 1"),
    "chartmogul line item naming an unknown plan": (
        None, {"plans.csv": CM_PLANS, "invoices.csv": CM_INVOICES,
               "lines.csv": CM_LINES_HEAD + "inv_1,subscription,pl_gold,2024-01-01,2024-02-01,1000\n"
                                            "inv_1,subscription,pl_platinum,2024-02-01,2024-03-01,1000\n"},
        "lines.csv", 3, "Plan ID 'pl_platinum' is not in the plans file"),
    "chartmogul line item on an unknown invoice": (
        None, {"plans.csv": CM_PLANS, "invoices.csv": CM_INVOICES,
               "lines.csv": CM_LINES_HEAD + "inv_9,subscription,pl_gold,2024-01-01,2024-02-01,1000\n"},
        "lines.csv", 2, "Invoice ID 'inv_9' is not in the invoices file"),
    "chartmogul service period ending before it starts": (
        None, {"plans.csv": CM_PLANS, "invoices.csv": CM_INVOICES,
               "lines.csv": CM_LINES_HEAD + "inv_1,subscription,pl_gold,2024-02-01,2024-01-01,1000\n"},
        "lines.csv", 2, "Service Period End 2024-01-01 is before Service Period Start 2024-02-01"),
    "chartmogul unknown line type": (
        None, {"plans.csv": CM_PLANS, "invoices.csv": CM_INVOICES,
               "lines.csv": CM_LINES_HEAD + "inv_1,refund,pl_gold,2024-01-01,2024-02-01,-1000\n"},
        "lines.csv", 2, "Type 'refund' is not subscription or one_time"),
    "chartmogul plan with an unknown interval": (
        None, {"plans.csv": CM_PLANS + "Odd,pl_odd,fortnight,1\n", "invoices.csv": CM_INVOICES,
               "lines.csv": CM_LINES_HEAD + "inv_1,subscription,pl_gold,2024-01-01,2024-02-01,1000\n"},
        "plans.csv", 3, "Interval Unit 'fortnight' is not an interval"),
    "chartmogul invoice without a currency": (
        None, {"plans.csv": CM_PLANS, "invoices.csv": CM_INVOICES + "cus_2,inv_2,2024-01-01,\n",
               "lines.csv": CM_LINES_HEAD + "inv_1,subscription,pl_gold,2024-01-01,2024-02-01,1000\n"},
        "invoices.csv", 3, "Currency is blank"),
    "stripe invoice line ending before it starts": (
        None, {"lines.csv": STRIPE_LINES_HEAD + "cus_1,1000,usd,2024-02-01,2024-01-01,subscription,false\n"},
        "lines.csv", 2, "period_end 2024-01-01 is before period_start 2024-02-01"),
    "stripe invoice line amount in units": (
        None, {"lines.csv": STRIPE_LINES_HEAD + "cus_1,10.50,usd,2024-01-01,2024-02-01,subscription,false\n"},
        "lines.csv", 2, "amount '10.50' is not a whole number of cents"),
    "paddle unknown status": (
        None, {"paddle.csv": PADDLE_HEAD + "txn_1,refunded,ctm_1,USD,1000,0,sub_1,2024-01-01,2024-02-01\n"},
        "paddle.csv", 2, "status 'refunded' is not a Paddle transaction status"),
    "paddle unparseable amount": (
        None, {"paddle.csv": PADDLE_HEAD + "txn_1,completed,ctm_1,USD,ten,0,sub_1,2024-01-01,2024-02-01\n"},
        "paddle.csv", 2, "subtotal 'ten' is not a number"),
    "a spreadsheet saved as xlsx": (
        None, {"export.csv": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"}, "export.csv", 1,
        "is not a CSV text file"),
    "a file that is not UTF-8": (
        None, {"export.csv": "Kunde,Betrag\nM\xfcller,10\n".encode("latin-1").replace(b"Kunde", b"K\xfcnde")},
        "export.csv", 1, "is not UTF-8 text"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_refused_naming_the_file_the_line_and_the_problem(tmp_path, case):
    fmt, files, file, line, problem = BAD[case]
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    with pytest.raises(InputError) as err:
        to_invoice_lines(paths, tmp_path / "out", format=fmt, as_of="2024-06")
    assert (err.value.file, err.value.line) == (file, line), str(err.value)
    assert problem in err.value.problem, str(err.value)
    assert not (tmp_path / "out").exists()  # nothing written for bad input


def test_an_export_with_a_header_and_no_rows_is_refused(tmp_path):
    src = tmp_path / "empty.csv"
    src.write_text(STRIPE_HEAD)
    with pytest.raises(InputError) as err:
        to_invoice_lines(src, tmp_path / "out")
    assert (err.value.file, err.value.line, err.value.problem) == ("empty.csv", None,
                                                                   "has a header but no data rows")


# --------------------------------------------------------------------------- detection

VENDOR_FILES = [
    ("stripe_subscriptions/subscriptions.csv", "stripe_subscriptions", "subscriptions"),
    ("stripe_invoice_lines/invoice_line_items.csv", "stripe_invoice_lines", "line_items"),
    ("chargebee_subscriptions/Subscriptions.csv", "chargebee_subscriptions", "subscriptions"),
    ("recurly_subscriptions/subscriptions.csv", "recurly_subscriptions", "subscriptions"),
    ("baremetrics/subscriptions.csv", "baremetrics", "subscriptions"),
    ("chartmogul/plans.csv", "chartmogul", "plans"),
    ("chartmogul/customers.csv", "chartmogul", "customers"),
    ("chartmogul/invoices.csv", "chartmogul", "invoices"),
    ("chartmogul/line_items.csv", "chartmogul", "line_items"),
    ("paddle_transaction_items/transaction_line_items.csv", "paddle_transaction_items", "transaction_items"),
]


@pytest.mark.parametrize("file,fmt,part", VENDOR_FILES, ids=[f for f, _, _ in VENDOR_FILES])
def test_each_vendor_export_is_recognised_from_its_header(file, fmt, part):
    found = detect(FIXTURES / file)
    assert (found.role, found.format, found.part) == ("billing", fmt, part)


def test_every_format_has_a_detection_case():
    assert {fmt for _, fmt, _ in VENDOR_FILES} == set(FORMATS)


OWN_FILES = [
    ("account_id,name,segment,region\n", "accounts"),
    ("customer_id,name\n", "accounts"),
    ("\ufeffAccount ID;Product;Month;MRR\n", "mrr"),
    ("customer_id,start_date,end_date,monthly_amount,product\n", "subscriptions"),
    ("customer_id,product,type,service_period_start,service_period_end,amount,currency,prorated\n",
     "invoice_lines"),
    ("account_id,month,seats_licensed,nps\n", "signals"),
    ("currency,rate\n", "fx"),
]


@pytest.mark.parametrize("header,role", OWN_FILES, ids=[r + ":" + h[:20] for h, r in OWN_FILES])
def test_our_own_input_kinds_are_recognised_from_their_header(tmp_path, header, role):
    path = tmp_path / "input.csv"
    path.write_text(header + "\n", encoding="utf-8")
    found = detect(path)
    assert (found.role, found.format) == (role, None)


def test_a_header_that_fits_two_kinds_is_ambiguous_and_names_both(tmp_path):
    path = tmp_path / "both.csv"
    path.write_text("account_id,product,month,mrr,start_date,monthly_amount\nA1,Core,2024-01,1,2024-01-01,1\n")
    with pytest.raises(InputError) as err:
        detect(path)
    assert (err.value.file, err.value.line) == ("both.csv", 1)
    assert "fits more than one kind of file: mrr file and subscriptions file" in err.value.problem


def test_an_unknown_header_names_the_closest_candidates_and_what_they_miss(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("plan_amount,plan_currency,customer_oid,colour\n1,USD,c1,red\n")
    with pytest.raises(InputError) as err:
        detect(path)
    assert (err.value.file, err.value.line) == ("mystery.csv", 1)
    problem = err.value.problem
    assert "not a file we know" in problem
    assert "closest: Baremetrics subscription import (missing plan_interval, subscription_started_at)" in problem


def test_a_binary_file_is_not_detected_as_anything(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    with pytest.raises(InputError, match="is not a CSV text file") as err:
        detect(path)
    assert err.value.line == 1
