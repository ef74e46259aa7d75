"""The presentation's "where we will land" slide: the Forecast page's
forecast (``results.forecast_of``, the decisions in force) at the sidebar's
as-of month, against the NRR target for the filters' scope, with the swing
factors (``forecast.landing``), drawn large for a projector."""
from __future__ import annotations

import streamlit as st

from nrr_core import charts, forecast
from nrr_core.forecast import charts as forecast_charts

from .. import view
from ..steering import data as steering_data
from . import results


def draw(ctx, chart_options: dict) -> None:
    f, as_of = ctx.filters, ctx.period.to_month
    if as_of < results.earliest_month(ctx.info):
        view.nothing(f"A forecast needs {results.MIN_HISTORY} months of data before its month: pick an as-of month "
                     f"from {results.earliest_month(ctx.info)}.")
        return
    fc = results.forecast_of(f, as_of)
    if not len(fc.model.start):
        view.nothing("No selected account had revenue in the as-of month: nothing to forecast.")
        return
    in_force = steering_data.targets_in_force()
    land = forecast.landing(fc, results.names_of(f), f, in_force)
    fig = forecast_charts.landing_figure(fc.table, fc.as_of, land, forecast.forward_targets(fc, f, in_force),
                                         ctx.currency, results.period_end_of(f, as_of, in_force))
    fig = charts.for_projector(fig, height=760)
    # The band's edges stay invisible (the projector style thickens every line).
    fig.update_traces(selector={"fill": "tonexty"}, line_width=0)
    fig.update_traces(selector={"hoverinfo": "skip"}, line_width=0)
    st.plotly_chart(fig, key="present_landing", **chart_options)
