"""NRR overview: headline tiles, the NRR/GRR trend against benchmarks, the
breakdown by an attribute, and the accounts that moved net retention."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

import streamlit as st

from nrr_core import charts, formatting, metrics, pack, variants
from nrr_core.filters import ATTRIBUTE_LABELS, ATTRIBUTES
from ui import board_pack, data, view
from ui.frame import context, page_header
from ui.steering import overlay

ctx = context()
page_header("NRR overview", ctx)
f, p, cur = ctx.filters, ctx.period, ctx.currency
as_of = p.to_month

headline = data.settings().headline  # the NRR definition shown as the headline ([display] headline)
head = data.get(variants.headline_figures, f, as_of, p.comparison_month(), headline)
if not head["accounts"] and head["nrr"] is None:
    view.nothing("No accounts match these filters at this month. Clear a filter or pick another month.")
    st.stop()

# The board pack: one click builds the PDF (or the editable deck) on the server for these filters and period.
pack_pdf, pack_deck, _ = st.columns([1, 1, 3])
clicked = pack_pdf.download_button("Board pack (PDF)", board_pack.pdf_maker(f, p), file_name=board_pack.file_name(p),
                                   mime="application/pdf", key="board_pack", icon=":material/picture_as_pdf:",
                                   help=board_pack.HELP)
pack_deck.download_button("Board deck (PPTX)", board_pack.deck_maker(f, p),
                          file_name=board_pack.file_name(p, "pptx"), mime=pack.PPTX_MIME, key="board_deck",
                          icon=":material/slideshow:", help=board_pack.DECK_HELP)
problem = board_pack.problem() if clicked else None
if problem:
    st.warning(problem)

tiles = st.columns(4)
since = p.comparison_words()
# Each tile's help names the month its change is measured from.
compared = f" The change is since {view.month_name(head['compare_month'])}, the month before the selected window."
view.tile(tiles[0], "ARR", head["arr"], head["arr_prev"], "money", "Annual recurring revenue: 12 × MRR at the "
          "as-of month, selected accounts." + compared, cur, since)
view.tile(tiles[1], f"{head['label']} (trailing 12 months)", head["nrr"], head["nrr_prev"], "ratio",
          ("Net revenue retention: this month's MRR of the accounts active 12 months ago, divided by their MRR "
           "then. Expansion, cross-sell, contraction and churn count; new logos do not." if headline == "nrr" else
           variants.variant(headline).formula) + compared, cur, since)
view.tile(tiles[2], "GRR (trailing 12 months)", head["grr"], head["grr_prev"], "ratio",
          "Gross revenue retention: like NRR but each account capped at its MRR 12 months ago, so only losses "
          "count. Never above 100%." + compared, cur, since)
view.tile(tiles[3], "Logo retention", head["logo_retention"], head["logo_retention_prev"], "ratio",
          "Share of the accounts active 12 months ago that are still active." + compared, cur, since)
overlay.tile_targets(tiles[1:], head, ctx)
if head["nrr"] is None:
    st.caption("No 12-month figure at this month: the data has less than a year of history before it.")

trend = data.get(variants.headline_trend, f, headline, as_of)
if trend.empty:
    view.nothing("Retention needs twelve months of history before a month; there is none yet for this selection.")
else:
    st.plotly_chart(overlay.trend_target(charts.nrr_trend_chart(trend, ctx.benchmarks, nrr_name=head["label"]), ctx,
                                         list(trend.month)), key="nrr_trend", width="stretch")
    st.caption("Benchmark bands are reference figures quoted in our metric definitions (median SaaS NRR, top "
               "performers), not our data; a deployment can change them in nrr.toml.")

st.subheader("Where retention is strong and weak")
by = st.segmented_control("Break down by", list(ATTRIBUTES), default="segment", key="by",
                          format_func=ATTRIBUTE_LABELS.get, bind="query-params", required=True)
split = data.get(metrics.breakdown, f, by, as_of)
if split.dropna(subset=["nrr"]).empty:
    view.nothing("No group has a 12-month base at this month.")
else:
    st.plotly_chart(charts.breakdown_chart(split, f"NRR and GRR by {ATTRIBUTE_LABELS[by].lower()}, "
                                           f"trailing 12 months to {view.month_name(as_of)}", ctx.benchmarks),
                    key="breakdown", width="stretch")
    view.table(split, {
        "value": st.column_config.TextColumn(ATTRIBUTE_LABELS[by]),
        "arr": view.money_column("ARR", cur),
        "nrr": view.percent_column("NRR"),
        "grr": view.percent_column("GRR"),
        "logo_retention": view.percent_column("Logos kept"),
        "base_accounts": st.column_config.NumberColumn("Base accounts", help="Accounts active 12 months "
                                                       "earlier: the base of the ratios"),
    }, key="breakdown_table", download=f"nrr-by-{by}-{as_of}")
    if by == "csm_owner":
        st.caption("CSM view: each owner's NRR over the accounts they own today (current attribute values).")

st.subheader(f"What moved NRR · {p.describe()}")
movers = data.get(metrics.top_movers, f, p.from_month, p.to_month)
window_nrr = data.get(metrics.window_nrr, f, p.from_month, p.to_month)
if window_nrr is None:
    view.nothing("No accounts were active before this window, so there is no retention to explain.")
else:
    bridge = data.get(metrics.nrr_bridge, f, p.from_month, p.to_month).set_index("step").mrr
    st.markdown(f"Existing accounts went from **{formatting.money(bridge['starting_mrr'], cur)}** to "
                f"**{formatting.money(bridge['ending_mrr'], cur)}** MRR: net retention of "
                f"**{formatting.percent(window_nrr)}** over the window. Each account's contribution is its ARR "
                f"change as a share of the accounts' starting ARR; all contributions add up to "
                f"{formatting.points(window_nrr - 1)}.")
    cols = {
        "name": st.column_config.TextColumn("Account"),
        "csm_owner": st.column_config.TextColumn("CSM owner"),
        "arr_change": view.change_column("ARR change", cur, help="ARR at the window's end minus ARR just "
                                                                 "before it (12 × MRR)"),
        "nrr_points": st.column_config.NumberColumn("NRR pts", format="%+.2f",
                                                    help="Percentage points of the window's NRR: ARR change "
                                                         "÷ the window's starting ARR × 100"),
    }
    up, down = st.columns(2)
    with up:
        st.markdown("**Largest gains**")
        gains = movers["gains"]
        view.table(gains, cols, key="gains", download=f"nrr-gains-{p.from_month}-to-{p.to_month}") if len(gains) else view.nothing("No account grew in this window.")
    with down:
        st.markdown("**Largest losses**")
        losses = movers["losses"]
        view.table(losses, cols, key="losses", download=f"nrr-losses-{p.from_month}-to-{p.to_month}") if len(losses) else view.nothing("No account shrank in this window.")
