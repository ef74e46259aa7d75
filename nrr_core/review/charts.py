"""Review-board DataFrames from ``review`` -> plotly figures. No Streamlit, no queries."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..charts import COLORS, SERIES, _layout, _safe


def signal_trends_chart(signals: pd.DataFrame, title: str = "Usage and sentiment") -> go.Figure:
    """One account's signals (``review.account_signals``): seat utilisation and
    active users above, support tickets and NPS below."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        specs=[[{"secondary_y": True}], [{"secondary_y": True}]],
                        subplot_titles=("Seat utilisation and active users", "Support tickets and NPS"))
    x = pd.to_datetime(signals.month)
    fig.add_scatter(x=x, y=signals.utilisation, name="Seat utilisation", mode="lines+markers",
                    line={"color": SERIES[0], "width": 3}, row=1, col=1,
                    hovertemplate="%{x|%b %Y}: %{y:.0%}<extra>utilisation</extra>")
    fig.add_scatter(x=x, y=signals.active_users, name="Active users", mode="lines",
                    line={"color": SERIES[1], "dash": "dot"}, row=1, col=1, secondary_y=True,
                    hovertemplate="%{x|%b %Y}: %{y:,}<extra>active users</extra>")
    fig.add_bar(x=x, y=signals.support_tickets, name="Support tickets", marker_color="#9AA5B1", row=2, col=1,
                hovertemplate="%{x|%b %Y}: %{y} tickets<extra></extra>")
    fig.add_scatter(x=x, y=signals.nps, name="NPS response", mode="markers",
                    marker={"color": COLORS["grr"], "size": 11, "symbol": "diamond"}, row=2, col=1,
                    secondary_y=True, hovertemplate="%{x|%b %Y}: NPS %{y}<extra></extra>")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=1, secondary_y=False, title="utilisation")
    fig.update_yaxes(rangemode="tozero", row=1, col=1, secondary_y=True, title="users", showgrid=False)
    fig.update_yaxes(rangemode="tozero", row=2, col=1, secondary_y=False, title="tickets")
    fig.update_yaxes(range=[-0.5, 10.5], dtick=5, row=2, col=1, secondary_y=True, title="NPS", showgrid=False)
    fig.update_xaxes(tickformat="%b %Y")
    fig.add_hline(y=0.5, line={"color": COLORS["churn"], "dash": "dash", "width": 1}, row=1, col=1)
    fig.add_hline(y=0.9, line={"color": COLORS["expansion"], "dash": "dash", "width": 1}, row=1, col=1)
    fig = _layout(fig, title, height=500)
    return fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.08, "xanchor": "left", "x": 0},
                             margin={"b": 40})


def backtest_chart(monthly: pd.DataFrame, top_share: float, horizon: int) -> go.Figure:
    """Per scoring month: the churn-or-contraction rate of the top group by risk
    score against all accounts (``Backtest.monthly``)."""
    x = pd.to_datetime(monthly.month)
    fig = go.Figure()
    fig.add_scatter(x=x, y=monthly.top_rate, name=f"Top {top_share:.0%} by risk score", mode="lines+markers",
                    line={"color": COLORS["churn"], "width": 3},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>top group</extra>")
    fig.add_scatter(x=x, y=monthly.base_rate, name="All accounts", mode="lines+markers",
                    line={"color": COLORS["total"], "width": 2, "dash": "dot"},
                    hovertemplate="%{x|%b %Y}: %{y:.1%}<extra>all accounts</extra>")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero",
                     title=f"churned or contracted within {horizon} months")
    fig.update_xaxes(title="month the score was computed", tickformat="%b %Y")
    return _layout(fig, "How often the accounts the score ranked highest then churned or contracted",
                   height=380)


def rollup_chart(frame: pd.DataFrame, title: str, symbol: str = "$") -> go.Figure:
    """ARR at risk per group (``review.at_risk_rollup``), largest on top."""
    ordered = frame.iloc[::-1]
    labels = [_safe(v) for v in ordered.value]
    fig = go.Figure(go.Bar(x=ordered.arr, y=labels, orientation="h", marker_color=COLORS["churn"],
                           text=[f"{symbol}{v / 1e6:,.1f}M" if v >= 1e6 else f"{symbol}{v / 1e3:,.0f}k"
                                 for v in ordered.arr],
                           textposition="outside", cliponaxis=False,
                           customdata=ordered.accounts,
                           hovertemplate="%{y}: %{x:,.0f} ARR, %{customdata} accounts<extra></extra>"))
    fig.update_xaxes(tickprefix=symbol, tickformat="~s", title="ARR at risk", rangemode="tozero")
    fig.update_yaxes(title=None, automargin=True)
    fig = _layout(fig, title, height=max(220, 60 + 34 * len(frame)))
    return fig.update_layout(margin={"r": 70})  # room for the value labels
