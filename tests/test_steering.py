"""Steering: the targets store, targets.csv, CSM scorecards (frozen books,
attainment, the export) and the renewal calendar, on hand-made books."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from nrr_core import Filters, db, metrics, steering
from nrr_core.cli import main
from nrr_core.errors import InputError, NrrError
from nrr_core.load import load_book
from nrr_core.review.decisions import Decision, DecisionStore
from nrr_core.steering import Target, TargetStore
from tests.conftest import refused_as_append_only, write_csv

T0 = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.timezone.utc)


def months(first: str, last: str) -> list[str]:
    lo, hi = (int(m[:4]) * 12 + int(m[5:]) - 1 for m in (first, last))
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(lo, hi + 1)]


# The hand-made book (as of 2025-09; period 2025-Q3 = Jul..Sep, base month 2024-09):
#   A  Ana        100 from 2024-09, 120 in 2025-09 (expansion in the period)
#   B  Bo today;  200 from 2024-09, 150 from 2025-08 (contraction in the period);
#      Ana's until 2025-08 by owners.csv, so in Ana's book for 2025-Q3
#   C  Bo          50 from 2024-09 to 2025-04 (churned in 2025-05)
#   D  Bo          80 from 2025-08 (new in the period)
#   E  Bo          30 throughout (renews later)
ACCOUNTS = [("A", "Ana", "2025-10-15"), ("B", "Bo", "2025-12-30"), ("C", "Bo", "2025-10-20"),
            ("D", "Bo", "2026-02-10"), ("E", "Bo", "2026-06-01")]
OWNERS = [["A", "Ana", "2024-09"], ["B", "Ana", "2024-09"], ["B", "Bo", "2025-08"], ["D", "Bo", "2025-08"]]


def book_rows() -> list[list]:
    rows = []
    for m in months("2024-09", "2025-09"):
        rows.append(["A", "Core", m, 120 if m == "2025-09" else 100])
        rows.append(["B", "Core", m, 150 if m >= "2025-08" else 200])
        if m <= "2025-04":
            rows.append(["C", "Core", m, 50])
        if m >= "2025-08":
            rows.append(["D", "Core", m, 80])
        rows.append(["E", "Core", m, 30])
    return rows


def load_hand_book(folder, owners: bool, owner_rows=OWNERS):
    accounts = write_csv(folder / "accounts.csv", ["account_id", "name", "segment", "csm_owner", "renewal_date"],
                         [[a, f"Account {a}", "SMB", o, r] for a, o, r in ACCOUNTS])
    mrr = write_csv(folder / "mrr.csv", ["account_id", "product", "month", "mrr"], book_rows())
    owners_csv = write_csv(folder / "owners.csv", ["account_id", "csm_owner", "from_month"], owner_rows)
    path = folder / ("with_history.duckdb" if owners else "current.duckdb")
    load_book(path, accounts=accounts, mrr=mrr, owners=owners_csv if owners else None)
    return path


@pytest.fixture
def hand(tmp_path):
    opened = []

    def open_book(owners: bool):
        con = db.connect_read_only(load_hand_book(tmp_path, owners))
        opened.append(con)
        return con

    yield open_book
    for con in opened:
        con.close()


# --- targets -------------------------------------------------------------

def test_targets_are_append_only_and_the_latest_entry_is_in_force_after_reopening(store_at):
    store = TargetStore(store_at("targets.sqlite"))
    store.record([Target("company", "", "2026-Q3", "nrr", 1.10), Target("segment", "SMB", "2026", "grr", 0.9)],
                 "ana@example.com", now=T0)
    store.record(Target("company", None, "2026-q3", "NRR", "1.12"), "bo@example.com", now=T0 + dt.timedelta(days=1))
    refused_as_append_only(store.path, "UPDATE targets SET target = 2")
    refused_as_append_only(store.path, "DELETE FROM targets")
    reopened = TargetStore(store_at("targets.sqlite")).in_force()
    assert reopened[["scope", "scope_value", "period", "metric", "target", "recorded_by", "entries"]].values.tolist() \
        == [["segment", "SMB", "2026", "grr", 0.9, "ana@example.com", 1],
            ["company", "", "2026-Q3", "nrr", 1.12, "bo@example.com", 2]]
    assert reopened.recorded_at.tolist() == ["2026-11-02T09:30:00+00:00", "2026-11-03T09:30:00+00:00"]
    assert len(TargetStore(store_at("targets.sqlite")).history()) == 3


@pytest.mark.parametrize("target, message", [
    (Target("team", "x", "2026", "nrr", 1.0), "scope 'team' is not one of company, segment, csm_owner"),
    (Target("segment", " ", "2026", "nrr", 1.0), "scope_value is blank: a segment target names its segment"),
    (Target("company", "SMB", "2026", "nrr", 1.0), "scope_value must be blank for a company target"),
    (Target("company", "", "2026-Q5", "nrr", 1.0), "period '2026-Q5' is not a quarter like 2026-Q1 or a year like 2026"),
    (Target("company", "", "2026", "arr", 1.0), "metric 'arr' is not one of nrr, grr, logo_retention"),
    (Target("company", "", "2026", "nrr", "abc"), "target 'abc' is not a number (a fraction: 1.05 for 105%)"),
    (Target("company", "", "2026", "nrr", 105), "target 105 is above 3; give a fraction: 1.05 for 105%"),
    (Target("company", "", "2026", "grr", 1.2), "target 1.2 is above 1; grr cannot pass 100%"),
    (Target("company", "", "2026", "nrr", 0), "target '0' must be a number above 0"),
])
def test_a_bad_target_is_refused_with_its_problem_and_nothing_is_written(store_at, target, message):
    store = TargetStore(store_at("t.sqlite"))
    with pytest.raises(NrrError) as err:
        store.record([Target("company", "", "2026", "nrr", 1.1), target], "ana")
    assert message in str(err.value)
    assert store.in_force().empty


HEADER = "scope,scope_value,period,metric,target\n"


@pytest.mark.parametrize("body, line, problem", [
    ("company,,2026-Q3,nrr,1.1\nsegment,,2026,nrr,1.0\n", 3, "scope_value is blank: a segment target names its segment"),
    ("company,,2026-Q3,nrr,1.1\ncompany,,2026-Q3,nrr,1.2\n", 3,
     "the same scope, scope_value, period and metric appear on an earlier line"),
    ("company,,2026-Q3,nrr,\n", 2, "target is blank (a fraction: 1.05 for 105%)"),
    ("company,,2026-Q3,nrr,110\n", 2, "target 110 is above 3; give a fraction: 1.05 for 105%"),
    ('csm_owner,"Ana\nMaria",2026,grr,0.9\ncsm_owner,Bo,H1,nrr,1\n', 4,
     "period 'H1' is not a quarter like 2026-Q1 or a year like 2026"),
])
def test_a_bad_targets_csv_row_names_the_file_the_line_and_the_problem(tmp_path, body, line, problem):
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    store = TargetStore(tmp_path / "t.sqlite")
    with pytest.raises(InputError) as err:
        steering.load_targets_csv(path, store, "ana")
    assert (err.value.file, err.value.line, err.value.problem) == ("targets.csv", line, problem)
    assert not store.path.exists() or store.in_force().empty


def test_a_targets_csv_missing_a_column_is_refused_on_its_header(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("scope,period,metric\ncompany,2026,nrr\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"targets.csv: line 1: missing required column\(s\): target"):
        steering.load_targets_csv(path, TargetStore(tmp_path / "t.sqlite"), "ana")


def test_who_may_set_targets_follows_the_editors_list_and_open_mode():
    assert steering.may_edit("Ana@Example.com", ("ana@example.com",), False)
    assert not steering.may_edit("bo@example.com", ("ana@example.com",), True)
    assert not steering.may_edit(None, ("ana@example.com",), False)
    assert steering.may_edit(None, (), True)


def test_a_target_applies_to_the_company_one_segment_or_one_owner_quarter_first_then_year():
    assert steering.scope_of(Filters()) == ("company", "")
    assert steering.scope_of(Filters.of(segment="SMB")) == ("segment", "SMB")
    assert steering.scope_of(Filters.of(csm_owner="Ana")) == ("csm_owner", "Ana")
    assert steering.scope_of(Filters.of(segment=["SMB", "Enterprise"])) is None
    assert steering.scope_of(Filters.of(segment="SMB", region="NA")) is None
    in_force = pd.DataFrame({"scope": ["company", "company"], "scope_value": ["", ""], "period": ["2026", "2026-Q4"],
                             "metric": ["nrr", "nrr"], "target": [1.05, 1.10], "recorded_by": ["a", "a"],
                             "recorded_at": ["t", "t"]})
    series = steering.target_series(in_force, "company", "", "nrr", ["2025-12", "2026-09", "2026-10"])
    assert series.values.tolist() == [["2026-09", 1.05, "2026"], ["2026-10", 1.10, "2026-Q4"]]


# --- scorecards ------------------------------------------------------------

def test_with_owner_history_a_reassigned_account_stays_in_its_old_owners_book_for_the_period(hand, tmp_path):
    con = hand(owners=True)
    targets = TargetStore(tmp_path / "t.sqlite")
    targets.record([Target("csm_owner", "Ana", "2025-Q3", "nrr", 1.0), Target("csm_owner", "Bo", "2025", "nrr", 0.8),
                    Target("csm_owner", "Ana", "2025", "nrr", 2.0)], "ops")
    cards = steering.scorecard(con, "2025-Q3", targets=targets)
    assert cards.book_rule == "history" and cards.complete and cards.measured_month == "2025-09"
    ana, bo = cards.owner("Ana"), cards.owner("Bo")
    assert list(cards.table.csm_owner) == ["Ana", "Bo"]
    assert (ana["nrr"], ana["grr"], ana["logo_retention"]) == pytest.approx((270 / 300, 250 / 300, 1.0))
    assert (ana["nrr_target"], ana["nrr_attainment"]) == pytest.approx((1.0, 0.9))  # the quarter's target wins
    assert (ana["accounts"], ana["arr"], ana["base_arr"]) == (2, 270 * 12, 300 * 12)
    assert (ana["starting_arr"], ana["expansion_arr"], ana["contraction_arr"], ana["ending_arr"]) == \
        (3600, 240, -600, 3240)
    # Bo: C (churned; base 50) and E (30 throughout); D is new in the period (not in the base).
    assert (bo["nrr"], bo["grr"], bo["logo_retention"]) == pytest.approx((30 / 80, 30 / 80, 0.5))
    assert (bo["nrr_target"], bo["nrr_attainment"]) == pytest.approx((0.8, 30 / 80 / 0.8))  # the year's target
    assert (bo["new_arr"], bo["churn_arr"], bo["accounts"]) == (960, 0, 2)
    moved = cards.accounts.set_index("account_id").loc["B"]
    assert (moved.csm_owner, moved.current_owner) == ("Ana", "Bo")


def test_without_owner_history_every_account_counts_in_its_current_owners_book(hand):
    con = hand(owners=False)
    cards = steering.scorecard(con, "2025-Q3")
    assert cards.book_rule == "current"
    ana, bo = cards.owner("Ana"), cards.owner("Bo")
    assert ana["nrr"] == pytest.approx(1.2)
    assert pd.isna(ana["nrr_target"]) and pd.isna(ana["nrr_attainment"])
    assert (bo["nrr"], bo["grr"], bo["logo_retention"]) == pytest.approx((180 / 280, 180 / 280, 2 / 3))
    for owner in ("Ana", "Bo"):
        trend = metrics.nrr_trend(con, Filters.of(csm_owner=owner)).set_index("month").loc["2025-09"]
        row = cards.owner(owner)
        assert (row["nrr"], row["grr"], row["logo_retention"]) == pytest.approx(
            (trend.nrr, trend.grr, trend.logo_retention))


def test_the_owner_filter_selects_the_frozen_book_and_other_filters_select_accounts(hand):
    con = hand(owners=True)
    ana = steering.scorecard(con, "2025-Q3", Filters.of(csm_owner="Ana"))
    assert list(ana.table.csm_owner) == ["Ana"] and sorted(ana.accounts.account_id) == ["A", "B"]
    assert steering.scorecard(con, "2025-Q3", Filters.of(segment="SMB")).table.csm_owner.tolist() == ["Ana", "Bo"]


def test_a_running_period_is_measured_at_the_as_of_month_and_a_period_outside_the_data_is_refused(hand):
    con = hand(owners=True)
    cards = steering.scorecard(con, "2025")
    assert (cards.complete, cards.measured_month) == (False, "2025-09")
    assert "2025 to date (Sep 2025" in steering.describe_measure(cards)
    with pytest.raises(NrrError, match="starts after the data ends"):
        steering.scorecard(con, "2025-Q4")


def test_at_risk_arr_and_the_share_reviewed_in_the_period_come_from_the_board_and_the_decisions(hand, tmp_path):
    con = hand(owners=True)
    store = DecisionStore(tmp_path / "decisions.sqlite")
    accounts = steering.book_accounts(con, "2025-Q3")
    p, end, complete = steering.measured(con, "2025-Q3")
    at_risk = pd.DataFrame({"account_id": ["A", "B", "E"]})
    store.record(Decision("A", "watch", "Ana"), now=dt.datetime(2025, 8, 3, tzinfo=dt.timezone.utc))
    store.record(Decision("B", "watch", "Ana"), now=dt.datetime(2025, 10, 1, tzinfo=dt.timezone.utc))
    cards = steering.assemble(accounts, p, end, complete, "history", at_risk=at_risk, decisions=store.every())
    ana, bo = cards.owner("Ana"), cards.owner("Bo")
    assert (ana["at_risk_accounts"], ana["at_risk_arr"]) == (2, 270 * 12)
    assert ana["at_risk_reviewed_share"] == pytest.approx(120 / 270)  # B's decision came after the period
    assert (bo["at_risk_arr"], bo["at_risk_reviewed_share"]) == (360, 0.0)


def test_the_forecast_columns_appear_only_when_a_forecast_is_supplied(hand):
    con = hand(owners=True)
    p, end, complete = steering.measured(con, "2025-Q3")
    accounts = steering.book_accounts(con, "2025-Q3")
    without = steering.assemble(accounts, p, end, complete, "history")
    assert "forecast_nrr" not in without.table and "forecast_nrr" not in without.export_frame()
    expected = pd.DataFrame({"account_id": ["A", "B", "C", "D", "E"], "expected_mrr": [110, 160, 0, 90, 30]})
    cards = steering.assemble(accounts, p, end, complete, "history", expected=expected)
    assert cards.owner("Ana")["forecast_nrr"] == pytest.approx(270 / 300)
    assert cards.owner("Bo")["forecast_nrr"] == pytest.approx(30 / 80)
    assert cards.owner("Bo")["forecast_arr"] == (90 + 30) * 12
    assert list(cards.export_frame().columns[-2:]) == ["forecast_nrr", "forecast_arr"]


def test_the_comp_export_has_one_row_per_owner_definitions_first_and_no_formula(tmp_path):
    folder = tmp_path
    write_csv(folder / "accounts.csv", ["account_id", "name", "segment", "csm_owner"],
              [["A", "Acme", "=1+1", "=HYPERLINK(\"x\")"], ["B", "Beta", "SMB", "Bo"]])
    write_csv(folder / "mrr.csv", ["account_id", "product", "month", "mrr"],
              [[a, "Core", m, 10] for a in "AB" for m in months("2024-01", "2025-03")])
    load_book(folder / "b.duckdb", accounts=folder / "accounts.csv", mrr=folder / "mrr.csv")
    con = db.connect_read_only(folder / "b.duckdb")
    try:
        text = steering.scorecard(con, "2025-Q1", Filters.of(segment=["=1+1", "SMB"])).to_csv(
            Filters.of(segment=["=1+1", "SMB"]))
    finally:
        con.close()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments[0] == "# CSM scorecards, period 2025-Q1, measured at 2025-03"
    assert comments[1] == "# Accounts: =1+1 or SMB"  # inside the comment's own first cell: text
    assert any(line.startswith("# nrr: sum of the base accounts' MRR") for line in comments)
    rows = list(csv.DictReader(io.StringIO("\n".join(l for l in text.splitlines() if not l.startswith("#")))))
    assert [r["csm_owner"] for r in rows] == ["'=HYPERLINK(\"x\")", "Bo"]
    assert {r["period"] for r in rows} == {"2025-Q1"} and {r["nrr"] for r in rows} == {"1.0"}
    assert list(rows[0]) == steering.EXPORT_COLUMNS


def test_a_bad_owners_csv_row_is_refused_with_its_file_and_line(tmp_path):
    with pytest.raises(InputError) as err:
        load_hand_book(tmp_path, True, OWNERS + [["Z", "Cy", "2025-01"]])
    assert str(err.value) == "owners.csv: line 6: account_id 'Z' is not in the accounts file"
    with pytest.raises(InputError) as err:
        load_hand_book(tmp_path, True, [["A", "Ana", "2024-13"]])
    assert str(err.value) == "owners.csv: line 2: from_month '2024-13' is not a month like 2024-07 (or 2024-07-01)"
    with pytest.raises(InputError, match="owners.csv: line 3: account 'A' has more than one owner from 2024-09"):
        load_hand_book(tmp_path, True, [["A", "Ana", "2024-09"], ["A", "Bo", "2024-09-01"]])


# --- renewal calendar ------------------------------------------------------

def test_the_renewal_calendar_buckets_renewals_by_month_and_quarter_and_highlights_90_and_180_days(hand):
    con = hand(owners=False)
    rows = steering.renewal_accounts(con, Filters(), "2025-09")
    # C churned (no revenue at the as-of month): not a renewal to steer. Today is 2025-10-01.
    assert rows[["account_id", "days_to_renewal", "window", "renewal_month", "renewal_quarter"]].values.tolist() == [
        ["A", 14, "next 90 days", "2025-10", "2025-Q4"], ["B", 90, "next 90 days", "2025-12", "2025-Q4"],
        ["D", 132, "next 180 days", "2026-02", "2026-Q1"], ["E", 243, "later", "2026-06", "2026-Q2"]]
    latest = pd.DataFrame({"account_id": ["B"], "status": ["watch"], "recorded_at": ["2025-09-20T10:00:00+00:00"]})
    cal = steering.assemble_calendar(rows, "2025-09", at_risk=pd.DataFrame({"account_id": ["B"], "risk_score": [60]}),
                                     expansion=pd.DataFrame({"account_id": ["D"]}), latest=latest)
    assert cal.by_month[["bucket", "accounts", "arr", "at_risk_arr", "next_90_arr", "next_180_arr", "window"]] \
        .values.tolist() == [["2025-10", 1, 1440.0, 0.0, 1440.0, 1440.0, "next 90 days"],
                             ["2025-12", 1, 1800.0, 1800.0, 1800.0, 1800.0, "next 90 days"],
                             ["2026-02", 1, 960.0, 0.0, 0.0, 960.0, "next 180 days"],
                             ["2026-06", 1, 360.0, 0.0, 0.0, 0.0, "later"]]
    assert cal.by_quarter[["bucket", "accounts", "arr", "at_risk_accounts"]].values.tolist() == [
        ["2025-Q4", 2, 3240.0, 1], ["2026-Q1", 1, 960.0, 0], ["2026-Q2", 1, 360.0, 0]]
    by_id = cal.accounts.set_index("account_id")
    assert by_id.risk_band.to_dict() == {"A": "Not on the board", "B": "At risk", "D": "Expansion candidate",
                                         "E": "Not on the board"}
    assert by_id.loc["B", "decision_status"] == "watch" and by_id.loc["B", "risk_score"] == 60
    assert list(cal.month_accounts("2025-Q4").account_id) == ["B", "A"]
    assert not cal.has_forecast_call and "forecast_call" not in cal.accounts
    assert not cal.has_expected and "expected_arr" not in cal.by_month


def test_the_calendar_carries_the_forecast_call_and_the_expected_outcome_when_they_exist(hand):
    con = hand(owners=False)
    rows = steering.renewal_accounts(con, Filters(), "2025-09")
    latest = pd.DataFrame({"account_id": ["A"], "status": ["healthy"], "recorded_at": ["t"],
                           "forecast_call": ["commit"]})
    expected = pd.DataFrame({"account_id": ["A", "B", "D", "E"], "expected_mrr": [130, 100, 80, 30]})
    cal = steering.assemble_calendar(rows, "2025-09", latest=latest, expected=expected)
    by_id = cal.accounts.set_index("account_id")
    assert cal.has_forecast_call and by_id.loc["A", "forecast_call"] == "commit"
    assert (by_id.loc["A", "expected_arr"], by_id.loc["A", "expected_change"]) == (1560, 120)
    assert cal.by_quarter.set_index("bucket").loc["2025-Q4", "expected_change"] == (130 + 100 - 120 - 150) * 12


# --- command line ----------------------------------------------------------

def test_targets_load_and_report_targets_print_the_targets_in_force(tmp_path, capsys):
    book = load_hand_book(tmp_path, True)
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + "csm_owner,Ana,2025-Q3,nrr,1.0\ncompany,,2025,grr,0.95\n", encoding="utf-8")
    assert main(["targets", "load", "--db", str(book), "--file", str(path), "--by", "ops@example.com"]) == 0
    assert capsys.readouterr().err == f"recorded 2 target(s) from targets.csv in {tmp_path / 'targets.sqlite'}\n"
    assert main(["report", "targets", "--db", str(book)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "scope,scope_value,period,metric,target,recorded_by,recorded_at,source"
    assert [line.rsplit(",", 2)[0] for line in out[1:]] == ["company,,2025,grr,0.95,ops@example.com",
                                                            "csm_owner,Ana,2025-Q3,nrr,1,ops@example.com"]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "company,,2025,nrr,abc\n", encoding="utf-8")
    assert main(["targets", "load", "--db", str(book), "--file", str(bad)]) == 2
    assert capsys.readouterr().err == "error: bad.csv: line 2: target 'abc' is not a number (a fraction: 1.05 for 105%)\n"


def test_report_scorecard_prints_the_comp_file_for_a_period_and_owner(tmp_path, capsys):
    book = load_hand_book(tmp_path, True)
    TargetStore(tmp_path / "targets.sqlite").record(Target("csm_owner", "Ana", "2025-Q3", "nrr", 1.0), "ops")
    assert main(["report", "scorecard", "--db", str(book), "--period", "2025-Q3", "--csm-owner", "Ana"]) == 0
    text = capsys.readouterr().out
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert list(frame.columns) == steering.EXPORT_COLUMNS
    row = frame.iloc[0]
    assert (row.csm_owner, row.accounts, row.nrr, row.nrr_target, row.nrr_attainment) == ("Ana", 2, 0.9, 1.0, 0.9)
    assert "# Book rule: Books frozen at the period's first month" in text
    assert main(["report", "scorecard", "--db", str(book), "--period", "2025-H1"]) == 2
    assert "error: period '2025-H1' is not a quarter" in capsys.readouterr().err
