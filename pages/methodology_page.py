"""Methodology: the definitions in plain words, a worked example from the
loaded data, the benchmark bands' source, and the SQL behind every figure."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from nrr_core import formatting, review
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

**Grain.** MRR is counted per account, product line and calendar month; several rows for the same
account, product and month are added up, and no row means zero. An account is *active* in a month when
its MRR is above zero. ARR is 12 × MRR. The *as-of month* is the latest month in the data; nothing is
inferred after it. Segment, region, industry and CSM owner are each account's current values; a filter
selects accounts, and every figure is then computed on those accounts only.
""")

st.subheader("Movements: the MRR bridge")
st.markdown("""
Each month, every account's MRR is compared with the month before:

| from → to | movement |
| --- | --- |
| inactive → active, never active before | **New** (+ its MRR) |
| inactive → active, active in some earlier month | **Reactivation** (+ its MRR) |
| active → inactive | **Churn** (− last month's MRR) |
| active → active | per product line: a new line is **Cross-sell**, a dropped line or a lower price is **Contraction**, a higher price or more seats is **Expansion** |

A dropped add-on is contraction, not churn; swapping one module for another is cross-sell plus
contraction. For every month and every filter: **starting MRR + new + expansion + cross-sell +
contraction + churn + reactivation = ending MRR** (contraction and churn are negative). The loader
refuses to write a database in which this does not hold.
""")

st.subheader("Retention: NRR, GRR and logo retention")
st.markdown("""
For a month *m*, the **base** is the accounts active twelve months earlier.

- **NRR** (net revenue retention, also NDR) = the base's MRR in *m* ÷ its MRR twelve months earlier.
  Expansion, cross-sell, contraction, churn and reactivation of base accounts count; accounts that
  became customers later never do.
- **GRR** (gross revenue retention) = the same, with each account capped at its MRR twelve months
  earlier, so only losses count. Never above 100%.
- **Logo retention** = base accounts still active in *m* ÷ base accounts.

A quarter's or a year's figure is the trailing-twelve-month figure at its last month. Months without
twelve months of history before them have no figure: never 0, never 100%.

**Waterfall for a window.** Starting MRR is the month before the window; each movement is summed over
the window; ending MRR is the window's last month. The **NRR bridge** is the same window restricted to
the accounts active just before it, so its ending bar ÷ its starting bar is the window's net retention.

**Retention curves.** An account's start is its first active month. For *k* months since start, the
*eligible* members of a group are those whose start + *k* is not after the as-of month; revenue and logo
retention at *k* are computed over eligible members only, and the number of eligible accounts is shown
so a thin tail is not over-read.
""")

st.subheader(f"Worked example · {p.describe()}")
example = data.query("worked_example", f, p.from_month, p.to_month)
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
        **{m: view.change_column(label, cur) for m, label in MOVEMENT_LABELS.items()},
        "ending_mrr": view.money_column("MRR after", cur),
    }, key="worked_example", download=f"worked-example-{example['account_id']}-{p.to_month}")

st.subheader("Benchmarks beside the figures")
b = ctx.benchmarks
st.markdown(f"""
The bands on the NRR chart are reference figures quoted in our metric definitions, not our data:
median SaaS NRR around **{formatting.percent(b['median_low'], 0)}–{formatting.percent(b['median_high'], 0)}**,
top performers above **{formatting.percent(b['top'], 0)}**; a business above about 120% NRR grows from
its existing customers alone. This deployment's values come from `nrr.toml` (`[benchmarks]`).
""")

st.subheader("Account review scores")
st.markdown(f"""
The review board ranks accounts by two scores, each a **sum of points**: a factor that holds adds its
points, nothing else does. An account with a risk score of **{review.RISK_THRESHOLD}** or more is at risk;
one with an expansion score of **{review.EXPANSION_THRESHOLD}** or more (and not at risk) is an expansion
candidate. Every factor reads the account's own month and earlier months only. The points were set by
judgment; the board's *Score quality* view back-tests them on this data and shows each factor's own hit rate.
""")
view.table(review.factor_table(), {
    "score": st.column_config.TextColumn("Score"),
    "factor": st.column_config.TextColumn("Factor", width="medium"),
    "points": st.column_config.NumberColumn("Points"),
    "rule": st.column_config.TextColumn("Rule", width="large"),
    "back_tested": st.column_config.CheckboxColumn("Back-tested"),
}, key="score_factors", download="score-factors")

st.subheader("The SQL behind each figure")
st.caption("Values are always bound as $parameters, never written into the SQL. Months are integers "
           "(year × 12 + month − 1). The loader classifies every account-month once; each report then adds up "
           "pre-computed rows per combination of account attributes, which a filter always selects whole.")
titles = {"movements": "Movements (the monthly bridge)", "retention": "NRR, GRR and logo retention",
          "waterfall": "Waterfall and NRR bridge for a window", "cohorts": "Retention curves (cohorts)",
          "filters": "Which accounts a filter selects",
          "scores": "Account review scores and their back-test"}
for metric, title in titles.items():
    with st.expander(title):
        for name, sql in data.query("metric_sql", metric):
            st.caption(name)
            st.code(sql, language="sql")
