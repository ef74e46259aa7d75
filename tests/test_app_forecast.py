"""The Forecast page through AppTest: the outlook, the track record in words,
what-if and the accounts behind the forecast show nrr_core's figures for the
sidebar's filters; and the review form records a forecast call."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, forecast, formatting, metrics
from nrr_core.cli import write_demo
from nrr_core.review.decisions import DecisionStore
from ui.forecast.track_view import summary_words
from ui.review.decision_form import field_key
from tests import app_env
from tests.test_pack import downloaded, media_managers  # noqa: F401 (a fixture)

PAGE = "pages/forecast_page.py"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app_forecast")
    path = folder / "nrr.duckdb"
    write_demo(path)
    with app_env.serving(path, decisions=folder / "decisions.sqlite"):
        yield path



def run_page(params: dict | None = None, page: str = PAGE) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("filters, params", [(Filters(), {}), (Filters.of(segment="SMB"), {"segment": "SMB"})])
def test_the_page_shows_the_forecast_its_band_and_its_track_record_for_the_filters(book, con, filters, params):
    at = run_page(params)
    assert [t.value for t in at.title] == ["Forecast"]
    fc, bt = forecast.forecast(con, None, filters), forecast.backtest(con, filters)
    end = fc.table.iloc[-1]
    shown = tiles(at)
    assert shown["Forward NRR by Oct 2027"] == formatting.percent(end.nrr_base)
    assert shown["Last 12 months' NRR (the naive forecast)"] == formatting.percent(
        metrics.nrr_trend(con, filters).nrr.iloc[-1])
    band, track = (c.proto.spec for c in at.get("plotly_chart")[:2])
    assert '"Forecast"' in band and "80 % band" in band
    assert "Naive (last 12 months' NRR)" in track
    assert summary_words(bt.summary, 12) in [m.value for m in at.markdown]
    # The what-if opens at the base.
    assert shown["Forward NRR with these levers"] == formatting.percent(end.nrr_base)


def test_a_churn_lever_moves_the_what_if_to_the_scenario_of_nrr_core(book, con):
    at = run_page()
    at.slider(key="whatif_churn").set_value(-50).run()
    fc = forecast.forecast(con)
    expected = forecast.scenario(fc.model, forecast.Levers(churn=-0.5))
    assert tiles(at)["Forward NRR with these levers"] == formatting.percent(expected.nrr)
    assert expected.nrr > expected.base_nrr


def test_the_accounts_behind_the_forecast_download_with_every_account(book, con, media_managers):
    at = run_page()
    button = next(b for b in at.get("download_button") if b.proto.label == "Download every account (CSV)")
    rows = forecast.contributions(con)
    assert len(rows) == int(metrics.movements(con).ending_accounts.iloc[-1])
    # Built on click (the page's reruns do not make the file), and it is every account.
    got = pd.read_csv(io.BytesIO(downloaded(media_managers[-1], button)), encoding="utf-8-sig")
    assert len(got) == len(rows) and set(got.account_id.astype(str)) == set(rows.account_id)


def test_the_review_form_records_a_forecast_call(book, con):
    at = run_page({"view": "Review"}, page="pages/review_page.py")
    at.text_input(key="reviewer_name").input("Ana").run()
    account = next(s.key.split("@", 1)[1] for s in at.selectbox if str(s.key).startswith("d_call@"))
    assert at.selectbox(key=field_key("call", account)).options == ["commit", "likely", "at risk", "lost"]
    at.selectbox(key=field_key("call", account)).set_value("commit")
    at.selectbox(key=field_key("department", account)).set_value("Sales")
    next(b for b in at.button if b.label == "Record decision").click().run()
    latest = DecisionStore(book.with_name("decisions.sqlite")).every()
    assert latest.account_id.tolist() == [account] and latest.forecast_call.tolist() == ["commit"]


def test_the_page_holds_the_forecast_to_the_target_of_its_twelfth_month_and_starts_what_if_there(book, con):
    import base64
    import json

    import numpy as np

    from nrr_core import steering

    at = run_page()
    no_target = "No NRR target applies to this selection at Oct 2027, the one month where the forward NRR is a year's NRR."
    assert no_target in [c.value for c in at.caption]
    assert "NRR target" not in at.get("plotly_chart")[0].proto.spec
    targets = steering.TargetStore(book.with_name("targets.sqlite"))
    # This year's target (applying in the forecast's first two months) is not held against it; next year's is.
    targets.record([steering.Target("company", "", "2026", "nrr", 1.2), steering.Target("company", "", "2027", "nrr", 1.1)],
                   "Board")
    try:
        at = run_page()
        fc = forecast.forecast(con, None, Filters(), 12, None)
        base = fc.table.nrr_base.iloc[-1]
        gap = (base - 1.1) * 100
        soon = forecast.period_end(con, fc, Filters(), targets.in_force())  # 2026's, measured at Dec 2026
        assert (soon.period, soon.month, soon.target, soon.known_months) == ("2026", "2026-12", 1.2, 10)
        assert (f"NRR target 2027: 110.0%; the base forecast is {abs(gap):.1f} pts {'above' if gap >= 0 else 'below'} "
                f"it. {forecast.period_end_words(soon)}") in [c.value for c in at.caption]
        (marker,) = [t for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"] if t.get("name") == "NRR target"]
        y = marker["y"]  # plotly 7 writes numbers as a typed array
        assert [x[:10] for x in marker["x"]] == ["2027-10-01"]
        assert np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() == [1.1]
        assert at.number_input(key="whatif_target").value == 110.0
    finally:
        book.with_name("targets.sqlite").unlink()


def test_the_presentation_lands_the_forecast_against_the_target_with_its_swing_factors(book, con):
    import json

    from nrr_core import steering

    targets = steering.TargetStore(book.with_name("targets.sqlite"))
    targets.record([steering.Target("company", "", "2027", "nrr", 1.1), steering.Target("company", "", "2026", "nrr", 1.2)],
                   "Board")
    try:
        at = run_page({"slide": "5"}, page="pages/present_page.py")
        assert at.header[0].value == "5 / 5 · Where we will land"
        store = DecisionStore(book.with_name("decisions.sqlite"))
        fc = forecast.forecast(con, None, Filters(), 12, store if store.path.is_file() else None)
        land = forecast.landing(fc, forecast.account_names(con), Filters(), targets.in_force())
        (chart,) = at.get("plotly_chart")
        assert json.loads(chart.proto.config)["displayModeBar"] is False
        spec = json.loads(chart.proto.spec)
        (indicator,) = [t for t in spec["data"] if t["type"] == "indicator"]
        assert indicator["value"] == pytest.approx(land.base * 100)
        assert indicator["delta"]["reference"] == pytest.approx(110.0)
        gap = (land.base - 1.1) * 100
        assert spec["layout"]["title"]["text"] == (
            f"Where we will land: {formatting.percent(land.base)} NRR by Oct 2027 · target 2027 110.0% · "
            f"gap {'+' if gap >= 0 else '−'}{abs(gap):.1f} pts")
        text = spec["layout"]["annotations"][-1]["text"]
        soon = forecast.period_end(con, fc, Filters(), targets.in_force())
        assert text.startswith(f"<b>The 2026 target</b> 120.0%, measured at Dec 2026: {formatting.percent(soon.expected)} "
                               f"expected (−{abs(soon.gap) * 100:.1f} pts; 10 of 12 months known)<br>")
        for row in land.swings.head(2).to_dict("records"):
            assert forecast.swing_words(row) in text
        assert spec["layout"]["font"]["size"] >= 26  # the projector style
    finally:
        book.with_name("targets.sqlite").unlink()
