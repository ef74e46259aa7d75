"""The renewal calendar: ARR renewing per month or quarter with the at-risk
part, the next 90 and 180 days highlighted, and a drill from a month (or
quarter) to its accounts, each linked to its review."""
from __future__ import annotations

import streamlit as st

from nrr_core import formatting, steering
from nrr_core.steering.charts import renewals_chart
from nrr_core.steering.renewals import FORECAST_CALL, WINDOWS

from .. import view
from . import links

GRAINS = {"Month": "by_month", "Quarter": "by_quarter"}
BUCKET_KEY = "renewal_bucket"
NO_FORECAST = ("No forecast at this month (too little history before it), so no expected-outcome column (left out, "
               "not zero).")


def _tiles(cal: steering.Calendar, currency: str) -> None:
    rows = cal.accounts
    c = st.columns(4)
    for column, (limit, name) in zip(c, WINDOWS):
        part = rows[rows.window == name] if limit == 90 else rows[rows.window.isin([w for _, w in WINDOWS])]
        column.metric(f"Renewing, next {limit} days", formatting.money(part.arr.sum(), currency), border=True,
                      help=f"ARR of the renewals due 0–{limit} days after {cal.today:%Y-%m-%d} (the day after the "
                           "as-of month)")
        column.caption(f"{len(part):,} accounts")
    soon = rows[rows.window.isin([w for _, w in WINDOWS])]
    risky = soon[soon.risk_band == steering.renewals.BANDS["risk"]]
    c[2].metric("At risk, next 180 days", formatting.money(risky.arr.sum(), currency), border=True,
                help="ARR of the accounts renewing within 180 days that are on the review board's at-risk list")
    c[2].caption(f"{len(risky):,} accounts · {formatting.percent(risky.arr.sum() / soon.arr.sum() if len(soon) else None)} "
                 "of that ARR")
    undecided = risky[risky.decision_status.isna()]
    c[3].metric("At risk, no decision", f"{len(undecided):,}", border=True,
                help="At-risk accounts renewing within 180 days that have no recorded review decision yet")
    c[3].caption(f"{formatting.money(undecided.arr.sum(), currency)} ARR")


def _pick_bucket(buckets: list[str]) -> None:
    rows = st.session_state["renewal_buckets"]["selection"]["rows"]
    if rows:
        st.session_state[BUCKET_KEY] = buckets[rows[0]]


def draw(cal: steering.Calendar, currency: str) -> None:
    st.caption(f"Next renewal dates of the selected accounts with revenue, seen from {cal.today:%Y-%m-%d} (the day "
               "after the as-of month). Risk is the account's place on the review board at the as-of month.")
    if cal.accounts.empty:
        view.nothing("No selected account has a renewal date (renewal_date in accounts.csv).")
        return
    _tiles(cal, currency)
    if not cal.has_expected:
        st.caption(NO_FORECAST)
    grain = st.segmented_control("Group by", list(GRAINS), default="Month", key="grain", bind="query-params",
                                 required=True) or "Month"
    buckets = getattr(cal, GRAINS[grain])
    st.plotly_chart(renewals_chart(buckets, f"ARR renewing per {grain.lower()}", currency), key="renewals_chart",
                    width="stretch")
    st.caption("Bar colours: dark blue = renewals within the next 90 days, mid blue = within 180 days, grey = "
               "later; the hatched red part is ARR at risk on the review board.")
    labels = list(buckets.bucket)
    columns = {
        "bucket": st.column_config.TextColumn(grain),
        "window": st.column_config.TextColumn("Nearest renewal", help="The soonest renewal in it: next 90 days, "
                                                                      "next 180 days or later"),
        "accounts": view.count_column("Renewals"),
        "arr": view.money_column("ARR renewing", currency),
        "at_risk_accounts": view.count_column("At risk"),
        "at_risk_arr": view.money_column("At-risk ARR", currency),
        "next_90_arr": view.money_column("Of it, next 90 days", currency),
        "next_180_arr": view.money_column("Of it, next 180 days", currency),
    }
    if cal.has_expected:
        columns["expected_arr"] = view.money_column("Expected ARR", currency, help="The forecast's expected ARR "
                                                                                   "of these accounts")
    view.table(buckets, columns, key="renewal_buckets", on_select=lambda: _pick_bucket(labels),
               selection_mode="single-row", download=f"renewals-by-{grain.lower()}")
    if st.session_state.get(BUCKET_KEY) not in labels:
        st.session_state.pop(BUCKET_KEY, None)
    bucket = st.selectbox(f"Renewals of the {grain.lower()}", labels, key=BUCKET_KEY,
                          help="Or pick a row in the table above")
    _accounts(cal, bucket, currency)


def _accounts(cal: steering.Calendar, bucket: str, currency: str) -> None:
    every = cal.month_accounts(bucket)
    # A month of a large book renews thousands of accounts: the largest go to the browser, the CSV has all.
    rows = every.head(view.SHOWN_ROWS)
    rows = rows.assign(open=[links.account_link(a, on_board=band != steering.renewals.BANDS[None])
                             for a, band in zip(rows.account_id, rows.risk_band)])
    columns = {
        "name": st.column_config.TextColumn("Account"),
        "open": links.link_column(),
        "renewal_date": st.column_config.DateColumn("Renews", format="YYYY-MM-DD"),
        "window": st.column_config.TextColumn("Window"),
        "arr": view.money_column("ARR", currency),
        "risk_band": st.column_config.TextColumn("Risk", help="Where it stands on the review board at the as-of "
                                                              "month"),
        "risk_score": st.column_config.NumberColumn("Risk score"),
        "decision_status": st.column_config.TextColumn("Latest decision"),
    }
    if cal.has_forecast_call:
        columns[FORECAST_CALL] = st.column_config.TextColumn("Forecast call")
    if cal.has_expected:
        columns["expected_arr"] = view.money_column("Expected ARR", currency)
        columns["expected_change"] = view.change_column("Expected change", currency)
    columns.update({"csm_owner": st.column_config.TextColumn("CSM owner"),
                    "segment": st.column_config.TextColumn("Segment"),
                    "account_id": st.column_config.TextColumn("ID")})
    st.markdown(f"**{len(every):,} renewals in {view.plain(bucket)}**, "
                f"{view.plain(formatting.money(every.arr.sum(), currency))} ARR, largest first"
                + (f" · the {view.SHOWN_ROWS} largest shown (the CSV has all)" if len(every) > view.SHOWN_ROWS else ""))
    view.table(rows, columns, key="renewal_accounts", download=f"renewals-{bucket}", every_row=every)
