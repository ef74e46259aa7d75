"""The steering pages through AppTest: CSM scorecards (all, one owner,
targets), renewals, and the targets on the overview show nrr_core's figures;
the targets editor is there for data owners only."""
from __future__ import annotations

import base64
import json

import numpy as np

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, forecast, formatting, metrics, steering
from nrr_core.cli import write_demo
from nrr_core.review.decisions import DecisionStore
from nrr_core.steering import Target, TargetStore
from ui.view import plain
from tests import app_env

PERIOD = "2026-Q4"   # the quarter of the demo's as-of month (2026-10)
AS_OF = "2026-10"
OWNER = "Aiko Tanaka"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app_steering")
    path = folder / "nrr.duckdb"
    write_demo(path)
    TargetStore(folder / "targets.sqlite").record(
        [Target("csm_owner", OWNER, PERIOD, "nrr", 1.05), Target("company", "", PERIOD, "nrr", 1.10),
         Target("company", "", "2026", "grr", 0.95)], "ops@example.com")
    with app_env.serving(path, decisions=folder / "decisions.sqlite", config=folder / "nrr.toml"):
        yield path


@pytest.fixture
def config(book):
    """Write nrr.toml for one test (settings are cached: cleared around it)."""
    path = book.with_name("nrr.toml")

    def write(text: str) -> None:
        path.write_text(text, encoding="utf-8")
        st.cache_resource.clear()

    yield write
    path.unlink(missing_ok=True)
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def stores(book):
    return DecisionStore(book.with_name("decisions.sqlite")), TargetStore(book.with_name("targets.sqlite"))


def run_page(page: str, title: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == [title]
    return at


def tiles(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def values(array) -> list:
    """A plotly JSON array: a list, or a typed array (dtype + base64 bytes)."""
    if isinstance(array, dict):
        return list(np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]))
    return list(array)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_scorecards_table_lists_every_owner_with_core_figures_and_the_comp_export(con, stores):
    cards = steering.scorecard(con, PERIOD, store=stores[0], targets=stores[1])
    at = run_page("pages/scorecards_page.py", "CSM scorecards")
    shown = at.dataframe[0].value
    assert list(shown.csm_owner) == list(cards.table.csm_owner) and len(shown) == 10
    assert list(shown.nrr) == pytest.approx(list(cards.table.nrr * 100))
    aiko = shown.set_index("csm_owner").loc[OWNER]
    assert (aiko.nrr_target, aiko.nrr_attainment) == pytest.approx((105.0, cards.owner(OWNER)["nrr"] / 1.05 * 100))
    with_forecast = forecast_cards(con, stores)
    assert list(shown.forecast_nrr) == pytest.approx(list(with_forecast.table.forecast_nrr * 100))
    assert "**2026-Q4 to date (Oct 2026)** · books by current owner (no owner history loaded)" in captions(at)
    assert at.get("download_button")[0].proto.label == "Download scorecards for the comp team (CSV)"
    on_target = int(cards.owner(OWNER)["nrr"] >= 1.05)  # only Aiko has an NRR target for the quarter
    assert tiles(at)["CSMs on NRR target"][0] == f"{on_target} of 1"
    assert tiles(at)["At-risk ARR"][0] == formatting.money(cards.table.at_risk_arr.sum())


def forecast_cards(con, stores) -> steering.Scorecards:
    """The scorecards with the app's forecast: the quarter runs to Dec 2026, so
    the forecast made at Oct 2026 (two months ahead) gives its end."""
    made = forecast.forecast(con, "2026-10", Filters(), 2, stores[0])
    expected = forecast.contribution_table(made, forecast.account_names(con, Filters()))
    return steering.scorecard(con, PERIOD, store=stores[0], targets=stores[1],
                              expected=expected[["account_id", "expected_mrr"]])


def test_one_csm_shows_the_owners_book_against_its_target(con, stores):
    cards = steering.scorecard(con, PERIOD, store=stores[0], targets=stores[1])
    row = cards.owner(OWNER)
    at = run_page("pages/scorecards_page.py", "CSM scorecards", {"scorecard_view": "One CSM", "csm": OWNER})
    shown = tiles(at)
    assert shown["Book ARR"][0] == formatting.money(row["arr"])
    assert shown["NRR"] == (formatting.percent(row["nrr"]),
                            f"{formatting.points(row['nrr'] - 1.05)} vs target".replace("−", "-"))
    assert shown["GRR"][0] == formatting.percent(row["grr"]) and not shown["GRR"][1]  # no owner GRR target
    assert shown["Forecast NRR"][0] == formatting.percent(forecast_cards(con, stores).owner(OWNER)["forecast_nrr"])
    assert shown["At-risk ARR"][0] == formatting.money(row["at_risk_arr"])
    assert f"Target 105.0% · attainment {formatting.percent(row['nrr'] / 1.05)}" in captions(at)
    book = at.dataframe[0].value
    assert len(book) == len(cards.accounts[cards.accounts.csm_owner == OWNER])
    assert set(book.open.str.split("?").str[0]) <= {"review", "accounts"}


def test_the_year_window_gives_the_years_scorecard(con):
    at = run_page("pages/scorecards_page.py", "CSM scorecards", {"window": "Year"})
    assert any(c.startswith("Period 2026: the year") for c in captions(at))
    assert any(c.startswith("**2026 to date (Oct 2026)**") for c in captions(at))


def test_the_targets_editor_is_hidden_in_open_mode_unless_nrr_toml_allows_it(config, stores):
    at = run_page("pages/scorecards_page.py", "CSM scorecards", {"scorecard_view": "Targets"})
    listed = at.dataframe[0].value
    assert sorted(zip(listed.period, listed.metric, listed.scope_value.fillna("–"))) == [
        ("2026", "GRR", "–"), ("2026-Q4", "NRR", OWNER), ("2026-Q4", "NRR", "–")]
    assert not at.get("form") and any("open_mode = true" in c for c in captions(at))

    config("[targets]\nopen_mode = true\n")
    at = run_page("pages/scorecards_page.py", "CSM scorecards", {"scorecard_view": "Targets"})
    at.selectbox(key="target_scope").set_value("segment").run()
    at.selectbox(key="target_who").set_value("SMB").run()
    at.number_input(key="target_nrr").set_value(104.5)
    at.text_input(key="target_setter").set_value("Ana")
    at.button[0].click().run()
    assert [s.value for s in at.success] == [plain(f"NRR target for segment SMB, {PERIOD}: 104.5%") + " — recorded."]
    entry = stores[1].in_force().set_index(["scope", "scope_value", "metric"]).loc[("segment", "SMB", "nrr")]
    assert (entry.target, entry.recorded_by, entry.source, entry.period) == (pytest.approx(1.045), "Ana", "app", PERIOD)


def test_the_renewals_page_shows_the_calendar_and_drills_from_a_month_to_its_accounts(con, stores):
    cal = steering.renewal_calendar(con, Filters(), AS_OF, store=stores[0])
    at = run_page("pages/renewals_page.py", "Renewals")
    shown = tiles(at)
    soon = cal.accounts[cal.accounts.window == "next 90 days"]
    assert shown["Renewing, next 90 days"][0] == formatting.money(soon.arr.sum())
    buckets = at.dataframe[0].value
    assert list(buckets.bucket) == list(cal.by_month.bucket) and list(buckets.arr) == list(cal.by_month.arr)
    at.selectbox(key="renewal_bucket").set_value("2027-01").run()
    rows = at.dataframe[1].value
    expected = cal.month_accounts("2027-01")
    assert list(rows.account_id) == list(expected.account_id)
    risky = expected.risk_band == "At risk"
    assert list(rows.open[risky.values]) == [f"review?view=Review&review={a}" for a in expected.account_id[risky]]
    # The expected outcome is the forecast made at the as-of month for the calendar's twelve months.
    made = forecast.forecast(con, AS_OF, Filters(), 12, stores[0])
    ahead = forecast.contribution_table(made, forecast.account_names(con, Filters())).set_index("account_id")
    assert list(rows.expected_arr) == pytest.approx(list(12 * ahead.expected_mrr.reindex(rows.account_id)))
    assert "forecast_call" in rows  # the decisions store records forecast calls
    at = run_page("pages/renewals_page.py", "Renewals", {"grain": "Quarter"})
    assert list(at.dataframe[0].value.bucket) == list(cal.by_quarter.bucket)


def test_a_month_with_more_renewals_than_are_shown_lists_the_largest_and_says_so(con, stores, monkeypatch):
    from ui import view

    monkeypatch.setattr(view, "SHOWN_ROWS", 5)
    expected = steering.renewal_calendar(con, Filters(), AS_OF, store=stores[0]).month_accounts("2027-01")
    assert len(expected) > 5
    at = run_page("pages/renewals_page.py", "Renewals")
    at.selectbox(key="renewal_bucket").set_value("2027-01").run()
    assert list(at.dataframe[1].value.account_id) == list(expected.account_id[:5])
    assert any(f"{len(expected):,} renewals in 2027\\-01" in m.value and "the 5 largest shown (the CSV has all)" in m.value
               for m in at.markdown)


def test_the_overview_shows_the_company_target_under_the_tiles_and_as_a_line_on_the_trend(con):
    at = run_page("pages/overview_page.py", "NRR overview")
    texts = captions(at)
    assert any(t.startswith("Target 2026-Q4: 110.0% ·") and t.endswith("vs target") for t in texts)
    assert any(t.startswith("Target 2026: 95.0% ·") for t in texts)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    line = [t for t in spec["data"] if t.get("name") == "NRR target (company)"]
    assert len(line) == 1 and values(line[0]["x"])[-1].startswith("2026-12")  # on to the quarter's end
    assert list(values(line[0]["y"])) == [1.10, 1.10, 1.10]
    at = run_page("pages/overview_page.py", "NRR overview", {"region": "EMEA"})
    assert not any(t.startswith("Target") for t in captions(at))


@pytest.mark.parametrize("owner", [OWNER, "Marcus Oyelaran"])
def test_on_the_demo_book_a_one_owner_scorecard_equals_the_metrics_retention_for_that_owner(con, owner):
    row = steering.scorecard(con, "2026-Q3", Filters.of(csm_owner=owner)).owner(owner)
    trend = metrics.nrr_trend(con, Filters.of(csm_owner=owner)).set_index("month").loc["2026-09"]
    assert (row["nrr"], row["grr"], row["logo_retention"], row["base_accounts"]) == pytest.approx(
        (trend.nrr, trend.grr, trend.logo_retention, trend.base_accounts))
    assert row["arr"] == pytest.approx(metrics.headline(con, Filters.of(csm_owner=owner), "2026-09")["arr"])
