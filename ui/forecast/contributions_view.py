"""Why the forecast is what it is: the accounts with the largest expected
change, and every account's parts in the CSV."""
from __future__ import annotations

import streamlit as st

from nrr_core import forecast

from .. import view

SHOWN = 100
# How the table is ordered: by the size of the expected change, or losses or gains first.
ORDERS = {
    "Largest change": lambda rows: rows,
    "Largest losses": lambda rows: rows[rows.change < 0].sort_values(["change", "account_id"]),
    "Largest gains": lambda rows: rows[rows.change > 0].sort_values(["change", "account_id"],
                                                                   ascending=[False, True]),
}


def draw(fc: forecast.Forecast, names, currency: str) -> None:
    """The ``SHOWN`` accounts of ``fc`` with the largest expected change, and a
    CSV of every account with every column (text made safe for spreadsheets)."""
    st.subheader("The accounts behind the forecast")
    rows = forecast.contribution_table(fc, names)
    if rows.empty:
        view.nothing("No selected account had revenue at the forecast month.")
        return
    order = st.segmented_control("Order", list(ORDERS), default="Largest change", key="forecast_order",
                                 required=True, label_visibility="collapsed") or "Largest change"
    shown = ORDERS[order](rows).head(SHOWN)
    st.caption(f"{len(rows):,} accounts active at {fc.as_of}; {len(shown)} shown ({order.lower()} over 12 months, "
               "ARR), the CSV has all. Churn, contraction, expansion, cross-sell, reactivation and the "
               "calibration (the model's measured gap on past cohorts) add up to the change.")
    view.table(shown, {
        "name": st.column_config.TextColumn("Account", width="medium", pinned=True),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "start_arr": view.money_column("ARR now", currency),
        "expected_arr": view.money_column("Expected ARR", currency),
        "change_arr": view.change_column("Change", currency),
        "nrr_points": st.column_config.NumberColumn("NRR points", format="%+.2f",
                                                    help="The change as points of the selection's forward NRR"),
        "state": st.column_config.TextColumn("Band now", width="medium"),
        "months_to_renewal": st.column_config.NumberColumn("Renewal in (months)", format="%d"),
        "status": st.column_config.TextColumn("Review status"),
        "forecast_call": st.column_config.TextColumn("Forecast call"),
        "churn": view.change_column("Churn (MRR)", currency),
        "contraction": view.change_column("Contraction (MRR)", currency),
        "expansion": view.change_column("Expansion (MRR)", currency),
        "cross_sell": view.change_column("Cross-sell (MRR)", currency),
        "reactivation": view.change_column("Reactivation (MRR)", currency),
        "calibration": view.change_column("Calibration (MRR)", currency),
        "account_id": st.column_config.TextColumn("Account id"),
    }, key="forecast_contributions", height=420)
    view.frame_download("Download every account (CSV)", rows, f"forecast-accounts-{fc.as_of}.csv",
                        "download_forecast_accounts")
