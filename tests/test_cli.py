"""The command line, run as a user runs it: ``python -m nrr_core ...`` in a subprocess.

Checks the report formats of docs/data-contract.md against the mrr_playbook
fixture, the filters, the output conventions, and that every error is one
``error:`` line on stderr with a non-zero exit and nothing on stdout.
"""
from __future__ import annotations

import csv
import functools
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from .conftest import FIXTURE

REPO = Path(__file__).resolve().parent.parent

HEADERS = {
    "movements": "month,starting_mrr,new,expansion,cross_sell,contraction,churn,reactivation,ending_mrr",
    "retention": "month,nrr,grr,logo_retention",
    "waterfall": "step,mrr",
    "cohorts": "cohort,months_since_start,eligible_accounts,accounts_active,starting_mrr,mrr,"
               "revenue_retention,logo_retention",
}
STEPS = ["starting_mrr", "new", "expansion", "cross_sell", "contraction", "churn", "reactivation", "ending_mrr"]
MOVEMENTS = STEPS[1:-1]
SEGMENTS = ["Enterprise", "Mid-Market", "SMB"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nrr_core", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def _load_fixture(db: Path, *extra: str) -> subprocess.CompletedProcess:
    return cli("load", "--db", db, "--subscriptions", FIXTURE / "subscription_periods.csv",
               "--customers", FIXTURE / "customers.csv", *extra)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "fixture.duckdb"
    done = _load_fixture(db, "--quiet")
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def report(book):
    """report(kind, *args) -> (header line, DataFrame of text cells), cached per module."""

    @functools.cache
    def run(kind: str, *args: str):
        done = cli("report", kind, "--db", book, *args)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        header = done.stdout.split("\n", 1)[0]
        frame = pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)
        return header, frame, done.stdout

    return run


def _num(frame: pd.DataFrame, col: str) -> list[float]:
    return [float(v) for v in frame[col]]


# --------------------------------------------------------------------------- headers and known rows

@pytest.mark.parametrize("kind, args", [
    ("movements", ()), ("retention", ()), ("waterfall", ("--from", "2024-01", "--to", "2024-12")), ("cohorts", ()),
])
def test_each_report_prints_the_contract_header(report, kind, args):
    header, frame, _ = report(kind, *args)
    assert header == HEADERS[kind]
    assert len(frame) > 0


def test_movements_has_one_row_per_month_and_the_known_march_2023_row(report):
    _, frame, _ = report("movements")
    assert frame.month.tolist() == [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    row = frame.set_index("month").loc["2023-03"]
    assert float(row.starting_mrr) == 4494.5
    assert float(row.churn) == -300
    assert float(row.ending_mrr) == 4194.5
    assert [float(row[c]) for c in ("new", "expansion", "cross_sell", "contraction", "reactivation")] == [0] * 5
    expected = pd.read_csv(FIXTURE / "expected_monthly_movements.csv")
    expected = expected[expected.segment == "ALL"]
    assert _num(frame, "ending_mrr") == pytest.approx(expected.ending_mrr.tolist(), abs=1e-9)


def test_movements_rows_satisfy_the_bridge_identity(report):
    _, frame, _ = report("movements")
    for row in frame.itertuples():
        total = float(row.starting_mrr) + sum(float(getattr(row, c)) for c in MOVEMENTS)
        assert total == pytest.approx(float(row.ending_mrr), abs=1e-6), row.month
        assert float(row.contraction) <= 0 and float(row.churn) <= 0


def test_retention_for_2024_12_equals_the_expected_12_month_figures(report):
    _, frame, _ = report("retention")
    expected = pd.read_csv(FIXTURE / "expected_retention.csv")
    want = expected[(expected.segment == "ALL") & (expected.horizon_months == 12)
                    & (expected.month == "2024-12-01")].iloc[0]
    got = frame.set_index("month").loc["2024-12"]
    for col in ("nrr", "grr", "logo_retention"):
        assert math.isclose(float(got[col]), float(want[col]), abs_tol=1e-9), col
    # rows only where a month twelve months earlier exists: from 2024-01
    assert frame.month.iloc[0] == "2024-01" and frame.month.iloc[-1] == "2024-12"


def test_waterfall_lists_the_steps_in_order_and_adds_up(report):
    _, frame, _ = report("waterfall", "--from", "2024-01", "--to", "2024-12")
    assert frame.step.tolist() == STEPS
    values = dict(zip(frame.step, map(float, frame.mrr)))
    assert values["starting_mrr"] + sum(values[m] for m in MOVEMENTS) == pytest.approx(values["ending_mrr"], abs=1e-9)
    _, moves, _ = report("movements")
    by_month = moves.set_index("month")
    assert values["starting_mrr"] == pytest.approx(float(by_month.loc["2024-01", "starting_mrr"]), abs=1e-9)
    assert values["ending_mrr"] == pytest.approx(float(by_month.loc["2024-12", "ending_mrr"]), abs=1e-9)


def test_cohorts_default_to_quarters_starting_with_2023_q1_at_month_zero(report):
    _, frame, _ = report("cohorts")
    first = frame.iloc[0]
    assert (first.cohort, first.months_since_start) == ("2023-Q1", "0")
    assert all(re.fullmatch(r"\d{4}-Q[1-4]", c) for c in frame.cohort)
    q1 = frame[frame.cohort == "2023-Q1"]
    assert q1.months_since_start.tolist()[:3] == ["0", "1", "2"]
    assert float(q1.iloc[0].revenue_retention) == 1.0 and float(q1.iloc[0].logo_retention) == 1.0


def test_cohorts_by_month_match_the_expected_first_cohort(report):
    _, frame, _ = report("cohorts", "--by", "month")
    expected = pd.read_csv(FIXTURE / "expected_cohort_retention.csv")
    want = expected[(expected.segment == "ALL") & (expected.cohort_month == "2023-01-01")]
    got = frame[frame.cohort == "2023-01"]
    assert got.months_since_start.astype(int).tolist() == want.months_since_cohort.tolist()
    assert _num(got, "revenue_retention") == pytest.approx(want.revenue_retention.tolist(), abs=1e-9)


# --------------------------------------------------------------------------- filters

def test_a_segment_filter_changes_the_figures_to_the_segments_own(report):
    _, everyone, _ = report("movements")
    _, smb, _ = report("movements", "--segment", "SMB")
    assert smb.month.tolist() == everyone.month.tolist()
    assert _num(smb, "ending_mrr") != _num(everyone, "ending_mrr")
    expected = pd.read_csv(FIXTURE / "expected_monthly_movements.csv")
    expected = expected[expected.segment == "SMB"]
    assert _num(smb, "ending_mrr") == pytest.approx(expected.ending_mrr.tolist(), abs=1e-9)


def test_two_segment_values_select_either_segment(report):
    _, both, _ = report("movements", "--segment", "SMB", "--segment", "Enterprise")
    _, smb, _ = report("movements", "--segment", "SMB")
    _, ent, _ = report("movements", "--segment", "Enterprise")
    for col in HEADERS["movements"].split(",")[1:]:
        assert _num(both, col) == pytest.approx([a + b for a, b in zip(_num(smb, col), _num(ent, col))],
                                                abs=1e-9), col


def test_movements_summed_over_all_segments_equal_the_unfiltered_movements(report):
    _, everyone, _ = report("movements")
    parts = [report("movements", "--segment", s)[1] for s in SEGMENTS]
    for part in parts:
        assert part.month.tolist() == everyone.month.tolist()
    for col in HEADERS["movements"].split(",")[1:]:
        total = [sum(values) for values in zip(*(_num(p, col) for p in parts))]
        assert total == pytest.approx(_num(everyone, col), abs=1e-9), col


# --------------------------------------------------------------------------- output conventions

NUMBER = re.compile(r"-?\d+(\.\d+)?")


@pytest.mark.parametrize("kind, args", [
    ("movements", ()), ("retention", ()), ("waterfall", ("--from", "2023-01", "--to", "2024-12")),
    ("cohorts", ()), ("cohorts", ("--by", "segment")), ("movements", ("--segment", "Mid-Market")),
])
def test_reports_print_plain_decimal_csv_with_yyyy_mm_months(report, kind, args):
    header, frame, text = report(kind, *args)
    assert "%" not in text
    assert not re.search(r"[$€£¥₹]", text)
    assert "\r" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(r) == len(rows[0]) for r in rows)
    label_cols = {"month", "step", "cohort"}
    for col in frame.columns:
        if col in label_cols:
            continue
        for cell in frame[col]:
            assert NUMBER.fullmatch(cell), f"{kind} {col}: {cell!r} is not a plain decimal number"
    if "month" in frame.columns:
        assert all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in frame.month)


def test_ratios_are_fractions_not_percentages(report):
    _, retention, _ = report("retention")
    for col in ("nrr", "grr", "logo_retention"):
        values = _num(retention, col)
        assert all(0 <= v < 3 for v in values), col
    assert all(v <= 1 for v in _num(retention, "grr"))
    _, cohorts, _ = report("cohorts")
    assert all(0 <= v <= 1 for v in _num(cohorts, "logo_retention"))


# --------------------------------------------------------------------------- errors

def _assert_one_line_error(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error:"), lines[0]
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


def test_an_unknown_database_path_is_one_error_line(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    _assert_one_line_error(cli("report", "movements", "--db", missing), str(missing))
    assert not missing.exists()


def test_a_file_that_is_not_a_database_is_one_error_line(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("this is not a database\n")
    _assert_one_line_error(cli("report", "movements", "--db", junk))


@pytest.mark.parametrize("args, words", [
    pytest.param(("report", "movements", "--segment", "Nonexistent"), ("segment", "Nonexistent"), id="unknown-segment"),
    pytest.param(("report", "retention", "--segment", "SMB", "--segment", "Galactic"), ("Galactic",),
                 id="one-unknown-of-two-segments"),
    pytest.param(("report", "waterfall", "--from", "2024-13", "--to", "2024-12"), ("2024-13",), id="bad-month"),
    pytest.param(("report", "waterfall", "--from", "Jan 2024", "--to", "2024-12"), ("Jan 2024",),
                 id="month-name"),
    pytest.param(("report", "waterfall", "--from", "2024-06", "--to", "2024-01"), ("after",), id="from-after-to"),
    pytest.param(("report", "waterfall", "--from", "2020-01", "--to", "2020-06"), ("outside",),
                 id="window-outside-the-data"),
    pytest.param(("report", "waterfall", "--from", "2024-06", "--to", "2025-06"), ("outside",),
                 id="window-past-the-as-of-month"),
    pytest.param(("report", "cohorts", "--by", "planet"), ("planet",), id="unknown-cohort-grouping"),
    pytest.param(("report", "waterfall", "--from", "2024-01"), ("--to",), id="missing-required-option"),
    pytest.param(("report", "movements", "--bogus"), ("--bogus",), id="unknown-option"),
])
def test_a_bad_report_request_is_one_error_line(book, args, words):
    _assert_one_line_error(cli(*args[:2], "--db", book, *args[2:]), *words)


@pytest.mark.parametrize("args", [("frobnicate",), ("report", "sideways"), ()], ids=["command", "report", "none"])
def test_an_unknown_or_missing_subcommand_is_one_error_line(args):
    _assert_one_line_error(cli(*args))


@pytest.mark.parametrize("args", [("--bogus",), ("report", "sideways"), ("report", "waterfall", "--from", "2024-01")],
                         ids=["top-level", "report", "report-waterfall"])
def test_the_help_command_an_error_points_to_works(book, args):
    line = _assert_one_line_error(cli(*args, "--db", book) if "waterfall" in args else cli(*args))
    hint = re.search(r"`python -m nrr_core ([^`]*)`", line)
    assert hint, line
    done = cli(*hint.group(1).split())
    assert done.returncode == 0 and "usage" in done.stdout.lower(), f"{line!r} suggests a failing command"


@pytest.mark.parametrize("quiet", [pytest.param(("--quiet",), id="quiet"), pytest.param((), id="with-progress")])
def test_load_with_a_bad_file_names_the_file_and_line_and_keeps_the_database(book, tmp_path, quiet):
    before = book.read_bytes()
    bad = tmp_path / "periods.csv"
    bad.write_text("customer_id,start_date,end_date,monthly_amount\n1,2023-01-01,,100\n2,2023-13-01,,5\n",
                   encoding="utf-8")
    done = cli("load", "--db", book, "--subscriptions", bad, "--customers", FIXTURE / "customers.csv", *quiet)
    line = _assert_one_line_error(done, "periods.csv", "line 3", "start_date")
    assert "2023-13-01" in line
    assert book.read_bytes() == before
    assert not list(book.parent.glob("*.tmp-*"))


def test_load_with_an_unknown_account_names_the_file_and_line(tmp_path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name,segment\nA1,Alpha,SMB\n", encoding="utf-8")
    mrr = tmp_path / "mrr.csv"
    mrr.write_text("account_id,product,month,mrr\nA1,Core,2024-01,10\n\nB9,Core,2024-01,5\n", encoding="utf-8")
    done = cli("load", "--db", tmp_path / "x.duckdb", "--accounts", accounts, "--mrr", mrr, "--quiet")
    _assert_one_line_error(done, "mrr.csv", "line 4", "B9")
    assert not (tmp_path / "x.duckdb").exists()


# --------------------------------------------------------------------------- load output

def test_load_without_a_terminal_prints_only_its_summary_line(tmp_path):
    db = tmp_path / "plain.duckdb"
    done = _load_fixture(db)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wrote {db}: 14 accounts")


def test_load_with_progress_prints_each_step_to_stderr_and_exits_0(tmp_path):
    db = tmp_path / "loud.duckdb"
    done = _load_fixture(db, "--progress")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) >= 2
    assert any("subscription_periods.csv" in line for line in lines)
    assert str(db) in lines[-1]
    assert not any(line.startswith("error:") for line in lines)
    assert db.is_file()


def test_load_quiet_prints_nothing(tmp_path):
    db = tmp_path / "quiet.duckdb"
    done = _load_fixture(db, "--quiet")
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    assert db.is_file()
    again = cli("report", "movements", "--db", db)
    assert again.returncode == 0 and again.stdout.startswith(HEADERS["movements"] + "\n")


# --------------------------------------------------------------------------- invoice lines

LINES_HEADER = "customer_id,product,type,service_period_start,service_period_end,amount,currency\n"


def _invoice_files(tmp_path: Path) -> dict[str, Path]:
    """Two invoice-lines files, an fx file, a CRM export and its mapping."""
    texts = {
        "jan.csv": LINES_HEADER + "C1,Core,subscription,2024-01-01,2025-01-01,1200,EUR\n"
                                  "C2,Core,subscription,2024-01-01,2024-02-01,50,\n",
        "feb.csv": LINES_HEADER + "C2,Core,subscription,2024-02-01,2024-03-01,80,\nC2,Core,tax,2024-02-01,2024-03-01,16,\n",
        "fx.csv": "currency,rate\nEUR,1.1\n",
        "crm.csv": "Company ID,Company,Tier\nC1,Alpha,Enterprise\n",
        "mapping.toml": '[accounts]\naccount_id = "Company ID"\nname = "Company"\nsegment = "Tier"\n',
    }
    out = {}
    for name, text in texts.items():
        out[name.split(".")[0]] = tmp_path / name
        out[name.split(".")[0]].write_text(text, encoding="utf-8")
    out["map"] = out.pop("mapping")
    return out


def test_load_invoice_lines_from_two_files_with_fx_and_a_mapped_crm_export(tmp_path):
    f = _invoice_files(tmp_path)
    db = tmp_path / "inv.duckdb"
    done = cli("load", "--db", db, "--invoice-lines", f["jan"], "--invoice-lines", f["feb"], "--fx", f["fx"],
               "--accounts", f["crm"], "--map", f["map"], "--as-of", "2024-03")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"wrote {db}: 2 accounts (1 added from revenue, with no accounts row),")
    assert "2024-01 to 2024-03" in lines[0]
    moves = cli("report", "movements", "--db", db)
    frame = pd.read_csv(io.StringIO(moves.stdout), dtype=str)
    # C1: 1200 EUR x 1.1 / 12 = 110 a month; C2: 50 in January, 80 in February (tax adds nothing), gone in March.
    assert frame.ending_mrr.tolist() == ["160", "190", "110"]
    enterprise = cli("report", "movements", "--db", db, "--segment", "Enterprise")
    assert pd.read_csv(io.StringIO(enterprise.stdout), dtype=str).ending_mrr.tolist() == ["110", "110", "110"]


def test_load_invoice_lines_with_a_currency_lacking_a_rate_is_one_error_line_and_keeps_the_database(book, tmp_path):
    before = book.read_bytes()
    f = _invoice_files(tmp_path)
    f["feb"].write_text(LINES_HEADER + "C2,Core,subscription,2024-02-01,2024-03-01,80,\n"
                                       "C3,Core,subscription,2024-02-01,2024-03-01,80,CHF\n", encoding="utf-8")
    done = cli("load", "--db", book, "--invoice-lines", f["jan"], "--invoice-lines", f["feb"], "--fx", f["fx"])
    _assert_one_line_error(done, "feb.csv: line 3", "currency 'CHF' has no rate in fx.csv")
    assert book.read_bytes() == before
    assert not list(book.parent.glob("*.tmp-*"))


def test_the_csv_writer_formats_every_cell_as_the_one_cell_rule_does():
    """``write_csv`` formats by column; ``_cell`` is the rule per value."""
    from nrr_core import cli

    frame = pd.DataFrame({
        "nrr": [1.0123456789, float("nan"), 0.5],                       # ratio: full precision
        "accounts": [3.0, float("nan"), 12.0],                          # count held as float
        "months": pd.array([1, None, 3], dtype="Int64"),                # count, nullable
        "arr": [1234.5000001, -0.0, float("nan")],                      # amount
        "start_mrr": [7, 0, -3],                                        # amount held as int
        "name": ["=HYPERLINK(1)", None, "Açaí · 🚀"],                    # untrusted text
        "at_risk": [True, False, True],
        "flag": pd.array([True, None, False], dtype="boolean"),
        "month": pd.to_datetime(["2026-01-31", None, "2026-03-01"]),
        "note": pd.Series(["+1", "ok", None], dtype="str"),
        "risk_score": pd.Series([40, 0, -5], dtype="int32"),            # amount held as int32
        "products": pd.Series([2, 1, 3], dtype="int64"),
        "lift": pd.Series([2, 1, 0], dtype="int64"),                    # ratio held as int
        "nps_latest": pd.array([9, None, 3], dtype="Int32"),
        "formula": pd.Series(["@SUM(1)", "-2+3", "\tcmd"], dtype="str"),  # every formula start is neutralised
        "decision_status": pd.Series([None, None, None], dtype=object),   # nothing decided
        "renewal_date": pd.to_datetime(["2027-02-28", "2026-12-01", None]),
    })
    out = io.StringIO()
    cli.write_csv(frame, list(frame.columns), out)
    expected = [list(frame.columns)] + [[cli._cell(c, frame[c].astype(object).iloc[i]) for c in frame.columns]
                                        for i in range(len(frame))]
    assert list(csv.reader(io.StringIO(out.getvalue()))) == expected
    assert expected[1][:6] == ["1.0123456789", "3", "1", "1234.5", "7", "'=HYPERLINK(1)"]
    assert expected[2][:5] == ["", "", "", "0", "0"]
    assert expected[1][-3:] == ["'@SUM(1)", "", "2027-02-28"] and expected[3][-3:] == ["'\tcmd", "", ""]
