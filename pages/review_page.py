"""Account review: the quarterly review meeting's page. The board (at-risk
accounts and expansion candidates side by side), review mode (one account at a
time, with the form that records the room's decision), the score's back-test,
the roll-ups and churn retrospective, and the decision log."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import datetime as dt

import streamlit as st

from nrr_core import NrrError, charts, export, formatting, review, review_charts
from nrr_core.decisions import DEPARTMENTS, STATUSES, Decision
from nrr_core.metrics import MOVEMENT_LABELS
from ui import auth, data, view
from ui.frame import context, page_header

VIEWS = ["Board", "Review", "Score quality", "Roll-ups", "Decisions"]
SHOWN = 200  # rows per list sent to the browser; the CSV has every row
# The account under review is ?review=<account id>. Not a bound widget: a bound
# selectbox would put its shown label (the name) in the URL, not the ID.
PICK = "review_pick"

ctx = context()
page_header("Account review", ctx)
f, as_of, cur = ctx.filters, ctx.period.to_month, ctx.currency
shown_view = st.segmented_control("View", VIEWS, default="Board", key="view", bind="query-params", required=True,
                                  label_visibility="collapsed")
board = data.board(f, as_of)


def open_review(table_key: str, ids_key: str) -> None:
    """A row picked on the board opens it in review mode."""
    rows = st.session_state[table_key]["selection"]["rows"]
    if rows:
        st.session_state[PICK] = st.session_state[ids_key][rows[0]]
        st.session_state["view"] = "Review"


def board_columns() -> dict:
    return {
        "name": st.column_config.TextColumn("Account", width="medium", pinned=True),
        "arr": view.money_column("ARR", cur, help="ARR at stake: the account's ARR in the as-of month"),
        "score": st.column_config.NumberColumn("Score", format="%d", width="small",
                                               help="Sum of the factors' points (see Score quality)"),
        "reasons": st.column_config.TextColumn("Top reasons", width="large"),
        "renewal_date": st.column_config.DateColumn("Renewal", format="YYYY-MM-DD"),
        "renewal_flag": st.column_config.TextColumn("Renews in"),
        "decision_status": st.column_config.TextColumn("Decision"),
        "decision_department": st.column_config.TextColumn("Owning dept."),
        "decision_action": st.column_config.TextColumn("Next action"),
        "decision_recorded_at": st.column_config.TextColumn("Decided (UTC)"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "nrr_12m": view.percent_column("12-month NRR", "MRR now ÷ MRR 12 months earlier"),
        "last_movement_label": st.column_config.TextColumn("Last movement"),
        "last_movement_month": st.column_config.TextColumn("In"),
        "account_id": st.column_config.TextColumn("ID"),
    }


def draw_list(frame, arr: float, title: str, key: str, empty: str) -> None:
    st.subheader(title)
    if frame.empty:
        view.nothing(empty)
        return
    total = len(frame)
    st.caption(f"{total:,} accounts · {formatting.money(arr, cur)} ARR"
               + (f" · the {SHOWN} largest shown (the CSV has all)" if total > SHOWN else "")
               + " · pick a row to review it")
    st.session_state[f"_{key}_ids"] = list(frame.account_id[:SHOWN])
    view.table(frame[:SHOWN], board_columns(), key=key, height=460,
               on_select=lambda: open_review(key, f"_{key}_ids"), selection_mode="single-row")
    st.download_button("Download CSV (all rows, every column)", export.to_csv_bytes(frame),
                       file_name=f"{key.replace('_table', '')}-{as_of}.csv", mime="text/csv",
                       key=f"download_{key}", on_click="ignore", icon=":material/download:", type="tertiary")


def draw_board() -> None:
    at_risk, growth = board.at_risk, board.expansion
    c = st.columns(4)
    c[0].metric("At-risk accounts", f"{len(at_risk):,}", border=True,
                help=f"Risk score of {review.RISK_THRESHOLD} or more, or a latest decision of at risk / watch")
    c[1].metric("ARR at risk", formatting.money(board.at_risk_arr, cur), border=True)
    c[2].metric("Expansion candidates", f"{len(growth):,}", border=True,
                help=f"Expansion score of {review.EXPANSION_THRESHOLD} or more and not at risk, or a latest "
                     "decision of expansion")
    c[3].metric("At-risk renewals within 90 days", f"{board.at_risk_renewing_90:,}",
                border=True)
    if not board.has_signals:
        st.caption("No account signals are loaded (signals.csv), so the scores use revenue history, renewal "
                   "dates, sponsors and reviews only.")
    left, right = st.columns(2, gap="large")
    with left:
        draw_list(at_risk, board.at_risk_arr, "At risk", "risk_table",
                  "No selected account is at risk this month.")
    with right:
        draw_list(growth, board.expansion_arr, "Expansion candidates", "growth_table",
                  "No selected account is an expansion candidate this month.")


def step(delta: int) -> None:
    queue = board.queue()
    here = st.session_state.get(PICK)
    position = queue.index(here) if here in queue else -1
    st.session_state[PICK] = queue[(position + delta) % len(queue)]


def save_decision(account_id: str, recorder: str, advance: bool) -> None:
    s = st.session_state
    decision = Decision(account_id=account_id, status=s["d_status"], recorded_by=recorder,
                        department=s["d_department"], next_action=s["d_action"], action_owner=s["d_owner"],
                        due_date=s["d_due"], note=s["d_note"], book_month=as_of)
    try:
        data.record_decision(decision)
    except NrrError as exc:
        s["_decision_message"] = ("error", str(exc))
        return
    s["_decision_message"] = ("ok", f"Decision recorded for {account_id} by {recorder}.")
    for key in ("d_department", "d_action", "d_owner", "d_due", "d_note"):
        s.pop(key, None)
    if advance and len(board.queue()) > 1:
        step(+1)


def draw_review() -> None:
    queue = board.queue()
    if not queue:
        view.nothing("The board is empty for these filters and this month: nothing to review.")
        return
    risky = set(board.at_risk.account_id)
    names = dict(zip(board.at_risk.account_id, board.at_risk.name)) | dict(
        zip(board.expansion.account_id, board.expansion.name))
    if st.session_state.get(PICK) not in queue:
        wanted = st.query_params.get("review")
        st.session_state[PICK] = wanted if wanted in queue else queue[0]
    nav = st.columns([6, 1, 1], vertical_alignment="bottom")
    account_id = nav[0].selectbox(
        "Account under review", queue, key=PICK,
        format_func=lambda a: f"{'At risk' if a in risky else 'Expansion'} · {names[a]}")
    st.query_params["review"] = account_id
    nav[1].button("Previous", on_click=step, args=(-1,), width="stretch", icon=":material/arrow_back:")
    nav[2].button("Next", on_click=step, args=(+1,), width="stretch", icon=":material/arrow_forward:")
    row = board.row(account_id)
    kind = row["list"]
    st.caption(f"{queue.index(account_id) + 1} of {len(queue)} on the board "
               f"({len(risky)} at risk first, then expansion candidates; largest ARR first in each)")

    st.subheader(view.plain(row["name"]))
    renewal = row["renewal_date"]
    renewal_text = f"renews {renewal:%Y-%m-%d}" + (f" ({row['renewal_flag']})" if row["renewal_flag"] else "") \
        if renewal is not None else "no renewal date"
    st.caption(view.plain(f"{account_id} · {row['segment']} · {row['region']} · {row['industry']} · "
                          f"CSM {row['csm_owner']} · executive sponsor {row['executive_sponsor'] or 'none'} · "
                          f"{renewal_text}"))
    c = st.columns(4)
    c[0].metric("ARR", formatting.money(row["arr"], cur), border=True)
    c[1].metric("12-month NRR", formatting.percent(row["nrr_12m"]), border=True)
    c[2].metric("Risk score", f"{row['risk_score']}", border=True)
    c[3].metric("Expansion score", f"{row['expansion_score']}", border=True)

    why, trends = st.columns(2, gap="large")
    with why:
        st.markdown(f"**Why it is on the board** ({'risk' if kind == 'risk' else 'expansion'} factors)")
        view.table(review.contributions(row, kind), {
            "factor": st.column_config.TextColumn("Factor", width="medium"),
            "points": st.column_config.NumberColumn("Points", format="%d"),
            "evidence": st.column_config.TextColumn("Evidence", width="medium"),
        }, key="review_factors")
        other = "expansion" if kind == "risk" else "risk"
        st.caption(f"{other.capitalize()} score: {row[f'{other}_score']} "
                   f"({view.plain(review._reasons(row, other, limit=None)) or 'no factor'}).")
    with trends:
        signals = data.query("account_signals", account_id)
        if signals.empty:
            view.nothing("No signals recorded for this account.")
        else:
            st.plotly_chart(review_charts.signal_trends_chart(signals), key="review_signals", width="stretch")

    history, moves = st.columns([6, 5], gap="large")
    with history:
        products = data.query("account_products", account_id)
        st.plotly_chart(charts.account_history_chart(products, "MRR by product line", cur),
                        key="review_history", width="stretch")
    with moves:
        st.markdown("**Movements**")
        view.table(data.query("account_movements", account_id), {
            "month": st.column_config.TextColumn("Month"),
            **{m: view.change_column(label, cur) for m, label in MOVEMENT_LABELS.items()},
            "ending_mrr": view.money_column("MRR after", cur),
        }, key="review_moves", height=320)

    st.markdown("**Previous decisions**")
    if row["decision_status"]:
        st.markdown(view.plain(review.decision_summary(row)), help="The latest decision recorded for this account")
    past = data.decision_history(account_id)
    if past.empty:
        st.caption("No decision recorded yet for this account.")
    else:
        view.table(past, decision_columns(), key="review_past")

    draw_decision_form(account_id, kind)


def decision_columns() -> dict:
    return {
        "recorded_at": st.column_config.TextColumn("Recorded (UTC)"),
        "status": st.column_config.TextColumn("Status"),
        "department": st.column_config.TextColumn("Owning dept."),
        "next_action": st.column_config.TextColumn("Next action", width="medium"),
        "action_owner": st.column_config.TextColumn("Action owner"),
        "due_date": st.column_config.TextColumn("Due"),
        "note": st.column_config.TextColumn("Note", width="large"),
        "recorded_by": st.column_config.TextColumn("Recorded by"),
        "book_month": st.column_config.TextColumn("Data as of"),
    }


def draw_decision_form(account_id: str, kind: str) -> None:
    st.markdown("**Record this review's decision**")
    message = st.session_state.pop("_decision_message", None)
    if message:
        (st.success if message[0] == "ok" else st.error)(message[1])
    viewer = auth.current_viewer()
    if viewer:
        recorder = viewer
        st.caption(f"Recorded as {view.plain(viewer)} (signed in).")
    else:
        recorder = st.text_input("Your name", value=st.session_state.get("_reviewer", ""), max_chars=100,
                                 key="reviewer_name", placeholder="Asked once per session",
                                 on_change=lambda: st.session_state.update(
                                     _reviewer=st.session_state["reviewer_name"]))
        st.session_state["_reviewer"] = recorder
    with st.form("decision_form", border=True):
        a, b = st.columns(2)
        a.radio("Status", STATUSES, index=0 if kind == "risk" else 3, horizontal=True, key="d_status")
        b.selectbox("Owning department", DEPARTMENTS, index=None, key="d_department",
                    placeholder="Required when at risk")
        a.text_input("Next action", max_chars=200, key="d_action")
        b.text_input("Action owner", max_chars=200, key="d_owner")
        a.date_input("Due date", value=None, min_value=dt.date(2000, 1, 1), key="d_due")
        b.checkbox("Go to the next account after recording", value=True, key="d_advance")
        st.text_area("Note: history, key challenges, what is needed from other teams", max_chars=4000,
                     key="d_note", height=100)
        st.form_submit_button("Record decision", type="primary", icon=":material/save:",
                              on_click=lambda: save_decision(account_id, recorder, st.session_state["d_advance"]),
                              disabled=not recorder.strip())
    if not recorder.strip():
        st.caption("Type your name above to record decisions.")


def percent_tile(column, label: str, value, help: str) -> None:
    column.metric(label, formatting.percent(value), border=True, help=help)


def draw_score_quality() -> None:
    bt = data.query("backtest", f, as_of)
    if bt is None:
        view.nothing(f"The back-test needs months with 6 months of history before and {review.HORIZON} after; "
                     "this book (or as-of month) has none.")
        return
    s = bt.summary
    st.markdown(
        f"For every month from **{bt.from_month}** to **{bt.to_month}**, the selected accounts active that month "
        f"were ranked by the risk score computed **from that month's data only**, then we looked at the "
        f"following **{bt.horizon} months**: did they churn or contract? {s['account_months']:,} account-months "
        f"over {s['months']} months.")
    c = st.columns(4)
    c[0].metric("Lift in the top 10 %", f"{s['lift']:.1f}×", border=True,
                help="Churn-or-contraction rate of the top 10 % by risk score ÷ the rate of all accounts")
    percent_tile(c[1], "Top 10 %: lost revenue", s["top_lost_rate"],
                 f"Share of the top 10 % that churned or contracted; all accounts: "
                 f"{formatting.percent(s['base_lost_rate'])}")
    percent_tile(c[2], f"Precision in the top {s['top_k']}", s["precision_at_k"],
                 f"Share of the {s['top_k']} highest scores each month that churned or contracted")
    percent_tile(c[3], "Lost ARR caught", s["caught_share"],
                 "Share of all MRR lost to churn and contraction that came from the top 10 %")
    st.caption(f"All accounts: {formatting.percent(s['base_lost_rate'])} churned or contracted within "
               f"{bt.horizon} months; churn alone {formatting.percent(s['base_churn_rate'])} against "
               f"{formatting.percent(s['top_churn_rate'])} in the top 10 % ({s['churn_lift']:.1f}×). Accounts "
               f"at or above the board's threshold ({review.RISK_THRESHOLD} points): "
               f"{formatting.percent(s['flagged_share'])} of accounts, "
               f"{formatting.percent(s['flagged_precision'])} of them lost revenue, "
               f"{formatting.percent(s['flagged_caught_share'])} of the lost MRR.")
    st.plotly_chart(review_charts.backtest_chart(bt.monthly, s["top_share"], bt.horizon), key="backtest_chart",
                    width="stretch")
    e = st.columns(3)
    e[0].metric("Expansion score: lift in the top 10 %", f"{s['expansion_lift']:.1f}×", border=True,
                help="Expansion-or-cross-sell rate of the top 10 % by expansion score ÷ the rate of all accounts")
    percent_tile(e[1], f"Expansion precision in the top {s['top_k']}", s["expansion_precision_at_k"],
                 f"All accounts: {formatting.percent(s['base_grew_rate'])} expanded within {bt.horizon} months")
    percent_tile(e[2], "Expansion MRR the top 10 % caught", s["expansion_caught_share"],
                 "Share of all expansion and cross-sell MRR that came from the top 10 %")
    st.markdown("**Each factor on its own** (rate = churned or contracted for risk factors, expanded for "
                "expansion factors, in the following months)")
    view.table(bt.factors, {
        "factor": st.column_config.TextColumn("Factor", width="medium"),
        "kind": st.column_config.TextColumn("Score"),
        "points": st.column_config.NumberColumn("Points", format="%d"),
        "share": view.percent_column("Accounts with it", "Share of account-months where the factor held"),
        "rate_with": view.percent_column("Rate with it"),
        "rate_without": view.percent_column("Rate without it"),
        "lift": st.column_config.NumberColumn("Lift", format="%.2f×", help="Rate with ÷ rate without"),
    }, key="factor_table", download=f"score-factors-{as_of}")
    st.caption("Not back-tested: the renewal factors (the data holds only each account's next renewal date, "
               "not past ones, and churned accounts have none, so using them for past months would leak the "
               "outcome) and the review factor (decisions are recorded from now on). The executive sponsor is "
               "today's value for every month. Points were set by judgment, not fitted to this data; the "
               "factors and their rules are on the Methodology page.")


def draw_rollups() -> None:
    at_risk = board.at_risk
    st.subheader(f"ARR at risk, {view.month_name(as_of)}")
    if at_risk.empty:
        view.nothing("No selected account is at risk this month.")
    else:
        left, right = st.columns(2, gap="large")
        for col, by, title in ((left, "department", "By owning department (latest decision)"),
                               (right, "csm_owner", "By CSM owner")):
            with col:
                rolled = review.at_risk_rollup(at_risk, by)
                st.plotly_chart(review_charts.rollup_chart(rolled.head(12), title, cur), key=f"rollup_{by}",
                                width="stretch")
                view.table(rolled, {
                    "value": st.column_config.TextColumn("Department" if by == "department" else "CSM owner"),
                    "accounts": st.column_config.NumberColumn("Accounts"),
                    "arr": view.money_column("ARR at risk", cur),
                    "share": view.percent_column("Share"),
                }, key=f"rollup_table_{by}", download=f"arr-at-risk-by-{by}-{as_of}")

    st.subheader("Executive-sponsor coverage of the top accounts")
    uncovered, cover = data.query("sponsor_coverage", f, as_of)
    if not cover["accounts"]:
        view.nothing("No selected account has revenue this month.")
    else:
        c = st.columns(3)
        c[0].metric("Accounts making up 80 % of ARR", f"{cover['accounts']:,}", border=True)
        c[1].metric("With an executive sponsor", f"{cover['with_sponsor']:,} ({formatting.percent(cover['account_share'])})",
                    border=True)
        c[2].metric("Their share of that ARR", formatting.percent(cover["arr_share"]), border=True)
        st.caption(f"{len(uncovered):,} of them have no executive sponsor, largest first:")
        view.table(uncovered, {
            "name": st.column_config.TextColumn("Account", width="medium"),
            "segment": st.column_config.TextColumn("Segment"),
            "csm_owner": st.column_config.TextColumn("CSM owner"),
            "arr": view.money_column("ARR", cur),
            "cumulative_share": view.percent_column("Cumulative share of ARR"),
        }, key="uncovered_table", height=300, download=f"top-accounts-without-sponsor-{as_of}")

    st.subheader(f"Churn retrospective, {ctx.period.describe()}")
    lost, summary = data.retrospective(f, ctx.period.from_month, ctx.period.to_month)
    if lost.empty:
        view.nothing("No selected account churned or contracted in this window.")
        return
    c = st.columns(4)
    c[0].metric("Accounts lost or shrunk", f"{summary['accounts']:,}", border=True,
                help=f"Churned or contracted in the window; {summary['churned_accounts']:,} of them churned")
    c[1].metric("ARR lost", formatting.money(summary["lost_arr"], cur), border=True)
    percent_tile(c[2], "Surprise churn", summary["surprise_share"],
                 "Share of the lost ARR whose account had no at-risk or watch decision recorded before the month "
                 "of the loss")
    percent_tile(c[3], "Score saw it coming", summary["score_caught_share"],
                 f"Share of the lost ARR whose account had a risk score of {review.RISK_THRESHOLD}+ in the month "
                 "before its first loss")
    view.table(lost, {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "segment": st.column_config.TextColumn("Segment"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "first_loss_month": st.column_config.TextColumn("First loss"),
        "kind": st.column_config.TextColumn("Kind"),
        "lost_arr": view.money_column("ARR lost", cur),
        "arr_before": view.money_column("ARR before", cur),
        "score_before": st.column_config.NumberColumn("Risk score before", format="%d"),
        "flagged_by_score": st.column_config.CheckboxColumn("Score flagged"),
        "flagged_in_review": st.column_config.CheckboxColumn("Flagged in a review"),
        "flagged_on": st.column_config.TextColumn("Flagged on"),
    }, key="retro_table", height=360, download=f"churn-retrospective-{ctx.period.from_month}-{as_of}")


def draw_decisions() -> None:
    log = data.decision_log(f)
    st.caption(f"Every decision recorded on the selected accounts, newest first. Stored in "
               f"{view.plain(data.settings().decisions_path.name)}, which a data reload never touches.")
    if log.empty:
        view.nothing("No decision recorded yet. Record one in Review.")
        return
    view.table(log, {
        "name": st.column_config.TextColumn("Account", width="medium"),
        "account_id": st.column_config.TextColumn("ID"),
        **decision_columns(),
    }, key="decision_log", height=480, download="review-decisions")


{"Board": draw_board, "Review": draw_review, "Score quality": draw_score_quality, "Roll-ups": draw_rollups,
 "Decisions": draw_decisions}[shown_view or "Board"]()
