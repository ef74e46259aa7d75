"""The Definitions view ("Why doesn't your NRR match finance's?"): every NRR
definition at the selected month with who uses it, their trend on one chart,
the bridge from our NRR to each with the accounts behind every step, and the
benchmark sets beside each segment's own contract size. Every figure comes
from ``nrr_core.variants``; text from the data is shown as plain text."""
from __future__ import annotations

import streamlit as st

from nrr_core import charts, formatting, variants
from nrr_core.filters import ATTRIBUTE_LABELS

from . import data, view

DEFAULT_BRIDGE = "nrr_arr_bridge"


def draw(ctx) -> None:
    f, month = ctx.filters, ctx.period.to_month
    settings = data.settings()
    headline = settings.headline
    st.markdown(
        f"Finance, CS platforms and billing analytics each compute \"NRR\" their own way. Below, every definition "
        f"at **{view.month_name(month)}** on the same accounts, who uses it, and a bridge from our figure to "
        f"each, step by step, with the accounts behind every step. This deployment's headline is "
        f"**{variants.label(headline)}** (`[display] headline = \"{headline}\"` in nrr.toml).")
    table = data.get(variants.table, f, month)
    if table.value.isna().all():
        view.nothing("No definition has a figure at this month for this selection: each needs accounts active "
                     "twelve months earlier. Pick a later month or clear a filter.")
        return
    view.table(table, {
        "label": st.column_config.TextColumn("Definition", width="medium"),
        "value": view.percent_column("Value", help="At the selected month, selected accounts"),
        "points_vs_nrr": st.column_config.NumberColumn("vs our NRR (pts)", format="%+.2f",
                                                       help="Percentage points above or below our NRR"),
        "definition": st.column_config.TextColumn("Key", help="The key in nrr.toml and the command line"),
        "used_by": st.column_config.TextColumn("Who uses it"),
        "formula": st.column_config.TextColumn("Formula in words"),
    }, key="definitions_table", download=f"nrr-definitions-{month}")
    with st.expander("Each definition in words, and who uses it", expanded=True):
        st.markdown("\n".join(f"- **{view.plain(row.label)}** · {formatting.percent(row.value)}: "
                               f"{view.plain(row.formula)} *Used by:* {view.plain(row.used_by)}"
                               for row in table.itertuples()))

    trend = data.get(variants.trend, f, month)
    st.plotly_chart(charts.definitions_trend_chart(trend, "Every NRR definition by month, trailing 12 months",
                                                   headline), key="definitions_trend", width="stretch")

    _bridge(f, month, table, ctx.currency)
    _benchmarks(f, month, settings.benchmark_sets, ctx.currency)


def _bridge(f, month: str, table, cur: str) -> None:
    st.subheader("From our NRR to each definition")
    rec = data.get(variants.reconcile, f, month)
    if rec.steps.empty:
        view.nothing("Our NRR has no base at this month, so there is nothing to reconcile from.")
        return
    shown = [k for k in variants.KEYS[1:] if k in set(rec.steps.definition)]
    labels = dict(zip(table.definition, table.label))
    key = st.segmented_control("Reconcile to", shown, default=DEFAULT_BRIDGE if DEFAULT_BRIDGE in shown else shown[0],
                               format_func=labels.get, key="reconcile_to", required=True)
    steps = rec.steps_to(key)
    target = rec.values[key]
    st.plotly_chart(charts.reconciliation_chart(
        steps, rec.values["nrr"], "NRR", labels[key],
        f"{formatting.percent(rec.values['nrr'])} NRR to {formatting.percent(target)} {labels[key]}"),
        key="reconciliation_chart", width="stretch")
    view.table(steps, {
        "label": st.column_config.TextColumn("Step", width="medium"),
        "points": st.column_config.NumberColumn("Points", format="%+.2f"),
        "value_after": view.percent_column("Running value"),
        "accounts": view.count_column("Accounts behind it"),
    }, key="reconciliation_steps")
    with st.expander("How each step is computed"):
        st.markdown(f"{variants.NOTATION}\n\n" + "\n".join(
            f"- **{view.plain(s.label)}** ({s.points:+.2f} pts): {view.plain(s.formula)}" for s in steps.itertuples()))
    rows = rec.accounts_behind(key)
    step_labels = dict(zip(steps.step, steps.label))
    with_accounts = [s for s in steps.step if s in set(rows.step)]
    if with_accounts:
        step = st.selectbox("Accounts behind the step", with_accounts, format_func=step_labels.get,
                            key="reconciliation_step")
        view.table(rec.accounts_behind(key, step), {
            "account_id": st.column_config.TextColumn("Account"),
            "name": st.column_config.TextColumn("Name"),
            "segment": st.column_config.TextColumn("Segment"),
            "mrr": view.change_column("MRR counted", cur, help="The account's MRR this step counts, signed as "
                                                                 "the step"),
            "points": st.column_config.NumberColumn("Points", format="%+.3f"),
        }, key="reconciliation_accounts", height=300)
    view.frame_download("Download every step's accounts (CSV)", rec.accounts, f"nrr-reconciliation-{month}.csv",
                        "download_reconciliation")


def _benchmarks(f, month: str, sets, cur: str) -> None:
    st.subheader("Benchmarks, by source and contract size")
    for s in sets:
        st.markdown(f"**{view.plain(s.name)}** · {view.plain(s.source_words())}")
        view.table(s.band_table(), {
            "acv_band": st.column_config.TextColumn("ACV (ARR per account)"),
            "median_nrr": st.column_config.TextColumn("Median NRR"),
            "median_grr": st.column_config.TextColumn("Median GRR"),
            "top": st.column_config.TextColumn("Top performers"),
        }, key=f"bands_{s.key}")
    sized = [s for s in sets if len(s.bands) > 1]
    if not sized:
        return
    bench = sized[0]
    st.markdown(f"Each segment against the **{view.plain(bench.name)}** median for its own average contract value "
                f"(ARR per active account), not one company-wide line:")
    compared = data.get(variants.compare_groups, f, "segment", month, bench)
    if compared.empty:
        view.nothing("No segment has a 12-month NRR at this month.")
        return
    st.plotly_chart(charts.benchmark_comparison_chart(
        compared, f"NRR by {ATTRIBUTE_LABELS['segment'].lower()} against {bench.name}, by ACV band", bench.name),
        key="benchmark_chart", width="stretch")
    view.table(compared, {
        "value": st.column_config.TextColumn("Segment"),
        "acv": view.money_column("ARR per account", cur),
        "band": st.column_config.TextColumn("ACV band"),
        "nrr": view.percent_column("Our NRR"),
        "benchmark_nrr": view.percent_column(f"{bench.name} median NRR"),
        "points_vs_benchmark": st.column_config.NumberColumn("vs median (pts)", format="%+.1f"),
        "grr": view.percent_column("Our GRR"),
        "benchmark_grr_low": view.percent_column("Median GRR from"),
        "benchmark_grr_high": view.percent_column("to"),
    }, key="benchmark_table", download=f"nrr-benchmarks-{month}")
