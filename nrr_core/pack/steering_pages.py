"""The board pack's steering pages: the forward forecast (``forecast_page``),
its track record (``track_page``), retention against target
(``targets_page``) and the CSM scorecards (``scorecards_page``). Each reads
the pack's context (``assembly.steering_context``: the functions the Forecast
and CSM scorecards pages call); names from the data go through ``plain``."""
from __future__ import annotations

from collections.abc import Iterator

import plotly.graph_objects as go

from .. import forecast, steering
from ..forecast import charts as forecast_charts
from ..forecast import swing_words, track_words
from ..formatting import money, percent
from .images import CHARTS, FORECAST_CHART_MM, for_print
from .pdf import BODY_W, MARGIN, MUTED, PAGE_W, ChartImage, chart, heading, para, table
from .text import month_words, plain

# The forecast months the pack's table lists (months ahead).
FORECAST_ROWS = (3, 6, 9, 12)
# Column headers short enough for one line.
SHORT_LABELS = {"nrr": "NRR", "grr": "GRR", "logo_retention": "Logos"}


def forecast_figures(ctx: dict) -> Iterator[tuple[str, go.Figure]]:
    """The forecast and track-record charts restyled for print, as (chart
    name, figure); none without a forecast, no track chart without a track
    record."""
    fc = ctx["forecast"]
    if fc is None:
        return
    fig = forecast_charts.forecast_chart(fc.table, fc.as_of, ctx["naive_nrr"])
    fig = steering.with_target_line(fig, ctx["forward_targets"], name="NRR target")
    yield "forecast", _legend_below(for_print(fig))
    bt = ctx["backtest"]
    if bt is not None and not bt.table.empty:
        yield "track", _legend_below(for_print(forecast_charts.track_chart(bt.table, bt.horizon)))


def _legend_below(fig: go.Figure) -> go.Figure:
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
                      margin_b=20)
    return fig


def target_words(landing, currency: str = "$") -> str:
    """The forecast against the NRR target applying at its horizon, in one sentence (``forecast.target_words``)."""
    return forecast.target_words(landing.month, landing.base, landing.target, landing.target_period)


def forecast_page(pdf, ctx: dict, png: ChartImage | None) -> None:
    """Forward NRR low, base and high for the next 12 months with the target
    line, the quarterly table, and the swing factors."""
    pdf.add_page()
    fc, land, cur = ctx["forecast"], ctx["landing"], ctx["currency"]
    if fc is None:
        heading(pdf, "Forecast: none for this selection", ctx["forecast_problem"])
        return
    n = len(fc.model.start)
    band = ("the band is not measured yet (too little history)" if land.low != land.low
            else f"80 % band {percent(land.low)} to {percent(land.high)}")
    heading(pdf, f"Forward NRR {percent(land.base)} by {month_words(land.month)}",
            f"The {n:,} accounts active in {month_words(fc.as_of)} ({money(land.start_arr, cur)} ARR) are expected to "
            f"keep {percent(land.base)} of their revenue by {month_words(land.month)}; {band}. "
            f"{target_words(land, cur)} Last 12 months' NRR (the naive forecast): {percent(ctx['naive_nrr'])}.")
    top = pdf.get_y()
    w_px, h_px = CHARTS["forecast"]
    chart(pdf, png, "Forward NRR of today's accounts, with its 80 % band", MARGIN, top, FORECAST_CHART_MM, h_px, w_px)
    x = MARGIN + FORECAST_CHART_MM + 7
    width = PAGE_W - MARGIN - x
    pdf.set_xy(x, top + 7)
    targets = ctx["forward_targets"].set_index("month").target if len(ctx["forward_targets"]) else {}
    rows = [[month_words(r.month), percent(r.nrr_low), percent(r.nrr_base), percent(r.nrr_high),
             percent(targets.get(r.month))] for r in fc.table.itertuples() if r.horizon in FORECAST_ROWS]
    table(pdf, ["Month", "Low", "Base", "High", "Target"], rows, [width * f for f in (0.28, 0.18, 0.18, 0.18, 0.18)],
          ["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"], size=10.5, x=x, line_height=5.4, padding=(1.4, 1.5))
    pdf.ln(4)
    if ctx.get("period_end"):
        para(pdf, f"The {ctx['period_end'].period} target", size=12, width=width, x=x, bold=True)
        para(pdf, forecast.period_end_words(ctx["period_end"]), size=9.5, width=width, x=x, height=4.5)
        pdf.ln(2)
    para(pdf, "What could move it", size=12, width=width, x=x, bold=True)
    pdf.ln(1)
    if land.swings.empty:
        para(pdf, "No account starts in the high risk band and none has an at-risk decision.", size=10, width=width,
             x=x, height=5)
    for row in land.swings.to_dict("records"):
        para(pdf, swing_words(row, cur), size=10.5, width=width, x=x, height=5.2)
        para(pdf, "Largest: " + "; ".join(plain(n) for n in row["names"]), size=9.5, color=MUTED, width=width, x=x,
             height=4.6)
        pdf.ln(2)
    pdf.ln(1)
    para(pdf, "Low and high: the 80 % band of the forecast's own past errors. New logos are not in it. High risk: "
              "the forecast's risk band (risk score at or above the review board's threshold).",
         size=9.5, color=MUTED, width=width, x=x, height=4.6)


def track_rows(s: dict) -> list[list[str]]:
    """The back-test summary's figures as (figure, value) rows for the page and the slide."""
    return [["Months measured", f"{s['months']:,}"],
            ["Mean absolute error", f"{s['mae'] * 100:.1f} pts"],
            ["Naive forecast's error", f"{s['naive_mae'] * 100:.1f} pts"],
            ["Band coverage (80 % aimed)", percent(s["coverage"], 0)],
            ["Average band width", f"{s['width'] * 100:.1f} pts"],
            ["Bias (forecast − actual)", f"{s['bias'] * 100:+.1f} pts"]]


def no_track_record(ctx: dict) -> tuple[str, str]:
    """The title and reason of the track-record page or slide when the book has no back-test yet."""
    return ("Forecast track record: none yet",
            ctx["forecast_problem"] or "It needs months with 12 months of data before them and 12 after.")


def track_page(pdf, ctx: dict, png: ChartImage | None) -> None:
    """The back-test: the forecast made 12 months earlier against what
    happened, its mean absolute error against the naive forecast's, and how
    often the band held the actual."""
    pdf.add_page()
    bt = ctx["backtest"]
    if bt is None or bt.table.empty:
        heading(pdf, *no_track_record(ctx))
        return
    s = bt.summary
    better = "better than" if s["mae"] < s["naive_mae"] else "no better than"
    heading(pdf, f"Track record: {s['mae'] * 100:.1f} pts average miss, {better} the naive forecast's "
                 f"{s['naive_mae'] * 100:.1f}")
    top = pdf.get_y()
    w_px, h_px = CHARTS["track"]
    chart(pdf, png, f"The forecast made {bt.horizon} months before, against what happened", MARGIN, top,
          FORECAST_CHART_MM, h_px, w_px)
    x = MARGIN + FORECAST_CHART_MM + 7
    width = PAGE_W - MARGIN - x
    pdf.set_xy(x, top + 7)
    rows = track_rows(s)
    table(pdf, ["Figure", "Value"], rows, [width * 0.66, width * 0.34], ["LEFT", "RIGHT"], size=10.5, x=x,
          line_height=5.4, padding=(1.4, 1.5))
    pdf.ln(4)
    para(pdf, track_words(s, bt.horizon), size=10, width=width, x=x, height=5)
    pdf.ln(2)
    para(pdf, "Each past forecast uses only the data up to its month: the scores, the rates and the band.",
         size=9.5, color=MUTED, width=width, x=x, height=4.6)


def _who(scope: str, value: str) -> str:
    return "Company" if scope == "company" else f"{steering.SCOPE_LABELS[scope]} {plain(value)}"


def targets_page(pdf, ctx: dict) -> None:
    """NRR, GRR and logo retention against their targets for the company and
    each segment (or the one scope the filters select), with attainment."""
    pdf.add_page()
    rows, to = ctx["target_rows"], ctx["period"].to_month
    with_target = rows.dropna(subset=["target"]) if len(rows) else rows
    if rows.empty:
        heading(pdf, "Retention against target", "No target applies to this selection: targets are set for the "
                                                 "company, a segment or a CSM owner, and this filter is none of them.")
        return
    if with_target.empty:
        sub = (f"No target is set for {month_words(to)}'s quarter or year. Data owners set them on the CSM scorecards "
               "page (Targets) or with python -m nrr_core targets load.")
    else:
        met = int((with_target.attainment >= 1).sum())
        periods = ", ".join(sorted(set(with_target.period)))
        sub = (f"{met} of {len(with_target)} figures with a target are at or above it, trailing 12 months to "
               f"{month_words(to)} (targets for {periods}). Attainment = actual ÷ target.")
    heading(pdf, f"Retention against target, {month_words(to)}", sub)
    header = ["For"]
    for metric in steering.METRICS:
        header += [SHORT_LABELS[metric], "Target", "Attained"]
    body = []
    for (scope, value), group in rows.groupby(["scope", "scope_value"], sort=False):
        cells = [_who(scope, value)]
        for r in group.set_index("metric").loc[list(steering.METRICS)].itertuples():
            cells += [percent(r.actual), percent(r.target), percent(r.attainment)]
        body.append(cells)
    first = 51.0
    rest = (BODY_W - first) / 9
    pdf.continued = "Retention against target (continued)"
    try:
        table(pdf, header, body, [first] + [rest] * 9, ["LEFT"] + ["RIGHT"] * 9, size=11, line_height=5.6)
    finally:
        pdf.continued = ""
    pdf.ln(4)
    para(pdf, "A figure's target is its quarter's, else its year's (the latest entry in force). NRR, GRR and logo "
              "retention are trailing twelve months at the month, as on the title page.", size=10, color=MUTED,
         height=5)


def scorecards_page(pdf, ctx: dict) -> None:
    """One row per CSM owner: book ARR, NRR, GRR and logo retention against
    target, the forecast NRR, at-risk ARR and the share of it reviewed."""
    pdf.add_page()
    cards, cur = ctx["scorecards"], ctx["currency"]
    if cards is None:
        heading(pdf, "CSM scorecards", ctx["scorecards_problem"])
        return
    if cards.table.empty:
        heading(pdf, "CSM scorecards", "No CSM owner has a book with revenue in this period for these filters.")
        return
    s = cards.summary()
    sub = (f"{s['owners']:,} CSM owners, {s['accounts']:,} accounts, {money(s['arr'], cur)} book ARR; "
           f"{s['on_target']} of {s['with_target']} with an NRR target at or above it. At-risk ARR "
           f"{money(s['at_risk_arr'], cur)}, {percent(s['reviewed_share'], 0)} of it reviewed this period. "
           f"{steering.BOOK_RULES_SHORT[cards.book_rule].capitalize()}.")
    if not cards.has_forecast:
        sub += " No forecast column: the period has ended or the book has too little history for a forecast."
    heading(pdf, f"CSM scorecards, {steering.describe_measure(cards)}", sub)
    header = ["CSM owner", "Book ARR", "NRR", "Target", "GRR", "Target", "Logos", "Target", "Forecast NRR",
              "At-risk ARR", "Reviewed"]
    rows = [[plain(r.csm_owner), money(r.arr, cur), percent(r.nrr), percent(r.nrr_target), percent(r.grr),
             percent(r.grr_target), percent(r.logo_retention), percent(r.logo_retention_target),
             percent(getattr(r, "forecast_nrr", None)), money(r.at_risk_arr, cur),
             percent(r.at_risk_reviewed_share, 0)] for r in cards.table.itertuples()]
    widths = [46, 23, 20, 20, 20, 20, 20, 20, 27, 25, 26]
    pdf.continued = "CSM scorecards (continued)"
    try:
        table(pdf, header, rows, widths, ["LEFT"] + ["RIGHT"] * 10, size=10, line_height=5, padding=(1.2, 1.5))
    finally:
        pdf.continued = ""
    pdf.ln(3)
    para(pdf, "Books are the accounts each owner held at the period's start. NRR, GRR and logos (accounts kept): "
              "trailing twelve months over the book; target: the owner's for the period; forecast NRR: the base "
              "accounts' expected MRR at the period's end ÷ their MRR a year before; reviewed: share of at-risk ARR "
              "with a review decision this period.", size=9.5, color=MUTED, height=4.6)
