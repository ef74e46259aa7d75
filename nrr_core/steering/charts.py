"""Steering's additions to the charts: a target line on a retention trend. No Streamlit."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

TARGET_COLOR = "#B8860B"


def with_target_line(fig: go.Figure, series: pd.DataFrame, name: str = "NRR target") -> go.Figure:
    """``fig`` (a trend over months) with the target of each month as a dashed
    step line; ``series`` is ``targets.target_series`` (month, target, period).
    Months without a target leave a gap. Returns ``fig``, unchanged when
    ``series`` is empty."""
    if series.empty:
        return fig
    full = pd.DataFrame({"month": pd.date_range(series.month.min() + "-01", series.month.max() + "-01", freq="MS")
                         .strftime("%Y-%m")}).merge(series, on="month", how="left")
    fig.add_scatter(x=pd.to_datetime(full.month), y=full.target, name=name, mode="lines",
                    line={"color": TARGET_COLOR, "width": 2, "dash": "dash", "shape": "hv"}, connectgaps=False,
                    customdata=full[["period"]].fillna(""),
                    hovertemplate="%{x|%b %Y}<br>" + name + " %{y:.1%} (%{customdata[0]})<extra></extra>")
    return fig
