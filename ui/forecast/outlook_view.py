"""The outlook: forward NRR and ARR in 12 months with the band, and the chart
of the months ahead."""
from __future__ import annotations

import streamlit as st

from nrr_core import forecast, formatting, steering
from nrr_core.forecast import charts as forecast_charts

from .. import view


def draw(fc, naive_nrr: float | None, currency: str, targets, period_end=None) -> None:
    """Tiles and the band chart of ``fc`` (``forecast.Forecast``);
    ``naive_nrr``: the trailing 12-month NRR at its month (None if none);
    ``targets``: the NRR target the forecast is held to
    (``forecast.forward_targets``, empty without one), and ``period_end``
    (``forecast.period_end``: a target period ending sooner, and the NRR
    expected at its end; None without one)."""
    end = fc.table.iloc[-1]
    a, b, c = st.columns(3)
    band = ("band not measured yet (too little history)" if end.nrr_low != end.nrr_low else
            f"80 % band {formatting.percent(end.nrr_low)} to {formatting.percent(end.nrr_high)}")
    a.metric(f"Forward NRR by {view.month_name(end.month)}", formatting.percent(end.nrr_base), band,
             delta_color="off", delta_arrow="off", border=True,
             help="Expected MRR of the accounts active at the forecast month, 12 months later, over their MRR "
                  "then. The band is the 80 % range of the errors of the 12 latest forecasts made before it.")
    a_start = end.start_mrr * 12
    b.metric(f"Expected ARR by {view.month_name(end.month)}",
             formatting.money(end.expected_arr, currency),
             f"{formatting.money(end.expected_arr - a_start, currency)} vs {formatting.money(a_start, currency)} now"
             .replace("−", "-"), border=True,
             help="12 × expected MRR of the accounts active at the forecast month; new logos are not in it.")
    c.metric("Last 12 months' NRR (the naive forecast)", formatting.percent(naive_nrr),
             border=True, help="Trailing 12-month NRR at the forecast month: next year like the last.")
    st.caption(forecast.target_words(str(end.month), float(end.nrr_base), *forecast.held_target(fc, targets))
               + (" " + forecast.period_end_words(period_end) if period_end else ""))
    fig = forecast_charts.forecast_chart(fc.table, fc.as_of, naive_nrr)
    fig = steering.with_target_line(fig, targets, name="NRR target")
    st.plotly_chart(fig, key="forecast_band", width="stretch")
    parts = {k: float(end[k]) * 12 for k in ("churn", "contraction", "expansion", "cross_sell", "reactivation",
                                             "calibration")}
    st.caption(
        "Expected over 12 months, as ARR: " + " · ".join(
            f"{label} {formatting.money(parts[k], currency)}".replace("−", "-") for k, label in (
                ("churn", "churn"), ("contraction", "contraction"), ("expansion", "expansion"),
                ("cross_sell", "cross-sell"), ("reactivation", "reactivation"),
                ("calibration", "calibration to past cohorts"))) + ".")
