"""Page behaviour through AppTest for figures that must read the same
everywhere: tiles compared with the start of the selected window, account
amounts as ARR, the cohort triangle's eligible counts, and presentation mode
(a comparison when one segment is selected, auto-advance moving the slide
selector, no chart toolbar, bridges from zero).

One demo book for the module; helpers from tests/test_app_pages.py.
"""
from __future__ import annotations

import json
import time

import pytest

from nrr_core import Filters, formatting, metrics
from nrr_core.months import label, long_label, parse_month
from nrr_core.period import Period
from nrr_core.triangle import cohort_triangle
from tests.test_app_pages import book  # noqa: F401  (the demo book fixture, one per module)
from tests.test_app_pages import (ALL, CHURN, CURRENCY, OVERVIEW, PRESENT, RETENTION, SMB, assert_clean, charts,
                                  deltas, run_app, slide_figure, values)

SLIDE_SECONDS = 20  # pages/present_page.py: SECONDS


@pytest.fixture(scope="module")
def info(con):
    return metrics.book_info(con)


def table(at, index: int):
    """The page's ``index``-th st.dataframe (read-only tables carry no key in
    AppTest): its data, column labels by column, and column order."""
    found = at.dataframe[index]
    config = json.loads(found.proto.columns)
    return found.value, {name: cfg.get("label") for name, cfg in config.items()}, list(found.proto.column_order)


# ---------------------------------------------------------------- comparisons follow the window

@pytest.mark.parametrize("window,months_back,words", [("Year", 12, "a year ago"), ("Quarter", 3, "a quarter ago")])
def test_overview_tiles_compare_with_the_start_of_the_window(con, info, window, months_back, words):
    at = run_app({"window": window})
    assert_clean(at, OVERVIEW)
    month = info.as_of_month
    since = label(parse_month(month) - months_back)
    head = metrics.headline(con, ALL, month, since)
    money = formatting.money(head["arr"] - head["arr_prev"], CURRENCY).replace("\u2212", "-")
    assert deltas(at) == {
        "ARR": f"{money} vs {words}",
        **{name: f"{formatting.points(head[key] - head[key + '_prev'])} vs {words}".replace("\u2212", "-")
           for name, key in (("NRR (trailing 12 months)", "nrr"), ("GRR (trailing 12 months)", "grr"),
                             ("Logo retention", "logo_retention"))},
    }
    for tile in at.metric:  # the help names the month the change is measured from
        assert f"since {long_label(parse_month(since))}" in tile.proto.help, tile.label


# ---------------------------------------------------------------- account amounts in ARR

def test_overview_movers_show_arr(con, info):
    at = run_app()
    assert_clean(at, OVERVIEW)
    period = Period.within(info.first_month, info.as_of_month, "quarter")
    movers = metrics.top_movers(con, ALL, period.from_month, period.to_month)
    for index, key in ((1, "gains"), (2, "losses")):  # after the breakdown table
        shown, labels, order = table(at, index)
        assert shown.arr_change.tolist() == pytest.approx((12 * movers[key].change).tolist(), abs=1e-9)
        assert labels["arr_change"] == f"ARR change ({CURRENCY})"
        assert "arr_change" in order and "change" not in order


def test_churn_account_list_shows_arr(con, info):
    at = run_app({"movement": "Churn"}, CHURN)
    assert_clean(at, CHURN)
    period = Period.within(info.first_month, info.as_of_month, "quarter")
    expected = metrics.movement_accounts(con, ALL, "churn", period.from_month, period.to_month)
    shown, labels, order = table(at, 0)
    assert shown.arr_amount.tolist() == pytest.approx((12 * expected.amount).tolist(), abs=1e-9)
    assert labels["arr_amount"] == f"Churn ARR ({CURRENCY})"
    assert "arr_amount" in order and "amount" not in order
    total = formatting.money(12 * expected.amount.sum(), CURRENCY, precise=True)
    assert any(f"total {total} ARR" in c.value for c in at.caption)


# ---------------------------------------------------------------- cohort triangle

def test_cohort_triangle_hovers_with_the_eligible_count(con):
    at = run_app(page=RETENTION)
    assert_clean(at, RETENTION)
    expected = cohort_triangle(con, ALL, "quarter", "revenue_retention", 3)
    main = charts(at)["triangle"]["data"][0]
    hover, text = main["hovertext"], main["text"]
    assert expected.partial.to_numpy().any()
    for i, cohort in enumerate(expected.values.index):
        for j, col in enumerate(expected.values.columns):
            n = int(expected.eligible.at[cohort, col])
            if n == 0:
                assert hover[i][j] == ""
                continue
            assert f"{n:,} of {int(expected.size[cohort]):,} accounts eligible" in hover[i][j], (cohort, col)
            assert text[i][j].endswith("*") == bool(expected.partial.at[cohort, col]), (cohort, col)


# ---------------------------------------------------------------- presentation mode

def test_one_segment_compares_regions_on_slide_3(con, info):
    at = run_app({"segment": "SMB", "slide": "3"}, PRESENT)
    assert not at.exception and not at.error
    found = metrics.best_and_worst_groups(con, SMB, info.as_of_month)
    assert found["by"] == "region" and found["best"]["value"] != found["worst"]["value"]
    assert at.header[0].value == "3 / 5 · Best and worst retaining regions"
    layout = slide_figure(at)["layout"]
    assert layout["title"]["text"] == (
        f"Best: {found['best']['value']} {formatting.percent(found['best']['nrr'])} NRR · "
        f"Worst: {found['worst']['value']} {formatting.percent(found['worst']['nrr'])} NRR")
    assert layout["title"]["subtitle"]["text"] == ("By region: the filters leave fewer than two segments with a "
                                                   "12-month NRR")


def test_slide_3_says_why_there_is_no_comparison(con, info):
    top = metrics.account_list(con, ALL, info.as_of_month).iloc[0]
    only = {name: top[name] for name in ("segment", "region", "industry", "csm_owner")}
    assert metrics.best_and_worst_groups(con, Filters.of(**only), info.as_of_month) is None
    at = run_app({**only, "slide": "3"}, PRESENT)
    assert not at.exception and not at.error
    assert not at.get("plotly_chart")
    assert at.info and at.info[0].value.startswith("No comparison: with these filters no segment, region")


def test_auto_advance_moves_the_slide_selector(con):
    at = run_app({"slide": "2"}, PRESENT)
    at.toggle(key="auto").set_value(True).run()
    assert at.header[0].value.startswith("2 / 5")
    since, start = at.session_state["auto_since"]
    assert start == "2"
    # One slide's time has passed since auto-advance started.
    at.session_state["auto_since"] = (time.monotonic() - SLIDE_SECONDS - 1, "2")
    at.run()
    assert not at.exception
    assert at.header[0].value.startswith("3 / 5")
    assert at.segmented_control(key="slide").value == "3"
    assert at.session_state["slide"] == "3"
    # A manual step restarts the clock from the slide it lands on.
    at.button(key="next").click().run()
    assert at.header[0].value.startswith("4 / 5") and at.session_state["auto_since"][1] == "4"


def test_slides_hide_the_chart_toolbar_and_start_bridges_at_zero():
    """No toolbar, a filter caption in heading size (a projector), the bridge from zero."""
    for slide in ("1", "2", "3", "4"):
        at = run_app({"slide": slide}, PRESENT)
        (chart,) = at.get("plotly_chart")
        assert json.loads(chart.proto.config)["displayModeBar"] is False, slide
        assert at.caption[0].value == "### All accounts · 3 months to " + at.caption[0].value.rsplit(" to ", 1)[1]
        if slide == "2":
            spec = json.loads(chart.proto.spec)
            assert spec["layout"]["yaxis"]["range"][0] == 0
            assert not spec["layout"].get("annotations")
            assert values(spec["data"][1]["y"]).max() > 0
