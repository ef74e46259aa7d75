"""Insight DataFrames -> plotly figures. No Streamlit, no queries. Data text
(groups, segments) goes through ``_safe`` so plotly never reads it as markup."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..charts import COLORS, SERIES, _layout, _safe
from .rules import PHASE_LABELS, PHASES

PHASE_COLORS = {"onboarding": "#F0973A", "adoption": "#86AEDC", "value_realisation": "#2F6DB5",
                "advocacy": "#1A8F5C"}


def phases_chart(frame: pd.DataFrame, measure: str, title: str, symbol: str = "$") -> go.Figure:
    """Stacked areas of accounts (``measure="accounts"``) or ARR per phase over time (``journey.phases``)."""
    fig = go.Figure()
    x = pd.to_datetime(frame.month.unique())
    for phase in PHASES:
        part = frame[frame.phase == phase]
        hover = "%{x|%b %Y}: %{y:,.0f}" if measure == "accounts" else f"%{{x|%b %Y}}: {symbol}%{{y:,.0f}}"
        fig.add_scatter(x=x, y=part[measure].to_numpy(), name=PHASE_LABELS[phase], stackgroup="one",
                        mode="lines", line={"width": 0.5, "color": PHASE_COLORS[phase]},
                        hovertemplate=hover + f"<extra>{PHASE_LABELS[phase]}</extra>")
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_yaxes(title="accounts" if measure == "accounts" else f"ARR ({_safe(symbol)})", rangemode="tozero")
    return _layout(fig, title, height=380)


def ttv_chart(curve: pd.DataFrame, title: str, max_months: int = 12) -> go.Figure:
    """Share reached value by months since first revenue, one line per group (Kaplan-Meier)."""
    fig = go.Figure()
    for i, (group, part) in enumerate(curve.groupby("group", sort=False)):
        part = part[part.months <= max_months]
        colour = COLORS["total"] if group == "All" else SERIES[i % len(SERIES)]
        fig.add_scatter(x=part.months, y=part.reached_share, name=_safe(group), mode="lines+markers",
                        line={"shape": "hv", "color": colour, "width": 3 if group == "All" else 2,
                              "dash": "dot" if group == "All" else "solid"},
                        hovertemplate="%{x} months: %{y:.0%} reached value<extra>" + _safe(group) + "</extra>")
    fig.add_hline(y=0.5, line={"color": "#999", "dash": "dash", "width": 1})
    fig.update_xaxes(title="months since first revenue", dtick=1, range=[-0.3, max_months + 0.3])
    fig.update_yaxes(title="reached value", tickformat=".0%", range=[0, 1.02])
    return _layout(fig, title, height=360)


def drivers_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """12-month NRR of each group (point, 95 % interval) against the rest (hollow), top rows of ``drivers``."""
    rows = frame.iloc[::-1]
    labels = [_safe(f"{d}: {g}") for d, g in zip(rows.dimension, rows.group)]
    fig = go.Figure()
    fig.add_scatter(x=rows.rest_nrr, y=labels, mode="markers", name="The rest",
                    marker={"symbol": "circle-open", "size": 11, "color": COLORS["total"]},
                    hovertemplate="the rest: %{x:.0%}<extra></extra>")
    fig.add_scatter(x=rows.nrr, y=labels, mode="markers", name="The group (95 % interval)",
                    marker={"size": 12, "color": COLORS["nrr"]},
                    error_x={"type": "data", "symmetric": False, "array": (rows.nrr_high - rows.nrr).to_numpy(),
                             "arrayminus": (rows.nrr - rows.nrr_low).to_numpy(), "color": COLORS["nrr"]},
                    hovertemplate="%{x:.0%}<extra>group</extra>")
    fig.add_vline(x=1.0, line={"color": "#999", "dash": "dash", "width": 1})
    fig.update_xaxes(title="NRR a year after start", tickformat=".0%")
    fig.update_yaxes(automargin=True)
    return _layout(fig, title, height=max(300, 46 * len(rows) + 120))


def nps_chart(trend: pd.DataFrame, title: str, measure: str = "nps") -> go.Figure:
    """NPS per period (``measure="nps"``, as points from −100 to 100) or the response rate
    (``"response_rate"``, %), one line per segment (``voice.nps_trend``)."""
    fig = go.Figure()
    rate = measure == "response_rate"
    for i, (segment, part) in enumerate(trend.groupby("segment", sort=False)):
        colour = COLORS["total"] if segment == "All" else SERIES[i % len(SERIES)]
        fig.add_scatter(x=part.period, y=part[measure] * 100, name=_safe(segment), mode="lines+markers",
                        line={"color": colour, "width": 3 if segment == "All" else 2,
                              "dash": "dot" if segment == "All" else "solid"},
                        customdata=part.responses,
                        hovertemplate=("%{x}: %{y:.0f} % answered" if rate else "%{x}: NPS %{y:.0f}")
                                      + " (%{customdata:,} answers)<extra>" + _safe(segment) + "</extra>")
    if rate:
        fig.update_yaxes(title="answers ÷ active accounts (%)", rangemode="tozero")
        return _layout(fig, title, height=300)
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.update_yaxes(title="NPS (promoters % − detractors %)", range=[-100, 100])
    fig.update_xaxes(type="category")
    return _layout(fig, title, height=360)
