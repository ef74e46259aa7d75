"""What makes customers stick (nrr_core.insight): journey phases and time to
value on hand-made accounts, drivers against a plain-Python computation,
Wilson and delta-method intervals on known cases, churn reasons append-only,
and the CLI giving the functions' figures."""
from __future__ import annotations

import csv
import io
import math
import contextlib

import pytest

from nrr_core import Filters, NrrError, db, insight, metrics
from nrr_core.cli import main
from nrr_core.insight import ChurnReason, JourneyRules, ReasonStore
from nrr_core.load import load_book
from nrr_core.review.decisions import Decision, DecisionStore
from nrr_core.errors import InputError
from tests.conftest import refused_as_append_only, write_csv

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
ACCOUNT_HEADER = ["account_id", "name", "segment", "region", "industry", "csm_owner", "renewal_date",
                  "executive_sponsor"]
SIGNAL_HEADER = ["account_id", "month", "seats_licensed", "active_users", "support_tickets", "nps", "nps_comment"]


def build(tmp_path, accounts, mrr, signals, name="book", churn_reasons=None, extra_columns=()):
    acc = write_csv(tmp_path / f"{name}_accounts.csv", ACCOUNT_HEADER + list(extra_columns), accounts)
    rev = write_csv(tmp_path / f"{name}_mrr.csv", ["account_id", "product", "month", "mrr"], mrr)
    sig = write_csv(tmp_path / f"{name}_signals.csv", SIGNAL_HEADER, signals)
    reasons = None
    if churn_reasons is not None:
        reasons = write_csv(tmp_path / f"{name}_reasons.csv", ["account_id", "month", "reason", "notes"],
                            churn_reasons)
    path = tmp_path / f"{name}.duckdb"
    load_book(path, accounts=acc, mrr=rev, signals=sig, churn_reasons=reasons)
    return path


def account(aid, segment="SMB", owner="Ana"):
    return [aid, f"Account {aid}", segment, "NA", "Software", owner, "", ""]


# Utilisation by month (None = not active), seats 10: users = utilisation * 10.
JOURNEYS = {
    "INST": [0.5] * 12,                                               # active from the data's first month
    "FAST": [None, None] + [0.7] * 10,                                # value in its first month
    "SLOW": [None, 0.3, 0.4, 0.5, 0.65, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7],  # value 3 months after start
    "NEVER": [None] * 5 + [0.2] * 7,                                  # still onboarding
    "PROMO": [None, None] + [0.8] * 10,                               # promoter answer in 2025-06
    "GONE": [None, None, 0.2, 0.2, 0.2] + [None] * 7,                 # left before value
    "EXP": [None, None, None] + [0.7] * 9,                            # expands in 2025-08
}


@pytest.fixture
def journey_book(tmp_path):
    accounts, mrr, signals = [], [], []
    for aid, utils in JOURNEYS.items():
        accounts.append(account(aid))
        for month, u in zip(MONTHS, utils):
            if u is None:
                continue
            amount = 130 if aid == "EXP" and month >= "2025-08" else 100
            mrr.append([aid, "Core", month, amount])
            nps = 9 if aid == "PROMO" and month == "2025-06" else ""
            signals.append([aid, month, 10, round(u * 10), 0, nps, ""])
    path = build(tmp_path, accounts, mrr, signals)
    con = db.connect_read_only(path)
    yield con
    con.close()


def phase_of(con, month, rules=None):
    frame = insight.account_phases(con, None, month, rules)
    return dict(zip(frame.account_id, frame.phase))


def test_each_journey_phase_follows_its_rule_on_hand_made_accounts(journey_book):
    assert phase_of(journey_book, "2025-04") == {
        "INST": "adoption",             # past onboarding from the first month; 50 % is below the value share
        "FAST": "adoption",             # at 70 % for 2 months only (value realisation needs 3)
        "SLOW": "onboarding",           # 30 %, 40 %, 50 %: never at 60 % yet
        "PROMO": "adoption", "GONE": "onboarding",
        "EXP": "adoption"}              # started this month at 70 %: value in its first month
    assert phase_of(journey_book, "2025-06") == {
        "INST": "adoption", "FAST": "value_realisation", "SLOW": "adoption", "NEVER": "onboarding",
        "PROMO": "advocacy", "EXP": "value_realisation"}     # EXP: 70 % in 2025-04, -05 and -06
    at_end = phase_of(journey_book, "2025-12")
    assert at_end["PROMO"] == "value_realisation"   # the promoter answer is 6 months old: out of the window
    assert at_end["EXP"] == "advocacy"              # expanded in 2025-08, within 6 months
    assert at_end["NEVER"] == "onboarding"
    # A tighter advocacy window from the settings changes the phase without a reload.
    tight = JourneyRules(advocacy_months=3)
    assert phase_of(journey_book, "2025-12", tight)["EXP"] == "value_realisation"
    assert phase_of(journey_book, "2025-06", JourneyRules(value_share=0.75))["FAST"] == "onboarding"


def test_months_in_phase_and_stalls_count_the_run_up_to_the_month(journey_book):
    frame = insight.account_phases(journey_book, None, "2025-12").set_index("account_id")
    assert frame.loc["NEVER", "months_in_phase"] == 7        # onboarding 2025-06 .. 2025-12
    assert frame.loc["SLOW", "months_in_phase"] == 6         # value realisation since 2025-07
    assert frame.loc["EXP", "months_in_phase"] == 5          # advocacy since 2025-08
    stalled = insight.stalls(journey_book, None, "2025-12")
    assert list(stalled.account_id) == ["INST", "NEVER"]      # equal ARR: by account id
    assert dict(zip(stalled.account_id, stalled.phase)) == {"NEVER": "onboarding", "INST": "adoption"}
    assert dict(zip(stalled.account_id, stalled.months_in_phase)) == {"NEVER": 7, "INST": 12}


def test_the_phase_mix_kept_at_load_gives_the_figures_of_phasing_every_account_month(journey_book):
    from nrr_core.insight.journey import built_with

    assert built_with(journey_book, None) and not built_with(journey_book, JourneyRules(advocacy_months=3))
    for f in (None, Filters.of(csm_owner="Ana"), Filters.of(segment="Enterprise")):
        kept, phased = insight.phases(journey_book, f), insight.phases(journey_book, f, summary=False)
        assert kept.equals(phased), f
    at_end = insight.mix_at(insight.phases(journey_book, None), "2025-12").set_index("phase")
    # Six accounts active (GONE left); EXP, which expanded in 2025-08, is the one in advocacy.
    assert at_end.accounts.sum() == 6 and at_end.loc["advocacy", "accounts"] == 1
    # Other rules than the load's are phased from the detail rows, not read from the summary.
    tight = insight.mix_at(insight.phases(journey_book, None, JourneyRules(advocacy_months=3)), "2025-12")
    assert tight.set_index("phase").loc["advocacy", "accounts"] == 0


def test_time_to_value_counts_accounts_not_there_yet_as_censored(journey_book):
    summary, curve = insight.time_to_value(journey_book, None, "2025-12", "segment")
    row = summary.set_index("group").loc["SMB"].to_dict()
    # Reached: FAST, PROMO, EXP at 0 months, SLOW at 3; NEVER censored at 6 (still onboarding),
    # GONE censored at 2 (its last month with revenue). INST is left out (started before the data).
    assert {k: row[k] for k in ("accounts", "reached", "still_onboarding", "lost_before_value")} == {
        "accounts": 6, "reached": 4, "still_onboarding": 1, "lost_before_value": 1}
    # Kaplan-Meier: S(0) = 1 - 3/6 = 0.5; at 3 months 2 are at risk (SLOW, NEVER): S(3) = 0.5 * (1 - 1/2).
    assert row["median_months"] == 0
    assert row["reached_1m"] == pytest.approx(0.5)
    assert row["reached_3m"] == pytest.approx(0.75)
    assert row["reached_12m"] == pytest.approx(0.75)
    smb = curve[curve.group == "SMB"].set_index("months")
    assert list(smb.index) == [0, 2, 3, 6]
    assert list(smb.at_risk) == [6, 3, 2, 1]
    # Seen only up to 2025-04, SLOW and GONE have not reached value yet: both still onboarding then.
    early = insight.time_to_value(journey_book, None, "2025-04", "segment")[0].set_index("group").loc["SMB"]
    assert (early.accounts, early.reached, early.still_onboarding, early.lost_before_value) == (5, 3, 2, 0)


def test_time_to_value_by_start_quarter_groups_by_the_quarter_of_first_revenue(journey_book):
    summary, _ = insight.time_to_value(journey_book, None, "2025-12", "quarter")
    assert dict(zip(summary.group, summary.accounts)) == {"2025-Q1": 4, "2025-Q2": 2, "All": 6}


# ---------------------------------------------------------------- drivers

DRIVER_ACCOUNTS = {  # id: (segment, start MRR, MRR 12 months later, utilisation 3 months in)
    "A1": ("SMB", 100, 120, 0.8), "A2": ("SMB", 200, 0, 0.3), "A3": ("SMB", 100, 90, 0.7),
    "B1": ("Enterprise", 1000, 1300, 0.9), "B2": ("Enterprise", 500, 400, 0.5), "B3": ("Enterprise", 800, 800, 0.6),
    "B4": ("Enterprise", 300, 0, 0.2),
}
D_MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)]


@pytest.fixture
def driver_book(tmp_path):
    accounts, mrr, signals = [account("OLD") + ["bronze"]], [], []
    mrr += [["OLD", "Core", m, 50] for m in D_MONTHS]              # installed: never a driver account
    signals += [["OLD", m, 10, 9, 0, "", ""] for m in D_MONTHS]
    for i, (aid, (seg, start, later, util)) in enumerate(DRIVER_ACCOUNTS.items()):
        accounts.append(account(aid, seg) + ["gold" if aid in ("A1", "B1") else "silver"])
        first = 1 + i % 2                                           # starts 2024-02 or 2024-03
        for k in range(0, 13):
            month = D_MONTHS[first + k]
            amount = start if k < 12 else later
            if amount:
                mrr.append([aid, "Core", month, amount])
                signals.append([aid, month, 10, round(util * 10) if k >= 3 else 5, 0, "", ""])
    path = build(tmp_path, accounts, mrr, signals, name="drivers", extra_columns=["tier"])
    con = db.connect_read_only(path)
    yield con
    con.close()


def plain_stats(rows):
    """NRR, GRR, logo retention and both intervals the long way round."""
    n = len(rows)
    sx = sum(x for x, _ in rows)
    sy = sum(y for _, y in rows)
    r = sy / sx
    grr = sum(min(x, y) for x, y in rows) / sx
    kept = sum(1 for _, y in rows if y > 0)
    p = kept / n
    z = 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    se = math.sqrt(sum((y - r * x) ** 2 for x, y in rows) / (n * (n - 1))) / (sx / n)
    return {"nrr": r, "grr": grr, "logo": p, "logo_ci": (max(0, centre - half), min(1, centre + half)),
            "nrr_ci": (max(0, r - z * se), r + z * se)}


def test_drivers_match_a_plain_python_computation_group_against_the_rest(driver_book):
    rules = JourneyRules(min_group=2)
    frame = insight.drivers(driver_book, None, "2025-12", rules)
    for seg in ("SMB", "Enterprise"):
        group = [(s, l) for s, l, *_ in [(v[1], v[2]) for v in DRIVER_ACCOUNTS.values() if v[0] == seg]]
        rest = [(v[1], v[2]) for v in DRIVER_ACCOUNTS.values() if v[0] != seg]
        g, r = plain_stats(group), plain_stats(rest)
        row = frame[(frame.dimension == "Segment") & (frame.group == seg)].iloc[0]
        assert (row.accounts, row.rest_accounts) == (len(group), len(rest))
        assert row.nrr == pytest.approx(g["nrr"]) and row.rest_nrr == pytest.approx(r["nrr"])
        assert row.grr == pytest.approx(g["grr"]) and row.rest_grr == pytest.approx(r["grr"])
        assert row.logo_retention == pytest.approx(g["logo"])
        assert (row.logo_low, row.logo_high) == pytest.approx(g["logo_ci"])
        assert (row.nrr_low, row.nrr_high) == pytest.approx(g["nrr_ci"])
        assert row.start_arr == pytest.approx(12 * sum(x for x, _ in group))
        assert row.arr_impact == pytest.approx((g["nrr"] - r["nrr"]) * 12 * sum(x for x, _ in group))
    # Enterprise: 2500 of 2600 kept; SMB 210 of 400: impact (2500/2600 - 210/400) * 12 * 2600.
    ent = frame[(frame.dimension == "Segment") & (frame.group == "Enterprise")].iloc[0]
    assert ent.arr_impact == pytest.approx((2500 / 2600 - 210 / 400) * 12 * 2600)
    assert ent.summary == ("Enterprise accounts (Segment) keep 1.83× the revenue of the rest a year after their "
                           "start (96 % vs 52 % NRR); 4 vs 3 accounts.")


def test_extra_account_attributes_are_dimensions_too(driver_book):
    frame = insight.drivers(driver_book, None, "2025-12", JourneyRules(min_group=2))
    tier = frame[frame.dimension == "tier"].set_index("group")
    assert set(tier.index) == {"gold", "silver"}
    assert tier.loc["gold", "nrr"] == pytest.approx((120 + 1300) / (100 + 1000))
    assert tier.loc["gold", "accounts"] == 2 and tier.loc["silver", "accounts"] == 5


def test_early_adoption_splits_eligible_accounts_at_the_threshold(driver_book):
    frame = insight.early_adoption(driver_book, None, "2025-12", JourneyRules(early_share=0.6))
    everyone = frame.set_index("cohort").loc["All"]
    # At 3 months: A1 .8, A3 .7, B1 .9, B3 .6 at or above 60 %; A2 .3, B2 .5, B4 .2 below.
    assert (everyone.above_accounts, everyone.below_accounts) == (4, 3)
    assert everyone.above_logo_retention == 1.0
    assert everyone.below_logo_retention == pytest.approx(1 / 3)
    assert everyone.above_revenue_retention == pytest.approx((120 + 90 + 1300 + 800) / (100 + 100 + 1000 + 800))
    assert everyone.below_revenue_retention == pytest.approx(400 / (200 + 500 + 300))
    assert everyone.adopted_90d == pytest.approx((0.8 + 0.3 + 0.7 + 0.9 + 0.5 + 0.6 + 0.2) / 7)
    assert everyone.adopted_60d == pytest.approx(0.5)          # 5 of 10 seats before month 3


def test_groups_smaller_than_the_minimum_are_listed_but_not_ranked(driver_book):
    frame = insight.drivers(driver_book, None, "2025-12", JourneyRules(min_group=4))
    seg = frame[frame.dimension == "Segment"].set_index("group")
    assert not seg.loc["SMB", "ranked"] and not seg.loc["Enterprise", "ranked"]   # the rest has 3
    assert frame.ranked.sum() == 0 or frame[frame.ranked].accounts.min() >= 4


def test_wilson_interval_on_known_cases():
    assert insight.wilson(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)
    assert insight.wilson(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    assert insight.wilson(10, 10) == pytest.approx((0.72247, 1.0), abs=1e-5)
    assert all(math.isnan(v) for v in insight.wilson(0, 0))


def test_ratio_interval_is_the_delta_method_on_known_sums():
    # x = (1, 2, 3), y = (2, 2, 4): R = 8/6; residuals 2 - 4/3, 2 - 8/3, 4 - 4 -> squares 4/9, 4/9, 0.
    low, high = insight.ratio_interval(3, 6, 8, 14, 18, 24)
    se = math.sqrt((8 / 9) / (3 * 2)) / 2
    assert (low, high) == pytest.approx((8 / 6 - 1.959963984540054 * se, 8 / 6 + 1.959963984540054 * se))
    assert all(math.isnan(v) for v in insight.ratio_interval(1, 6, 8, 36, 48, 64))


# ---------------------------------------------------------------- settings

def test_journey_settings_come_from_the_journey_section_and_refuse_unknown_keys(tmp_path):
    path = tmp_path / "nrr.toml"
    path.write_text("[journey]\nvalue_share = 0.7\nstall_onboarding = 4\n", encoding="utf-8")
    rules = insight.from_toml(path)
    assert (rules.value_share, rules.stall_onboarding, rules.stall_adoption) == (0.7, 4, 6)
    assert insight.from_toml(tmp_path / "missing.toml") == insight.DEFAULT_RULES
    path.write_text("[journey]\nvalue_shar = 0.7\n", encoding="utf-8")
    with pytest.raises(NrrError, match="unknown key"):
        insight.from_toml(path)
    with pytest.raises(NrrError, match="value_share"):
        JourneyRules(value_share=0)


# ---------------------------------------------------------------- churn reasons

def test_churn_reasons_are_append_only_and_survive_reopening(store_at):
    path = store_at("decisions.sqlite")
    DecisionStore(path).record(Decision("A1", "watch", "Ana"))      # a store made before reasons existed
    store = ReasonStore(path)
    assert store.every().empty
    first = store.record(ChurnReason("A1", "2025-11", "price", "Ana", notes="Too dear <b>really</b>"))
    store.record(ChurnReason("A1", "2025-11", "competitor", "Ben"))
    refused_as_append_only(path, f"UPDATE churn_reasons SET reason = 'other' WHERE id = {int(first)}")
    refused_as_append_only(path, "DELETE FROM churn_reasons")
    again = ReasonStore(path).every()
    assert list(again.reason) == ["price", "competitor"]
    assert again.notes.iloc[0] == "Too dear <b>really</b>"
    assert list(DecisionStore(path).every().status) == ["watch"]    # the decisions are untouched
    with pytest.raises(NrrError, match="reason must be one of"):
        store.record(ChurnReason("A1", "2025-11", "aliens", "Ana"))


def test_a_reason_recorded_first_makes_a_whole_decisions_store(tmp_path):
    path = tmp_path / "new" / "decisions.sqlite"
    ReasonStore(path).record(ChurnReason("A1", "2025-11", "other", "Ana"))
    assert DecisionStore(path).latest().empty           # readable as a decisions store
    DecisionStore(path).record(Decision("A1", "watch", "Ana"))
    assert list(ReasonStore(path).every().reason) == ["other"]


def churn_book(tmp_path, reasons=None):
    accounts = [account("C1"), account("C2", owner="Bo"), account("C3"), account("KEEP")]
    mrr = [["KEEP", "Core", m, 100] for m in MONTHS]
    mrr += [["C1", "Core", m, 300] for m in MONTHS if m <= "2025-10"]        # churns in 2025-11
    mrr += [["C2", "Core", m, 200 if m <= "2025-10" else 150] for m in MONTHS]  # contracts in 2025-11
    mrr += [["C3", "Core", m, 100] for m in MONTHS if m <= "2025-11"]        # churns in 2025-12
    signals = [[r[0], r[2], 10, 7, 0, "", ""] for r in mrr]
    return build(tmp_path, accounts, mrr, signals, name="churn", churn_reasons=reasons)


def test_reasons_roll_up_by_reason_and_department_recorded_beating_imported(tmp_path):
    path = churn_book(tmp_path, reasons=[["C1", "2025-11", "budget_cut", "Frozen budget"],
                                         ["C3", "2025-12", "missing_capability", ""]])
    con = db.connect_read_only(path)
    try:
        from nrr_core import review
        store = ReasonStore(tmp_path / "decisions.sqlite")
        store.record(ChurnReason("C3", "2025-12", "support_experience", "Ana", notes="Slow tickets"))
        retro = review.retrospective(con, None, "2025-10", "2025-12")[0]
        attached = insight.attach(retro, insight.recorded_reasons(con, store), "2025-10", "2025-12")
        got = attached.set_index("account_id")
        assert got.loc["C1", "reason"] == "budget_cut" and got.loc["C1", "reason_source"] == "imported"
        assert got.loc["C3", "reason"] == "support_experience" and got.loc["C3", "notes"] == "Slow tickets"
        assert got.loc["C2", "reason"] is None and got.loc["C2", "reason_label"] == "Not recorded yet"
        by_reason = insight.rollup(attached, "reason")
        assert list(zip(by_reason.value, by_reason.lost_arr)) == [
            ("Budget cut", 3600.0), ("Support experience", 1200.0), ("Not recorded yet", 600.0)]
        assert by_reason.surprise_arr.tolist() == by_reason.lost_arr.tolist()   # no review, no score flag
        by_dept = insight.rollup(attached, "department")
        assert dict(zip(by_dept.value, by_dept.lost_arr)) == {"Sales": 3600.0, "Support": 1200.0,
                                                              "Not recorded yet": 600.0}
        assert set(by_dept.quarter) == {"2025-Q4"}
    finally:
        con.close()


def test_a_churn_reasons_file_with_an_unknown_reason_names_the_line(tmp_path):
    with pytest.raises(InputError) as err:
        churn_book(tmp_path, reasons=[["C1", "2025-11", "budget_cut", ""], ["C3", "2025-12", "aliens", ""]])
    assert "line 3" in str(err.value) and "reason 'aliens' is not one of" in str(err.value)


# ---------------------------------------------------------------- command line

def run_cli(args) -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_cli_reports_give_the_functions_figures(driver_book, tmp_path):
    path = tmp_path / "drivers.duckdb"
    rules = JourneyRules(min_group=2)
    config = tmp_path / "nrr.toml"
    config.write_text("[journey]\nmin_group = 2\n", encoding="utf-8")
    rows = run_cli(["report", "drivers", "--db", str(path), "--config", str(config), "--segment", "Enterprise",
                    "--segment", "SMB"])
    frame = insight.drivers(driver_book, Filters(segment=("Enterprise", "SMB")), "2025-12", rules)
    assert [(r["dimension"], r["group"]) for r in rows] == list(zip(frame.dimension, frame.group))
    assert [float(r["nrr"]) for r in rows] == pytest.approx(list(frame.nrr))
    assert [float(r["logo_low"]) for r in rows] == pytest.approx(list(frame.logo_low))
    assert rows[0]["rank"] == "1"
    phases = run_cli(["report", "journey", "--db", str(path), "--month", "2025-06"])
    assert phases[-1]["month"] == "2025-06" and {r["phase"] for r in phases} == set(insight.PHASES)
    expected = insight.phases(driver_book, None)
    expected = expected[expected.month <= "2025-06"]
    assert [int(r["accounts"]) for r in phases] == list(expected.accounts)
    ttv = run_cli(["report", "journey", "--db", str(path), "--view", "time-to-value", "--by", "quarter"])
    summary = insight.time_to_value(driver_book, None, "2025-12", "quarter")[0]
    assert [r["group"] for r in ttv] == list(summary.group)
    assert [float(r["reached_3m"]) for r in ttv] == pytest.approx(list(summary.reached_3m))


def test_stalls_are_the_accounts_whose_months_in_phase_pass_the_limit_at_every_month(tmp_path):
    """The stalled-only query reads the long history only for accounts that can
    be stalled; it must list exactly the accounts the full count puts past their
    phase's limit, in a book with churn, comebacks and gaps."""
    from nrr_core.demo import generate_book

    files = generate_book(tmp_path / "csv", n_accounts=300, n_months=30, seed=5)
    path = tmp_path / "demo.duckdb"
    load_book(path, accounts=files["accounts"], mrr=files["mrr"], signals=files["signals"])
    limits = insight.DEFAULT_RULES.stall_limits()
    with db.connect_read_only(path) as con:
        months = metrics.book_info(con).months()
        seen = 0
        for month in months[-24:]:
            for f in (None, Filters.of(segment="SMB")):
                every = insight.account_phases(con, f, month)
                past = every[every.phase.map(limits).notna() & (every.months_in_phase > every.phase.map(limits))]
                stalled = insight.stalls(con, f, month)
                assert stalled.drop(columns="limit").reset_index(drop=True).equals(past.reset_index(drop=True)), month
                seen += len(stalled)
        assert seen > 0
