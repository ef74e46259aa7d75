"""Presentation mode for the all-hands: one message per screen, large type at
1920×1080, the sidebar folded away. The current filters apply, so an
all-hands for one region is a link (/present?region=EMEA). Previous / next,
a slide number in the URL (&slide=3) and an optional auto-advance."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import time

import streamlit as st

from nrr_core import charts, formatting
from ui import data, view
from ui.frame import context

st.set_page_config(initial_sidebar_state="collapsed", layout="wide")
ctx = context()
f, p, cur = ctx.filters, ctx.period, ctx.currency
SLIDES = ["Net revenue retention", "Churn vs expansion", "Best and worst retaining segments", "Customer wins"]
NUMBERS = [str(i + 1) for i in range(len(SLIDES))]
SECONDS = 20


def step(delta: int) -> None:
    current = NUMBERS.index(st.session_state.get("slide") or "1")
    st.session_state["slide"] = NUMBERS[(current + delta) % len(NUMBERS)]


top = st.columns([6, 1, 1, 3, 2], vertical_alignment="center")
top[0].caption(view.plain(ctx.caption()))
top[1].button("◀ Previous", on_click=step, args=(-1,), key="previous", width="stretch")
top[2].button("Next ▶", on_click=step, args=(1,), key="next", width="stretch")
chosen = top[3].segmented_control("Slide", NUMBERS, default="1", key="slide", bind="query-params",
                                  required=True, label_visibility="collapsed")
auto = top[4].toggle(f"Auto-advance ({SECONDS} s)", key="auto", bind="query-params")
if auto and "auto_since" not in st.session_state:
    st.session_state["auto_since"] = (time.monotonic(), chosen)
if not auto:
    st.session_state.pop("auto_since", None)


def headline():
    head = data.query("headline", f, p.to_month)
    trend = data.query("nrr_trend", f, p.to_month)
    if head["nrr"] is None or trend.empty:
        view.nothing("No 12-month NRR for this selection yet: it needs a year of history.")
        return
    title = (f"NRR {formatting.percent(head['nrr'])} · GRR {formatting.percent(head['grr'])} · "
             f"ARR {formatting.money(head['arr'], cur)}")
    st.plotly_chart(charts.headline_figure(trend, head["nrr"], head["nrr_prev"], ctx.benchmarks, title),
                    key="present_headline", width="stretch")


def churn_vs_expansion():
    bridge = data.query("waterfall", f, p.from_month, p.to_month)
    b = bridge.set_index("step").mrr
    gained, lost = b["expansion"] + b["cross_sell"], b["contraction"] + b["churn"]
    title = (f"{p.describe()}: expansion and cross-sell +{formatting.money(gained, cur)}, "
             f"churn and contraction −{formatting.money(-lost, cur)}")
    st.plotly_chart(charts.for_projector(charts.waterfall_chart(bridge, title, cur)), key="present_waterfall",
                    width="stretch")


def segments():
    leaders = data.query("retention_leaders", f, "segment", p.to_month)
    if leaders is None:
        view.nothing("No segment has a 12-month base at this month.")
        return
    best, worst = leaders["best"], leaders["worst"]
    title = (f"Best: {best['value']} {formatting.percent(best['nrr'])} NRR · "
             f"Worst: {worst['value']} {formatting.percent(worst['nrr'])} NRR")
    split = data.query("breakdown", f, "segment", p.to_month)
    st.plotly_chart(charts.for_projector(charts.breakdown_chart(split, title, ctx.benchmarks)),
                    key="present_segments", width="stretch")


def wins():
    top_wins = data.query("customer_wins", f, p.from_month, p.to_month)
    if top_wins.empty:
        view.nothing("No expansion or cross-sell in this window.")
        return
    st.plotly_chart(charts.wins_chart(top_wins, f"Customer wins · {p.describe()}: largest expansions and "
                                                "cross-sells", cur), key="present_wins", width="stretch")


SCREENS = [headline, churn_vs_expansion, segments, wins]


@st.fragment(run_every=SECONDS if auto else None)
def show_slide():
    index = NUMBERS.index(chosen or "1")
    if auto:  # advance with time from where auto-advance was switched on
        since, start = st.session_state["auto_since"]
        index = (NUMBERS.index(start or "1") + int((time.monotonic() - since) // SECONDS)) % len(SLIDES)
    st.header(f"{index + 1} / {len(SLIDES)} · {SLIDES[index]}", divider="gray")
    SCREENS[index]()


show_slide()
