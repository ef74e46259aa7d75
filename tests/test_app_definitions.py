"""The NRR definitions page and the headline setting, through AppTest: the page
shows nrr_core.variants' figures for the filters, the bridge closes, and a
deployment's ``[display] headline`` names (and supplies) the headline figure
on the overview, the presentation and the methodology page."""
from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, formatting, metrics, variants
from nrr_core.cli import write_demo

from .test_app_pages import values as plotly_values
from tests import app_env

DEFINITIONS = "pages/definitions_page.py"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("app_definitions") / "nrr.duckdb"
    write_demo(path, n_accounts=300)
    with app_env.serving(path):
        yield path



def run_app(page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def figures(at: AppTest) -> dict[str, dict]:
    return {e.proto.id.rsplit("-", 1)[-1]: json.loads(e.proto.spec) for e in at.get("plotly_chart")}


@pytest.mark.parametrize("segment", [None, "SMB"])
def test_the_definitions_page_shows_every_definition_as_nrr_core_computes_it(book, con, segment):
    at = run_app(DEFINITIONS, {"segment": segment} if segment else None)
    assert [t.value for t in at.title] == ["NRR definitions"]
    filters = Filters.of(segment=segment) if segment else Filters()
    month = metrics.book_info(con).as_of_month
    expected = variants.table(con, filters, month)
    shown = at.dataframe[0].value
    assert shown.definition.tolist() == list(variants.KEYS)
    assert (shown.value / 100).tolist() == pytest.approx(expected.value.tolist(), abs=1e-12)
    trend = figures(at)["definitions_trend"]
    assert [t["name"] for t in trend["data"]] == [v.label for v in variants.VARIANTS]
    # The bridge shown by default (to the ARR bridge) ends at that definition's value.
    steps = at.dataframe[1].value
    assert steps.value_after.iloc[-1] / 100 == pytest.approx(expected.value[3], abs=1e-9)


def test_the_definitions_page_says_so_when_the_month_has_no_base(book, con):
    at = run_app(DEFINITIONS, {"as_of": metrics.book_info(con).first_month})
    assert at.info and "No definition has a figure" in at.info[0].value


@pytest.fixture
def bridge_headline(book, tmp_path, monkeypatch):
    """A deployment whose nrr.toml makes the ARR bridge its headline."""
    config = tmp_path / "nrr.toml"
    config.write_text('[display]\nheadline = "nrr_arr_bridge"\n', encoding="utf-8")
    monkeypatch.setenv("NRR_CONFIG", str(config))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    monkeypatch.undo()
    st.cache_resource.clear()
    st.cache_data.clear()


def test_with_the_arr_bridge_as_headline_the_overview_tile_and_chart_name_and_show_it(bridge_headline, con):
    at = run_app()
    info = metrics.book_info(con)
    value = variants.values(con, Filters(), info.as_of_month)["nrr_arr_bridge"]
    tile = next(m for m in at.metric if "NRR" in m.label)
    assert (tile.label, tile.value) == ("NRR (ARR bridge) (trailing 12 months)", formatting.percent(value))
    trend = figures(at)["nrr_trend"]
    assert trend["data"][0]["name"] == "NRR (ARR bridge)"
    assert plotly_values(trend["data"][0]["y"])[-1] == pytest.approx(value, abs=1e-12)


def test_with_the_arr_bridge_as_headline_the_slide_and_the_methodology_page_name_it(bridge_headline, con):
    at = run_app("pages/present_page.py")
    title = figures(at)["present_headline"]["layout"]["title"]["text"]
    value = variants.values(con, Filters(), metrics.book_info(con).as_of_month)["nrr_arr_bridge"]
    assert title.startswith(f"NRR (ARR bridge) {formatting.percent(value)} · GRR")
    at = run_app("pages/methodology_page.py")
    assert any("Headline definition in force: NRR (ARR bridge)" in m.value for m in at.markdown)


def test_by_default_the_overview_tile_keeps_its_name_and_our_figure(book, con):
    at = run_app()
    head = metrics.headline(con, Filters(), metrics.book_info(con).as_of_month)
    tile = next(m for m in at.metric if "NRR" in m.label)
    assert (tile.label, tile.value) == ("NRR (trailing 12 months)", formatting.percent(head["nrr"]))
    assert figures(at)["nrr_trend"]["data"][0]["name"] == "NRR"
