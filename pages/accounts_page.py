"""Accounts: a searchable, sortable table; choosing one opens its MRR history by
product line and its movements, at a shareable URL (?account=ID)."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from nrr_core import charts, formatting, metrics
from nrr_core.metrics import MOVEMENT_LABELS
from ui import data, view
from ui.frame import context, page_header

LIMIT = 1000  # rows sent to the browser; search reaches every account

ctx = context()
page_header("Accounts", ctx)
f, as_of, cur = ctx.filters, ctx.period.to_month, ctx.currency


def open_selected() -> None:
    """A row picked in the table becomes the account in the URL."""
    rows = st.session_state["account_table"]["selection"]["rows"]
    if rows:
        st.session_state["account"] = st.session_state["_account_ids"][rows[0]]


search = st.text_input("Search accounts", key="q", bind="query-params", placeholder="Name or ID",
                       max_chars=100)
accounts = data.get(metrics.account_list, f, as_of, search or "", LIMIT)
st.session_state["_account_ids"] = list(accounts.account_id)
if accounts.empty:
    view.nothing("No accounts match this search and these filters.")
else:
    total = data.get(metrics.account_count, f, as_of, search or "") if len(accounts) == LIMIT else len(accounts)
    shown = (f"{total:,} accounts" if total == len(accounts) else
             f"The {len(accounts):,} largest by ARR of {total:,} accounts (search to find any other)")
    st.caption(f"{shown} with revenue by {view.month_name(as_of)}; churned ones show ARR 0. "
               "Click a column to sort; pick a row to open the account.")
    view.table(accounts, {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "account_id": st.column_config.TextColumn("ID"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "arr": view.money_column("ARR", cur),
        "nrr_12m": view.percent_column("12-month NRR", "MRR now ÷ MRR 12 months earlier (blank if the account "
                                                        "was not a customer then)"),
        "last_movement_label": st.column_config.TextColumn("Last movement"),
        "last_movement_month": st.column_config.TextColumn("In"),
        "renewal_date": st.column_config.DateColumn("Renewal", format="YYYY-MM-DD"),
        "products": st.column_config.NumberColumn("Products"),
    }, key="account_table", height=420, on_select=open_selected, selection_mode="single-row",
        download=f"accounts-{as_of}")

account_id = st.text_input("Account ID", key="account", bind="query-params", max_chars=100,
                           help="Pick a row above, or type an ID. The page address then opens this account.")
if account_id:
    detail = data.get(metrics.account_detail, account_id.strip())
    if detail is None:
        view.nothing(f"No account with ID {view.plain(account_id)} in this book.")
        st.stop()
    st.subheader(view.plain(detail["name"]))
    st.caption(view.plain(f"{detail['account_id']} · {detail['segment']} · {detail['region']} · "
                          f"{detail['industry']} · CSM {detail['csm_owner']}"))
    cols = st.columns(4)
    cols[0].metric("ARR (latest month)", formatting.money(detail["arr"], cur), border=True)
    cols[1].metric("Customer since", view.month_name(detail["customer_since"]) if detail["customer_since"] else "–",
                   border=True)
    renewal = detail["renewal_date"]
    cols[2].metric("Renewal", f"{renewal:%Y-%m-%d}" if renewal is not None and renewal == renewal else "–",
                   border=True)
    cols[3].metric("Executive sponsor", detail["executive_sponsor"] or "none", border=True)
    history = data.get(metrics.account_products, detail["account_id"])
    if history.empty:
        view.nothing("This account has no revenue in the data.")
    else:
        st.plotly_chart(charts.account_history_chart(history, "MRR by product line", cur), key="account_history",
                        width="stretch")
        moves = data.get(metrics.account_movements, detail["account_id"])
        st.markdown("**Movements, month by month (MRR)**")
        view.table(moves, {
            "month": st.column_config.TextColumn("Month"),
            "starting_mrr": view.money_column("MRR before", cur),
            **{m: view.change_column(f"{label} MRR", cur) for m, label in MOVEMENT_LABELS.items()},
            "ending_mrr": view.money_column("MRR after", cur),
        }, key="account_moves", download=f"account-{detail['account_id']}-movements")
