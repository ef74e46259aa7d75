"""CSM scorecards: the table of every CSM owner for the period (with the comp
team's CSV), and one owner's scorecard with their book's accounts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from nrr_core import charts, formatting, steering
from nrr_core.metrics import MONTHS_PER_YEAR, MOVEMENT_LABELS, MOVEMENTS

from .. import view
from . import links

OWNER_KEY = "csm"
VIEW_KEY = "scorecard_view"
NO_FORECAST = ("no forecast column: the period has ended (its actuals are shown) or the book has too little history "
               "for a forecast")


def _columns(cards: steering.Scorecards, currency: str) -> dict:
    """The table's columns, in reading order: who, book, retention against
    target, forecast (when supplied), risk, leading indicators, movements."""
    cols = {
        "csm_owner": st.column_config.TextColumn("CSM owner", pinned=True),
        "accounts": view.count_column("Accounts", help="Book accounts active at the measured month"),
        "arr": view.money_column("Book ARR", currency),
        "nrr": view.percent_column("NRR", help=steering.DEFINITIONS["nrr"]),
        "nrr_target": view.percent_column("NRR target"),
        "nrr_attainment": view.percent_column("NRR attainment", help="NRR ÷ target"),
        "grr": view.percent_column("GRR", help=steering.DEFINITIONS["grr"]),
        "grr_target": view.percent_column("GRR target"),
        "grr_attainment": view.percent_column("GRR attainment", help="GRR ÷ target"),
        "logo_retention": view.percent_column("Logos kept", help=steering.DEFINITIONS["logo_retention"]),
        "logo_retention_target": view.percent_column("Logo target"),
        "logo_retention_attainment": view.percent_column("Logo attainment"),
    }
    if cards.has_forecast:
        cols["forecast_nrr"] = view.percent_column("Forecast NRR", help=steering.DEFINITIONS["forecast_nrr / "
                                                                                             "forecast_arr"])
    cols.update({
        "at_risk_arr": view.money_column("At-risk ARR", currency, help="Book accounts on the review board's "
                                                                      "at-risk list at the measured month"),
        "at_risk_reviewed_share": view.percent_column("At-risk reviewed",
                                                      help=steering.DEFINITIONS["at_risk_reviewed_share"]),
        "seat_utilisation": view.percent_column("Seat use", help=steering.DEFINITIONS["seat_utilisation"]),
        "active_user_trend": view.percent_column("Active users, 3 mo.",
                                                 help=steering.DEFINITIONS["active_user_trend"]),
        "nps": st.column_config.NumberColumn("NPS", format="%+.0f", help=steering.DEFINITIONS["nps"]),
        "tickets_per_account_month": st.column_config.NumberColumn(
            "Tickets / acct-month", format="%.1f", help=steering.DEFINITIONS["tickets_per_account_month"]),
        **{f"{m}_arr": view.change_column(MOVEMENT_LABELS[m], currency, help=f"{MOVEMENT_LABELS[m]} ARR "
                                          "over the period") for m in MOVEMENTS},
    })
    return cols


def _measure_caption(cards: steering.Scorecards) -> None:
    """One line: the period as measured, the book rule, the forecast's absence (details in the help)."""
    parts = [f"**{steering.describe_measure(cards)}**", steering.BOOK_RULES_SHORT[cards.book_rule]]
    parts += [] if cards.has_forecast else [NO_FORECAST]
    st.caption(" · ".join(parts), help=f"{steering.BOOK_RULES[cards.book_rule]} "
               f"{'' if cards.complete else 'The period is still running: figures are to date, at the as-of month.'}")


def _open_owner(owners: list[str]) -> None:
    """A row picked in the table: open that owner's scorecard."""
    rows = st.session_state["scorecards_table"]["selection"]["rows"]
    if rows:
        st.session_state[OWNER_KEY] = owners[rows[0]]
        st.session_state[VIEW_KEY] = "One CSM"


def draw_all(cards: steering.Scorecards, filters, currency: str) -> None:
    _measure_caption(cards)
    if cards.table.empty:
        view.nothing("No CSM owner has a book with revenue in this period for these filters.")
        return
    _summary(cards, currency)
    owners = list(cards.table.csm_owner)
    view.table(cards.table, _columns(cards, currency), key="scorecards_table", on_select=lambda: _open_owner(owners),
               selection_mode="single-row")
    st.caption("Pick a row to open that CSM's scorecard. Attainment is actual ÷ target; blank where no target is "
               "set for the owner and period (see Targets).")
    view.csv_download("Download scorecards for the comp team (CSV)", lambda: cards.to_csv(filters).encode("utf-8"),
                      f"csm-scorecards-{cards.period.label}.csv", "scorecards_csv",
                      help="One row per CSM and period, with the definitions as # comment lines at the top; "
                           "ratios as fractions, amounts as ARR.")
    with st.expander("Definitions"):
        for key, text in steering.DEFINITIONS.items():
            st.markdown(f"- **{view.plain(key)}**: {view.plain(text)}")


def _summary(cards: steering.Scorecards, currency: str) -> None:
    """The room's first questions: how much ARR, how many CSMs on target, how much at risk and reviewed."""
    s = cards.summary()
    c = st.columns(4)
    c[0].metric("Book ARR, all CSMs", formatting.money(s["arr"], currency), border=True)
    c[0].caption(f"{s['owners']:,} CSM owners · {s['accounts']:,} accounts")
    c[1].metric("CSMs on NRR target", f"{s['on_target']} of {s['with_target']}",
                border=True, help="Owners with an NRR target for the period whose NRR is at least the target")
    without = s["owners"] - s["with_target"]
    c[1].caption(f"{without} without a target" if without else "every CSM has a target")
    c[2].metric("At-risk ARR", formatting.money(s["at_risk_arr"], currency), border=True,
                help=steering.DEFINITIONS["at_risk_arr / at_risk_accounts"])
    c[2].caption(f"{s['at_risk_accounts']:,} accounts on the review board's at-risk list")
    c[3].metric("At-risk ARR reviewed", formatting.percent(s["reviewed_share"], 0), border=True,
                help=steering.DEFINITIONS["at_risk_reviewed_share"])
    c[3].caption("a decision recorded during the period")


def _vs_target(column, label: str, value, target, help_text: str) -> None:
    view.tile(column, label, value, target, "ratio", help_text, since="target")
    if target is not None and value is not None:
        column.caption(f"Target {formatting.percent(target)} · attainment {formatting.percent(value / target)}")
    else:
        column.caption("No target set for this period")


def _none(value):
    return None if value is None or pd.isna(value) else float(value)


def draw_one(cards: steering.Scorecards, currency: str) -> None:
    owners = list(cards.table.csm_owner)
    if not owners:
        view.nothing("No CSM owner has a book with revenue in this period for these filters.")
        return
    if st.session_state.get(OWNER_KEY) not in owners:
        st.session_state.pop(OWNER_KEY, None)
    owner = st.selectbox("CSM owner", owners, key=OWNER_KEY, bind="query-params")
    row = cards.owner(owner)
    _measure_caption(cards)
    c = st.columns(4)
    view.tile(c[0], "Book ARR", row["ending_arr"], row["starting_arr"], "money",
              "ARR of the book's accounts at the measured month; the change is since the month before the period "
              "(new logos included).", currency, since="period start")
    c[0].caption(f"{row['accounts']:,} active accounts · {row['base_accounts']:,} in the 12-month base")
    for column, metric in zip(c[1:], steering.METRICS):
        _vs_target(column, f"{steering.METRIC_LABELS[metric]}", _none(row[metric]), _none(row[f"{metric}_target"]),
                   steering.DEFINITIONS[metric])
    c = st.columns(4)
    if cards.has_forecast:
        c[0].metric("Forecast NRR", formatting.percent(row["forecast_nrr"]), border=True,
                    help=steering.DEFINITIONS["forecast_nrr / forecast_arr"])
    else:
        c[0].metric("Forecast NRR", "–", border=True, help=NO_FORECAST.capitalize())
    c[1].metric("At-risk ARR", formatting.money(row["at_risk_arr"], currency), border=True,
                help=steering.DEFINITIONS["at_risk_arr / at_risk_accounts"])
    c[1].caption(f"{row['at_risk_accounts']:,} accounts · {formatting.percent(row['at_risk_reviewed_share'], 0)} "
                 "of it reviewed this period")
    c[2].metric("Seat utilisation", formatting.percent(row["seat_utilisation"]), border=True,
                help=steering.DEFINITIONS["seat_utilisation"])
    trend = row["active_user_trend"]
    c[2].caption("Active users: no 3-month trend" if pd.isna(trend) else f"Active users {trend * 100:+.1f}% in 3 months")
    nps = row["nps"]
    c[3].metric("NPS", "–" if pd.isna(nps) else f"{nps:+.0f}", border=True, help=steering.DEFINITIONS["nps"])
    c[3].caption(f"{row['nps_responses']:,} responses · {row['tickets_per_account_month']:.1f} tickets per "
                 "account-month")
    bridge = pd.DataFrame({"step": ["starting_mrr", *MOVEMENTS, "ending_mrr"],
                           "mrr": [row["starting_arr"] / MONTHS_PER_YEAR,
                                   *(row[f"{m}_arr"] / MONTHS_PER_YEAR for m in MOVEMENTS),
                                   row["ending_arr"] / MONTHS_PER_YEAR]})
    st.plotly_chart(charts.waterfall_chart(bridge, f"{owner}'s book over {steering.describe_measure(cards)}: "
                                                   "MRR bridge", currency),
                    key="owner_bridge", width="stretch")
    _book_table(cards, owner, currency)


def _book_table(cards: steering.Scorecards, owner: str, currency: str) -> None:
    book = cards.accounts[cards.accounts.csm_owner == owner]
    book = book.assign(
        base_arr=book.base_mrr * MONTHS_PER_YEAR,
        nrr_12m=(book.retained_mrr / book.base_mrr.where(book.base_mrr > 0)).astype("float64"),
        moved_to=book.current_owner.where(book.current_owner != book.csm_owner, ""),
        open=[links.account_link(a, on_board=r) for a, r in zip(book.account_id, book.at_risk)],
    ).sort_values(["arr", "account_id"], ascending=[False, True])
    st.markdown(f"**{view.plain(owner)}'s book**: {len(book):,} accounts held at the period's start or won "
                "during it, churned ones included, largest ARR first")
    view.table(book, {
        "name": st.column_config.TextColumn("Account"),
        "open": links.link_column(),
        "arr": view.money_column("ARR", currency),
        "base_arr": view.money_column("ARR 12 months earlier", currency),
        "nrr_12m": view.percent_column("12-month NRR"),
        "at_risk": st.column_config.CheckboxColumn("At risk"),
        "reviewed": st.column_config.CheckboxColumn("Reviewed this period"),
        "segment": st.column_config.TextColumn("Segment"),
        "moved_to": st.column_config.TextColumn("Now owned by", help="Reassigned since the period began: it stays "
                                                                     "in this book for the period"),
        "account_id": st.column_config.TextColumn("ID"),
    }, key="owner_book", download=f"book-{cards.period.label}")
