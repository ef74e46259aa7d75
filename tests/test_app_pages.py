"""Page tests through Streamlit's AppTest: every page renders, shows the same
figures as nrr_core for the same filters, reacts to a filter, says plainly when
a selection is empty, and survives hostile query parameters.

One demo book is built per module; ``NRR_DB`` points the app at it. AppTest
runs the app in this process, so Streamlit's caches (settings, connection,
query results) are cleared whenever the database path changes.

Notes (docs/engineering-notes.md, "Testing Streamlit"): a relative path in
``AppTest.from_file`` is resolved against this file; set ``at.query_params``
before the first run to start filtered; ``at.switch_page`` takes the file path
and needs a first run; plotly figures are read from ``.proto.spec``.
"""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nrr_core import Filters, db, formatting, metrics
from nrr_core.charts import STEP_LABELS
from nrr_core.cli import write_demo
from nrr_core.metrics import BRIDGE_COLUMNS, MOVEMENT_LABELS
from nrr_core.months import long_label, parse_month
from nrr_core.period import Period
from tests import app_env

OVERVIEW = "pages/overview_page.py"
CHURN = "pages/churn_vs_expansion_page.py"
RETENTION = "pages/retention_page.py"
ACCOUNTS = "pages/accounts_page.py"
METHODOLOGY = "pages/methodology_page.py"
PAGES = [OVERVIEW, CHURN, RETENTION, ACCOUNTS, METHODOLOGY]
TITLES = {OVERVIEW: "NRR overview", CHURN: "Churn vs expansion", RETENTION: "Retention curves",
          ACCOUNTS: "Accounts", METHODOLOGY: "Methodology"}
CURRENCY = "$"  # no nrr.toml in the test environment: the default symbol
SMB = Filters.of(segment="SMB")
ALL = Filters()
FILTER_CASES = {"all": ({}, ALL), "smb": ({"segment": "SMB"}, SMB)}




@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The demo book, with NRR_DB pointing at it for the whole module."""
    path = tmp_path_factory.mktemp("app_pages") / "nrr.duckdb"
    write_demo(path)
    with app_env.serving(path):
        yield path


@pytest.fixture(scope="module")
def info(con):
    return metrics.book_info(con)


@pytest.fixture(scope="module")
def period(info):
    """The app's default period: a quarter to the latest month."""
    return Period.within(info.first_month, info.as_of_month, "quarter")


# ---------------------------------------------------------------- helpers

def run_app(params: dict | None = None, page: str | None = None) -> AppTest:
    """Run app.py (optionally with URL query parameters), then switch to ``page``."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page and page != OVERVIEW:
        at.switch_page(page).run()
    return at


def assert_clean(at: AppTest, page: str) -> None:
    assert not at.exception, f"{page}: exception {[e.message for e in at.exception]}"
    assert not at.error, f"{page}: st.error {[e.value for e in at.error]}"
    assert [t.value for t in at.title] == [TITLES[page]], f"{page}: not the page drawn: {[t.value for t in at.title]}"


def page_caption(at: AppTest) -> str:
    """The caption under the page title (filters and period in words)."""
    return at.main.caption[0].value


def charts(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by element key (``$$ID-<hash>-<key>``)."""
    out = {}
    for element in at.get("plotly_chart"):
        key = element.proto.id.rsplit("-", 1)[-1]
        out[key] = json.loads(element.proto.spec)
    return out


def values(data) -> np.ndarray:
    """A plotly array as numbers: plain lists or plotly's typed {'dtype', 'bdata'} form."""
    if isinstance(data, dict) and "bdata" in data:
        arr = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        return arr.reshape(data["shape"]) if "shape" in data and isinstance(data["shape"], list) else arr
    return np.asarray(data, dtype=float)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_tiles(con, filters: Filters, month: str) -> dict[str, str]:
    head = metrics.headline(con, filters, month)
    return {
        "ARR": formatting.money(head["arr"], CURRENCY),
        "NRR (trailing 12 months)": formatting.percent(head["nrr"]),
        "GRR (trailing 12 months)": formatting.percent(head["grr"]),
        "Logo retention": formatting.percent(head["logo_retention"]),
    }


def deltas(at: AppTest) -> dict[str, str]:
    return {m.label: m.proto.delta for m in at.metric}


def expected_deltas(con, filters: Filters, month: str) -> dict[str, str]:
    """Each tile's change against the same figure one quarter earlier (the
    default window, a quarter: its delta says "a quarter ago")."""
    head = metrics.headline(con, filters, month)
    since = "a quarter ago"
    money = formatting.money(head["arr"] - head["arr_prev"], CURRENCY).replace("\u2212", "-")
    out = {"ARR": f"{money} vs {since}"}
    for label, key in (("NRR (trailing 12 months)", "nrr"), ("GRR (trailing 12 months)", "grr"),
                       ("Logo retention", "logo_retention")):
        out[label] = f"{formatting.points(head[key] - head[key + '_prev'])} vs {since}".replace("\u2212", "-")
    return out


def waterfall_bars(fig: dict) -> dict[str, tuple[float, str]]:
    """step -> (bar height, hover text) from the visible trace of a waterfall chart."""
    trace = next(t for t in fig["data"] if t.get("customdata"))
    steps = [c[0] for c in trace["customdata"]]
    return dict(zip(steps, zip(values(trace["y"]).tolist(), trace["hovertext"])))


def assert_waterfall_equals(fig: dict, frame) -> None:
    bars = waterfall_bars(fig)
    assert list(bars) == BRIDGE_COLUMNS
    for step, mrr in zip(frame.step, frame.mrr):
        height, hover = bars[step]
        assert height == pytest.approx(abs(mrr), abs=1e-6), step
        # The hover text carries the signed, precise figure.
        assert hover == f"{STEP_LABELS[step]}: {formatting.money(mrr, CURRENCY, precise=True)} MRR", step


def curves(fig: dict) -> dict[str, np.ndarray]:
    """cohort -> retention y-values of the top panel of the retention chart."""
    return {t["name"]: values(t["y"]) for t in fig["data"] if t.get("yaxis", "y") == "y"}


def expected_curves(con, filters: Filters, by: str, measure: str) -> dict[str, np.ndarray]:
    frame = metrics.cohorts(con, filters, by)
    return {str(c): g.sort_values("months_since_start")[measure].to_numpy(dtype=float)
            for c, g in frame.groupby("cohort", sort=True)}


def assert_curves_equal(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    for cohort, ys in want.items():
        np.testing.assert_allclose(got[cohort], ys, rtol=0, atol=1e-9, err_msg=cohort)


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


# ---------------------------------------------------------------- every page, unfiltered and filtered

@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_overview_tiles_and_trend_match_core(con, period, case):
    params, filters = FILTER_CASES[case]
    at = run_app(params)
    assert_clean(at, OVERVIEW)
    assert tiles(at) == expected_tiles(con, filters, period.to_month)
    assert deltas(at) == expected_deltas(con, filters, period.to_month)
    trend = metrics.nrr_trend(con, filters, period.to_month)
    fig = charts(at)["nrr_trend"]
    by_name = {t.get("name"): values(t["y"]) for t in fig["data"] if t.get("name") in ("NRR", "GRR")}
    np.testing.assert_allclose(by_name["NRR"], trend.nrr.to_numpy(dtype=float), atol=1e-9)
    np.testing.assert_allclose(by_name["GRR"], trend.grr.to_numpy(dtype=float), atol=1e-9)
    breakdown = metrics.breakdown(con, filters, "segment", period.to_month)
    table = at.dataframe[0].value
    assert list(table["value"]) == list(breakdown["value"])
    assert filters.describe() in page_caption(at)


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_churn_waterfalls_match_core(con, period, case):
    params, filters = FILTER_CASES[case]
    at = run_app(params, CHURN)
    assert_clean(at, CHURN)
    figs = charts(at)
    assert {"waterfall", "nrr_bridge", "over_time", "by_group"} <= set(figs)
    assert_waterfall_equals(figs["waterfall"], metrics.waterfall(con, filters, period.from_month, period.to_month))
    assert_waterfall_equals(figs["nrr_bridge"], metrics.nrr_bridge(con, filters, period.from_month, period.to_month))
    assert filters.describe() in page_caption(at)


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_retention_curves_match_core(con, case):
    params, filters = FILTER_CASES[case]
    at = run_app(params, RETENTION)
    assert_clean(at, RETENTION)
    assert_curves_equal(curves(charts(at)["curves"]), expected_curves(con, filters, "segment", "revenue_retention"))
    # The other measure and another grouping are the same numbers from nrr_core.
    at.segmented_control(key="measure").set_value("logo_retention").run()
    at.segmented_control(key="curve_by").set_value("region").run()
    assert_clean(at, RETENTION)
    assert_curves_equal(curves(charts(at)["curves"]), expected_curves(con, filters, "region", "logo_retention"))
    assert filters.describe() in page_caption(at)


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_account_table_matches_core(con, period, case):
    params, filters = FILTER_CASES[case]
    at = run_app(params, ACCOUNTS)
    assert_clean(at, ACCOUNTS)
    expected = metrics.account_list(con, filters, period.to_month)
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert sorted(table.account_id) == sorted(expected.account_id)
    assert filters.describe() in page_caption(at)


def test_segment_filter_changes_every_page(con, period):
    """SMB from the URL: every page's figures are nrr_core's SMB figures, not the
    unfiltered ones, and every caption says SMB."""
    at = run_app({"segment": "SMB"})
    assert_clean(at, OVERVIEW)
    assert "SMB" in page_caption(at)
    assert tiles(at) == expected_tiles(con, SMB, period.to_month)
    assert tiles(at) != expected_tiles(con, ALL, period.to_month)

    at.switch_page(CHURN).run()
    assert_clean(at, CHURN)
    assert "SMB" in page_caption(at)
    smb = metrics.waterfall(con, SMB, period.from_month, period.to_month)
    everyone = metrics.waterfall(con, ALL, period.from_month, period.to_month)
    assert not np.allclose(smb.mrr, everyone.mrr)
    assert_waterfall_equals(charts(at)["waterfall"], smb)

    at.switch_page(RETENTION).run()
    assert_clean(at, RETENTION)
    assert "SMB" in page_caption(at)
    got = curves(charts(at)["curves"])
    assert_curves_equal(got, expected_curves(con, SMB, "segment", "revenue_retention"))
    assert set(got) == {"SMB"}

    at.switch_page(ACCOUNTS).run()
    assert_clean(at, ACCOUNTS)
    assert "SMB" in page_caption(at)
    assert len(at.dataframe[0].value) == len(metrics.account_list(con, SMB, period.to_month))
    assert metrics.account_count(con, SMB, period.to_month) < metrics.account_count(con, ALL, period.to_month)
    assert f"{metrics.account_count(con, SMB, period.to_month):,} accounts" in " ".join(c.value for c in at.caption)
    assert set(at.dataframe[0].value.segment) == {"SMB"}


def test_sidebar_filter_set_in_the_widget_applies_and_is_kept_across_pages(con, period):
    at = run_app()
    assert "All accounts" in page_caption(at)
    at.multiselect(key="segment").set_value(["SMB"]).run()
    assert_clean(at, OVERVIEW)
    assert "SMB" in page_caption(at)
    assert tiles(at) == expected_tiles(con, SMB, period.to_month)
    for page in (CHURN, RETENTION, ACCOUNTS, OVERVIEW):
        at.switch_page(page).run()
        assert_clean(at, page)
        assert "SMB" in page_caption(at), f"{page} lost the sidebar filter: {page_caption(at)!r}"
        assert at.multiselect(key="segment").value == ["SMB"]
    assert tiles(at) == expected_tiles(con, SMB, period.to_month)


def test_period_from_the_url_is_used(con, info):
    """as_of and window from the URL drive the tiles and the waterfall.

    Bound widgets keep their displayed option in the URL, so the app shows
    months as YYYY-MM and windows as words: a shared link reads
    ``?as_of=2026-04&window=Year``."""
    as_of = info.months()[-7]
    p = Period.within(info.first_month, as_of, "year")
    at = run_app({"as_of": as_of, "window": "Year"})
    assert_clean(at, OVERVIEW)
    assert p.describe() in page_caption(at)
    assert tiles(at) == expected_tiles(con, ALL, as_of)
    at.switch_page(CHURN).run()
    assert_clean(at, CHURN)
    assert_waterfall_equals(charts(at)["waterfall"], metrics.waterfall(con, ALL, p.from_month, p.to_month))


# ---------------------------------------------------------------- empty selections

@pytest.fixture(scope="module")
def owner_without_smb(con, info):
    """A CSM owner who has no SMB account (found through nrr_core)."""
    owners = metrics.attribute_values(con)["csm_owner"]
    for owner in owners:
        if metrics.account_list(con, Filters.of(segment="SMB", csm_owner=owner), info.as_of_month).empty:
            return owner
    pytest.skip("every CSM owner has an SMB account in this demo book")


@pytest.mark.parametrize("page", PAGES)
def test_empty_selection_shows_a_plain_message(page, owner_without_smb):
    at = run_app({"segment": "SMB", "csm_owner": owner_without_smb}, page)
    assert_clean(at, page)
    assert at.multiselect(key="csm_owner").value == [owner_without_smb]
    assert infos(at), f"{page}: no st.info for an empty selection"
    assert not at.get("plotly_chart"), f"{page}: draws a chart for an empty selection"


def test_account_search_matching_nothing_shows_a_plain_message(con, period):
    at = run_app(page=ACCOUNTS)
    at.text_input(key="q").set_value("no such account zzz").run()
    assert_clean(at, ACCOUNTS)
    assert "No accounts match this search and these filters." in infos(at)
    assert not at.dataframe


def test_account_search_matches_core(con, period):
    word = metrics.account_list(con, ALL, period.to_month).name.iloc[0].split()[0]
    at = run_app({"q": word}, ACCOUNTS)
    assert_clean(at, ACCOUNTS)
    assert len(at.dataframe[0].value) == len(metrics.account_list(con, ALL, period.to_month, word))


# ---------------------------------------------------------------- churn drill-down

@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_churn_drill_down_lists_the_accounts_behind_the_bar(con, period, case):
    params, filters = FILTER_CASES[case]
    at = run_app(params, CHURN)
    assert not at.dataframe  # nothing chosen yet
    at.selectbox(key="movement").set_value("churn").run()
    assert_clean(at, CHURN)
    churn = metrics.waterfall(con, filters, period.from_month, period.to_month).set_index("step").mrr["churn"]
    accounts = at.dataframe[0].value
    assert len(accounts) > 0
    assert accounts.amount.sum() == pytest.approx(churn, abs=1e-6)
    assert len(accounts) == len(metrics.movement_accounts(con, filters, "churn", period.from_month, period.to_month))
    # The NRR bridge's churn (existing accounts only) through the scope switch.
    at.segmented_control(key="scope").set_value("existing").run()
    assert_clean(at, CHURN)
    bridge = metrics.nrr_bridge(con, filters, period.from_month, period.to_month).set_index("step").mrr
    assert at.dataframe[0].value.amount.sum() == pytest.approx(bridge["churn"], abs=1e-6)


def test_churn_drill_down_from_the_url(con, period):
    at = run_app({"movement": MOVEMENT_LABELS["expansion"]}, CHURN)  # the URL holds the label
    assert_clean(at, CHURN)
    expansion = metrics.waterfall(con, ALL, period.from_month, period.to_month).set_index("step").mrr["expansion"]
    assert at.dataframe[0].value.amount.sum() == pytest.approx(expansion, abs=1e-6)


# ---------------------------------------------------------------- account detail

def test_account_id_opens_the_account(con, period):
    accounts = metrics.account_list(con, ALL, period.to_month)
    plain = accounts[accounts.name.str.fullmatch(r"[A-Za-z0-9 ]+")]
    account_id = plain.account_id.iloc[0]
    detail = metrics.account_detail(con, account_id)
    at = run_app(page=ACCOUNTS)
    at.text_input(key="account").set_value(account_id).run()
    assert_clean(at, ACCOUNTS)
    assert [s.value for s in at.subheader] == [detail["name"]]
    assert tiles(at)["ARR (latest month)"] == formatting.money(detail["arr"], CURRENCY)
    assert "account_history" in charts(at)
    assert not infos(at)


def test_account_from_the_url_opens_the_account(con, period):
    account_id = metrics.account_list(con, ALL, period.to_month).account_id.iloc[-1]
    at = run_app({"account": account_id}, ACCOUNTS)
    assert_clean(at, ACCOUNTS)
    name = metrics.account_detail(con, account_id)["name"]
    assert at.subheader[0].value.replace("\\", "") == name


def test_unknown_account_id_shows_a_plain_message():
    at = run_app(page=ACCOUNTS)
    at.text_input(key="account").set_value("NOPE-404").run()
    assert_clean(at, ACCOUNTS)
    assert any("No account with ID NOPE\\-404" in m for m in infos(at)), infos(at)
    assert not at.subheader


# ---------------------------------------------------------------- hostile query parameters

HOSTILE = {
    "script_segment": {"segment": "<script>alert(1)</script>"},
    "future_as_of": {"as_of": "2099-01"},
    "bogus_window": {"window": "bogus"},
    "sql_account": {"account": "'; DROP TABLE accounts;--"},
    "long_strings": {"q": "x" * 5000, "region": "y" * 5000, "account": "z" * 5000, "movement": "m" * 5000},
    "bogus_choices": {"by": "bogus", "movement": "bogus", "grain": "bogus", "with_new": "bogus",
                      "split_by": "'; DROP", "curve_by": "<img src=x>", "measure": "bogus", "start": "1999-01",
                      "industry": "%00", "csm_owner": "../../etc/passwd"},
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_query_params_do_not_break_any_page(con, info, period, case):
    at = run_app(HOSTILE[case])
    for page in PAGES:
        if page != OVERVIEW:
            at.switch_page(page).run()
        assert_clean(at, page)
        assert not at.warning, f"{page}: {[w.value for w in at.warning]}"
        caption = page_caption(at)
        # Unknown values are dropped: the unfiltered book at the latest month.
        assert caption.startswith("All accounts"), caption
        assert long_label(parse_month(info.as_of_month)) in caption
        assert "<script>" not in caption
        if page == OVERVIEW:
            assert tiles(at) == expected_tiles(con, ALL, period.to_month)
        elif page == ACCOUNTS:
            if "account" in HOSTILE[case]:
                assert any(m.startswith("No account with ID") for m in infos(at)), infos(at)
        elif page == METHODOLOGY:
            assert at.code and at.dataframe
        else:
            assert at.get("plotly_chart")


# ---------------------------------------------------------------- first start

def test_demo_book_is_generated_on_first_start(tmp_path, monkeypatch):
    missing = tmp_path / "nrr.duckdb"
    assert not missing.exists()
    monkeypatch.setenv("NRR_DB", str(missing))
    app_env.clear_caches()
    try:
        at = run_app()
        assert_clean(at, OVERVIEW)
        assert missing.is_file()
        assert len(at.metric) == 4
        con = db.connect_read_only(missing)
        try:
            month = metrics.book_info(con).as_of_month
            assert tiles(at) == expected_tiles(con, ALL, month)
        finally:
            con.close()
    finally:
        app_env.clear_caches()  # the next test reads its own NRR_DB


def test_every_table_offers_a_csv_download(con):
    """Each table has its download button (the CSV's content is pinned by
    tests/test_export.py; AppTest cannot read a download's bytes)."""
    expected = {OVERVIEW: 3, RETENTION: 1, ACCOUNTS: 1}
    for page, count in expected.items():
        at = run_app(None, page)
        assert_clean(at, page)
        labels = [b.proto.label for b in at.get("download_button")]
        if page == OVERVIEW:  # first the one-click pack and deck (tests/test_pack.py, test_deck.py), then the tables'
            assert labels[:2] == ["Board pack (PDF)", "Board deck (PPTX)"], f"{page}: {labels}"
            labels = labels[2:]
        assert labels == ["Download CSV"] * count, f"{page}: {labels}"
        # Every file is built on click, not on every rerun (megabytes at 100,000 accounts).
        assert all(b.proto.deferred_file_id for b in at.get("download_button")), page
    at = run_app({"movement": "Churn"}, CHURN)
    assert_clean(at, CHURN)
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV"]
    assert at.get("download_button")[0].proto.deferred_file_id


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_methodology_walks_through_an_account_whose_months_add_up_to_core(con, period, case):
    from nrr_core import methodology

    params, filters = FILTER_CASES[case]
    at = run_app(params, METHODOLOGY)
    assert_clean(at, METHODOLOGY)
    expected = methodology.worked_example(con, filters, period.from_month, period.to_month)
    shown = at.dataframe[0].value
    assert list(shown.month) == list(expected["months"].month)
    movements = [c for c in metrics.MOVEMENTS]
    np.testing.assert_allclose((shown.starting_mrr + shown[movements].sum(axis=1)).to_numpy(dtype=float),
                               shown.ending_mrr.to_numpy(dtype=float), atol=1e-6)
    assert any(expected["name"] in m.value.replace("\\", "") for m in at.markdown)
    # Every metric's SQL is shown, read from the files that run.
    assert len(at.code) == sum(len(v) for v in methodology.METRIC_SQL.values())
    assert filters.describe() in page_caption(at)


def test_methodology_says_so_when_no_account_was_active_before_the_window(con, info):
    at = run_app({"as_of": info.first_month}, METHODOLOGY)
    assert_clean(at, METHODOLOGY)
    assert at.info and "nothing to walk through" in at.info[0].value


# ---------------------------------------------------------------- presentation mode

PRESENT = "pages/present_page.py"


def slide_figure(at):
    (spec,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return spec


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_presentation_slides_show_core_figures_for_the_filters(con, period, case):
    params, filters = FILTER_CASES[case]
    head = metrics.headline(con, filters, period.to_month)
    wins = metrics.customer_wins(con, filters, period.from_month, period.to_month)
    leaders = metrics.best_and_worst_groups(con, filters, period.to_month)
    for slide in ["1", "2", "3", "4"]:
        at = run_app({**params, "slide": slide}, PRESENT)
        assert not at.exception and not at.error
        assert at.header[0].value.startswith(f"{slide} / 5")
        assert filters.describe() in at.caption[0].value
        spec = slide_figure(at)
        if slide == "1":
            (indicator,) = [t for t in spec["data"] if t["type"] == "indicator"]
            assert indicator["value"] == pytest.approx(head["nrr"] * 100)
        elif slide == "3":
            assert f"Best: {leaders['best']['value']}" in spec["layout"]["title"]["text"]
        elif slide == "4":
            bars = [t for t in spec["data"] if t["type"] == "bar"]
            assert bars[0]["y"] == list(wins.name)


def test_next_and_previous_step_through_the_slides_and_wrap_around(con):
    at = run_app(None, PRESENT)
    assert at.header[0].value.startswith("1 / 5")
    at.button(key="next").click().run()
    assert at.header[0].value.startswith("2 / 5")
    at.button(key="previous").click().run()
    at.button(key="previous").click().run()
    assert at.header[0].value.startswith("5 / 5")
    at.toggle(key="auto").set_value(True).run()
    assert not at.exception and at.header[0].value.startswith("5 / 5")
