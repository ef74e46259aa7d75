"""Forecast DataFrames -> plotly figures. No Streamlit, no queries."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..charts import COLORS, _layout, _safe

BAND = "rgba(31, 63, 115, 0.16)"


def _band(fig: go.Figure, x, low, high, name: str, hover: str) -> None:
    fig.add_scatter(x=x, y=high, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=x, y=low, mode="lines", line={"width": 0}, fill="tonexty", fillcolor=BAND, name=name,
                    customdata=list(zip(low, high)), hovertemplate=hover)


def forecast_chart(table: pd.DataFrame, as_of: str, naive_nrr: float | None = None) -> go.Figure:
    """The forward NRR of the accounts active at ``as_of`` for each month ahead
    (``Forecast.table``): the base line from 100 % at ``as_of`` and its 80 %
    band; ``naive_nrr`` (the trailing NRR at ``as_of``) marked at 12 months."""
    x = pd.to_datetime([as_of, *table.month])
    fig = go.Figure()
    if table.nrr_low.notna().all():
        _band(fig, x, [1.0, *table.nrr_low], [1.0, *table.nrr_high], "80 % band",
              "%{x|%b %Y}: %{customdata[0]:.1%} to %{customdata[1]:.1%}<extra>80 % band</extra>")
    fig.add_scatter(x=x, y=[1.0, *table.nrr_base], name="Forecast", mode="lines+markers",
                    line={"color": COLORS["nrr"], "width": 3},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>forecast</extra>")
    if naive_nrr is not None and naive_nrr == naive_nrr and len(table) >= 12:
        fig.add_scatter(x=[x[12]], y=[naive_nrr], name="Last 12 months' NRR (naive)", mode="markers",
                        marker={"color": COLORS["total"], "size": 12, "symbol": "diamond-open", "line": {"width": 2}},
                        hovertemplate="%{y:.1%}<extra>naive: last 12 months' NRR</extra>")
    fig.update_yaxes(tickformat=".0%", title="forward NRR of today's accounts")
    fig.update_xaxes(tickformat="%b %Y", dtick="M2")
    return _layout(fig, "Forward NRR: the next months, with its 80 % band", height=400)


def track_chart(table: pd.DataFrame, horizon: int) -> go.Figure:
    """The back-test (``Backtest.table``) by target month: the forecast made
    ``horizon`` months earlier with its band, what happened, and the naive
    forecast (the NRR of the 12 months before the forecast month)."""
    x = pd.to_datetime(table.target_month)
    fig = go.Figure()
    banded = table.nrr_low.notna()
    if banded.any():
        _band(fig, x[banded], table.nrr_low[banded].tolist(), table.nrr_high[banded].tolist(), "80 % band",
              "%{x|%b %Y}: %{customdata[0]:.1%} to %{customdata[1]:.1%}<extra>80 % band</extra>")
    fig.add_scatter(x=x, y=table.nrr_base, name=f"Forecast made {horizon} months before", mode="lines+markers",
                    line={"color": COLORS["nrr"], "width": 3},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>forecast</extra>")
    fig.add_scatter(x=x, y=table.actual_nrr, name="Actual", mode="lines+markers",
                    line={"color": COLORS["expansion"], "width": 3},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>actual</extra>")
    fig.add_scatter(x=x, y=table.naive_nrr, name="Naive (last 12 months' NRR)", mode="lines",
                    line={"color": COLORS["total"], "width": 2, "dash": "dot"},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>naive</extra>")
    fig.update_yaxes(tickformat=".0%", title=f"NRR {horizon} months after the forecast")
    fig.update_xaxes(tickformat="%b %Y", title=f"month forecast for ({horizon} months after the forecast was made)")
    return _layout(fig, "Track record: the forecast against what happened", height=400)


def landing_figure(table: pd.DataFrame, as_of: str, land, targets: pd.DataFrame, currency: str = "$",
                   period_end=None) -> go.Figure:
    """The presentation's "where we will land": the forward NRR at the horizon
    as one large number (with its gap to the target as the delta, when a
    target applies) and its band, the months ahead with the band and the
    target at twelve months beside it (``forward_targets``), then as large
    lines below: a target period ending sooner (``period_end``, when given)
    and the swing factors (``Landing.swings``). Account names are data:
    escaped, never read as markup."""
    from ..formatting import percent, points
    from ..months import long_label, parse_month
    from ..steering.charts import with_target_line
    from .outlook import swing_words

    month = long_label(parse_month(land.month))
    fig = forecast_chart(table, as_of)
    fig = with_target_line(fig, targets, name="NRR target")
    fig.update_traces(xaxis="x", yaxis="y")
    band = ("band not measured yet" if land.low != land.low
            else f"80 % band {percent(land.low)} to {percent(land.high)}")
    fig.add_trace(go.Indicator(
        mode="number+delta" if land.target is not None else "number", value=land.base * 100,
        number={"suffix": "%", "valueformat": ".1f", "font": {"size": 140, "color": COLORS["nrr"]}},
        delta={"reference": (land.target or 0) * 100, "valueformat": ".1f",
               "suffix": f" pts vs target {percent(land.target)}", "font": {"size": 34}},
        title={"text": f"Forward NRR by {month}<br><span style='font-size:26px'>{band}</span>", "font": {"size": 30}},
        domain={"x": [0, 0.38], "y": [0.36, 1]}))
    fig.update_xaxes(domain=[0.46, 1], dtick="M3")
    fig.update_yaxes(domain=[0.36, 1], title=None)
    lines = [swing_words(row, currency) + " · largest: " + "; ".join(_safe(n) for n in row["names"])
             for row in land.swings.head(2).to_dict("records")]
    if not lines:
        lines = ["No account starts in the high risk band and none has an at-risk decision."]
    sooner = ""
    if period_end is not None:
        sooner = (f"<b>The {period_end.period} target</b> {percent(period_end.target)}, measured at "
                  f"{long_label(parse_month(period_end.month))}: {percent(period_end.expected)} expected "
                  f"({points(period_end.gap)}; {period_end.known_months} of 12 months known)<br>")
    fig.add_annotation(xref="paper", yref="paper", x=0, y=0.27, xanchor="left", yanchor="top", showarrow=False,
                       align="left", text=sooner + "<b>What could move it</b><br>" + "<br>".join(lines),
                       font={"size": 26, "color": "#222"})
    if land.target is None:
        title = f"Where we will land: {percent(land.base)} NRR by {month} · no target set for it"
    else:
        title = (f"Where we will land: {percent(land.base)} NRR by {month} · target {land.target_period} "
                 f"{percent(land.target)} · gap {points(land.gap)}")
    # The legend inside the chart's lower right, which the rising lines leave empty.
    fig.update_layout(title_text=title, showlegend=True,
                      legend={"orientation": "v", "yanchor": "bottom", "y": 0.38, "xanchor": "right", "x": 1,
                              "bgcolor": "rgba(255,255,255,0.8)"})
    return fig
