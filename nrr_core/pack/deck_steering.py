"""The deck's steering slides: the forward forecast and its track record as
native line charts, retention against target (table and a clustered column
chart) and the CSM scorecards (a native table). Same context and the same
words as the PDF's pages (``steering_pages``)."""
from __future__ import annotations

import math

import pandas as pd
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Inches, Pt

from .. import steering
from ..forecast import period_end_words, swing_words, track_words
from ..formatting import money, percent
from .deck import (ACCENT, BODY_W, HIGH, MARGIN, MUTED, SERIES, WIDE, _axes_text, _number, _skip_category_labels,
                   _slide, _style_series, _table, _text)
from .steering_pages import FORECAST_ROWS, SHORT_LABELS, _who, no_track_record, target_words, track_rows
from .text import month_words, plain, short

TARGET = SERIES[1]


def _percent_axis(chart, values=(), step: float = 0.02) -> None:
    """Percent ticks; with ``values``, the axis spans them (in ``step``s), not zero to the top."""
    chart.value_axis.tick_labels.number_format = "0%"
    chart.value_axis.tick_labels.number_format_is_linked = False
    shown = [v for v in values if _number(v) is not None]
    if shown:
        chart.value_axis.minimum_scale = max(0.0, math.floor(min(shown) / step - 0.5) * step)
        chart.value_axis.maximum_scale = math.ceil(max(shown) / step + 0.5) * step


def forecast_slide(prs, ctx: dict) -> None:
    """Forward NRR low, base and high by month (and the target at twelve
    months, ``forecast.forward_targets``) as a line chart beside the quarterly
    table and the swing factors."""
    fc, land, cur = ctx["forecast"], ctx["landing"], ctx["currency"]
    if fc is None:
        _slide(prs, "Forecast: none for this selection", ctx["forecast_problem"])
        return
    band = ("band not measured yet" if land.low != land.low
            else f"80 % band {percent(land.low)} to {percent(land.high)}")
    slide, top = _slide(prs, f"Forward NRR {percent(land.base)} by {month_words(land.month)}",
                        f"Today's {len(fc.model.start):,} accounts ({money(land.start_arr, cur)} ARR); {band}. "
                        f"{target_words(land, cur)} Last 12 months' NRR: {percent(ctx['naive_nrr'])}.")
    targets = ctx["forward_targets"].set_index("month").target if len(ctx["forward_targets"]) else pd.Series()
    data = CategoryChartData(number_format="0.0%")
    data.categories = [f"{month_words(m)[:3]} {m[2:4]}" for m in [fc.as_of, *fc.table.month]]
    data.add_series("Base forecast", [1.0, *(_number(v) for v in fc.table.nrr_base)])
    data.add_series("Low (80 % band)", [1.0, *(_number(v) for v in fc.table.nrr_low)])
    data.add_series("High (80 % band)", [1.0, *(_number(v) for v in fc.table.nrr_high)])
    if len(targets):
        data.add_series("NRR target", [None, *(_number(targets.get(m)) for m in fc.table.month)])
    width = Inches(6.9)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE, MARGIN, top, width, HIGH - top - Inches(0.4), data).chart
    _axes_text(chart)
    _style_series(chart, (ACCENT, MUTED, MUTED, TARGET))
    plot = list(chart.plots[0].series)
    for series in plot[1:3]:
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        series.format.line.width = Pt(1.5)
    if len(plot) > 3:
        # The target is held to the 12-month point only (``forecast.forward_targets``): a marker, not a line.
        plot[3].marker.style = XL_MARKER_STYLE.DIAMOND
        plot[3].marker.size = 11
        plot[3].marker.format.fill.solid()
        plot[3].marker.format.fill.fore_color.rgb = TARGET
        plot[3].marker.format.line.color.rgb = TARGET
    _percent_axis(chart, [1.0, *fc.table.nrr_low, *fc.table.nrr_high, *fc.table.nrr_base, *list(targets)])
    _skip_category_labels(chart, 2)
    x = MARGIN + width + Inches(0.3)
    right = WIDE - MARGIN - x
    rows = [[month_words(r.month), percent(r.nrr_low), percent(r.nrr_base), percent(r.nrr_high),
             percent(targets.get(r.month))] for r in fc.table.itertuples() if r.horizon in FORECAST_ROWS]
    _table(slide, ["Month", "Low", "Base", "High", "Target"], rows, x, top, [1.25, 0.95, 0.95, 0.95, 0.95], size=12,
           right={1, 2, 3, 4})
    lines = ([period_end_words(ctx["period_end"]), ""] if ctx.get("period_end") else []) + [
        "What could move it"] + [
        f"{swing_words(r, cur)}. Largest: {short('; '.join(plain(n) for n in r['names']), 90)}"
        for r in land.swings.to_dict("records")]
    if land.swings.empty:
        lines.append("No account starts in the high risk band and none has an at-risk decision.")
    below = top + Inches(0.42) * (len(rows) + 1) + Inches(0.2)
    _text(slide, "\n".join(lines), x, below, right, HIGH - below - Inches(0.3), size=12)


def track_slide(prs, ctx: dict) -> None:
    """The forecast made 12 months before against what happened and the naive
    forecast, beside the back-test's figures."""
    bt = ctx["backtest"]
    if bt is None or bt.table.empty:
        _slide(prs, *no_track_record(ctx))
        return
    s = bt.summary
    slide, top = _slide(prs, f"Track record: off by {s['mae'] * 100:.1f} pts on average (naive: "
                             f"{s['naive_mae'] * 100:.1f} pts)", track_words(s, bt.horizon))
    data = CategoryChartData(number_format="0.0%")
    data.categories = [f"{month_words(m)[:3]} {m[2:4]}" for m in bt.table.target_month]
    data.add_series(f"Forecast made {bt.horizon} months before", [_number(v) for v in bt.table.nrr_base])
    data.add_series("Actual", [_number(v) for v in bt.table.actual_nrr])
    data.add_series("Naive (last 12 months' NRR)", [_number(v) for v in bt.table.naive_nrr])
    data.add_series("Low (80 % band)", [_number(v) for v in bt.table.nrr_low])
    data.add_series("High (80 % band)", [_number(v) for v in bt.table.nrr_high])
    width = Inches(8.2)
    top = top + Inches(0.3)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE, MARGIN, top, width, HIGH - top - Inches(0.3), data).chart
    _axes_text(chart)
    _style_series(chart, (ACCENT, SERIES[2], SERIES[3], MUTED, MUTED))
    for series in list(chart.plots[0].series)[2:]:
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        series.format.line.width = Pt(1.5)
    list(chart.plots[0].series)[2].format.line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
    _percent_axis(chart, [*bt.table.nrr_low, *bt.table.nrr_high, *bt.table.actual_nrr, *bt.table.naive_nrr])
    _skip_category_labels(chart, 2)
    x = MARGIN + width + Inches(0.3)
    rows = track_rows(s)
    _table(slide, ["Figure", "Value"], rows, x, top, [2.9, 1.1], size=12, right={1})


def targets_slide(prs, ctx: dict) -> None:
    """NRR, GRR and logo retention against target per scope (table) and NRR
    against its target as a clustered column chart."""
    rows, to = ctx["target_rows"], ctx["period"].to_month
    if rows.empty:
        _slide(prs, "Retention against target", "No target applies to this selection: targets are set for the "
                                                "company, a segment or a CSM owner, and this filter is none of them.")
        return
    with_target = rows.dropna(subset=["target"])
    sub = (f"{int((with_target.attainment >= 1).sum())} of {len(with_target)} figures with a target are at or above "
           f"it (trailing 12 months; attainment = actual ÷ target)." if len(with_target)
           else f"No target is set for {month_words(to)}'s quarter or year.")
    slide, top = _slide(prs, f"Retention against target, {month_words(to)}", sub)
    header = ["For"]
    for metric in steering.METRICS:
        header += [SHORT_LABELS[metric], "Target", "Attained"]
    body, scopes = [], []
    for (scope, value), group in rows.groupby(["scope", "scope_value"], sort=False):
        cells = [_who(scope, value)]
        for r in group.set_index("metric").loc[list(steering.METRICS)].itertuples():
            cells += [percent(r.actual), percent(r.target), percent(r.attainment)]
        body.append(cells)
        scopes.append((short(_who(scope, value), 30), group.set_index("metric").loc["nrr"]))
    _table(slide, header, body, MARGIN, top, [2.5] + [1.09] * 9, size=12, right=set(range(1, 10)))
    chart_top = top + Inches(0.32) * (len(body) + 1) + Inches(0.3)
    if HIGH - chart_top < Inches(2.0):
        return
    data = CategoryChartData(number_format="0.0%")
    data.categories = [name for name, _ in scopes]
    data.add_series("NRR", [_number(r.actual) for _, r in scopes])
    data.add_series("NRR target", [_number(r.target) for _, r in scopes])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, MARGIN, chart_top, BODY_W,
                                   HIGH - chart_top - Inches(0.3), data).chart
    _axes_text(chart)
    for series, colour in zip(chart.plots[0].series, (ACCENT, TARGET)):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        series.data_labels.show_value = True
        series.data_labels.number_format, series.data_labels.number_format_is_linked = "0.0%", False
        series.data_labels.font.size = Pt(11)
    _percent_axis(chart, [v for _, r in scopes for v in (r.actual, r.target)], step=0.1)


def scorecards_slide(prs, ctx: dict) -> None:
    """One row per CSM owner (the PDF page's columns)."""
    cards, cur = ctx["scorecards"], ctx["currency"]
    if cards is None or cards.table.empty:
        _slide(prs, "CSM scorecards", ctx["scorecards_problem"] or
               "No CSM owner has a book with revenue in this period for these filters.")
        return
    s = cards.summary()
    slide, top = _slide(prs, f"CSM scorecards, {steering.describe_measure(cards)}",
                        f"{s['owners']:,} CSM owners, {money(s['arr'], cur)} book ARR; {s['on_target']} of "
                        f"{s['with_target']} with an NRR target at or above it. At-risk ARR "
                        f"{money(s['at_risk_arr'], cur)}, {percent(s['reviewed_share'], 0)} of it reviewed this period.")
    shown = cards.table.head(14)  # fourteen rows fit a slide at a readable size
    rows = [[short(plain(r.csm_owner), 40), money(r.arr, cur), percent(r.nrr), percent(r.nrr_target),
             percent(r.grr), percent(r.grr_target), percent(r.logo_retention), percent(r.logo_retention_target),
             percent(getattr(r, "forecast_nrr", None)), money(r.at_risk_arr, cur),
             percent(r.at_risk_reviewed_share, 0)] for r in shown.itertuples()]
    _table(slide, ["CSM owner", "Book ARR", "NRR", "Target", "GRR", "Target", "Logos", "Target", "Forecast NRR",
                   "At-risk ARR", "Reviewed"], rows, MARGIN, top,
           [2.3, 1.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.3, 1.15, 1.05], size=11, right=set(range(1, 11)))
    if len(cards.table) > len(shown):
        _text(slide, f"The {len(shown)} largest books by ARR of {len(cards.table)}; the PDF and the CSV list all.",
              MARGIN, HIGH - Inches(0.5), BODY_W, Inches(0.4), size=11, color=MUTED)
