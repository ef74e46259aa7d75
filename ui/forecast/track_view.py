"""The track record: the forecast made at each past month against what
happened 12 months later, beside the naive forecast, stated in words."""
from __future__ import annotations

import streamlit as st

from nrr_core.forecast import charts as forecast_charts
from nrr_core.forecast import track_words as summary_words

from .. import view


def draw(bt) -> None:
    """The chart and the words of ``bt`` (``forecast.Backtest``)."""
    st.subheader("Does it work? The track record")
    if bt.table.empty:
        view.nothing(f"No track record yet: it needs months with 12 months of data before them and "
                     f"{bt.horizon} after.")
        return
    st.markdown(summary_words(bt.summary, bt.horizon))
    st.plotly_chart(forecast_charts.track_chart(bt.table, bt.horizon), key="forecast_track", width="stretch")
    with st.expander("The track record as a table"):
        view.table(bt.table, {
            "as_of": st.column_config.TextColumn("Forecast at"),
            "target_month": st.column_config.TextColumn("For"),
            "nrr_low": view.percent_column("Low"),
            "nrr_base": view.percent_column("Forecast"),
            "nrr_high": view.percent_column("High"),
            "actual_nrr": view.percent_column("Actual"),
            "naive_nrr": view.percent_column("Naive"),
            "inside": st.column_config.CheckboxColumn("In the band"),
        }, key="forecast_track_table", download="forecast-track-record")
    st.caption("Each past forecast uses only the data up to its month: the scores, the rates and the band.")
