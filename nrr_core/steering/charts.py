"""Steering's additions to the charts: a target line on a retention trend. No Streamlit."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

TARGET_COLOR = "#B8860B"


def with_target_line(fig: go.Figure, series: pd.DataFrame, name: str = "NRR target") -> go.Figure:
    """``fig`` (a trend over months) with the target of each month as a dashed
    step line; ``series`` is ``targets.target_series`` (month, target, period).
    Months without a target leave a gap; a target of one month is a large
    marker; ``fig``'s value axis is widened to
    show the line. Returns ``fig``, unchanged when
    ``series`` is empty."""
    if series.empty:
        return fig
    name = html.escape(str(name), quote=False)  # data text: plotly would read tags in it
    full = pd.DataFrame({"month": pd.date_range(series.month.min() + "-01", series.month.max() + "-01", freq="MS")
                         .strftime("%Y-%m")}).merge(series, on="month", how="left")
    fig.add_scatter(x=pd.to_datetime(full.month), y=full.target, name=name, mode="lines+markers",
                    line={"color": TARGET_COLOR, "width": 2, "dash": "dash", "shape": "hv"}, connectgaps=False,
                    marker={"size": 5 if len(series) > 1 else 12, "color": TARGET_COLOR},
                    customdata=full[["period"]].fillna(""),
                    hovertemplate="%{x|%b %Y}<br>" + name + " %{y:.1%} (%{customdata[0]})<extra></extra>")
    low, high = fig.layout.yaxis.range or (None, None)
    if low is not None:
        fig.update_yaxes(range=[min(low, series.target.min() - 0.02), max(high, series.target.max() + 0.02)])
    return fig


WINDOW_COLORS = {"next 90 days": "#1F3F73", "next 180 days": "#5B8FD0", "later": "#B8BEC6", "date passed": "#222222"}


def renewals_chart(buckets: pd.DataFrame, title: str, symbol: str = "$") -> go.Figure:
    """ARR renewing per bucket (``Calendar.by_month`` or ``by_quarter``): the
    at-risk part stacked under the rest, each bar coloured by its nearest
    highlight (next 90 days dark, next 180 days lighter, later grey)."""
    from ..charts import _layout
    from ..formatting import money

    fig = go.Figure()
    x = [str(b) for b in buckets.bucket]
    other = buckets.arr - buckets.at_risk_arr
    fig.add_bar(x=x, y=buckets.at_risk_arr, name="At risk on the review board", marker_color="#C8322F",
                marker_pattern_shape="/", hovertemplate="%{x}: " + html.escape(symbol) + "%{y:,.0f} ARR at risk<extra></extra>")
    fig.add_bar(x=x, y=other, name="Other renewals", marker_color=[WINDOW_COLORS[w] for w in buckets.window],
                text=[money(v, symbol) for v in buckets.arr], textposition="outside",
                customdata=buckets[["accounts"]],
                hovertemplate="%{x}: %{customdata[0]:,} renewals<extra></extra>", cliponaxis=False)
    fig.update_yaxes(tickprefix=symbol, tickformat="~s", title="ARR renewing")
    fig.update_xaxes(type="category", title=None)
    return _layout(fig, title, barmode="stack", height=380)
