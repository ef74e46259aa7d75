"""DataFrames from ``metrics`` -> plotly figures. No Streamlit, no queries.

One colour per movement type on every chart: growth in greens and blues
(expansion and cross-sell one family, new and reactivation another), losses
in reds and oranges (churn and contraction), totals in slate.
"""
from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .formatting import money, percent
from .metrics import MOVEMENT_LABELS
from .triangle import CohortTriangle

COLORS = {
    "new": "#2F6DB5",
    "reactivation": "#86AEDC",
    "expansion": "#1A8F5C",
    "cross_sell": "#71C49B",
    "contraction": "#F0973A",
    "churn": "#C8322F",
    "total": "#5B6472",
    "nrr": "#1F3F73",
    "grr": "#8E5DB8",
    "net": "#222222",
}
SERIES = ["#2F6DB5", "#E07B39", "#1A8F5C", "#8E5DB8", "#C8322F", "#17A2B8", "#B8860B", "#6C757D",
          "#D6619E", "#4E8F2F"]
GAINS = ("new", "expansion", "cross_sell", "reactivation")
LOSSES = ("contraction", "churn")
STEP_LABELS = {"starting_mrr": "Starting MRR", "ending_mrr": "Ending MRR", **MOVEMENT_LABELS}


def _safe(text) -> str:
    """Data text (segment, cohort, product names) as plain text: plotly would
    otherwise read tags such as <a href> or <img> in labels."""
    return html.escape(str(text), quote=False)


def _layout(fig: go.Figure, title: str, height: int = 420, **extra) -> go.Figure:
    fig.update_layout(
        title={"text": _safe(title), "x": 0, "xanchor": "left", "font": {"size": 18}},
        height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        font={"size": 14}, hovermode="closest", template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        **extra)
    return fig


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, "", height=200)


def nrr_trend_chart(trend: pd.DataFrame, bands: dict, title: str = "Net and gross revenue retention, trailing 12 months",
                    nrr_name: str = "NRR") -> go.Figure:
    """NRR and GRR lines over time with benchmark bands.

    ``bands``: median_low, median_high (median SaaS NRR), top (top performers' NRR).
    ``nrr_name`` names the NRR line: the headline definition in force
    ("NRR (ARR bridge)"; ``variants.headline_trend`` supplies its figures).
    """
    fig = go.Figure()
    x = pd.to_datetime(trend.month)
    ys = list(trend.nrr) + list(trend.grr) + [bands["top"] + 0.05, bands["median_low"] - 0.05]
    lo, hi = min(ys), max(ys)
    top_edge = max(hi, bands["top"]) + 0.05
    fig.add_hrect(y0=bands["median_low"], y1=bands["median_high"], fillcolor="#9AA5B1", opacity=0.25, line_width=0)
    fig.add_hrect(y0=bands["top"], y1=top_edge, fillcolor="#1A8F5C", opacity=0.12, line_width=0)
    # Band labels sit in the right margin, where no line can run through them.
    for y, text in (((bands["median_low"] + bands["median_high"]) / 2,
                     f"Benchmark:<br>median SaaS NRR<br>{percent(bands['median_low'], 0)}–{percent(bands['median_high'], 0)}"),
                    ((bands["top"] + top_edge) / 2, f"Benchmark:<br>top performers<br>above {percent(bands['top'], 0)}")):
        fig.add_annotation(text=text, xref="paper", x=1.01, xanchor="left", y=y, yref="y", showarrow=False,
                           align="left", font={"size": 12, "color": "#555"})
    fig.add_scatter(x=x, y=trend.nrr, name=_safe(nrr_name), mode="lines+markers",
                    line={"color": COLORS["nrr"], "width": 3}, customdata=trend[["base_accounts"]],
                    hovertemplate="%{x|%b %Y}<br>" + _safe(nrr_name) + " %{y:.1%}"
                    "<br>base: %{customdata[0]:,} accounts<extra></extra>")
    fig.add_scatter(x=x, y=trend.grr, name="GRR", mode="lines+markers",
                    line={"color": COLORS["grr"], "width": 2, "dash": "dot"},
                    hovertemplate="%{x|%b %Y}<br>GRR %{y:.1%}<extra></extra>")
    fig.update_yaxes(tickformat=".0%", range=[lo - 0.05, top_edge], title=None)
    fig.update_xaxes(title=None, dtick="M3", tickformat="%b %Y")
    fig = _layout(fig, title)
    fig.update_layout(margin={"r": 130})
    return fig


def waterfall_chart(bridge: pd.DataFrame, title: str, symbol: str = "$", key_prefix: str = "",
                    from_zero: bool = False) -> go.Figure:
    """Start -> movements -> end as floating bars, one colour per movement.

    ``bridge``: columns step, mrr (steps as in ``metrics.waterfall``). Each bar's
    ``customdata`` holds its step name, so a click can list the accounts behind it.
    The value axis starts below the lowest running level (and says so in a
    note above the plot), unless ``from_zero`` (slides: a room reads bar
    lengths, so they must be true).
    """
    steps, values = list(bridge.step), [float(v) for v in bridge.mrr]
    bases, heights, colors, texts = [], [], [], []
    running = 0.0
    for step, value in zip(steps, values):
        if step in ("starting_mrr", "ending_mrr"):
            bases.append(0.0)
            heights.append(value)
            colors.append(COLORS["total"])
            running = value
            texts.append(money(value, symbol))
        else:
            bases.append(running if value >= 0 else running + value)
            heights.append(abs(value))
            colors.append(COLORS[step])
            running += value
            texts.append(("+" if value >= 0 else "") + money(value, symbol))
    labels = [STEP_LABELS[s] for s in steps]
    fig = go.Figure()
    fig.add_bar(x=labels, y=bases, marker_color="rgba(0,0,0,0)", hoverinfo="skip", showlegend=False)
    fig.add_bar(x=labels, y=heights, base=None, marker_color=colors, text=texts, textposition="outside",
                customdata=[[s] for s in steps], showlegend=False, cliponaxis=False,
                hovertext=[f"{lab}: {money(v, symbol, precise=True)} MRR" for lab, v in zip(labels, values)],
                hovertemplate="%{hovertext}<extra></extra>")
    top = max([b + h for b, h in zip(bases, heights)] + [1])
    # Movements are a few percent of MRR: an axis from zero would flatten them.
    # Start the axis below the lowest running level instead, and say so.
    levels = [b for b, s in zip(bases, steps) if s not in ("starting_mrr", "ending_mrr")] + [
        v for v, s in zip(values, steps) if s in ("starting_mrr", "ending_mrr")]
    low = min(levels) if levels else 0.0
    floor = max(0.0, low - 0.6 * max(top - low, 0.02 * top))
    floor = 0.0 if from_zero or floor < 0.25 * top else floor
    fig.update_traces(textfont_size=13, selector={"type": "bar"})
    fig.update_yaxes(tickprefix=symbol, tickformat="~s", range=[floor, top + 0.12 * (top - floor)], title="MRR")
    if floor > 0:
        fig.add_annotation(text=f"Broken axis: starts at {money(floor, symbol)}, not 0", xref="paper", yref="paper",
                           x=1, y=1.0, xanchor="right", yanchor="bottom", showarrow=False,
                           font={"size": 13, "color": "#444"})
    return _layout(fig, title, barmode="stack")


def movements_over_time_chart(frame: pd.DataFrame, title: str, symbol: str = "$",
                              include_new: bool = False) -> go.Figure:
    """Losses below zero, gains above, and the net line, per month or quarter.

    ``frame``: ``metrics.movements_by`` output. By default only the movements of
    existing accounts (churn, contraction, expansion, cross-sell) and their net;
    ``include_new`` adds new logos and reactivations (net new MRR). Bars carry
    their period and movement in ``customdata`` for drill-down.
    """
    fig = go.Figure()
    x = list(frame.month)
    shown = [m for m in ("churn", "contraction", "new", "reactivation", "cross_sell", "expansion")
             if include_new or m not in ("new", "reactivation")]
    for name in shown:
        fig.add_bar(x=x, y=frame[name], name=MOVEMENT_LABELS[name], marker_color=COLORS[name],
                    customdata=[[p, name] for p in x],
                    hovertemplate=f"%{{x}}<br>{MOVEMENT_LABELS[name]}: %{{y:,.0f}} MRR<extra></extra>")
    net = frame[shown].sum(axis=1)
    net_name = "Net new MRR" if include_new else "Net expansion (existing accounts)"
    fig.add_scatter(x=x, y=net, name=net_name, mode="lines+markers", line={"color": COLORS["net"], "width": 2},
                    hovertemplate=f"%{{x}}<br>{net_name}: %{{y:,.0f}} MRR<extra></extra>")
    fig.update_yaxes(tickprefix=symbol, tickformat="~s", title="MRR change", zeroline=True, zerolinecolor="#444")
    fig.update_xaxes(type="category", title=None)
    return _layout(fig, title, barmode="relative")


def segment_bridge_chart(frame: pd.DataFrame, title: str, symbol: str = "$") -> go.Figure:
    """Per group: gains and losses of the window side by side, as a share of its starting MRR.

    ``frame``: ``metrics.bridge_by`` output.
    """
    fig = go.Figure()
    groups = [_safe(v) for v in frame.value]
    start = frame.starting_mrr.where(frame.starting_mrr > 0)
    for name in ("churn", "contraction", "expansion", "cross_sell"):
        share = frame[name] / start
        fig.add_bar(y=groups, x=share, name=MOVEMENT_LABELS[name], orientation="h", marker_color=COLORS[name],
                    customdata=list(zip(frame[name], frame.starting_mrr)),
                    hovertemplate=f"%{{y}}<br>{MOVEMENT_LABELS[name]}: %{{x:.1%}} of starting MRR"
                                  f"<br>%{{customdata[0]:,.0f}} of %{{customdata[1]:,.0f}} MRR<extra></extra>")
    fig.update_xaxes(tickformat=".0%", title="share of the group's starting MRR", zeroline=True, zerolinecolor="#444")
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, barmode="relative", height=max(260, 90 + 55 * len(groups)))


def breakdown_chart(frame: pd.DataFrame, title: str, bands: dict) -> go.Figure:
    """NRR and GRR per group as horizontal bars, with the 100 % line.

    Each bar's label sits inside its end, and the 100 % line is drawn behind
    the bars: a label just past a bar's end (a GRR near 95 %) would otherwise
    sit under the line.
    """
    data = frame.dropna(subset=["nrr"])
    fig = go.Figure()
    names = [_safe(v) for v in data.value]
    inside = {"textposition": "inside", "insidetextanchor": "end", "textfont": {"color": "white"}}
    fig.add_bar(y=names, x=data.nrr, name="NRR", orientation="h", marker_color=COLORS["nrr"],
                text=[percent(v) for v in data.nrr], **inside,
                customdata=list(zip(data.arr, data.base_accounts)),
                hovertemplate="%{y}<br>NRR %{x:.1%}<br>ARR %{customdata[0]:,.0f}"
                              "<br>12-month base: %{customdata[1]:,} accounts<extra></extra>")
    fig.add_bar(y=names, x=data.grr, name="GRR", orientation="h", marker_color=COLORS["grr"],
                text=[percent(v) for v in data.grr], **inside,
                hovertemplate="%{y}<br>GRR %{x:.1%}<extra></extra>")
    fig.add_vline(x=1.0, line_dash="dash", line_color="#444", layer="below")
    hi = max([1.25, *(data.nrr.tolist() or [1])])
    fig.update_xaxes(tickformat=".0%", range=[0, hi * 1.12], title=None)
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, barmode="group", height=max(280, 100 + 60 * len(data)))


def retention_curves_chart(frame: pd.DataFrame, value: str, title: str) -> go.Figure:
    """One line per cohort over months since start, eligible accounts below.

    ``frame``: ``metrics.cohorts`` output; ``value``: revenue_retention or
    logo_retention. Points resting on fewer than 10 eligible accounts are drawn
    hollow so a thin tail is not over-read.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for i, (raw_cohort, group) in enumerate(frame.groupby("cohort", sort=True)):
        cohort = _safe(raw_cohort)
        color = SERIES[i % len(SERIES)]
        thin = group.eligible_accounts < 10
        fig.add_scatter(x=group.months_since_start, y=group[value], name=str(cohort), mode="lines+markers",
                        legendgroup=str(cohort), line={"color": color, "width": 2},
                        marker={"symbol": ["circle-open" if t else "circle" for t in thin], "size": 7},
                        customdata=list(zip(group.eligible_accounts, group.accounts_active)),
                        hovertemplate=f"{cohort}<br>month %{{x}}: %{{y:.1%}}<br>eligible accounts: "
                                      f"%{{customdata[0]:,}} (active %{{customdata[1]:,}})<extra></extra>",
                        row=1, col=1)
        fig.add_scatter(x=group.months_since_start, y=group.eligible_accounts, name=str(cohort), mode="lines",
                        legendgroup=str(cohort), showlegend=False, line={"color": color, "width": 1.5},
                        hovertemplate=f"{cohort}<br>month %{{x}}: %{{y:,}} eligible accounts<extra></extra>",
                        row=2, col=1)
    fig.add_hline(y=1.0, line_dash="dash", line_color="#888", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", title="retained", row=1, col=1)
    fig.update_yaxes(title="eligible", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title="months since start", row=2, col=1)
    return _layout(fig, title, height=560)


PARTIAL_MARK = "*"
THIN_GREY = "#D5D9DF"


def cohort_heatmap(triangle: CohortTriangle, title: str) -> go.Figure:
    """The cohort triangle: cohorts down, months since start across, % in cells.

    ``triangle``: ``triangle.cohort_triangle`` output. A cell that rests on part
    of its cohort only carries ``PARTIAL_MARK`` after its value; a thin cell
    (fewer than ``triangle.min_eligible`` eligible accounts) is grey, its value
    on hover only. Every cell's hover text says how many of the cohort's
    accounts it rests on. A note under the plot explains both marks.
    """
    values, eligible, size = triangle.values, triangle.eligible, triangle.size
    columns = [int(c) for c in values.columns]
    rows = [_safe(i) for i in values.index]
    # Numbers in cells only while they fit; the colour and hover carry the rest.
    fits = len(columns) <= 16
    shown, grey, text, hover = [], [], [], []
    for cohort in values.index:
        row_shown, row_grey, row_text, row_hover = [], [], [], []
        total = int(size[cohort])
        for col in values.columns:
            v, n = values.at[cohort, col], int(eligible.at[cohort, col])
            part, thin = bool(triangle.partial.at[cohort, col]), bool(triangle.thin.at[cohort, col])
            missing = isinstance(v, float) and math.isnan(v)
            row_shown.append(None if missing or thin else v)
            row_grey.append(0.0 if thin and not missing else None)
            mark = PARTIAL_MARK if part else ""
            row_text.append("" if missing or thin else (f"{v:.0%}{mark}" if fits else mark))
            note = (" · part of the cohort" if part else "") + (
                f" · fewer than {triangle.min_eligible}: greyed" if thin else "")
            row_hover.append("" if missing else f"cohort {_safe(cohort)} · month {int(col)}: {v:.1%}<br>"
                                                f"{n:,} of {total:,} accounts eligible{note}")
        shown.append(row_shown)
        grey.append(row_grey)
        text.append(row_text)
        hover.append(row_hover)
    fig = go.Figure(go.Heatmap(
        z=shown, x=columns, y=rows, text=text, hovertext=hover, name="retained",
        texttemplate="%{text}", textfont={"size": 12}, colorscale="RdYlGn", zmid=1.0, zmin=0.4, zmax=1.6,
        colorbar={"title": "retained", "tickformat": ".0%"}, hoverongaps=False,
        hovertemplate="%{hovertext}<extra></extra>"))
    if triangle.thin.to_numpy().any():
        fig.add_trace(go.Heatmap(
            z=grey, x=columns, y=rows, hovertext=hover, name="too few accounts", showscale=False,
            colorscale=[[0, THIN_GREY], [1, THIN_GREY]], hoverongaps=False,
            hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category", title=None)
    fig.update_xaxes(title="months since start", tickvals=columns)
    fig.add_annotation(
        text=f"{PARTIAL_MARK} part of the cohort only: its later starters have not reached that month yet "
             f"(hover for how many). Grey: fewer than {triangle.min_eligible} eligible accounts.",
        xref="paper", yref="paper", x=0, y=0, yshift=-58, xanchor="left", yanchor="top", showarrow=False,
        font={"size": 13, "color": "#444"})
    fig = _layout(fig, title, height=max(340, 140 + 30 * len(rows)))
    fig.update_layout(margin={"b": 80})
    return fig


def account_history_chart(products: pd.DataFrame, title: str, symbol: str = "$") -> go.Figure:
    """One account's MRR stacked by product line over time."""
    fig = go.Figure()
    for i, (raw_product, group) in enumerate(products.groupby("product", sort=True)):
        product = _safe(raw_product)
        fig.add_bar(x=pd.to_datetime(group.month), y=group.mrr, name=str(product),
                    marker_color=SERIES[i % len(SERIES)],
                    hovertemplate=f"{product}<br>%{{x|%b %Y}}: %{{y:,.0f}} MRR<extra></extra>")
    fig.update_yaxes(tickprefix=symbol, tickformat="~s", title="MRR")
    fig.update_xaxes(title=None, tickformat="%b %Y")
    return _layout(fig, title, barmode="stack", height=360)


def for_projector(fig: go.Figure, height: int = 720) -> go.Figure:
    """The same figure readable from the back of a room at 1920×1080: large
    type, thick lines, no legend clutter below the title."""
    fig.update_layout(height=height, font={"size": 26}, title_font_size=40,
                      margin={"l": 20, "r": 20, "t": 100, "b": 20}, legend_font_size=24)
    fig.update_traces(selector={"type": "scatter"}, line_width=5, marker_size=12)
    fig.update_traces(selector={"type": "bar"}, textfont_size=26)
    fig.update_xaxes(tickfont_size=22, title_font_size=24)
    fig.update_yaxes(tickfont_size=22, title_font_size=24)
    return fig


def headline_figure(trend: pd.DataFrame, nrr: float, nrr_prev: float | None, bands: dict,
                    title: str, since: str = "a quarter ago", name: str = "Net revenue retention") -> go.Figure:
    """The all-hands headline: NRR as one large number with its change since
    ``nrr_prev`` (``since`` says when, e.g. "a year ago"), and the trend beside
    it (benchmark band and top line)."""
    fig = go.Figure()
    fig.add_trace(go.Indicator(
        mode="number+delta" if nrr_prev is not None else "number", value=nrr * 100,
        number={"suffix": "%", "valueformat": ".1f", "font": {"size": 150, "color": COLORS["nrr"]}},
        delta={"reference": (nrr_prev or 0) * 100, "valueformat": ".1f", "suffix": f" pts vs {since}",
               "font": {"size": 36}},
        title={"text": f"{_safe(name)}<br>trailing 12 months", "font": {"size": 30}},
        domain={"x": [0, 0.36], "y": [0.1, 0.9]}))
    x = pd.to_datetime(trend.month)
    fig.add_scatter(x=x, y=trend.nrr, mode="lines+markers", name=_safe(name), line={"color": COLORS["nrr"]},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra></extra>")
    fig.add_shape(type="rect", xref="x domain", x0=0, x1=1, yref="y", y0=bands["median_low"],
                  y1=bands["median_high"], fillcolor="#9AA5B1", opacity=0.25, line_width=0)
    fig.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=bands["top"], y1=bands["top"],
                  line={"dash": "dash", "color": "#1A8F5C", "width": 3})
    fig.add_annotation(xref="x domain", x=0, y=bands["top"], yref="y", yanchor="bottom", xanchor="left",
                       showarrow=False, text=f"top performers {percent(bands['top'], 0)}", font={"color": "#1A8F5C"})
    fig.add_annotation(xref="x domain", x=0, y=bands["median_low"], yref="y", yanchor="top", xanchor="left",
                       showarrow=False, text=f"median SaaS {percent(bands['median_low'], 0)}–"
                                         f"{percent(bands['median_high'], 0)}", font={"color": "#555"})
    lo = min([*trend.nrr, bands["median_low"]]) - 0.04
    hi = max([*trend.nrr, bands["top"]]) + 0.04
    fig.update_layout(xaxis={"domain": [0.44, 1], "tickformat": "%b %Y"},
                      yaxis={"tickformat": ".0%", "range": [lo, hi]}, showlegend=False)
    return for_projector(_layout(fig, title))


def wins_chart(frame: pd.DataFrame, title: str, symbol: str = "$") -> go.Figure:
    """Customer wins: each account's expansion and cross-sell as ARR, largest on top.

    ``frame``: ``metrics.customer_wins`` output (its ``*_arr`` columns)."""
    names = [_safe(n) for n in frame.name]
    fig = go.Figure()
    for name in ("expansion", "cross_sell"):
        fig.add_bar(y=names, x=frame[f"{name}_arr"], name=MOVEMENT_LABELS[name], orientation="h",
                    marker_color=COLORS[name],
                    hovertemplate=f"%{{y}}<br>{MOVEMENT_LABELS[name]}: %{{x:,.0f}} ARR<extra></extra>")
    fig.add_scatter(y=names, x=frame.gained_arr, mode="text",
                    text=["+" + money(v, symbol) + " ARR" for v in frame.gained_arr],
                    textposition="middle right", showlegend=False, hoverinfo="skip", textfont={"size": 26})
    fig.update_xaxes(tickprefix=symbol, tickformat="~s", range=[0, float(frame.gained_arr.max()) * 1.35],
                     title="ARR added")
    fig.update_yaxes(autorange="reversed", title=None)
    return for_projector(_layout(fig, title, barmode="stack"))


def definitions_trend_chart(trend: pd.DataFrame, title: str, headline: str = "nrr") -> go.Figure:
    """Every NRR definition per month, one labelled line each (``variants.trend``
    output); the headline in force drawn thickest. GRR dotted, the annualised
    one-month figure dashed (it swings far more than the others)."""
    from .variants import VARIANTS

    fig = go.Figure()
    x = pd.to_datetime(trend.month)
    for i, v in enumerate(VARIANTS):
        dash = "dot" if v.key == "grr" else "dash" if v.key.endswith("annualised") else "solid"
        color = COLORS["nrr"] if v.key == "nrr" else COLORS["grr"] if v.key == "grr" else SERIES[i % len(SERIES)]
        fig.add_scatter(x=x, y=trend[v.key], name=_safe(v.label), mode="lines",
                        line={"color": color, "width": 4 if v.key == headline else 2, "dash": dash},
                        hovertemplate=f"%{{x|%b %Y}}<br>{_safe(v.label)}: %{{y:.1%}}<extra></extra>")
    fig.add_hline(y=1.0, line_dash="dash", line_color="#888")
    fig.update_yaxes(tickformat=".0%", title=None)
    fig.update_xaxes(title=None, tickformat="%b %Y")
    fig = _layout(fig, title, height=460)
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "yanchor": "middle", "x": 1.02, "xanchor": "left"},
                      margin={"r": 10})
    return fig


def reconciliation_chart(steps: pd.DataFrame, start: float, start_label: str, end_label: str,
                         title: str) -> go.Figure:
    """From our NRR to another definition as floating bars in percentage points
    (``steps``: one definition's rows of ``variants.reconcile(...).steps``)."""
    import textwrap

    # Step names on two or three short lines, so neighbouring names never run together.
    labels = ["<br>".join(textwrap.wrap(_safe(s), 16)) for s in (start_label, *steps.label, end_label)]
    running, bases, heights, colors, texts = start * 100, [0.0], [start * 100], [COLORS["nrr"]], [f"{start:.1%}"]
    for points in steps.points:
        bases.append(running if points >= 0 else running + points)
        heights.append(abs(points))
        colors.append(COLORS["expansion"] if points >= 0 else COLORS["churn"])
        texts.append(f"{points:+.2f} pts")
        running += points
    bases.append(0.0)
    heights.append(running)
    colors.append(COLORS["total"])
    texts.append(f"{running / 100:.1%}")
    fig = go.Figure()
    fig.add_bar(x=labels, y=bases, marker_color="rgba(0,0,0,0)", hoverinfo="skip", showlegend=False)
    fig.add_bar(x=labels, y=heights, marker_color=colors, text=texts, textposition="outside", showlegend=False,
                cliponaxis=False, hovertemplate="%{x}: %{text}<extra></extra>")
    levels = [b for b in bases[1:-1]] + [heights[0], heights[-1]]
    low, top = min(levels), max(b + h for b, h in zip(bases, heights))
    floor = max(0.0, low - 0.6 * max(top - low, 2.0))
    fig.update_yaxes(ticksuffix="%", range=[floor, top + 0.15 * (top - floor)], title="% of base MRR")
    fig.add_annotation(text=f"Broken axis: starts at {floor:.0f}%, not 0", xref="paper", yref="paper", x=1, y=1.0,
                       xanchor="right", yanchor="bottom", showarrow=False, font={"size": 13, "color": "#444"})
    fig.update_xaxes(tickangle=0, automargin=True)
    return _layout(fig, title, barmode="stack", height=420)


def benchmark_comparison_chart(frame: pd.DataFrame, title: str, source: str) -> go.Figure:
    """Each group's NRR beside the benchmark median for its own contract size
    (``variants.compare_groups`` output); ``source`` names the set and year in
    the legend ("SaaS Capital 2023")."""
    names = [f"{_safe(v)} · {_safe(b)}" for v, b in zip(frame.value, frame.band)]
    fig = go.Figure()
    fig.add_bar(y=names, x=frame.nrr, name="Our NRR", orientation="h", marker_color=COLORS["nrr"],
                text=[percent(v) for v in frame.nrr], textposition="inside", insidetextanchor="start",
                textfont={"color": "white"}, customdata=list(zip(frame.acv, frame.band)),
                hovertemplate="%{y}<br>NRR %{x:.1%}<br>ARR per account %{customdata[0]:,.0f}"
                              "<br>band: %{customdata[1]}<extra></extra>")
    fig.add_scatter(y=names, x=frame.benchmark_nrr, mode="markers", name=f"{_safe(source)} median NRR for the "
                    "group's ACV band", marker={"symbol": "diamond", "size": 16, "color": "#E07B39",
                                                "line": {"color": "white", "width": 1}},
                    hovertemplate="%{y}<br>" + _safe(source) + " median %{x:.0%}<extra></extra>")
    fig.add_scatter(y=names, x=[max(a, b) + 0.03 for a, b in zip(frame.nrr, frame.benchmark_nrr.fillna(0))],
                    mode="text", text=[f"median {percent(v, 0)}" for v in frame.benchmark_nrr],
                    textposition="middle right", textfont={"size": 13, "color": "#B35A1F"}, showlegend=False,
                    hoverinfo="skip")
    hi = max([1.25, *frame.nrr.dropna().tolist(), *frame.benchmark_nrr.dropna().tolist()])
    fig.update_xaxes(tickformat=".0%", range=[0, hi * 1.3], title=None)
    fig.update_yaxes(autorange="reversed", title=None)
    return _layout(fig, title, height=max(260, 110 + 60 * len(frame)))
