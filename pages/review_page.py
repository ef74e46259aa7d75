"""Account review: the quarterly review meeting's page. The board (at-risk
accounts and expansion candidates), review mode (one account at a time, with
the form that records the room's decision), the score's back-test, the
roll-ups and churn retrospective, and the decision log.

This page only picks the view (``?view=``); each view is drawn by its module
in ui/review/ from the arguments passed here."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from ui import data
from ui.frame import context, page_header
from ui.review import board_view, decisions_view, meeting_view, rollups_view, score_quality_view

VIEWS = ["Board", "Review", "Score quality", "Roll-ups", "Decisions"]

ctx = context()
page_header("Account review", ctx)
f, as_of, cur = ctx.filters, ctx.period.to_month, ctx.currency
shown_view = st.segmented_control("View", VIEWS, default="Board", key="view", bind="query-params", required=True,
                                  label_visibility="collapsed") or "Board"

if shown_view == "Score quality":
    score_quality_view.draw(f, as_of)
elif shown_view == "Decisions":
    decisions_view.draw(f)
else:
    board = data.board(f, as_of)
    if shown_view == "Review":
        meeting_view.draw(board, cur, as_of)
    elif shown_view == "Roll-ups":
        rollups_view.draw(board, f, ctx.period, cur)
    else:
        board_view.draw(board, cur)
