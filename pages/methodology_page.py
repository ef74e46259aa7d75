"""Methodology: the definitions in plain words, a worked example from the
loaded data, the benchmark bands' source, and the SQL behind every figure."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from nrr_core import definitions, formatting, methodology, review, variants
from nrr_core.metrics import MOVEMENT_LABELS
from ui import data, view
from ui.frame import context, page_header

ctx = context()
page_header("Methodology", ctx)
f, p, cur = ctx.filters, ctx.period, ctx.currency

st.markdown("""
Every figure in this dashboard, the command line and its exports comes from one package, `nrr_core`,
following the project's written definitions (`docs/metrics.md`). This page restates them and shows
the SQL that computes each one, so a finance lead can check any number.
""")
st.markdown(f"**Grain.** {definitions.GRAIN} {definitions.FILTERS}")

st.subheader("Movements: the MRR bridge")
st.markdown("\n".join([definitions.MOVEMENTS_INTRO, "", "| Movement | What it means |", "| --- | --- |",
                        *(f"| **{name}** | {words} |" for _, name, words in definitions.MOVEMENTS)]))
st.markdown(f"{definitions.MOVEMENT_NOTES} {definitions.IDENTITY} The loader refuses to write a database in which "
            "this does not hold.")

st.subheader("Retention: NRR, GRR and logo retention")
st.markdown("\n".join([definitions.BASE, "", *(f"- **{name}**: {words}" for name, words in definitions.RETENTION),
                        "", definitions.NO_HISTORY]))
st.markdown(f"**Waterfall for a window.** {definitions.WINDOW}\n\n**Retention curves.** {definitions.CURVES}")
headline = data.settings().headline
st.markdown(f"**Headline definition in force: {variants.label(headline)}** (`[display] headline = \"{headline}\"` "
            f"in nrr.toml). {variants.variant(headline).formula} Every tile, chart and export that shows the "
            "headline names it. The *NRR definitions* page sets every other definition beside ours, with a bridge "
            "from one to the other; the command line's `report retention` is always ours.")

st.subheader(f"Worked example · {p.describe()}")
example = data.get(methodology.worked_example, f, p.from_month, p.to_month)
if example is None:
    view.nothing("No selected account was active before this window, so there is nothing to walk through. "
                  "Pick a later month or clear a filter.")
else:
    t = example["totals"]
    moved = " ".join(f"{'+' if t[m] >= 0 else '−'} {formatting.money(abs(t[m]), cur, precise=True)} "
                     f"{MOVEMENT_LABELS[m].lower()}" for m in MOVEMENT_LABELS if t[m])
    st.markdown(f"**{view.plain(example['name'])}** ({view.plain(example['account_id'])}), the selected account "
                f"with the most kinds of movement in the window. Month by month, MRR before plus that month's "
                f"movements equals MRR after; over the window, "
                f"**{formatting.money(t['starting_mrr'], cur, precise=True)}** {moved or '(no movement)'} = "
                f"**{formatting.money(t['ending_mrr'], cur, precise=True)}**, exactly this account's share of the "
                f"NRR bridge on the *Churn vs expansion* page.")
    view.table(example["months"], {
        "month": st.column_config.TextColumn("Month"),
        "starting_mrr": view.money_column("MRR before", cur),
        **{m: view.change_column(f"{label} MRR", cur) for m, label in MOVEMENT_LABELS.items()},
        "ending_mrr": view.money_column("MRR after", cur),
    }, key="worked_example", download=f"worked-example-{example['account_id']}-{p.to_month}")

st.subheader("Benchmarks beside the figures")
b = ctx.benchmarks
st.markdown(f"""
The bands on the NRR chart are reference figures quoted in our metric definitions, not our data:
median SaaS NRR around **{formatting.percent(b['median_low'], 0)}–{formatting.percent(b['median_high'], 0)}**,
top performers above **{formatting.percent(b['top'], 0)}**; a business above about 120% NRR grows from
its existing customers alone. This deployment's values come from `nrr.toml` (`[benchmarks]`). Benchmark sets with their source, year,
population and definition, compared with each segment's own contract size, are on the *NRR definitions* page:
""")
st.markdown("\n".join(f"- {view.plain(s.words())}" for s in data.settings().benchmark_sets))

st.subheader("Account review scores")
card = data.get(review.calibrate, p.to_month).scorecard
st.markdown(f"""
The review board ranks accounts by two scores, each a **sum of points**: a factor that holds adds its
points, nothing else does. An account with a risk score of **{card.risk_threshold}** or more is at risk
(**{card.risk_threshold + review.GROWTH_EXTRA_POINTS}** for an account growing strongly: a 12-month NRR of
{review.GROWTH_NRR:.0%} or more and an expansion or cross-sell in the last {review.GROWTH_MONTHS} months);
one with an expansion score of **{card.expansion_threshold}** or more (and not at risk) is an expansion
candidate. Every factor reads the account's own month and earlier months only. The points start from
judgment and are then calibrated on this book's history: a logistic scorecard (20 points double the odds)
replaces them where it ranks better on later months it never saw, and a factor with no lift on those
months gets no points. The board's *Score quality* view shows the proof.
""")
st.caption(view.plain(card.note))
view.table(review.factor_table(card.points), {
    "score": st.column_config.TextColumn("Score"),
    "factor": st.column_config.TextColumn("Factor", width="medium"),
    "judgment": st.column_config.NumberColumn("Judgment points"),
    "points": st.column_config.NumberColumn("Points in force"),
    "rule": st.column_config.TextColumn("Rule", width="large"),
    "back_tested": st.column_config.CheckboxColumn("Back-tested"),
}, key="score_factors", download="score-factors")

st.subheader("The SQL behind each figure")
st.caption("Values are always bound as $parameters, never written into the SQL. Months are integers "
           "(year × 12 + month − 1). The loader classifies every account-month once; each report then adds up "
           "pre-computed rows per combination of account attributes, which a filter always selects whole.")
titles = {"movements": "Movements (the monthly bridge)", "retention": "NRR, GRR and logo retention",
          "waterfall": "Waterfall and NRR bridge for a window", "cohorts": "Retention curves (cohorts)",
          "definitions": "NRR by other definitions (with metrics/movements and metrics/retention)",
          "filters": "Which accounts a filter selects",
          "scores": "Account review scores and their back-test"}
for metric, title in titles.items():
    with st.expander(title):
        for name, sql in methodology.sql_for(metric):
            st.caption(name)
            st.code(sql, language="sql")
