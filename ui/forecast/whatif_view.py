"""What-if: levers on the base rates (book-wide or one segment), saving the
at-risk accounts that have a decision, against a target NRR; and the inverse,
what it takes to reach the target."""
from __future__ import annotations

import math

import streamlit as st

from nrr_core import forecast, formatting

LEVERS = (("churn", "Churn"), ("contraction", "Contraction"), ("expansion", "Expansion"),
          ("cross_sell", "Cross-sell"))
EVERY = "All segments"


def _levers(segment: str, values: dict, save: bool) -> forecast.Levers:
    fractions = {k: v / 100 for k, v in values.items()}
    if segment == EVERY:
        return forecast.Levers(**fractions, save_decided_at_risk=save)
    return forecast.Levers(segments=((segment, fractions),), save_decided_at_risk=save)


def needed_words(answer: forecast.Needed, what: str) -> str:
    """One inverse answer in words."""
    if answer.already:
        return f"{what}: the base already reaches it."
    if answer.change is None:
        side = "even with none at all" if answer.lever in ("churn", "contraction") else "even at ten times today's"
        return f"{what}: out of reach {side} ({formatting.percent(answer.reached)} at best)."
    word = "lower" if answer.change < 0 else "higher"
    return f"{what}: {abs(answer.change):.0%} {word} than the base rate."


def draw(fc: forecast.Forecast, currency: str, targets) -> None:
    """The levers over ``fc.model`` and their result at the horizon, against
    the NRR target the forecast is held to (``forecast.held_target`` of
    ``targets``, its ``forward_targets``) when one applies, else a target the
    viewer sets (2 points above the base, rounded, to start)."""
    st.subheader("What if?")
    model = fc.model
    if not len(model.start):
        return
    base = fc.table.nrr_base.iloc[-1]
    left, right = st.columns([3, 2], gap="large")
    with left:
        segment = st.selectbox("Apply the levers to", [EVERY, *model.segments], key="whatif_segment")
        a, b = st.columns(2)
        values = {}
        for i, (key, label) in enumerate(LEVERS):
            values[key] = (a if i % 2 == 0 else b).slider(
                f"{label}: change of the base rate", -100, 100, 0, step=5, format="%d%%", key=f"whatif_{key}",
                help=f"−50 % halves every account's monthly {label.lower()} rate; +50 % raises it by half.")
        at_risk = int(sum(1 for s in model.start.status if s in ("at risk", "watch")))
        save = st.toggle(f"Save the at-risk accounts that have a decision ({at_risk})", key="whatif_save",
                         help="Accounts whose latest review status is at risk or watch do not churn.",
                         disabled=at_risk == 0)
    with right:
        held, period = forecast.held_target(fc, targets)
        start = round(held * 100, 1) if held is not None else float(math.ceil(base * 100) + 2)
        target = st.number_input("Target NRR (%)", 50.0, 200.0, start, step=0.5, format="%.1f", key="whatif_target",
                                 help=(f"Starts at the NRR target for {period} (CSM scorecards → Targets)."
                                       if held is not None else "No NRR target applies to the forecast's last "
                                       "month: starts 2 points above the base.")) / 100
        result = forecast.scenario(model, _levers(segment, values, save), target)
        st.metric("Forward NRR with these levers", formatting.percent(result.nrr),
                  f"{formatting.points(result.nrr_change)} vs base".replace("−", "-") if result.nrr_change else
                  "the base", delta_color="normal" if result.nrr_change else "off",
                  delta_arrow="auto" if result.nrr_change else "off", border=True)
        st.metric("ARR of today's accounts in 12 months", formatting.money(result.arr, currency),
                  f"{formatting.money(result.arr_gap, currency)} vs the target's "
                  f"{formatting.money(result.target_arr, currency)}".replace("−", "-"), border=True,
                  help=f"Base: {formatting.money(result.base_arr, currency)}.")
        st.markdown(f"**To reach {formatting.percent(target)}** (other levers as set):")
        levers = _levers(segment, values, save)
        if segment != EVERY:
            st.caption("The answers below change the rate book-wide.")
        st.markdown("- " + needed_words(forecast.needed(model, target, "churn", levers), "churn") + "\n"
                    "- " + needed_words(forecast.needed(model, target, "expansion", levers), "expansion"))
