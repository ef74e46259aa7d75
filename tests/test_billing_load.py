"""Billing exports loaded end to end (``load_book(billing=...)`` and ``load --billing``).

The vendor fixtures (tests/fixtures/billing/) are converted by
``nrr_core.imports`` and loaded by the invoice-lines rules; the book's MRR per
account and month must equal the hand-computed MRR of tests/test_billing_formats.py
converted at the constant FX rates, and the CLI must give the same book.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nrr_core import InputError, NrrError, db, metrics
from nrr_core.load import load_book
from tests.test_billing_formats import span

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "billing"
STRIPE = FIXTURES / "stripe_subscriptions" / "subscriptions.csv"
CHARGEBEE = FIXTURES / "chargebee_subscriptions" / "Subscriptions.csv"
RATES = {"USD": 1.0, "EUR": 1.1, "GBP": 1.25}


def fx_file(folder: Path) -> Path:
    path = folder / "fx.csv"
    path.write_text("currency,rate\n" + "".join(f"{c},{r}\n" for c, r in RATES.items()), encoding="utf-8")
    return path


def book_mrr(path: Path) -> dict[tuple[str, str], float]:
    """MRR per (account, month) of a loaded book, summed over products."""
    con = db.connect_read_only(path)
    try:
        rows = con.execute("""
            SELECT a.account_id, month_label(m.month_idx), sum(m.mrr)
            FROM mrr m JOIN accounts a USING (account_key) GROUP BY ALL""").fetchall()
    finally:
        con.close()
    return {(a, m): round(v, 6) for a, m, v in rows}


def in_reporting_currency(*spans: dict) -> dict[tuple[str, str], float]:
    """Hand-computed (customer, currency, month) MRR at the constant rates, summed per (customer, month)."""
    out: dict[tuple[str, str], float] = {}
    for part in spans:
        for (customer, currency, month), mrr in part.items():
            out[(customer, month)] = round(out.get((customer, month), 0.0) + mrr * RATES[currency], 6)
    return out


STRIPE_EXPECTED = in_reporting_currency(
    span("cus_A", "USD", "2024-01", "2024-06", 30.0), span("cus_A", "EUR", "2024-02", "2024-03", 15.0),
    span("cus_B", "EUR", "2024-02", "2024-06", 100.0), span("cus_C", "USD", "2023-04", "2024-04", 200.0),
    span("cus_E", "USD", "2024-01", "2024-06", 20.0))
CHARGEBEE_EXPECTED = in_reporting_currency(
    span("cust_1", "USD", "2024-01", "2024-03", 50.0), span("cust_1", "USD", "2024-04", "2024-06", 80.0),
    span("cust_2", "EUR", "2023-09", "2024-06", 100.0), span("cust_4", "USD", "2024-02", "2024-05", 100.0),
    span("cust_5", "GBP", "2024-04", "2024-06", 10.0))


@pytest.mark.parametrize("export, expected", [(STRIPE, STRIPE_EXPECTED), (CHARGEBEE, CHARGEBEE_EXPECTED)],
                         ids=["stripe", "chargebee"])
def test_a_billing_export_loads_to_the_hand_computed_mrr_in_the_reporting_currency(tmp_path, export, expected):
    summary = load_book(tmp_path / "book.duckdb", billing=export, fx=fx_file(tmp_path))
    assert book_mrr(tmp_path / "book.duckdb") == expected
    assert summary.as_of_month == "2024-06"
    assert any("trial" in note for note in summary.notes)


def test_the_exports_customer_names_become_the_accounts_and_a_nameless_one_keeps_its_id(tmp_path):
    load_book(tmp_path / "book.duckdb", billing=CHARGEBEE, fx=fx_file(tmp_path))
    con = db.connect_read_only(tmp_path / "book.duckdb")
    try:
        names = dict(con.execute("SELECT account_id, name FROM accounts").fetchall())
    finally:
        con.close()
    assert names["cust_1"] == "Acme Inc" and names["cust_2"] == "Jane Doe"
    assert names["cust_5"] == "cust_5"


def test_an_accounts_file_wins_over_the_exports_names_and_unknown_customers_are_still_loaded(tmp_path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name,segment\ncus_A,Alpha (CRM),Enterprise\n", encoding="utf-8")
    summary = load_book(tmp_path / "book.duckdb", billing=STRIPE, fx=fx_file(tmp_path), accounts=accounts)
    assert summary.accounts_added_from_revenue == 3  # cus_B, cus_C, cus_E bill with no accounts row
    con = db.connect_read_only(tmp_path / "book.duckdb")
    try:
        rows = dict(con.execute("SELECT account_id, segment FROM accounts").fetchall())
        assert rows["cus_A"] == "Enterprise" and rows["cus_B"] == "(none)"
        movements = metrics.movements(con)
    finally:
        con.close()
    steps = ["starting_mrr", "new", "expansion", "cross_sell", "contraction", "churn", "reactivation"]
    assert (movements[steps].sum(axis=1) - movements.ending_mrr).abs().max() < 1e-6


def test_an_export_in_two_currencies_without_rates_is_refused_naming_the_export(tmp_path):
    with pytest.raises(InputError) as caught:
        load_book(tmp_path / "book.duckdb", billing=STRIPE)
    assert str(caught.value).startswith("subscriptions.csv: bills in 2 currencies (EUR, USD)")
    assert not (tmp_path / "book.duckdb").exists()


def test_a_currency_missing_from_the_rates_is_refused_and_the_previous_book_stays(tmp_path):
    load_book(tmp_path / "book.duckdb", billing=STRIPE, fx=fx_file(tmp_path))
    before = (tmp_path / "book.duckdb").read_bytes()
    rates = tmp_path / "usd-only.csv"
    rates.write_text("currency,rate\nUSD,1\nEUR,1.1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^Subscriptions.csv: bills in GBP, which usd-only.csv gives no rate for"):
        load_book(tmp_path / "book.duckdb", billing=CHARGEBEE, fx=rates)
    assert (tmp_path / "book.duckdb").read_bytes() == before


def test_billing_goes_with_invoice_lines_only(tmp_path):
    mrr = tmp_path / "mrr.csv"
    mrr.write_text("account_id,product,month,mrr\na,Core,2024-01,1\n", encoding="utf-8")
    with pytest.raises(NrrError, match="--billing goes with --invoice-lines only"):
        load_book(tmp_path / "book.duckdb", billing=STRIPE, mrr=mrr)


def test_cli_load_billing_gives_the_same_book_and_prints_the_conversion_notes(tmp_path):
    fx = fx_file(tmp_path)
    done = subprocess.run([sys.executable, "-m", "nrr_core", "load", "--db", str(tmp_path / "cli.duckdb"),
                           "--billing", str(STRIPE), "--fx", str(fx)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "note: 1 subscription(s) still in trial add no MRR" in done.stderr
    assert book_mrr(tmp_path / "cli.duckdb") == STRIPE_EXPECTED
    forced = subprocess.run([sys.executable, "-m", "nrr_core", "load", "--db", str(tmp_path / "x.duckdb"),
                             "--billing", str(STRIPE), "--format", "nope"], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert forced.returncode != 0 and forced.stderr.count("\n") == 1
    assert "unknown billing format 'nope'" in forced.stderr and "stripe_subscriptions" in forced.stderr
