"""``report forecast`` and ``report forecast-backtest`` as a user runs them:
the data contract's columns in order, one row per horizon or past month, the
same figures as ``nrr_core.forecast``, and errors as one line."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from nrr_core import Filters, db, forecast

from .test_cli import _load_fixture, cli

FORECAST = "month,horizon,nrr_low,nrr_base,nrr_high"
BACKTEST = "as_of,target_month,nrr_low,nrr_base,nrr_high,actual_nrr,naive_nrr"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_forecast") / "fixture.duckdb"
    done = _load_fixture(path, "--quiet")
    assert done.returncode == 0, done.stderr
    return path


def _csv(done):
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.split("\n", 1)[0], pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)


def test_the_forecast_report_has_the_contract_columns_and_one_row_per_month_ahead(book):
    header, frame = _csv(cli("report", "forecast", "--db", book))
    assert header.startswith(FORECAST + ",")
    assert frame.month.tolist() == [f"2025-{m:02d}" for m in range(1, 13)]
    assert frame.horizon.tolist() == [str(h) for h in range(1, 13)]
    con = db.connect_read_only(book)
    try:
        core = forecast.forecast(con).table
    finally:
        con.close()
    for col in ("nrr_low", "nrr_base", "nrr_high"):
        assert [float(v) for v in frame[col]] == core[col].tolist()  # repr round-trips exactly
    assert not any("%" in v for v in frame.nrr_base)


def test_the_forecast_report_takes_a_horizon_and_filters(book):
    _, frame = _csv(cli("report", "forecast", "--db", book, "--horizon", "3", "--segment", "SMB"))
    assert frame.month.tolist() == ["2025-01", "2025-02", "2025-03"]
    con = db.connect_read_only(book)
    try:
        core = forecast.forecast(con, None, Filters.of(segment="SMB"), 3).table
    finally:
        con.close()
    assert [float(v) for v in frame.nrr_base] == core.nrr_base.tolist()


def test_the_backtest_report_has_the_contract_columns_and_one_row_per_past_month(book):
    header, frame = _csv(cli("report", "forecast-backtest", "--db", book))
    assert header == BACKTEST and frame.empty  # 24 months: no T with T − 12 and T + 12 inside the data
    header, frame = _csv(cli("report", "forecast-backtest", "--db", book, "--horizon", "6"))
    assert header == BACKTEST
    assert frame.as_of.tolist() == [f"2024-{m:02d}" for m in range(1, 7)]
    assert frame.target_month.tolist() == [f"2024-{m:02d}" for m in range(7, 13)]
    _, retention = _csv(cli("report", "retention", "--db", book))
    nrr = dict(zip(retention.month, retention.nrr))
    assert frame.naive_nrr.tolist() == [nrr[m] for m in frame.as_of]


def test_a_horizon_out_of_range_is_one_error_line(book):
    done = cli("report", "forecast", "--db", book, "--horizon", "0")
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.strip() == "error: --horizon 0: use a number of months from 1 to 36"
