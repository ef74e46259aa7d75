"""Properties on random books, and a pure-Python oracle of metrics.md.

The oracle below is written from the definitions alone (dense loops over
accounts, products and months) and shares no code with nrr_core.
"""
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nrr_core import Filters, metrics

SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
PRODUCTS = ["Core", "Analytics", "Automation"]


@st.composite
def books(draw):
    n_accounts = draw(st.integers(1, 10))
    n_months = draw(st.integers(13, 20))
    accounts = [(f"a{i}", draw(st.sampled_from(SEGMENTS))) for i in range(n_accounts)]
    rows = []
    for account, _ in accounts:
        for p in draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True)):
            for m in range(n_months):
                if draw(st.integers(0, 9)) < 6:
                    amount = draw(st.sampled_from([0, 10, 25, 40, 99.5, 100, 250]))
                    rows.append((account, p, f"{2023 + m // 12}-{m % 12 + 1:02d}", amount))
    if not any(r[3] > 0 for r in rows):
        rows.append((accounts[0][0], "Core", "2023-01", 10))
    # always span n_months so the data range is known: a month with no row at either end would
    # shorten it (13 months drawn from 2023-08 on left 6, and no month with a year behind it)
    rows.insert(0, (accounts[0][0], "Core", "2023-01", 0))
    rows.append((accounts[0][0], "Core", f"{2023 + (n_months - 1) // 12}-{(n_months - 1) % 12 + 1:02d}", 0))
    return accounts, rows


def oracle(accounts, rows, segment=None):
    keep = {a for a, s in accounts if segment is None or s == segment}
    months = sorted({r[2] for r in rows})
    first, last = months[0], months[-1]
    all_months = []
    y, m = int(first[:4]), int(first[5:])
    while f"{y}-{m:02d}" <= last:
        all_months.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    mrr = defaultdict(float)
    for a, p, month, amount in rows:
        if a in keep:
            mrr[(a, p, month)] += amount
    total = lambda a, month: sum(mrr[(a, p, month)] for p in PRODUCTS)
    out = []
    ever = set()
    for i, month in enumerate(all_months):
        prev_month = all_months[i - 1] if i else None
        row = dict.fromkeys(metrics.MOVEMENTS, 0.0)
        start = end = 0.0
        for a in sorted(keep):
            prev = total(a, prev_month) if prev_month else 0.0
            cur = total(a, month)
            start += prev
            end += cur
            if prev == 0 and cur > 0:
                row["reactivation" if a in ever else "new"] += cur
            elif prev > 0 and cur == 0:
                row["churn"] -= prev
            elif prev > 0 and cur > 0:
                for p in PRODUCTS:
                    before = mrr[(a, p, prev_month)]
                    now = mrr[(a, p, month)]
                    if before == 0 and now > 0:
                        row["cross_sell"] += now
                    elif now > before:
                        row["expansion"] += now - before
                    elif now < before:
                        row["contraction"] -= before - now
            if cur > 0:
                ever.add(a)
        out.append({"month": month, "starting_mrr": start, **row, "ending_mrr": end})
    retention = {}
    for i in range(12, len(all_months)):
        base = [a for a in keep if total(a, all_months[i - 12]) > 0]
        if base:
            b = sum(total(a, all_months[i - 12]) for a in base)
            retention[all_months[i]] = (
                sum(total(a, all_months[i]) for a in base) / b,
                sum(min(total(a, all_months[i]), total(a, all_months[i - 12])) for a in base) / b,
                sum(total(a, all_months[i]) > 0 for a in base) / len(base))
    return out, retention


PROPERTY = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@PROPERTY
@given(books())
def test_movements_and_retention_equal_an_independent_oracle_for_every_segment(make_book, book):
    accounts, rows = book
    con = make_book(rows, accounts=accounts, name=f"b{abs(hash(str(book))) % 10**9}")
    for segment in [None, *SEGMENTS]:
        filters = Filters.of(segment=segment) if segment else Filters()
        expected, retention = oracle(accounts, rows, segment)
        got = metrics.movements(con, filters)
        assert got.month.tolist() == [r["month"] for r in expected]
        for col in ["starting_mrr", *metrics.MOVEMENTS, "ending_mrr"]:
            assert got[col].tolist() == pytest.approx([r[col] for r in expected], abs=1e-6), (segment, col)
        trend = metrics.nrr_trend(con, filters)
        assert trend.month.tolist() == sorted(retention)
        for row in trend.itertuples():
            assert (row.nrr, row.grr, row.logo_retention) == pytest.approx(retention[row.month], abs=1e-9)


@PROPERTY
@given(books())
def test_bridge_identity_grr_cap_partition_and_the_12_month_bridge_hold(make_book, book):
    accounts, rows = book
    con = make_book(rows, accounts=accounts, name=f"p{abs(hash(str(book))) % 10**9}")
    everyone = metrics.movements(con)
    cols = ["starting_mrr", *metrics.MOVEMENTS, "ending_mrr"]
    summed = None
    for segment in SEGMENTS:
        part = metrics.movements(con, Filters.of(segment=segment))
        ident = part.starting_mrr + part[list(metrics.MOVEMENTS)].sum(axis=1) - part.ending_mrr
        assert ident.abs().max() < 1e-6
        summed = part[cols] if summed is None else summed + part[cols]
    assert summed.values.ravel().tolist() == pytest.approx(everyone[cols].values.ravel().tolist(), abs=1e-6)
    trend = metrics.nrr_trend(con)
    assert (trend.grr <= 1 + 1e-12).all()
    months = everyone.month.tolist()
    for row in trend.itertuples():
        i = months.index(row.month)
        b = metrics.nrr_bridge(con, None, months[i - 11], row.month).set_index("step").mrr
        assert b.ending_mrr / b.starting_mrr == pytest.approx(row.nrr, abs=1e-9)
        w = metrics.waterfall(con, None, months[i - 11], row.month).set_index("step").mrr
        assert w.starting_mrr + w[list(metrics.MOVEMENTS)].sum() == pytest.approx(w.ending_mrr, abs=1e-6)
