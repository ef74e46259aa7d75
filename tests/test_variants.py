"""NRR by other definitions (metrics.md, "NRR by other definitions") and the
bridge from our NRR to each, pinned three ways: a hand-computed book, the
mrr_playbook fixture against a plain-Python reading of the definitions, and
random books against the same plain-Python oracle (which shares no code with
nrr_core: it works from MRR per account, product and month only)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given

from nrr_core import Filters, variants

from .conftest import FIXTURE
from .test_cli import cli
from .test_properties import PROPERTY, SEGMENTS, books

KEYS = ["nrr", "grr", "nrr_excluding_reactivation", "nrr_arr_bridge", "nrr_monthly_chained", "nrr_last_month",
        "nrr_last_month_annualised"]


# --------------------------------------------------------------------------- the hand-computed book
# Months 2023-12 .. 2025-01; the figures are at 2025-01, whose base month is 2024-01.
#   A (SMB):        100 throughout, 120 in 2025-01 (expansion +20 last month)
#   B (SMB):        100 until 2024-03, churns in 2024-04, back at 50 from 2024-08 (a reactivated base account)
#   C (Enterprise): 200 until 2024-06, 150 from 2024-07 (contraction -50)
#   D (Enterprise): new at 100 in 2024-06, 140 from 2024-10 (+40), adds Analytics 10 in 2025-01 (won inside the year)
#   E (Enterprise): 30 in 2023-12, lapsed at the base month, back at 30 in 2024-03, 40 from 2024-05 (won back)
# Base {A, B, C}: S = 400; their MRR in 2025-01: 120 + 50 + 150 = 320.
# Company MRR by month (the month before k is start(k)):
#   2023-12 430, 2024-01 400, -02 400, -03 430, -04 330, -05 340, -06 440, -07 390, -08 440, -09 440,
#   -10 480, -11 480, -12 480, 2025-01 510.
def _month(i: int) -> str:
    return f"{2023 + (i + 11) // 12}-{(i + 11) % 12 + 1:02d}"  # 0 -> 2023-12


MONTHS = [_month(i) for i in range(14)]


def _series(account, product, amounts: dict[str, float]):
    return [(account, product, m, amounts.get(m, 0.0)) for m in MONTHS]


def _between(lo: str, hi: str, value: float) -> dict[str, float]:
    return {m: value for m in MONTHS if lo <= m <= hi}


HAND_ROWS = (
    _series("A", "Core", {**_between("2023-12", "2024-12", 100), "2025-01": 120})
    + _series("B", "Core", {**_between("2023-12", "2024-03", 100), **_between("2024-08", "2025-01", 50)})
    + _series("C", "Core", {**_between("2023-12", "2024-06", 200), **_between("2024-07", "2025-01", 150)})
    + _series("D", "Core", {**_between("2024-06", "2024-09", 100), **_between("2024-10", "2025-01", 140)})
    + _series("D", "Analytics", {"2025-01": 10})
    + _series("E", "Core", {"2023-12": 30, **_between("2024-03", "2024-04", 30), **_between("2024-05", "2025-01", 40)})
)
HAND_ACCOUNTS = [("A", "SMB"), ("B", "SMB"), ("C", "Enterprise"), ("D", "Enterprise"), ("E", "Enterprise")]
HAND = {
    "nrr": 320 / 400,
    "grr": (100 + 50 + 150) / 400,
    "nrr_excluding_reactivation": (400 + 20 - 100 - 50) / 400,
    "nrr_arr_bridge": (400 + 20 - 100 - 50 + 40 + 10 + 10) / 400,
    "nrr_monthly_chained": (330 / 430) * (340 / 330) * (390 / 440) * (480 / 440) * (510 / 480),
    "nrr_last_month": 510 / 480,
    "nrr_last_month_annualised": (510 / 480) ** 12,
}


@pytest.fixture
def hand(make_book):
    return make_book(HAND_ROWS, accounts=HAND_ACCOUNTS, name="hand")


@pytest.mark.parametrize("key", KEYS)
def test_each_definition_on_the_hand_book_is_the_hand_computed_value(hand, key):
    assert variants.values(hand, None, "2025-01")[key] == pytest.approx(HAND[key], abs=1e-12)


def test_the_hand_book_values_are_the_ones_worked_out_in_the_comment(hand):
    got = variants.values(hand, None, "2025-01")
    # chained telescopes to 340 × 390 × 510 / (430 × 440 × 440) = 33813 / 41624
    assert got["nrr_monthly_chained"] == pytest.approx(33813 / 41624, abs=1e-15)
    assert [round(got[k], 6) for k in KEYS] == [0.8, 0.75, 0.675, 0.825, 0.812344, 1.0625, 2.06989]


def test_a_filter_selects_accounts_for_every_definition(hand):
    # SMB is A and B: S = 200, MRR now 170; company MRR 2024-03 200, 2024-04 100, 2024-08 150, 2025-01 170.
    got = variants.values(hand, Filters.of(segment="SMB"), "2025-01")
    assert got == pytest.approx({"nrr": 170 / 200, "grr": 150 / 200, "nrr_excluding_reactivation": 120 / 200,
                                 "nrr_arr_bridge": 120 / 200, "nrr_monthly_chained": (100 / 200) * (170 / 150),
                                 "nrr_last_month": 170 / 150, "nrr_last_month_annualised": (170 / 150) ** 12},
                                abs=1e-12)


def test_a_month_without_a_base_has_no_value_never_zero_or_one(make_book):
    # The only account is new in 2024-06: nothing active a year before 2025-01; the month before is active.
    con = make_book(_series("N", "Core", _between("2024-06", "2025-01", 50)), name="nobase")
    got = variants.values(con, None, "2025-01")
    assert [got[k] for k in KEYS[:5]] == [None] * 5
    assert (got["nrr_last_month"], got["nrr_last_month_annualised"]) == (1.0, 1.0)
    assert variants.values(con, None, "2024-06") == dict.fromkeys(KEYS)  # no month twelve earlier
    assert variants.reconcile(con, None, "2025-01").steps.empty


def test_the_trend_has_one_row_per_month_with_a_year_before_it_in_definition_order(hand):
    trend = variants.trend(hand)
    assert list(trend.columns) == ["month", *KEYS, "base_mrr"]
    assert trend.month.tolist() == ["2024-12", "2025-01"]
    assert trend.iloc[-1][KEYS].tolist() == pytest.approx([HAND[k] for k in KEYS], abs=1e-12)
    # 2024-12 over base 2023-12 (A, B, C, E = 430): MRR now 100 + 50 + 150 + 40 = 340.
    assert trend.iloc[0].nrr == pytest.approx(340 / 430, abs=1e-12)


# --------------------------------------------------------------------------- the reconciliation, by hand

def test_the_bridge_to_each_definition_names_its_steps_in_points_on_the_hand_book(hand):
    rec = variants.reconcile(hand, None, "2025-01")
    got = {(r.definition, r.step): round(r.points, 9) for r in rec.steps.itertuples()}
    assert got == {
        ("grr", "above_base"): -5.0,
        ("nrr_excluding_reactivation", "reactivated_base"): -12.5,
        ("nrr_arr_bridge", "reactivated_base"): -12.5,
        ("nrr_arr_bridge", "won_inside_year"): 12.5,
        ("nrr_arr_bridge", "won_back_inside_year"): 2.5,
        ("nrr_monthly_chained", "reactivated_base"): -12.5,
        ("nrr_monthly_chained", "won_inside_year"): 12.5,
        ("nrr_monthly_chained", "won_back_inside_year"): 2.5,
        # Σ mv(k) (1/start(k) - 1/400): -100 (1/430 - 1/400) + 10 (1/330 - 1/400) - 50 (1/440 - 1/400)
        #                              + 40 (1/440 - 1/400) + 30 (1/480 - 1/400)
        ("nrr_monthly_chained", "monthly_denominators"): round(100 * (
            -100 * (1 / 430 - 1 / 400) + 10 * (1 / 330 - 1 / 400) - 50 * (1 / 440 - 1 / 400)
            + 40 * (1 / 440 - 1 / 400) + 30 * (1 / 480 - 1 / 400)), 9),
        ("nrr_monthly_chained", "compounding"): round(100 * (HAND["nrr_monthly_chained"] - (
            1 - 100 / 430 + 10 / 330 - 50 / 440 + 40 / 440 + 30 / 480)), 9),
        ("nrr_last_month", "reactivated_base"): -12.5,
        ("nrr_last_month", "earlier_months"): 37.5,
        ("nrr_last_month", "outside_base_last_month"): 2.5,
        ("nrr_last_month", "last_month_denominator"): -1.25,
        ("nrr_last_month_annualised", "reactivated_base"): -12.5,
        ("nrr_last_month_annualised", "earlier_months"): 37.5,
        ("nrr_last_month_annualised", "outside_base_last_month"): 2.5,
        ("nrr_last_month_annualised", "last_month_denominator"): -1.25,
        ("nrr_last_month_annualised", "annualising"): round(100 * (HAND["nrr_last_month_annualised"] - 1.0625), 9),
    }


def test_the_accounts_behind_each_step_on_the_hand_book(hand):
    acc = variants.reconcile(hand, None, "2025-01").accounts
    pick = lambda key, step: [(r.account_id, r.mrr, round(r.points, 9))
                              for r in acc[(acc.definition == key) & (acc.step == step)].itertuples()]
    assert pick("grr", "above_base") == [("A", -20.0, -5.0)]
    assert pick("nrr_excluding_reactivation", "reactivated_base") == [("B", -50.0, -12.5)]
    assert pick("nrr_arr_bridge", "won_inside_year") == [("D", 50.0, 12.5)]
    assert pick("nrr_arr_bridge", "won_back_inside_year") == [("E", 10.0, 2.5)]
    assert pick("nrr_last_month", "earlier_months") == [("B", 100.0, 25.0), ("C", 50.0, 12.5)]
    assert pick("nrr_last_month", "outside_base_last_month") == [("D", 10.0, 2.5)]
    # 30 of movement (A +20, D +10) over 480 instead of 400: each account's share of -1.25 points.
    assert pick("nrr_last_month", "last_month_denominator") == [("A", 20.0, round(-1.25 * 20 / 30, 9)),
                                                                ("D", 10.0, round(-1.25 * 10 / 30, 9))]
    assert acc[acc.step.isin(["compounding", "annualising"])].empty


def _assert_bridges_close(rec) -> None:
    """Every definition with a value: our NRR plus its steps is the value, and
    each step's account shares add up to the step."""
    for key in KEYS[1:]:
        steps = rec.steps[rec.steps.definition == key]
        if rec.values[key] is None or rec.values["nrr"] is None:  # nothing to bridge from or to
            assert steps.empty
            continue
        # Relative too: one month's rate to the 12th power can be huge on a random book (10× → 1e12).
        close = pytest.approx(rec.values[key], rel=1e-9, abs=1e-9)
        assert rec.values["nrr"] + steps.points.sum() / 100 == close, key
        assert steps.value_after.iloc[-1] == close if len(steps) else True
        for step in steps.itertuples():
            rows = rec.accounts[(rec.accounts.definition == key) & (rec.accounts.step == step.step)]
            assert len(rows) == step.accounts
            if step.step not in ("compounding", "annualising"):
                assert rows.points.sum() == pytest.approx(step.points, abs=1e-9), (key, step.step)


def test_the_steps_add_up_from_our_nrr_to_every_definition_on_the_hand_book(hand):
    _assert_bridges_close(variants.reconcile(hand, None, "2025-01"))
    _assert_bridges_close(variants.reconcile(hand, Filters.of(segment="Enterprise"), "2025-01"))


# --------------------------------------------------------------------------- the report

def test_report_definitions_prints_one_row_per_key_in_order_empty_where_no_base(make_book, tmp_path):
    make_book(HAND_ROWS, accounts=HAND_ACCOUNTS, name="cli")
    path = tmp_path / "cli.duckdb"
    done = cli("report", "definitions", "--db", path)
    assert done.returncode == 0 and done.stderr == ""
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["definition", "value", "label", "points_vs_nrr"]
    assert [r[0] for r in rows[1:]] == KEYS
    assert [float(r[1]) for r in rows[1:]] == pytest.approx([HAND[k] for k in KEYS], abs=1e-12)
    assert rows[4][2:] == ["NRR (ARR bridge)", "2.5"]
    early = list(csv.reader(io.StringIO(cli("report", "definitions", "--db", path, "--month", "2024-06").stdout)))
    assert [r[1] for r in early[1:]] == [""] * 7
    smb = list(csv.reader(io.StringIO(cli("report", "definitions", "--db", path, "--segment", "SMB").stdout)))
    assert float(smb[1][1]) == 0.85


# --------------------------------------------------------------------------- the plain-Python oracle

def _months_between(first: str, last: str) -> list[str]:
    out, y, m = [], int(first[:4]), int(first[5:7])
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def oracle(mrr: dict, keep: set, months: list[str]) -> dict[str, dict[str, float]]:
    """month -> key -> value (NaN where no base), read straight from metrics.md:
    ``mrr`` maps (account, product, month) to MRR (summed), missing = 0."""
    products = sorted({p for (_, p, _) in mrr})
    total = lambda a, m: sum(mrr.get((a, p, m), 0.0) for p in products)

    def kept_moves(a, k):  # expansion + cross_sell + contraction + churn of a in months[k]
        prev, cur = total(a, months[k - 1]), total(a, months[k])
        if prev > 0 and cur == 0:
            return -prev
        if prev > 0 and cur > 0:
            out = 0.0
            for p in products:
                before, now = mrr.get((a, p, months[k - 1]), 0.0), mrr.get((a, p, months[k]), 0.0)
                out += now if before == 0 else (now - before)
            return out
        return 0.0

    def rate(k):  # r(k): accounts active the month before
        base = [a for a in keep if total(a, months[k - 1]) > 0]
        b = sum(total(a, months[k - 1]) for a in base)
        return sum(total(a, months[k]) for a in base) / b if b > 0 else math.nan

    nan = math.nan
    out = {}
    for i in range(12, len(months)):
        base = [a for a in keep if total(a, months[i - 12]) > 0]
        s = sum(total(a, months[i - 12]) for a in base)
        window = range(i - 11, i + 1)
        rates = [rate(k) for k in window]
        out[months[i]] = {
            "nrr": sum(total(a, months[i]) for a in base) / s if s else nan,
            "grr": sum(min(total(a, months[i]), total(a, months[i - 12])) for a in base) / s if s else nan,
            "nrr_excluding_reactivation": (s + sum(kept_moves(a, k) for a in base for k in window)) / s if s else nan,
            "nrr_arr_bridge": (s + sum(kept_moves(a, k) for a in keep for k in window)) / s if s else nan,
            "nrr_monthly_chained": math.prod(rates),
            "nrr_last_month": rates[-1],
            "nrr_last_month_annualised": rates[-1] ** 12,
        }
    return out


def _assert_trend_matches(trend: pd.DataFrame, expected: dict) -> None:
    assert trend.month.tolist() == list(expected)
    for row in trend.to_dict("records"):
        for key in KEYS:
            want, got = expected[row["month"]][key], row[key]
            assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want, rel=1e-9, abs=1e-12), (
                row["month"], key)


def _fixture_mrr():
    """The fixture's MRR per (customer, product, month) by the subscription month rule, and segments."""
    segments = {r["customer_id"]: r["segment"] for r in csv.DictReader((FIXTURE / "customers.csv").open())}
    periods = list(csv.DictReader((FIXTURE / "subscription_periods.csv").open()))
    day = dt.date.fromisoformat
    covered = [m for p in periods for m in _months_between(p["start_date"][:7], "2030-12")
               if p["end_date"] and day(p["start_date"]) <= day(m + "-01") < day(p["end_date"])]
    months = _months_between(min(p["start_date"][:7] for p in periods), max(covered))
    mrr = defaultdict(float)
    for p in periods:
        for m in months:
            if day(p["start_date"]) <= day(m + "-01") and (not p["end_date"] or day(m + "-01") < day(p["end_date"])):
                mrr[(p["customer_id"], "Subscription", m)] += float(p["monthly_amount"])
    return mrr, segments, months


@pytest.mark.parametrize("segment", [None, "Enterprise", "Mid-Market", "SMB"])
def test_every_definition_on_the_fixture_equals_a_plain_python_reading_of_metrics_md(fixture_book, segment):
    mrr, segments, months = _fixture_mrr()
    keep = {a for a, s in segments.items() if segment is None or s == segment}
    filters = Filters.of(segment=segment) if segment else Filters()
    _assert_trend_matches(variants.trend(fixture_book, filters), oracle(mrr, keep, months))


def test_the_fixture_bridges_add_up_at_every_month(fixture_book):
    for month in variants.trend(fixture_book).month:
        _assert_bridges_close(variants.reconcile(fixture_book, None, month))


@PROPERTY
@given(books())
def test_every_definition_on_random_books_equals_the_oracle_and_its_bridge_adds_up(make_book, book):
    accounts, rows = book
    con = make_book(rows, accounts=accounts, name=f"v{abs(hash(str(book))) % 10**9}")
    mrr = defaultdict(float)
    for a, p, m, amount in rows:
        mrr[(a, p, m)] += amount
    months = _months_between(min(r[2] for r in rows), max(r[2] for r in rows))
    for segment in [None, *SEGMENTS]:
        keep = {a for a, s in accounts if segment is None or s == segment}
        filters = Filters.of(segment=segment) if segment else Filters()
        trend = variants.trend(con, filters)
        _assert_trend_matches(trend, oracle({k: v for k, v in mrr.items() if k[0] in keep}, keep, months))
        _assert_bridges_close(variants.reconcile(con, filters, trend.month.iloc[-1]))


# --------------------------------------------------------------------------- benchmark sets

def test_the_example_config_documents_exactly_the_built_in_sets():
    import tomllib

    from nrr_core.variants.benchmarks import SAAS_CAPITAL_2023, general_set

    raw = tomllib.loads((Path(__file__).resolve().parent.parent / "nrr.toml.example").read_text(encoding="utf-8"))
    assert variants.sets_from_config(raw["benchmarks"]) == (general_set(), SAAS_CAPITAL_2023)
    assert variants.sets_from_config({}) == (general_set(), SAAS_CAPITAL_2023)
    assert [(b.acv_words(), b.nrr_low, b.grr_low, b.grr_high) for b in SAAS_CAPITAL_2023.bands] == [
        ("below $12k", 1.00, 0.90, 0.93), ("$12k–$25k", 1.02, 0.90, 0.93), ("$25k–$50k", 1.03, 0.90, 0.93),
        ("$50k–$100k", 1.05, 0.90, 0.93), ("$100k–$250k", 1.07, 0.90, 0.93), ("above $250k", 1.10, 0.90, 0.93)]


def test_the_old_median_and_top_keys_still_set_the_general_figures():
    general, saas = variants.sets_from_config({"median_low": 0.8, "median_high": 0.85, "top": 1.3})
    assert (general.bands[0].nrr_low, general.bands[0].nrr_high, general.bands[0].top) == (0.8, 0.85, 1.3)
    assert general.words() == ("General SaaS figures (figures quoted in the project's metric definitions; SaaS "
                               "companies in general; compare with NRR): any ACV: median NRR 80%–85%, top "
                               "performers above 130%.")
    assert saas.name == "SaaS Capital 2023"


@pytest.mark.parametrize("entry, words", [
    ({"name": "X", "definition": "lazy", "bands": [{"nrr_low": 1.0}]}, "unknown NRR definition 'lazy'"),
    ({"definition": "nrr", "bands": [{"nrr_low": 1.0}]}, "[[benchmarks.sets]] number 1: 'name'"),
    ({"name": "X", "bands": []}, "no [[benchmarks.sets.bands]]"),
    ({"name": "X", "bands": [{"nrr": 1.0}]}, "number 1: Band.__init__() got an unexpected keyword argument 'nrr'"),
])
def test_a_bad_benchmark_set_is_one_clear_error(entry, words):
    from nrr_core import NrrError

    with pytest.raises(NrrError) as caught:
        variants.sets_from_config({"sets": [entry]})
    assert words in str(caught.value)


def test_each_segment_is_compared_with_the_band_for_its_own_contract_size(hand):
    from nrr_core.variants.benchmarks import Band, BenchmarkSet

    # 2025-01: SMB is A 120 + B 50 = ARR 2,040 over 2 accounts (ACV 1,020), NRR 170/200;
    # Enterprise is C 150 + D 150 + E 40 = ARR 4,080 over 3 accounts (ACV 1,360), NRR 150/200 (base C only).
    bench = BenchmarkSet("t", "Test 2024", "test", 2024, "test companies", "nrr",
                         (Band(0, 1200, 1.0, 1.0, 0.9, 0.93), Band(1200, None, 1.08, 1.12)))
    got = variants.compare_groups(hand, None, "segment", "2025-01", bench)
    assert got.value.tolist() == ["Enterprise", "SMB"]
    assert got.acv.tolist() == [1360.0, 1020.0]
    assert got.band.tolist() == ["above $1k", "below $1k"]
    assert got.benchmark_nrr.tolist() == pytest.approx([1.10, 1.00], abs=1e-12)
    assert got.points_vs_benchmark.tolist() == pytest.approx([-35.0, -15.0], abs=1e-9)
    assert got.benchmark_grr_low.isna().tolist() == [True, False]


# --------------------------------------------------------------------------- the headline setting

def test_the_headline_setting_reads_a_definition_key_and_refuses_anything_else(tmp_path, monkeypatch):
    from nrr_core import NrrError
    from ui.settings import load_settings

    config = tmp_path / "nrr.toml"
    monkeypatch.setenv("NRR_CONFIG", str(config))
    assert load_settings().headline == "nrr"  # no file: ours
    config.write_text('[display]\nheadline = "nrr_arr_bridge"\n', encoding="utf-8")
    assert load_settings().headline == "nrr_arr_bridge"
    config.write_text('[display]\nheadline = "lazy"\n', encoding="utf-8")
    with pytest.raises(NrrError, match="unknown NRR definition 'lazy'"):
        load_settings()


def test_the_headline_figures_are_ours_by_default_and_the_chosen_definition_otherwise(hand):
    from nrr_core import metrics

    ours = variants.headline_figures(hand, None, "2025-01", "2024-12")
    assert {k: v for k, v in ours.items() if k not in ("label", "definition")} == metrics.headline(
        hand, None, "2025-01", "2024-12")
    assert (ours["label"], ours["definition"]) == ("NRR", "nrr")
    bridge = variants.headline_figures(hand, None, "2025-01", "2024-12", "nrr_arr_bridge")
    assert (bridge["label"], bridge["nrr"], bridge["grr"]) == ("NRR (ARR bridge)", 0.825, 0.75)
    # 2024-12 over 2023-12 (430): moves of all accounts Jan..Dec 2024: E churns -30 in January, then
    # B -100, E +10, C -50, D +40.
    assert bridge["nrr_prev"] == pytest.approx((430 - 30 - 100 + 10 - 50 + 40) / 430, abs=1e-12)
    trend = variants.headline_trend(hand, None, "nrr_arr_bridge")
    assert trend.nrr.tolist() == pytest.approx([300 / 430, 0.825], abs=1e-12)
    assert variants.headline_trend(hand, None).equals(metrics.nrr_trend(hand, None))
