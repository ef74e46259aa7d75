"""Targets: the targets in force, their history, and (for data owners only)
the form that sets them. Every entry is appended with who and when; the
latest entry per scope, period and metric is in force."""
from __future__ import annotations

import streamlit as st

from nrr_core import NrrError, metrics, steering
from nrr_core.months import parse_month
from nrr_core.review.decisions import shown_time

from .. import auth, data, view
from . import data as steering_data

FORM_KEY = "target_form"


def _in_force_table(frame, key: str) -> None:
    shown = frame.assign(scope=frame.scope.map(steering.SCOPE_LABELS), metric=frame.metric.map(steering.METRIC_LABELS),
                         scope_value=frame.scope_value.where(frame.scope_value != "", None),
                         recorded_at=frame.recorded_at.map(shown_time))
    view.table(shown, {
        "period": st.column_config.TextColumn("Period"),
        "scope": st.column_config.TextColumn("For"),
        "scope_value": st.column_config.TextColumn("Who"),
        "metric": st.column_config.TextColumn("Metric"),
        "target": view.percent_column("Target"),
        "recorded_by": st.column_config.TextColumn("Set by"),
        "recorded_at": st.column_config.TextColumn("Set at"),
        "source": st.column_config.TextColumn("From"),
    }, key=key, download="targets-in-force" if key == "targets_in_force" else None)


def _periods(as_of: str) -> list[str]:
    """Quarters and years from last year to next year, the current quarter first."""
    idx = parse_month(as_of)
    year = idx // 12
    current = steering.period_containing(idx).label
    quarters = [f"{y}-Q{q}" for y in (year - 1, year, year + 1) for q in (1, 2, 3, 4)]
    return [current] + [p for p in quarters + [str(year - 1), str(year), str(year + 1)] if p != current]


def _recorder() -> str:
    viewer = auth.current_viewer()
    if viewer:
        st.caption(f"Set as {view.plain(viewer)} (signed in).")
        return viewer
    return st.text_input("Your name", max_chars=100, key="target_setter", placeholder="Recorded with the targets")


def _form(ctx) -> None:
    values = data.get(metrics.attribute_values)
    st.markdown("**Set targets**")
    c = st.columns(3)
    scope = c[0].selectbox("For", steering.SCOPES, format_func=steering.SCOPE_LABELS.get, key="target_scope")
    choices = {"segment": values.get("segment", []), "csm_owner": values.get("csm_owner", [])}.get(scope, [])
    who = c[1].selectbox("Who", choices, key="target_who", disabled=scope == "company",
                         placeholder="The whole company" if scope == "company" else "Pick one")
    period = c[2].selectbox("Period", _periods(ctx.period.to_month), key="target_period")
    with st.form(FORM_KEY, clear_on_submit=True, border=False):
        n = st.columns(3)
        typed = {metric: n[i].number_input(f"{steering.METRIC_LABELS[metric]} target (%)", min_value=0.0,
                                           max_value=steering.targets.MAX_TARGET[metric] * 100, value=None,
                                           step=0.5, format="%.1f", key=f"target_{metric}",
                                           placeholder="Leave blank to keep")
                 for i, metric in enumerate(steering.METRICS)}
        recorder = _recorder()
        submitted = st.form_submit_button("Record targets", type="primary")
    if not submitted:
        return
    entries = [steering.Target(scope, "" if scope == "company" else who, period, metric, value / 100)
               for metric, value in typed.items() if value is not None]
    if not entries:
        st.warning("Type at least one target.")
        return
    try:
        steering_data.record_targets(entries, recorder)
    except NrrError as exc:
        st.warning(str(exc))
        return
    st.success(view.plain(" · ".join(steering.targets.describe_target(t) for t in entries)) + " — recorded.")


def draw(ctx) -> None:
    in_force = steering_data.targets_in_force()
    st.markdown("**Targets in force** (the latest entry per period, scope and metric)")
    if in_force.empty:
        view.nothing("No targets are set yet. Data owners set them here, or load a targets.csv with "
                     "`python -m nrr_core targets load --file targets.csv`.")
    else:
        _in_force_table(in_force, "targets_in_force")
    if steering_data.can_edit_targets():
        _form(ctx)
    elif auth.current_viewer() is None:
        st.caption("Targets are set by data owners. In open mode (no sign-in) the form is hidden unless "
                   "[targets] open_mode = true in nrr.toml.")
    else:
        st.caption("Targets are set by data owners: e-mails listed in [targets] editors in nrr.toml.")
    history = steering_data.targets().history()
    if len(history):
        with st.expander(f"Every entry ({len(history):,}, newest first)"):
            _in_force_table(history, "targets_history")
