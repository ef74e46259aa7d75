"""Invoice lines as the revenue input (data-contract.md "invoice-lines.csv").

Hand-computed books pin the month rule (a line counts in month m when its
service period is in force on m's first day; its monthly amount is its amount
divided by the number of month-first-days it covers), the line types, several
files, FX, the as-of month, accounts added from billing, derived renewal dates
and the accounts mapping. A Hypothesis property compares the loaded ``mrr``
with an oracle written here with ``datetime`` alone.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nrr_core import InputError, NrrError, db, metrics
from nrr_core.load import (ACCOUNTS, CUSTOMERS, check_mapping, header_columns, load_book, mapping_problems,
                           read_mapping)

HEADER = "customer_id,product,type,service_period_start,service_period_end,amount,currency,prorated\n"


def _write(folder, name, text):
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


class Loaded:
    """A loaded book: its summary and an open read-only connection."""

    def __init__(self, path, summary):
        self.summary = summary
        self.con = db.connect_read_only(path)

    def mrr(self) -> dict[tuple[str, str, str], float]:
        rows = self.con.execute("""
            SELECT a.account_id, p.product, month_label(m.month_idx), m.mrr
            FROM mrr m JOIN accounts a USING (account_key) JOIN products p USING (product_key)""").fetchall()
        return {(a, p, m): v for a, p, m, v in rows}

    def months(self) -> list[str]:
        return metrics.book_info(self.con).months()

    def movements(self):
        return metrics.movements(self.con).set_index("month")

    def account(self, account_id: str) -> dict:
        frame = self.con.execute("SELECT * FROM accounts WHERE account_id = $a", {"a": account_id}).df()
        assert len(frame) == 1, account_id
        return frame.iloc[0].to_dict()


@pytest.fixture
def load(tmp_path):
    """load(lines_text or [texts], accounts=None, fx=None, **load_book kwargs) -> Loaded."""
    opened = []

    def run(lines, *, accounts=None, fx=None, name="book", **kwargs):
        texts = [lines] if isinstance(lines, str) else lines
        files = [_write(tmp_path, f"{name}_lines{i}.csv", t) for i, t in enumerate(texts)]
        if accounts is not None:
            kwargs["accounts"] = _write(tmp_path, f"{name}_accounts.csv", accounts)
        if fx is not None:
            kwargs["fx"] = _write(tmp_path, f"{name}_fx.csv", fx)
        path = tmp_path / f"{name}.duckdb"
        summary = load_book(path, invoice_lines=files, **kwargs)
        book = Loaded(path, summary)
        opened.append(book.con)
        return book

    yield run
    for con in opened:
        con.close()


# --------------------------------------------------------------------------- the month rule

def test_an_annual_line_counts_a_twelfth_in_each_covered_month(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2025-01-01,1200,,\n", as_of="2024-12")
    assert book.mrr() == {("C1", "Core", f"2024-{m:02d}"): 100.0 for m in range(1, 13)}
    assert book.months() == [f"2024-{m:02d}" for m in range(1, 13)]


def test_a_quarterly_line_counts_a_third_in_each_of_its_three_months_then_churns(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2024-04-01,300,,\n", as_of="2024-04")
    assert book.mrr() == {("C1", "Core", "2024-01"): 100, ("C1", "Core", "2024-02"): 100,
                          ("C1", "Core", "2024-03"): 100}
    moves = book.movements()
    assert moves.loc["2024-01", "new"] == 100
    assert moves.loc["2024-04", "churn"] == -100
    assert moves.loc["2024-04", "ending_mrr"] == 0


def test_monthly_lines_give_each_month_its_own_amount_with_expansion_and_contraction(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,100,,\n"
                         "C1,Core,subscription,2024-02-01,2024-03-01,120,,\n"
                         "C1,Core,subscription,2024-03-01,2024-04-01,90,,\n")
    assert book.mrr() == {("C1", "Core", "2024-01"): 100, ("C1", "Core", "2024-02"): 120,
                          ("C1", "Core", "2024-03"): 90}
    moves = book.movements()
    assert (moves.loc["2024-02", "expansion"], moves.loc["2024-03", "contraction"]) == (20, -30)


def test_a_mid_month_start_counts_from_the_first_month_first_day_it_covers(load):
    # 15 Jan -> 15 Feb covers 1 Feb only; 15 Jan 2024 -> 15 Jan 2025 covers 1 Feb 2024 .. 1 Jan 2025 (12 days).
    book = load(HEADER + "C1,Core,subscription,2024-01-15,2024-02-15,100,,\n"
                         "C2,Core,subscription,2024-01-15,2025-01-15,1200,,\n"
                         "C3,Core,subscription,2024-01-01,2024-02-01,7,,\n", as_of="2025-01")
    got = book.mrr()
    assert got[("C1", "Core", "2024-02")] == 100 and ("C1", "Core", "2024-01") not in got
    assert sorted(m for (a, _, m) in got if a == "C2") == [f"2024-{m:02d}" for m in range(2, 13)] + ["2025-01"]
    assert all(v == 100 for (a, _, _), v in got.items() if a == "C2")


def test_a_line_covering_no_month_first_day_adds_no_mrr(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,10,,\n"
                         "C2,Core,subscription,2024-01-05,2024-01-25,50,,\n"
                         "C2,Core,subscription,2024-01-02,2024-02-01,60,,\n"
                         "C3,Core,subscription,2024-01-01,2024-01-01,70,,\n")
    assert book.mrr() == {("C1", "Core", "2024-01"): 10}
    # They are still customers: added as accounts, with nothing to show.
    assert book.summary.accounts_added_from_revenue == 3


def test_only_full_price_subscription_lines_add_mrr(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,100,,false\n"
                         "C1,Core,one_time,2024-01-01,2024-02-01,500,,\n"
                         "C1,Core,usage,2024-01-01,2024-02-01,40,,\n"
                         "C1,Core,tax,2024-01-01,2024-02-01,20,,\n"
                         "C1,Core,refund,2024-01-01,2024-02-01,-30,,\n"
                         "C1,Core,credit,2024-01-01,2024-02-01,-10,,\n"
                         "C1,Core,subscription,2024-01-01,2024-02-01,25,,true\n"
                         "C1,Core,subscription,2024-01-01,2024-02-01,-15,,TRUE\n"
                         "C1,Core,Subscription,2024-01-01,2024-02-01,1, ,False\n")
    assert book.mrr() == {("C1", "Core", "2024-01"): 101}


def test_lines_of_one_account_product_and_month_are_summed_and_a_blank_product_is_subscription(load):
    book = load("account_id,service_period_start,service_period_end,amount,product\n"
                "C1,2024-01-01,2024-02-01,10,\n"
                "C1,2024-01-01,2025-01-01,120,\n"
                "C1,2024-01-01,2024-02-01,5,Addon\n")
    assert book.mrr() == {("C1", "Subscription", "2024-01"): 20, ("C1", "Addon", "2024-01"): 5}


def test_several_files_are_summed(load):
    first = HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,10,,\nC2,Core,,2024-01-01,2024-03-01,40,,\n"
    second = HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,5,,\nC1,Core,subscription,2024-02-01,2024-03-01,7,,\n"
    book = load([first, second])
    assert book.mrr() == {("C1", "Core", "2024-01"): 15, ("C1", "Core", "2024-02"): 7,
                          ("C2", "Core", "2024-01"): 20, ("C2", "Core", "2024-02"): 20}
    assert book.movements().ending_mrr.tolist() == [35, 27]


# --------------------------------------------------------------------------- currencies

def test_fx_converts_each_currency_at_its_constant_rate_and_blank_is_the_reporting_currency(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2025-01-01,1200,eur,\n"
                         "C2,Core,subscription,2024-01-01,2024-02-01,100, GBP ,\n"
                         "C3,Core,subscription,2024-01-01,2024-02-01,100,,\n"
                         "C4,Core,subscription,2024-01-01,2024-02-01,100,USD,\n",
                fx="currency,rate\nEUR,1.1\nGBP,1.25\nUSD,1\n")
    got = book.mrr()
    assert got[("C1", "Core", "2024-01")] == pytest.approx(110)
    assert (got[("C2", "Core", "2024-01")], got[("C3", "Core", "2024-01")], got[("C4", "Core", "2024-01")]) == (
        125, 100, 100)


def test_without_fx_one_currency_and_blank_lines_are_taken_as_they_are(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2024-02-01,100,EUR,\n"
                         "C2,Core,subscription,2024-01-01,2024-02-01,50,,\n")
    assert book.mrr() == {("C1", "Core", "2024-01"): 100, ("C2", "Core", "2024-01"): 50}


# --------------------------------------------------------------------------- as-of

def test_the_as_of_month_defaults_to_the_latest_start_and_cuts_prepaid_periods(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2025-01-01,1200,,\n"
                         "C2,Core,subscription,2024-03-20,2024-04-20,30,,\n")
    # The latest start is 20 March: as-of 2024-03. C1's prepaid year stops there, a twelfth a month;
    # C2's line covers 1 April only, after the as-of month.
    assert book.months() == ["2024-01", "2024-02", "2024-03"]
    assert book.mrr() == {("C1", "Core", f"2024-{m:02d}"): 100 for m in (1, 2, 3)}
    assert metrics.book_info(book.con).as_of_month == "2024-03"


def test_an_explicit_as_of_cuts_lines_starting_after_it(load):
    book = load(HEADER + "C1,Core,subscription,2024-01-01,2024-04-01,300,,\n"
                         "C2,Core,subscription,2024-05-01,2024-06-01,30,,\n", as_of="2024-02")
    assert book.mrr() == {("C1", "Core", "2024-01"): 100, ("C1", "Core", "2024-02"): 100}
    assert book.summary.as_of_month == "2024-02"
    # C2 starts after the as-of month: not an account yet.
    assert book.con.execute("SELECT list(account_id ORDER BY account_id) FROM accounts").fetchone()[0] == ["C1"]


# --------------------------------------------------------------------------- accounts

def test_customers_without_an_account_row_load_with_their_id_as_name_and_no_segment(load):
    book = load(HEADER + "A1,Core,subscription,2024-01-01,2024-02-01,10,,\n"
                         "B2,Core,subscription,2024-01-01,2024-02-01,20,,\n",
                accounts="account_id,name,segment,tier\nA1,Alpha,SMB,Gold\nA9,Never billed,SMB,Silver\n")
    assert book.summary.accounts_added_from_revenue == 1
    assert book.summary.accounts == 3
    b2 = book.account("B2")
    assert (b2["name"], b2["segment"], b2["region"]) == ("B2", "(none)", "(none)")
    attrs = dict(book.con.execute("""SELECT a.account_id, t.value FROM account_attributes t
                                     JOIN accounts a USING (account_key) WHERE t.name = 'tier'""").fetchall())
    assert attrs == {"A1": "Gold", "A9": "Silver", "B2": "(none)"}
    assert book.account("A1")["name"] == "Alpha"


def test_without_an_accounts_file_every_customer_is_added_and_counted(load):
    book = load(HEADER + "A1,Core,subscription,2024-01-01,2024-02-01,10,,\n"
                         "B2,Core,tax,2024-01-01,2024-02-01,2,,\n")
    assert book.summary.accounts_added_from_revenue == 2
    assert book.summary.accounts == 2


def test_a_missing_renewal_date_is_the_end_of_the_latest_subscription_line(load):
    book = load(HEADER + "A1,Core,subscription,2024-01-01,2025-01-01,1200,,\n"
                         "A2,Core,subscription,2024-01-01,2024-04-01,300,,\n"
                         "A2,Addon,subscription,2024-02-15,2024-05-15,30,,\n"
                         "A2,Core,tax,2024-01-01,2026-01-01,50,,\n"
                         "A3,Core,subscription,2024-01-10,2024-02-10,10,,\n"
                         "A3,Core,subscription,2024-03-01,2024-03-20,5,,true\n"
                         "A3,Core,subscription,2024-06-01,2024-07-01,10,,\n",
                accounts="account_id,name,segment,renewal_date\nA1,Alpha,SMB,2024-09-30\nA2,Beta,SMB,\n",
                as_of="2024-04")
    assert book.account("A1")["renewal_date"].date() == dt.date(2024, 9, 30)  # given: kept
    assert book.account("A2")["renewal_date"].date() == dt.date(2024, 5, 15)  # the Addon line ends last; tax ignored
    # A3 has no account row; its June line starts after the as-of month, the prorated one counts as a subscription line.
    assert book.account("A3")["renewal_date"].date() == dt.date(2024, 3, 20)


# --------------------------------------------------------------------------- mapping

CRM = ("Company ID,Company,Tier, CSM ,Plan\n"
       "A1,Alpha Ltd,Enterprise,Dana,Gold\n"
       "A2,Beta GmbH,SMB,Eli,Silver\n")
CRM_MAP = {"account_id": "company id", "name": "Company", "segment": "TIER", "csm_owner": "csm"}


def test_a_mapping_renames_a_crm_export_and_keeps_unmapped_columns_as_attributes(load):
    book = load(HEADER + "A1,Core,subscription,2024-01-01,2024-02-01,10,,\n", accounts=CRM, accounts_map=CRM_MAP)
    a1 = book.account("A1")
    assert (a1["name"], a1["segment"], a1["csm_owner"]) == ("Alpha Ltd", "Enterprise", "Dana")
    assert book.account("A2")["segment"] == "SMB"
    attrs = set(book.con.execute("""SELECT a.account_id, t.name, t.value FROM account_attributes t
                                    JOIN accounts a USING (account_key)""").fetchall())
    assert attrs == {("A1", "plan", "Gold"), ("A2", "plan", "Silver")}
    assert book.summary.accounts_added_from_revenue == 0


def test_a_mapping_file_works_with_mrr_csv_too(tmp_path):
    accounts = _write(tmp_path, "crm.csv", CRM)
    mapping = _write(tmp_path, "mapping.toml", '[accounts]\naccount_id = "Company ID"\nname = "Company"\n'
                                               'segment = "Tier"\ncsm_owner = "CSM"\n')
    mrr = _write(tmp_path, "mrr.csv", "account_id,product,month,mrr\nA1,Core,2024-01,10\nA2,Core,2024-01,5\n")
    load_book(tmp_path / "m.duckdb", accounts=accounts, mrr=mrr, map_file=mapping)
    con = db.connect_read_only(tmp_path / "m.duckdb")
    try:
        rows = con.execute("SELECT account_id, name, segment, csm_owner FROM accounts ORDER BY 1").fetchall()
    finally:
        con.close()
    assert rows == [("A1", "Alpha Ltd", "Enterprise", "Dana"), ("A2", "Beta GmbH", "SMB", "Eli")]


def test_a_mapping_renames_a_customers_file_for_subscriptions(tmp_path):
    customers = _write(tmp_path, "crm.csv", "Kunden-Nr;Firma\nC1;Alpha\n")
    subs = _write(tmp_path, "subs.csv", "customer_id,start_date,end_date,monthly_amount\nC1,2024-01-01,2024-03-01,10\n")
    summary = load_book(tmp_path / "s.duckdb", subscriptions=subs, customers=customers,
                        accounts_map={"account_id": "kunden-nr", "name": "FIRMA"})
    con = db.connect_read_only(tmp_path / "s.duckdb")
    try:
        assert con.execute("SELECT account_id, name, segment FROM accounts").fetchall() == [("C1", "Alpha", "(none)")]
    finally:
        con.close()
    assert summary.accounts_added_from_revenue == 0


def test_header_columns_refuses_what_is_not_a_csv_header(tmp_path):
    with pytest.raises(InputError) as caught:
        header_columns(_write(tmp_path, "empty.csv", b""))
    assert (caught.value.file, caught.value.line) == ("empty.csv", None)
    with pytest.raises(InputError, match="spreadsheet"):
        header_columns(_write(tmp_path, "book.xlsx", b"PK\x03\x04rest"))


def test_header_columns_and_mapping_problems_let_the_app_check_a_mapping(tmp_path):
    path = _write(tmp_path, "crm.csv", "\ufeff" + CRM)
    header = header_columns(path)
    assert header == ["Company ID", "Company", "Tier", "CSM", "Plan"]
    assert mapping_problems(CRM_MAP, header) == []
    assert mapping_problems({"account_id": "Company ID"}, header) == [
        "no column gives name (required)", "no column gives segment (required)"]
    assert mapping_problems({"account_id": "Company ID"}, header, spec=CUSTOMERS) == []
    assert mapping_problems({**CRM_MAP, "region": "Country"}, header) == [
        "the mapping gives region as column 'Country', which is not in the header"]
    assert mapping_problems({"acount_id": "Company ID"}, header)[0].startswith("'acount_id' is not an account column")
    assert mapping_problems({"name": "Company", "segment": "company"}, header) == [
        "name and segment both name the column 'company'"]
    assert check_mapping({"name": "  Company "}) == {"name": "Company"}


def test_read_mapping_returns_the_accounts_table(tmp_path):
    path = _write(tmp_path, "mapping.toml", '# CRM export\n[accounts]\naccount_id = "Company ID"\nsegment = "Tier"\n')
    assert read_mapping(path) == {"account_id": "Company ID", "segment": "Tier"}
    assert set(read_mapping(path)) <= set(ACCOUNTS.known)


# --------------------------------------------------------------------------- oracle property

START = dt.date(2023, 1, 1)
RATES = {"": 1.0, "EUR": 2.0, "GBP": 0.5}


def _first_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month's first day d with start <= d < end, by walking the calendar."""
    d = dt.date(start.year, start.month, 1)
    if d < start:
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    out = []
    while d < end:
        out.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


@st.composite
def invoice_books(draw):
    n = draw(st.integers(1, 14))
    lines = []
    for _ in range(n):
        start = START + dt.timedelta(days=draw(st.integers(0, 600)))
        length = draw(st.sampled_from(["month", "quarter", "year", "days"]))
        if length == "days":
            end = start + dt.timedelta(days=draw(st.integers(0, 200)))
        else:
            months = {"month": 1, "quarter": 3, "year": 12}[length]
            m = start.month - 1 + months
            end = dt.date(start.year + m // 12, m % 12 + 1, min(start.day, 28))
        kind = draw(st.sampled_from(["subscription"] * 5 + ["one_time", "usage", "tax", "refund", "credit"]))
        prorated = draw(st.sampled_from([False, False, False, True]))
        amount = draw(st.sampled_from([0, 10, 99.5, 300, 1200, 7]))
        if kind in ("refund", "credit") or (prorated and draw(st.booleans())):
            amount = -amount
        lines.append((draw(st.sampled_from(["c1", "c2", "c3"])), draw(st.sampled_from(["Core", "", "Addon"])),
                      kind, start, end, amount, draw(st.sampled_from(list(RATES))), prorated))
    as_of = draw(st.one_of(st.none(), st.tuples(st.integers(2023, 2024), st.integers(1, 12))))
    return lines, as_of


def oracle(lines, as_of):
    """MRR per (account, product, YYYY-MM) by the contract's words, months up to the as-of month."""
    if as_of is None:
        latest = max(line[3] for line in lines)
        as_of = (latest.year, latest.month)
    mrr = defaultdict(float)
    for account, product, kind, start, end, amount, currency, prorated in lines:
        if kind != "subscription" or prorated:
            continue
        days = _first_days(start, end)
        for d in days:
            if (d.year, d.month) <= as_of:
                mrr[(account, product or "Subscription", f"{d.year}-{d.month:02d}")] += amount * RATES[currency] / len(days)
    return mrr, as_of


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invoice_books())
def test_the_loaded_mrr_equals_the_month_rule_computed_with_datetime(tmp_path_factory, book):
    lines, as_of = book
    folder = tmp_path_factory.mktemp("prop")
    text = HEADER + "".join(f"{a},{p},{k},{s.isoformat()},{e.isoformat()},{amt},{cur},{str(pr).lower()}\n"
                            for a, p, k, s, e, amt, cur, pr in lines)
    files = [_write(folder, "lines.csv", text)]
    fx = _write(folder, "fx.csv", "currency,rate\nEUR,2\nGBP,0.5\n")
    want, as_of_ym = oracle(lines, as_of)
    as_of_text = f"{as_of[0]}-{as_of[1]:02d}" if as_of else None
    path = folder / "p.duckdb"
    months_with_lines = sorted({m for (_, _, m) in want})
    if not months_with_lines:  # no full-price subscription line covers a first day up to the as-of month
        with pytest.raises(NrrError, match="no full-price subscription line"):
            load_book(path, invoice_lines=files, fx=fx, as_of=as_of_text)
        return
    summary = load_book(path, invoice_lines=files, fx=fx, as_of=as_of_text)
    loaded = Loaded(path, summary)
    try:
        got = loaded.mrr()
        expected = {k: v for k, v in want.items() if v > 0}  # the book keeps positive MRR only
        assert set(got) == set(expected)
        for key, value in expected.items():
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
        assert summary.as_of_month == f"{as_of_ym[0]}-{as_of_ym[1]:02d}"
        assert summary.first_month == months_with_lines[0]
        moves = loaded.movements()
        for month, row in moves.iterrows():
            total = sum(v for (_, _, m), v in expected.items() if m == month)
            assert row.ending_mrr == pytest.approx(total, abs=1e-6)
            parts = row.starting_mrr + row.new + row.expansion + row.cross_sell + row.contraction + row.churn \
                + row.reactivation
            assert parts == pytest.approx(row.ending_mrr, abs=1e-6)
    finally:
        loaded.con.close()
