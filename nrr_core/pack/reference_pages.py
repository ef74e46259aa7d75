"""The board pack's closing pages: how the figures are defined (the words of
``nrr_core.definitions``, shared with the methodology page) and the commands
that reproduce every figure."""
from __future__ import annotations

from .. import definitions, variants
from ..formatting import percent
from .pdf import ACCENT, BODY_W, INK, MARGIN, MUTED, heading, para, table
from .reproduce import DB_PLACEHOLDER
from .text import month_words, period_words, plain


def definitions_page(pdf, ctx: dict) -> None:
    """Retention terms on the left, the six movements and the bridge identity
    on the right, the benchmark bands below."""
    pdf.add_page()
    heading(pdf, "How the figures are defined", _headline_words(ctx))
    col = (BODY_W - 12) / 2
    top = pdf.get_y()
    for name, text in definitions.RETENTION:
        para(pdf, name, size=12.5, color=ACCENT, width=col, height=6, bold=True)
        para(pdf, text, size=12, width=col, height=5.8)
        pdf.ln(3)
    left_end = pdf.get_y()
    x = MARGIN + col + 12
    pdf.set_y(top)
    para(pdf, "The six movements (the MRR bridge)", size=12.5, color=ACCENT, width=col, x=x, height=6, bold=True)
    para(pdf, definitions.MOVEMENTS_INTRO, size=12, width=col, x=x, height=5.8)
    pdf.ln(1.5)
    for _, name, text in definitions.MOVEMENTS:
        pdf.set_x(x)
        pdf.set_font("dejavu", "B", 12)
        pdf.set_text_color(*INK)
        pdf.cell(34, 5.8, name)
        pdf.set_font("dejavu", "", 12)
        pdf.multi_cell(col - 34, 5.8, text, align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(1.2)
    pdf.ln(1.5)
    para(pdf, definitions.IDENTITY, size=12, width=col, x=x, height=5.8)
    pdf.ln(3)
    para(pdf, definitions.FILTERS, size=12, width=col, x=x, height=5.8)
    pdf.set_y(max(left_end, pdf.get_y()) + 2)
    para(pdf, f"Benchmarks shown beside the figures are reference figures, not our data: "
              f"{definitions.benchmark_words(ctx['benchmarks'])}.", size=10.5, color=MUTED, height=5.2)


def _headline_words(ctx: dict) -> str:
    key = ctx["head"].get("definition", variants.HEADLINE_DEFAULT)
    return (f"The headline in this pack is {variants.label(key)}: {variants.variant(key).formula} "
            f"Every NRR definition at the as-of month is on the next page.")


def variants_page(pdf, ctx: dict) -> None:
    """Every NRR definition at the as-of month (``variants.table``), labelled,
    with who uses it: the numbers a reader may have been given elsewhere."""
    pdf.add_page()
    to = ctx["period"].to_month
    heading(pdf, f"NRR by other definitions, {month_words(to)}",
            f"The same accounts in {month_words(to)}, computed the ways finance, CS platforms and billing analytics do. "
            f"The headline of this pack is {variants.label(ctx['head'].get('definition', 'nrr'))}.")
    rows = [[r.label, percent(r.value), "–" if r.points_vs_nrr != r.points_vs_nrr else f"{r.points_vs_nrr:+.1f}",
             r.used_by] for r in ctx["definitions"].itertuples()]
    widths = [0.24, 0.09, 0.11, 0.56]
    table(pdf, ["Definition", "Value", "vs NRR (pts)", "Who uses it"], rows, [BODY_W * w for w in widths],
          ["LEFT", "RIGHT", "RIGHT", "LEFT"], size=11)
    pdf.ln(3)
    para(pdf, "How each is computed: " + " ".join(f"{v.label}: {v.formula}" for v in variants.VARIANTS[2:]),
         size=9.5, color=MUTED, height=4.6)


def reproduce_page(pdf, ctx: dict) -> None:
    """Each figure's command, for the pack's filters and period. The database
    is a placeholder name: the pack never prints where the server keeps it."""
    pdf.add_page()
    title = "Every figure is reproducible"
    heading(pdf, title,
            "Run these commands on a copy of the same database: they print the figures of this pack as CSV, for the "
            f"same accounts ({plain(ctx['filters'].describe())}) and period: {period_words(ctx['period'])}. Point "
            f"--db at your copy of the database ({DB_PLACEHOLDER} stands for it); the review decisions are read from "
            "decisions.sqlite beside it.")
    # What each command gives on the left, the command on the right: eight
    # commands, even wrapped by long filter values, fit one page.
    pdf.continued = f"{title} (continued)"
    label_w, gap = 62.0, 4.0
    for what, command in ctx["commands"]:
        if pdf.get_y() + 12 > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        para(pdf, what, size=10, color=MUTED, width=label_w, height=4.8)
        below_label = pdf.get_y()
        pdf.set_xy(MARGIN + label_w + gap, top + 0.2)
        pdf.set_font("dejavumono", "", 9.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(BODY_W - label_w - gap, 4.6, command, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(below_label, pdf.get_y()) + 2.4)
    pdf.continued = ""
    pdf.ln(1)
    para(pdf, "Ratios print as fractions (1.043 = 104.3%) and amounts as plain numbers; the pack rounds them for "
              "reading. The methodology page of the dashboard shows the SQL behind every figure.",
         size=10.5, color=MUTED, height=5.2)
