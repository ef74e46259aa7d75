"""The board pack's figure pages: the title with the headline tiles, the
NRR/GRR trend, the period's MRR bridge and retention by segment. Each takes
the PDF, the pack's context (``assembly.make_pack``: filters, period, book
info, currency, benchmarks and the figures from ``metrics``) and its chart
image, or None to leave the chart out."""
from __future__ import annotations

from .. import charts
from ..definitions import benchmark_words
from ..formatting import money, percent
from ..metrics import BRIDGE_COLUMNS, MOVEMENTS
from ..months import label, parse_month
from .images import BRIDGE_CHART_MM, CHARTS, CURVES_CHART_MM
from .pdf import ACCENT, BODY_W, INK, MARGIN, MUTED, PAGE_W, RULE, ChartImage, chart, fit, heading, para, table
from .text import change_since, headline_name, month_words, period_words, plain, span, step_text

TITLE = "Net revenue retention — board pack"
NO_REVIEWS = "Account review lists: not included (no review board data)"
NO_RETROSPECTIVE = "Churned and contracted accounts: not included (no review data)"


def title_page(pdf, ctx: dict) -> None:
    """The title, the period, what the pack covers and leaves out, and four
    headline tiles (ARR, NRR, GRR, logo retention) with their change over a quarter."""
    pdf.add_page()
    head, cur, period = ctx["head"], ctx["currency"], ctx["period"]
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, PAGE_W, 6, style="F")
    pdf.set_xy(MARGIN, 22)
    pdf.set_font("dejavu", "B", 32)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(BODY_W, 14, TITLE, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    para(pdf, f"Period: {period_words(period)}", size=17, height=8)
    pdf.ln(5)
    info = ctx["info"]
    details = [
        ("Accounts", plain(ctx["filters"].describe())),
        ("Figures as of", f"{month_words(period.to_month)} (retention: trailing twelve months)"),
        ("Data", f"as of {info.as_of_month} · revenue from {info.first_month} · {info.accounts:,} accounts "
                 f"in the book · load {info.load_id[:8]}"),
        ("Generated", ctx["generated"]),
        ("Inside", ctx["contents"]),
    ]
    left_out = [NO_REVIEWS] * (ctx["reviews"] is None) + [NO_RETROSPECTIVE] * (ctx["retrospective"] is None)
    if left_out:
        details.append(("Not inside", "; ".join(left_out)))
    for key, value in details:
        pdf.set_x(MARGIN)
        pdf.set_font("dejavu", "B", 13)
        pdf.set_text_color(*MUTED)
        pdf.cell(38, 7, key)
        pdf.set_font("dejavu", "", 13)
        pdf.set_text_color(*INK)
        pdf.multi_cell(BODY_W - 38, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
    since = month_words(label(parse_month(period.to_month) - 3))
    tiles = [
        ("ARR", money(head["arr"], cur), change_since(head["arr"], head["arr_prev"], since, cur)),
        (headline_name(head), percent(head["nrr"]), change_since(head["nrr"], head["nrr_prev"], since)),
        ("GRR, trailing 12 months", percent(head["grr"]), change_since(head["grr"], head["grr_prev"], since)),
        ("Logo retention", percent(head["logo_retention"]),
         change_since(head["logo_retention"], head["logo_retention_prev"], since)),
    ]
    gap, height = 6.0, 44.0
    top = max(pdf.get_y() + 8, 124.0)
    width = (BODY_W - 3 * gap) / 4
    for i, (name, value, delta) in enumerate(tiles):
        x = MARGIN + i * (width + gap)
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(246, 248, 251)
        pdf.rect(x, top, width, height, style="DF", round_corners=True, corner_radius=2)
        pdf.set_xy(x + 4, top + 5)
        pdf.set_font("dejavu", "", 12)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 8, 6, fit(pdf, name, width - 8))
        pdf.set_xy(x + 4, top + 14)
        pdf.set_font("dejavu", "B", 30)
        pdf.set_text_color(*ACCENT)
        pdf.cell(width - 8, 14, value)
        pdf.set_xy(x + 4, top + 32)
        pdf.set_font("dejavu", "", 11)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 8, 6, fit(pdf, delta, width - 8))
    pdf.set_y(top + height + 4)
    note = (f"ARR = 12 × MRR in {month_words(period.to_month)}. NRR, GRR and logo retention follow the accounts "
            f"active twelve months earlier; changes are against {since}.")
    if head["nrr"] is None:
        note += " No 12-month figure: the data has less than a year of history before this month."
    para(pdf, note, size=11, color=MUTED, height=5.5)


def trend_page(pdf, ctx: dict, png: ChartImage | None) -> None:
    """NRR and GRR by month against the benchmark bands, or why there is no
    12-month figure yet."""
    pdf.add_page()
    head, trend, to, cur = ctx["head"], ctx["trend"], ctx["period"].to_month, ctx["currency"]
    if head["nrr"] is None or trend.empty:
        heading(pdf, "Net revenue retention: no 12-month figure yet",
                 f"Retention needs twelve months of history before a month; the selected accounts have none "
                 f"before {month_words(to)}.")
        return
    row = trend.set_index("month").loc[to]
    since = month_words(label(parse_month(to) - 3))
    year_ago = month_words(label(parse_month(to) - 12))
    name = head.get("label", "NRR")
    heading(pdf, f"{name} {percent(head['nrr'])} over the twelve months to {month_words(to)}",
             f"{name} {percent(head['nrr'])} ({change_since(head['nrr'], head['nrr_prev'], since)}) · GRR "
             f"{percent(head['grr'])} · logo retention {percent(head['logo_retention'])}. The "
             f"{int(row.base_accounts):,} accounts active in {year_ago} paid {money(row.base_mrr, cur)} MRR then "
             f"and {money(row.retained_mrr, cur)} in {month_words(to)}.")
    w_px, h_px = CHARTS["trend"]
    bottom = chart(pdf, png, f"Net ({name}) and gross (GRR) revenue retention, trailing 12 months, by month",
                    MARGIN, pdf.get_y(), BODY_W, h_px, w_px)
    b = ctx["benchmarks"]
    pdf.set_y(bottom + 2)
    para(pdf, f"Shaded bands are benchmark reference figures quoted in our metric definitions "
              f"({benchmark_words(b)}), not our data.", size=10, color=MUTED, height=5)


def bridge_page(pdf, ctx: dict, png: ChartImage | None) -> None:
    """The period's MRR bridge: chart, step table, net new MRR and the net
    retention of the accounts active before the period."""
    pdf.add_page()
    steps, cur, period = ctx["waterfall"], ctx["currency"], ctx["period"]
    values = dict(zip(steps.step, (float(v) for v in steps.mrr)))
    start, end = values["starting_mrr"], values["ending_mrr"]
    growth = f" ({'+' if end >= start else '−'}{abs(end / start - 1) * 100:.1f}%)" if start > 0 else ""
    heading(pdf, f"MRR bridge, {span(period)}: {money(start, cur)} → {money(end, cur)}{growth}")
    top = pdf.get_y()
    w_px, h_px = CHARTS["bridge"]
    chart_w = BRIDGE_CHART_MM
    chart(pdf, png, "From starting to ending MRR, by movement", MARGIN, top, chart_w, h_px, w_px)
    x = MARGIN + chart_w + 8
    width = PAGE_W - MARGIN - x
    pdf.set_xy(x, top + 7)
    rows = [[charts.STEP_LABELS[s], step_text(s, values[s], cur)] for s in BRIDGE_COLUMNS]
    table(pdf, ["Step", "MRR"], rows, [width * 0.48, width * 0.52], ["LEFT", "RIGHT"], size=12, x=x,
           line_height=6)
    pdf.ln(5)
    net_new = sum(values[m] for m in MOVEMENTS)
    para(pdf, f"Net new MRR: {step_text('new', net_new, cur) if net_new >= 0 else money(net_new, cur, True)}.",
          size=11.5, width=width, x=x, height=5.6)
    existing = ctx["existing"]
    if existing["starting_mrr"] > 0:
        pdf.ln(2)
        para(pdf, f"Accounts active before the period alone went from {money(existing['starting_mrr'], cur)} to "
                   f"{money(existing['ending_mrr'], cur)}: net retention of "
                   f"{percent(existing['ending_mrr'] / existing['starting_mrr'])} over the period.",
              size=11.5, width=width, x=x, height=5.6)


def segments_page(pdf, ctx: dict, png: ChartImage | None) -> None:
    """Retention curves by segment beside the segment table at the period's last month."""
    pdf.add_page()
    split, cur, to = ctx["breakdown"], ctx["currency"], ctx["period"].to_month
    ranked = split.dropna(subset=["nrr"]).sort_values(["nrr", "value"], ascending=[False, True])
    if len(ranked) >= 2:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        sub = (f"{plain(best.value)} keeps the most revenue (NRR {percent(best.nrr)}), "
               f"{plain(worst.value)} the least (NRR {percent(worst.nrr)}), trailing 12 months to {month_words(to)}.")
    elif len(ranked) == 1:
        only = ranked.iloc[0]
        sub = f"{plain(only.value)}: NRR {percent(only.nrr)}, trailing 12 months to {month_words(to)}."
    else:
        sub = f"No segment has a 12-month base at {month_words(to)}."
    heading(pdf, "Retention by segment", sub)
    top = pdf.get_y()
    w_px, h_px = CHARTS["curves"]
    chart(pdf, png, "Revenue retained, by months since start", MARGIN, top, CURVES_CHART_MM,
           h_px, w_px)
    x = MARGIN + CURVES_CHART_MM + 6
    width = PAGE_W - MARGIN - x
    pdf.set_xy(x, top)
    pdf.set_font("dejavu", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(width, 6, f"By segment, {month_words(to)}")
    pdf.set_xy(x, top + 7)
    rows = [[plain(r.value), money(r.arr, cur), percent(r.nrr), percent(r.grr), percent(r.logo_retention),
             f"{int(r.base_accounts):,}" if r.base_accounts == r.base_accounts else "–"]
            for r in split.itertuples()]
    fractions = [0.25, 0.16, 0.155, 0.15, 0.15, 0.135]
    table(pdf, ["Segment", "ARR", "NRR", "GRR", "Logos", "Base"], rows, [width * f for f in fractions],
           ["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"], size=10.5, x=x, line_height=5.4,
           padding=(1.6, 1.5))
    pdf.ln(4)
    para(pdf, "NRR, GRR and logos (the share of accounts still active) are trailing twelve months; base: the "
               "accounts active twelve months earlier. ARR = 12 × MRR.", size=10, color=MUTED, width=width, x=x,
          height=5)
    pdf.ln(2)
    note = ("Each curve follows accounts from their first active month; a point is over the accounts old enough "
            "to reach it (lower panel), hollow below 10 accounts. Above 100%: expansion outweighs losses.")
    if ctx["info"].as_of_month != to:
        note += f" The curves use all the data, to {month_words(ctx['info'].as_of_month)}."
    para(pdf, note, size=10, color=MUTED, width=width, x=x, height=5)
