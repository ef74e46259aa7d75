"""Figures that read true: the cohort triangle marks partial and thin cells and
hovers with the eligible count; slides can start a bridge at zero and the page
marks a broken axis; bar labels stay clear of the 100 % line; wins are ARR."""
from __future__ import annotations

import math

import pandas as pd

from nrr_core import charts
from nrr_core.triangle import CohortTriangle


def triangle() -> CohortTriangle:
    values = pd.DataFrame([[1.0, 1.2, 0.89], [1.0, 1.49, math.nan]], index=["2024-Q2", "2025-Q2"],
                          columns=[0, 3, 6])
    eligible = pd.DataFrame([[69, 69, 21], [113, 8, 0]], index=values.index, columns=values.columns)
    partial = pd.DataFrame([[False, False, True], [False, True, False]], index=values.index, columns=values.columns)
    thin = pd.DataFrame([[False, False, False], [False, True, False]], index=values.index, columns=values.columns)
    return CohortTriangle(values, eligible, eligible[0].rename("accounts"), partial, thin, 10)


def test_cohort_heatmap_marks_partial_cells_and_hovers_with_the_count():
    fig = charts.cohort_heatmap(triangle(), "t")
    main = fig.data[0]
    assert list(main.text[0]) == ["100%", "120%", f"89%{charts.PARTIAL_MARK}"]
    assert main.hovertext[0][2] == "cohort 2024-Q2 · month 6: 89.0%<br>21 of 69 accounts eligible · part of the cohort"
    assert main.hovertext[0][0] == "cohort 2024-Q2 · month 0: 100.0%<br>69 of 69 accounts eligible"
    assert main.hovertemplate == "%{hovertext}<extra></extra>"
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert f"{charts.PARTIAL_MARK} part of the cohort only" in notes and "fewer than 10 eligible" in notes


def test_cohort_heatmap_greys_thin_cells():
    fig = charts.cohort_heatmap(triangle(), "t")
    main, grey = fig.data
    assert main.z[1][1] is None and main.text[1][1] == ""  # no colour, no number on the scale
    assert grey.z[1][1] == 0.0 and [v for row in grey.z for v in row if v is not None] == [0.0]
    assert grey.colorscale[0][1] == charts.THIN_GREY and grey.showscale is False
    assert "8 of 113 accounts eligible" in grey.hovertext[1][1] and "fewer than 10" in grey.hovertext[1][1]
    assert main.hovertext[1][2] == ""  # nobody eligible: no cell


def test_cohort_heatmap_without_thin_cells_has_one_trace():
    t = triangle()
    clear = CohortTriangle(t.values, t.eligible, t.size, t.partial, t.thin & False, 10)
    assert len(charts.cohort_heatmap(clear, "t").data) == 1


BRIDGE = pd.DataFrame({"step": ["starting_mrr", "new", "expansion", "cross_sell", "contraction", "churn",
                                "reactivation", "ending_mrr"],
                       "mrr": [8_160_000, 40_000, 90_000, 20_000, -30_000, -60_000, 5_000, 8_225_000]})


def test_waterfall_on_a_page_marks_its_broken_axis():
    fig = charts.waterfall_chart(BRIDGE, "t")
    floor = fig.layout.yaxis.range[0]
    assert floor > 0
    assert [a.text for a in fig.layout.annotations] == [f"Broken axis: starts at {charts.money(floor)}, not 0"]


def test_waterfall_from_zero_for_slides():
    fig = charts.waterfall_chart(BRIDGE, "t", from_zero=True)
    assert fig.layout.yaxis.range[0] == 0
    assert not fig.layout.annotations


def test_breakdown_labels_sit_inside_the_bars_and_the_100_line_behind_them():
    frame = pd.DataFrame({"value": ["A", "B"], "arr": [1.0, 2.0], "nrr": [1.043, 0.9], "grr": [0.95, 0.8],
                          "base_accounts": [10, 20]})
    fig = charts.breakdown_chart(frame, "t", {})
    for bar in fig.data:
        assert bar.textposition == "inside" and bar.insidetextanchor == "end"
    (line,) = fig.layout.shapes
    assert (line.x0, line.layer) == (1.0, "below")


def test_wins_are_drawn_as_arr():
    frame = pd.DataFrame({"name": ["A"], "expansion": [30.0], "cross_sell": [0.0], "gained": [30.0],
                          "expansion_arr": [360.0], "cross_sell_arr": [0.0], "gained_arr": [360.0]})
    fig = charts.wins_chart(frame, "t")
    assert list(fig.data[0].x) == [360.0]
    assert list(fig.data[2].text) == ["+$360 ARR"]
    assert fig.layout.xaxis.title.text == "ARR added"
