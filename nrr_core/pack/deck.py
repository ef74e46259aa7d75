"""The board pack as an editable PowerPoint deck (``make_deck``).

Board decks are edited before they are shown, so this is the pack's content
with native PowerPoint charts (line, stacked column) whose data sits in the
deck's embedded workbook: a reader can restyle a chart, change its title or
delete a series in PowerPoint, which a picture would not allow. It reads the
same context as the PDF (``assembly.pack_context``), so the two cannot
disagree, and it needs no browser.

Slides, in order: title with the headline figures; NRR/GRR trend (of the
headline definition in force, named); the period's MRR bridge; retention by
segment; the forward forecast and its track record, retention against target
and the CSM scorecards (``deck_steering``); the review board's at-risk and expansion lists and the churned and
contracted accounts (when given); the definitions; NRR by other definitions;
the commands that reproduce every figure.

Text from the data goes through ``text.plain`` (control characters out) and
is written as plain runs: PowerPoint never interprets it.
"""
from __future__ import annotations

import io
import math

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Emu, Inches, Pt

from .. import charts, definitions, variants
from ..definitions import benchmark_words
from ..formatting import money, percent
from ..metrics import BRIDGE_COLUMNS
from ..months import label, parse_month
from .pages import NO_RETROSPECTIVE, NO_REVIEWS, TITLE
from .reproduce import DB_PLACEHOLDER
from .review_pages import LABELS, RETROSPECTIVE_LIMIT, REVIEW_LIMIT, _account, _flagged, _who, review_cells, \
    review_header
from .text import change_since, headline_name, month_words, period_words, plain, score_text, short, span, step_text

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_W = WIDE - 2 * MARGIN
ACCENT = RGBColor(0x2F, 0x6D, 0xB5)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x6C, 0x75, 0x7D)
SERIES = (RGBColor(0x2F, 0x6D, 0xB5), RGBColor(0xE0, 0x7B, 0x39), RGBColor(0x1A, 0x8F, 0x5C),
          RGBColor(0x8E, 0x5D, 0xB8), RGBColor(0xC8, 0x32, 0x2F), RGBColor(0x17, 0xA2, 0xB8))
UP, DOWN, TOTAL = RGBColor(0x1A, 0x8F, 0x5C), RGBColor(0xC8, 0x32, 0x2F), RGBColor(0x2F, 0x6D, 0xB5)
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def make_deck(ctx: dict) -> bytes:
    """The deck's bytes for a pack context (``assembly.pack_context``)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    title_slide(prs, ctx)
    trend_slide(prs, ctx)
    bridge_slide(prs, ctx)
    segments_slide(prs, ctx)
    from .deck_steering import forecast_slide, scorecards_slide, targets_slide, track_slide

    forecast_slide(prs, ctx)
    track_slide(prs, ctx)
    targets_slide(prs, ctx)
    scorecards_slide(prs, ctx)
    if ctx["reviews"] is not None:
        review_slide(prs, ctx, "at_risk")
        review_slide(prs, ctx, "expansion")
    if ctx["retrospective"] is not None:
        retrospective_slide(prs, ctx)
    definitions_slide(prs, ctx)
    variants_slide(prs, ctx)
    reproduce_slide(prs, ctx)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- building blocks -------------------------------------------------------

def _slide(prs, title: str, sub: str | None = None):
    """A blank slide with a title line and an optional subtitle; returns (slide, top of the body)."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text(slide, title, MARGIN, Inches(0.35), BODY_W, Inches(0.6), size=26, bold=True, color=ACCENT)
    top = Inches(1.0)
    if sub:
        _text(slide, sub, MARGIN, top, BODY_W, Inches(0.75), size=14, color=INK)
        top = Inches(1.8)
    return slide, top


def _text(slide, text: str, x, y, w, h, *, size: float = 14, bold: bool = False, color=INK):
    """A text box holding ``text`` verbatim (lines split on newlines)."""
    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, color
    return box


def _table(slide, header: list[str], rows: list[list[str]], x, y, widths: list[float], *, size: float = 11,
           right: set[int] = frozenset()):
    """A native table; ``widths`` in inches, ``right`` the right-aligned columns."""
    from pptx.enum.text import PP_ALIGN

    shape = slide.shapes.add_table(len(rows) + 1, len(header), x, y, Inches(sum(widths)),
                                   Inches(0.3) * (len(rows) + 1))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, cells in enumerate([header] + rows):
        for j, value in enumerate(cells):
            cell = table.cell(i, j)
            cell.text = value
            for para in cell.text_frame.paragraphs:
                para.alignment = PP_ALIGN.RIGHT if j in right else PP_ALIGN.LEFT
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = i == 0
    return table


def _style_series(chart, colours, *, width_pt: float = 2.25) -> None:
    for series, colour in zip(chart.plots[0].series, colours):
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(width_pt)
        series.smooth = False


def _axes_text(chart, size: float = 12) -> None:
    chart.font.size = Pt(size)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False


# --- slides ----------------------------------------------------------------

def title_slide(prs, ctx: dict) -> None:
    """Title, period, accounts, data, and the four headline tiles."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    head, cur, period, info = ctx["head"], ctx["currency"], ctx["period"], ctx["info"]
    _text(slide, TITLE, MARGIN, Inches(0.6), BODY_W, Inches(0.9), size=34, bold=True, color=ACCENT)
    lines = [f"Period: {period_words(period)}",
             f"Accounts: {plain(ctx['filters'].describe())}",
             f"Data as of {info.as_of_month} · revenue from {info.first_month} · {info.accounts:,} accounts in the "
             f"book · load {info.load_id[:8]}",
             f"Generated {ctx['generated']}"]
    left_out = [NO_REVIEWS] * (ctx["reviews"] is None) + [NO_RETROSPECTIVE] * (ctx["retrospective"] is None)
    if left_out:
        lines.append("Not inside: " + "; ".join(left_out))
    _text(slide, "\n".join(lines), MARGIN, Inches(1.6), BODY_W, Inches(1.8), size=15, color=INK)
    since = month_words(label(parse_month(period.to_month) - 3))
    tiles = [
        ("ARR", money(head["arr"], cur), change_since(head["arr"], head["arr_prev"], since, cur)),
        (headline_name(head), percent(head["nrr"]), change_since(head["nrr"], head["nrr_prev"], since)),
        ("GRR, trailing 12 months", percent(head["grr"]), change_since(head["grr"], head["grr_prev"], since)),
        ("Logo retention", percent(head["logo_retention"]),
         change_since(head["logo_retention"], head["logo_retention_prev"], since)),
    ]
    gap = Inches(0.25)
    width = Emu(int((BODY_W - 3 * gap) / 4))
    top = Inches(4.0)
    for i, (name, value, delta) in enumerate(tiles):
        x = MARGIN + i * (width + gap)
        box = slide.shapes.add_shape(1, x, top, width, Inches(1.9))  # 1 = rectangle
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xF6, 0xF8, 0xFB)
        box.line.color.rgb = RGBColor(0xD5, 0xDB, 0xE3)
        _text(slide, name, x + Inches(0.15), top + Inches(0.1), width - Inches(0.3), Inches(0.4), size=13,
              color=MUTED)
        _text(slide, value, x + Inches(0.15), top + Inches(0.5), width - Inches(0.3), Inches(0.7), size=34,
              bold=True, color=ACCENT)
        _text(slide, delta, x + Inches(0.15), top + Inches(1.3), width - Inches(0.3), Inches(0.5), size=11,
              color=MUTED)
    _text(slide, f"ARR = 12 × MRR in {month_words(period.to_month)}. NRR, GRR and logo retention follow the accounts "
                 f"active twelve months earlier; changes are against {since}.",
          MARGIN, Inches(6.2), BODY_W, Inches(0.5), size=12, color=MUTED)


def trend_slide(prs, ctx: dict) -> None:
    """NRR and GRR by month as a native line chart, with the benchmark figures as dashed lines."""
    head, trend, to = ctx["head"], ctx["trend"], ctx["period"].to_month
    if head["nrr"] is None or trend.empty:
        _slide(prs, "Net revenue retention: no 12-month figure yet",
               f"Retention needs twelve months of history before a month; the selected accounts have none before "
               f"{month_words(to)}.")
        return
    since = month_words(label(parse_month(to) - 3))
    name = head.get("label", "NRR")
    slide, top = _slide(prs, f"{name} {percent(head['nrr'])} over the twelve months to {month_words(to)}",
                        f"{name} {percent(head['nrr'])} ({change_since(head['nrr'], head['nrr_prev'], since)}) · GRR "
                        f"{percent(head['grr'])} · logo retention {percent(head['logo_retention'])}.")
    data = CategoryChartData(number_format="0.0%")
    # "Nov 24": short enough that two years of months fit one line each.
    data.categories = [f"{month_words(m)[:3]} {m[2:4]}" for m in trend.month]
    data.add_series(head.get("label", "NRR"), [_number(v) for v in trend.nrr])
    data.add_series("GRR", [_number(v) for v in trend.grr])
    bench = ctx["benchmarks"]
    marks = [(f"Benchmark: median SaaS NRR {percent(bench['median_low'], 0)}", bench["median_low"]),
             (f"Benchmark: median SaaS NRR {percent(bench['median_high'], 0)}", bench["median_high"]),
             (f"Benchmark: top performers {percent(bench['top'], 0)}", bench["top"])]
    for name, value in marks:
        data.add_series(name, [value] * len(trend))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE, MARGIN, top, BODY_W, HIGH - top - Inches(0.8), data).chart
    _axes_text(chart)
    _style_series(chart, SERIES[:2] + (MUTED,) * 3)
    for series in list(chart.plots[0].series)[2:]:
        series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        series.format.line.width = Pt(1.25)
    chart.value_axis.tick_labels.number_format = "0%"
    chart.value_axis.tick_labels.number_format_is_linked = False
    # The axis spans the lines, not zero to the top: a few points of NRR must read as a change.
    shown = [v for v in list(trend.nrr) + list(trend.grr) + [m for _, m in marks] if _number(v) is not None]
    chart.value_axis.minimum_scale = math.floor(min(shown) * 20 - 1) / 20
    chart.value_axis.maximum_scale = math.ceil(max(shown) * 20 + 0.5) / 20
    _skip_category_labels(chart, 3)
    chart.category_axis.tick_labels.font.size = Pt(10)
    _text(slide, f"Dashed lines are benchmark reference figures ({benchmark_words(bench)}), not our data.",
          MARGIN, HIGH - Inches(0.7), BODY_W, Inches(0.4), size=11, color=MUTED)


def bridge_slide(prs, ctx: dict) -> None:
    """The period's MRR bridge as a stacked column chart: an invisible base
    carries each step's bar, so PowerPoint draws a waterfall that stays editable."""
    steps, cur, period = ctx["waterfall"], ctx["currency"], ctx["period"]
    values = dict(zip(steps.step, (float(v) for v in steps.mrr)))
    start, end = values["starting_mrr"], values["ending_mrr"]
    slide, top = _slide(prs, f"MRR bridge, {span(period)}: {money(start, cur)} → {money(end, cur)}",
                        "From starting to ending MRR, by movement. " + "; ".join(
                            f"{charts.STEP_LABELS[s]} {step_text(s, values[s], cur)}" for s in BRIDGE_COLUMNS[1:-1]))
    base, up, down, total = [], [], [], []
    running = 0.0
    for step in BRIDGE_COLUMNS:
        v = values[step]
        if step in ("starting_mrr", "ending_mrr"):
            base.append(0.0), up.append(None), down.append(None), total.append(v)
            running = v
        elif v >= 0:
            base.append(running), up.append(v), down.append(None), total.append(None)
            running += v
        else:
            running += v
            base.append(running), up.append(None), down.append(-v), total.append(None)
    data = CategoryChartData(number_format='#,##0')
    data.categories = [charts.STEP_LABELS[s] for s in BRIDGE_COLUMNS]
    for name, series in (("", base), ("Increase", up), ("Decrease", down), ("MRR", total)):
        data.add_series(name or "base", series)
    shape = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, MARGIN, top, BODY_W, HIGH - top - Inches(0.5), data)
    chart = shape.chart
    _axes_text(chart)
    chart.has_legend = False
    chart.plots[0].gap_width = 60
    plot_series = list(chart.plots[0].series)
    plot_series[0].format.fill.background()
    for series, colour in zip(plot_series[1:], (UP, DOWN, TOTAL)):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        labels = series.data_labels
        labels.show_value = True
        labels.number_format, labels.number_format_is_linked = '#,##0', False
        labels.font.size = Pt(11)
    chart.value_axis.tick_labels.number_format = '#,##0'
    chart.value_axis.tick_labels.number_format_is_linked = False
    # Start the axis below the lowest level the bars reach, so movements of a
    # few percent are visible; the invisible base is clipped, the bars are not.
    low = min([start, end] + [b for b, d in zip(base, down) if d is not None])
    if low > 0:
        scale = 10 ** max(0, math.floor(math.log10(low)) - 1)
        chart.value_axis.minimum_scale = math.floor(low * 0.85 / scale) * scale
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = f"MRR ({cur})"


def segments_slide(prs, ctx: dict) -> None:
    """The segment table at the period's last month beside revenue retention by months since start."""
    split, cur, to = ctx["breakdown"], ctx["currency"], ctx["period"].to_month
    slide, top = _slide(prs, "Retention by segment", f"Trailing twelve months to {month_words(to)}; curves follow "
                                                     "accounts from their first active month.")
    rows = [[plain(r.value), money(r.arr, cur), percent(r.nrr), percent(r.grr), percent(r.logo_retention),
             f"{int(r.base_accounts):,}" if r.base_accounts == r.base_accounts else "–"]
            for r in split.itertuples()]
    _table(slide, ["Segment", "ARR", "NRR", "GRR", "Logos", "Base"], rows, MARGIN, top,
           [1.55, 1.0, 0.9, 0.85, 0.85, 0.7], size=12, right={1, 2, 3, 4, 5})
    curves = ctx["curves"]
    if curves.empty:
        return
    months = sorted(curves.months_since_start.unique())
    data = CategoryChartData(number_format="0.0%")
    data.categories = [str(int(k)) for k in months]
    for cohort, group in curves.groupby("cohort", sort=True):
        by_k = dict(zip(group.months_since_start, group.revenue_retention))
        data.add_series(plain(cohort), [_number(by_k.get(k)) for k in months])
    x = MARGIN + Inches(6.1)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE, x, top, WIDE - MARGIN - x, HIGH - top - Inches(0.5),
                                   data).chart
    _axes_text(chart)
    _style_series(chart, SERIES)
    chart.has_title = True
    chart.chart_title.text_frame.text = "Revenue retained, by months since start"
    chart.value_axis.tick_labels.number_format = "0%"
    chart.value_axis.tick_labels.number_format_is_linked = False


def _largest(frame: pd.DataFrame | None, limit: int, by: str) -> tuple[pd.DataFrame, int]:
    """The ``limit`` rows with the largest ``by`` (ties by account id) and the frame's size."""
    if frame is None or not len(frame):
        return pd.DataFrame(), 0
    ordered = frame.assign(_v=pd.to_numeric(frame[by], errors="coerce"))
    ordered = ordered.sort_values(["_v", "account_id"], ascending=[False, True], na_position="last")
    return ordered.head(limit), len(frame)


def review_slide(prs, ctx: dict, which: str) -> None:
    """The review board's at-risk or expansion list, largest ARR first."""
    frame = ctx["reviews"][0 if which == "at_risk" else 1]
    title = "Accounts at risk" if which == "at_risk" else "Expansion opportunities"
    limit = min(REVIEW_LIMIT, 10)  # ten rows fit a slide at a readable size
    shown, total = _largest(frame, limit, "arr")
    if not total:
        _slide(prs, title, "No accounts on this list for the selection at this month.")
        return
    arr = pd.to_numeric(frame["arr"], errors="coerce").sum()
    slide, top = _slide(prs, title, f"{total:,} accounts with {money(arr, ctx['currency'])} ARR; the "
                                    f"{len(shown)} largest below, with the latest review decision.")
    rows = [review_cells(r, ctx["currency"]) for r in shown.to_dict("records")]
    rows = [[short(c, 90) for c in row] for row in rows]
    _table(slide, review_header(), rows, MARGIN, top, [2.9, 1.0, 0.7, 3.2, 2.9, 1.6], size=9, right={1, 2})


def retrospective_slide(prs, ctx: dict) -> None:
    """The accounts that churned or contracted in the period, largest loss first."""
    frame, summary = ctx["retrospective"]
    cur, when = ctx["currency"], period_words(ctx["period"])
    title = "Churned and contracted accounts"
    limit = min(RETROSPECTIVE_LIMIT, 10)
    shown, total = _largest(frame, limit, "lost_arr")
    if not total:
        _slide(prs, title, f"No selected account churned or contracted in {when}.")
        return
    churned = int(summary["churned_accounts"])
    slide, top = _slide(prs, title, f"{total:,} accounts lost {money(summary['lost_arr'], cur)} ARR in {when}: "
                                    f"{churned:,} churned, {total - churned:,} contracted; "
                                    f"{percent(1 - summary['surprise_share'])} of that ARR had been flagged in a "
                                    "review beforehand.")
    header = [LABELS["name"], f"{LABELS['segment']} · {LABELS['csm_owner']}", "Lost by", "First loss", "ARR before",
              "ARR lost", "Score before", "Flagged beforehand"]
    rows = [[short(_account(r), 60), _who(r), plain(r.get("kind")), plain(r.get("first_loss_month")),
             money(r.get("arr_before"), cur), money(r.get("lost_arr"), cur), score_text(r.get("score_before")),
             _flagged(r)] for r in shown.to_dict("records")]
    _table(slide, header, rows, MARGIN, top, [3.1, 2.2, 1.0, 0.9, 1.0, 1.0, 0.9, 2.2], size=10,
           right={4, 5, 6})


def definitions_slide(prs, ctx: dict) -> None:
    """The retention terms and the six movements, in the words the app and the PDF use."""
    slide, top = _slide(prs, "How the figures are defined")
    col = Emu(int((BODY_W - Inches(0.4)) / 2))
    left = "\n".join(f"{name}: {text}" for name, text in definitions.RETENTION)
    right = "\n".join([definitions.MOVEMENTS_INTRO] + [f"{name}: {text}" for _, name, text in definitions.MOVEMENTS]
                      + [definitions.IDENTITY, definitions.FILTERS])
    _text(slide, left, MARGIN, top, col, HIGH - top - Inches(1.0), size=12)
    _text(slide, right, MARGIN + col + Inches(0.4), top, col, HIGH - top - Inches(1.0), size=12)
    _text(slide, f"Benchmarks are reference figures, not our data: {benchmark_words(ctx['benchmarks'])}.",
          MARGIN, HIGH - Inches(0.8), BODY_W, Inches(0.4), size=11, color=MUTED)


def variants_slide(prs, ctx: dict) -> None:
    """Every NRR definition at the period's last month, with who uses it (the PDF's page of the same name)."""
    to = ctx["period"].to_month
    slide, top = _slide(prs, f"NRR by other definitions, {month_words(to)}",
                        f"The same accounts computed the ways finance, CS platforms and billing analytics do. The "
                        f"headline of this deck is {variants.label(ctx['head'].get('definition', 'nrr'))}.")
    rows = [[r.label, percent(r.value), "–" if r.points_vs_nrr != r.points_vs_nrr else f"{r.points_vs_nrr:+.1f}",
             short(r.used_by, 160)] for r in ctx["definitions"].itertuples()]
    _table(slide, ["Definition", "Value", "vs NRR (pts)", "Who uses it"], rows, MARGIN, top, [3.4, 1.1, 1.3, 6.5],
           size=11, right={1, 2})


def reproduce_slide(prs, ctx: dict) -> None:
    """Each figure's command for the deck's filters and period."""
    slide, top = _slide(prs, "Every figure is reproducible",
                        f"Run these on a copy of the same database ({DB_PLACEHOLDER} stands for it); they print this "
                        f"deck's figures as CSV for {plain(ctx['filters'].describe())}, {period_words(ctx['period'])}.")
    y = top
    for what, command in ctx["commands"]:
        _text(slide, what, MARGIN, y, Inches(3.0), Inches(0.5), size=11, color=MUTED)
        box = _text(slide, command, MARGIN + Inches(3.1), y, BODY_W - Inches(3.1), Inches(0.5), size=10)
        for para in box.text_frame.paragraphs:
            for run in para.runs:
                run.font.name = "DejaVu Sans Mono"
        y += Inches(0.6)


def _skip_category_labels(chart, every: int) -> None:
    """Label every ``every``-th category (python-pptx has no setter for c:tickLblSkip)."""
    from pptx.oxml.ns import qn

    axis = chart.category_axis._element
    for old in axis.findall(qn("c:tickLblSkip")):
        axis.remove(old)
    skip = axis.makeelement(qn("c:tickLblSkip"), {"val": str(every)})
    # The schema orders an axis's children: tickLblSkip comes just before these.
    after = [axis.find(qn(t)) for t in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
    after = [e for e in after if e is not None]
    if after:
        after[0].addprevious(skip)
    else:
        axis.append(skip)


def _number(value) -> float | None:
    """A chart value: None where pandas has a gap (PowerPoint leaves the point out)."""
    return None if value is None or pd.isna(value) else float(value)
