"""Presentation mode for the all-hands: one message per screen, large type at
1920×1080, the sidebar folded away. The last slide is where we will land:
the forward NRR, its band, the target and the gap, and what could move it. The current filters apply, so an
all-hands for one region is a link (/present?region=EMEA). Previous / next,
a slide number in the URL (&slide=3) and an optional auto-advance, which moves
the slide selector and the URL with it."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import time

import streamlit as st

from nrr_core import charts, formatting, metrics, variants
from nrr_core.filters import ATTRIBUTE_LABELS
from ui import data, view
from ui.forecast import landing_view
from ui.frame import context

st.set_page_config(initial_sidebar_state="collapsed", layout="wide")
ctx = context()
f, p, cur = ctx.filters, ctx.period, ctx.currency
SLIDES = ["Net revenue retention", "Churn vs expansion", "Best and worst retaining groups", "Customer wins",
          "Where we will land"]
NUMBERS = [str(i + 1) for i in range(len(SLIDES))]
SECONDS = 20
TICK = 2  # how often the auto-advance clock is read: a slide changes at most this late
GROUPS = {"segment": "segments", "region": "regions", "industry": "industries", "csm_owner": "CSM owners"}
# No toolbar over a slide: the room sees the figure, not zoom and download buttons.
CHART = {"width": "stretch", "config": {"displayModeBar": False}}


def shown_slide() -> str:
    """The slide on screen: the selector's value, else the URL's, else the first."""
    current = st.session_state.get("slide") or st.query_params.get("slide")
    return current if current in NUMBERS else "1"


def restart_clock() -> None:
    """Auto-advance counts from now and from the slide on screen (a manual move restarts it)."""
    if st.session_state.get("auto"):
        st.session_state["auto_since"] = (time.monotonic(), shown_slide())


def step(delta: int) -> None:
    st.session_state["slide"] = NUMBERS[(NUMBERS.index(shown_slide()) + delta) % len(NUMBERS)]
    restart_clock()


def due_slide() -> str | None:
    """The slide auto-advance shows now, or None when it is off."""
    clock = st.session_state.get("auto_since")
    if not st.session_state.get("auto") or clock is None:
        return None
    since, start = clock
    return NUMBERS[(NUMBERS.index(start) + int((time.monotonic() - since) // SECONDS)) % len(NUMBERS)]


top = st.columns([6, 1, 1, 3, 2], vertical_alignment="center")
# Large enough to read from the back of the room: a heading inside the caption (h3,
# so the slide title below stays the page's first h2).
top[0].caption("### " + view.plain(ctx.caption()))
top[1].button("◀ Previous", on_click=step, args=(-1,), key="previous", width="stretch")
top[2].button("Next ▶", on_click=step, args=(1,), key="next", width="stretch")
auto = top[4].toggle(f"Auto-advance ({SECONDS} s)", key="auto", bind="query-params", on_change=restart_clock)
if auto and "auto_since" not in st.session_state:
    st.session_state["auto_since"] = (time.monotonic(), shown_slide())
if not auto:
    st.session_state.pop("auto_since", None)
due = due_slide()
if due and "slide" in st.session_state:
    # Before the selector is drawn, so it and ?slide= show the slide on screen.
    st.session_state["slide"] = due
chosen = top[3].segmented_control("Slide", NUMBERS, default="1", key="slide", bind="query-params",
                                  required=True, label_visibility="collapsed", on_change=restart_clock)
index = NUMBERS.index(chosen if chosen in NUMBERS else "1")


def heading(title: str) -> None:
    st.header(f"{index + 1} / {len(SLIDES)} · {title}", divider="gray")


def headline():
    heading(SLIDES[0])
    headline_key = data.settings().headline  # the NRR definition shown as the headline ([display] headline)
    head = data.get(variants.headline_figures, f, p.to_month, p.comparison_month(), headline_key)
    trend = data.get(variants.headline_trend, f, headline_key, p.to_month)
    if head["nrr"] is None or trend.empty:
        view.nothing("No 12-month NRR for this selection yet: it needs a year of history.")
        return
    title = (f"{head['label']} {formatting.percent(head['nrr'])} · GRR {formatting.percent(head['grr'])} · "
             f"ARR {formatting.money(head['arr'], cur)}")
    st.plotly_chart(charts.headline_figure(trend, head["nrr"], head["nrr_prev"], ctx.benchmarks, title,
                                           since=p.comparison_words(),
                                           name="Net revenue retention" if headline_key == "nrr" else head["label"]),
                    key="present_headline", **CHART)


def churn_vs_expansion():
    heading(SLIDES[1])
    bridge = data.get(metrics.waterfall, f, p.from_month, p.to_month)
    b = bridge.set_index("step").mrr
    gained, lost = b["expansion"] + b["cross_sell"], b["contraction"] + b["churn"]
    title = (f"{p.describe()}: expansion and cross-sell +{formatting.money(gained, cur)} MRR, "
             f"churn and contraction −{formatting.money(-lost, cur)} MRR")
    st.plotly_chart(charts.for_projector(charts.waterfall_chart(bridge, title, cur, from_zero=True)),
                    key="present_waterfall", **CHART)


def best_and_worst():
    found = data.get(metrics.best_and_worst_groups, f, p.to_month)
    if found is None:
        heading(SLIDES[2])
        view.nothing("No comparison: with these filters no segment, region, industry or CSM owner has two groups "
                     "with a 12-month NRR (accounts active twelve months ago) to set side by side.")
        return
    heading(f"Best and worst retaining {GROUPS[found['by']]}")
    best, worst = found["best"], found["worst"]
    title = (f"Best: {best['value']} {formatting.percent(best['nrr'])} NRR · "
             f"Worst: {worst['value']} {formatting.percent(worst['nrr'])} NRR")
    fig = charts.for_projector(charts.breakdown_chart(found["groups"], title, ctx.benchmarks))
    if found["skipped"]:
        fewer = " or ".join(GROUPS[g] for g in found["skipped"])
        why = (f"By {ATTRIBUTE_LABELS[found['by']].lower()}: the filters leave fewer than two {fewer} "
               "with a 12-month NRR")
        fig.update_layout(title_subtitle={"text": why, "font": {"size": 26}}, margin_t=150)
    st.plotly_chart(fig, key="present_segments", **CHART)


def wins():
    heading(SLIDES[3])
    top_wins = data.get(metrics.customer_wins, f, p.from_month, p.to_month)
    if top_wins.empty:
        view.nothing("No expansion or cross-sell in this window.")
        return
    st.plotly_chart(charts.wins_chart(top_wins, f"Customer wins · {p.describe()}: largest expansions and "
                                                "cross-sells, as ARR", cur), key="present_wins", **CHART)


def where_we_land():
    heading(SLIDES[4])
    landing_view.draw(ctx, CHART)


SCREENS = [headline, churn_vs_expansion, best_and_worst, wins, where_we_land]


@st.fragment(run_every=TICK if auto else None)
def follow_the_clock():
    """Auto-advance's timer: when the clock reaches the next slide, rerun the
    page, which then moves the selector (and ?slide=) to it."""
    due_now = due_slide()
    if due_now and due_now != st.session_state.get("slide"):
        st.rerun()


SCREENS[index]()
follow_the_clock()
