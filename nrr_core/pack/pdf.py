"""PDF primitives of the board pack (fpdf2): fonts, the page frame (running
caption, footer with page numbers), heading, paragraph, chart slot, table and
fitting text to a width. Landscape A4, sizes in millimetres. Text is always
written as plain text (``markdown=False``), never interpreted.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Union

from ..errors import NrrError

# Fonts: the first directory holding DejaVu Sans wins. Debian: fonts-dejavu-core;
# CJK names fall back to Droid Sans Fallback (fonts-droid-fallback) when present.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts/dejavu"), Path("/usr/share/fonts/TTF"))
FALLBACK_FONTS = (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
                  Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"))

# A chart's image as the pages take it: its PNG bytes, or a call that gives them
# once Chromium has drawn it (``chart`` keeps its place, ``place_charts`` fills it).
ChartImage = Union[bytes, Callable[[], bytes]]

# Page geometry (mm): landscape A4.
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 15.0
BODY_W = PAGE_W - 2 * MARGIN
INK = (34, 34, 34)
MUTED = (96, 102, 112)
ACCENT = (31, 63, 115)
RULE = (200, 205, 212)
TABLE_HEAD = (232, 236, 242)


def font_files() -> dict[str, Path]:
    """The font files by role ("" regular, "B" bold, "mono", and "fallback"
    for CJK when installed). Raises NrrError without DejaVu Sans."""
    for folder in FONT_DIRS:
        regular = folder / "DejaVuSans.ttf"
        if regular.is_file():
            files = {"": regular, "B": folder / "DejaVuSans-Bold.ttf", "mono": folder / "DejaVuSansMono.ttf"}
            files = {k: (p if p.is_file() else regular) for k, p in files.items()}
            fallback = next((p for p in FALLBACK_FONTS if p.is_file()), None)
            if fallback:
                files["fallback"] = fallback
            return files
    raise NrrError("The board pack needs the DejaVu Sans font: install Debian's fonts-dejavu-core "
                   "(apt-get install fonts-dejavu-core)")


def new_pdf(title: str, caption: str, footer: str):
    """An empty landscape A4 document titled ``title``: every page but the first
    carries ``caption`` on top (and the heading in ``pdf.continued`` when a
    table runs over), every page ``footer`` and "page / pages" at the bottom."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class Pdf(FPDF):
        continued = ""        # the heading a table that runs over repeats on the next page
        fallback_file = None  # the CJK font's file, until a text needs it (normalize_text)

        def header(self):
            if self.page_no() == 1:
                return
            self.set_font("dejavu", "", 9)
            self.set_text_color(*MUTED)
            self.set_xy(MARGIN, 7)
            self.cell(BODY_W, 5, fit(self, caption, BODY_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_draw_color(*RULE)
            self.line(MARGIN, 13, PAGE_W - MARGIN, 13)
            self.set_y(MARGIN + 2)
            if self.continued:  # a table ran over from the previous page
                self.set_font("dejavu", "B", 16)
                self.set_text_color(*ACCENT)
                self.cell(BODY_W, 8, fit(self, self.continued, BODY_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(2)

        def normalize_text(self, text: str) -> str:
            # fpdf2 calls this on every text it writes or measures. The CJK
            # fallback font costs 0.6 s to parse per document, and any fallback
            # slows every line's layout, so it is added the first time a text
            # needs a character DejaVu lacks (in the regular or the bold face).
            if self.fallback_file and not text.isascii() and not self.covered.issuperset(map(ord, text)):
                self.add_font("fallback", "", str(self.fallback_file))
                self.set_fallback_fonts(["fallback"], exact_match=False)
                self.fallback_file = None
            return super().normalize_text(text)

        def footer(self):
            self.set_font("dejavu", "", 9)
            self.set_text_color(*MUTED)
            self.set_xy(MARGIN, PAGE_H - 10)
            self.cell(BODY_W - 30, 5, fit(self, footer, BODY_W - 30))
            self.cell(30, 5, f"{self.page_no()} / {{nb}}", align="R")

    pdf = Pdf(orientation="L", unit="mm", format="A4")
    pdf.charts = []  # (png, page, x, y, w, h) of each chart image not yet placed (chart, place_charts)
    files = font_files()
    pdf.add_font("dejavu", "", str(files[""]))
    pdf.add_font("dejavu", "B", str(files["B"]))
    pdf.add_font("dejavumono", "", str(files["mono"]))
    # Control characters (line breaks) are never drawn, so never need a glyph.
    pdf.covered = set(pdf.fonts["dejavu"].cmap).intersection(pdf.fonts["dejavuB"].cmap).union(range(32))
    pdf.fallback_file = files.get("fallback")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_creator("nrr_core board pack")
    pdf.set_title(title)
    pdf.set_font("dejavu", "", 12)
    return pdf


def fit(pdf, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def heading(pdf, text: str, sub: str | None = None) -> None:
    """A page heading, and a sub-heading paragraph below it when given."""
    pdf.set_x(MARGIN)
    pdf.set_font("dejavu", "B", 22)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(BODY_W, 10, text, align="L", new_x="LMARGIN", new_y="NEXT")
    if sub:
        pdf.ln(1.5)
        para(pdf, sub, size=13, height=6.5)
    pdf.ln(4)


def para(pdf, text: str, size: float = 12, color=INK, width: float = BODY_W, height: float | None = None,
          x: float | None = None, bold: bool = False) -> None:
    """A left-aligned paragraph at ``x`` (the margin by default), wrapped to ``width``."""
    pdf.set_x(MARGIN if x is None else x)
    pdf.set_font("dejavu", "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(width, height or size * 0.48, text, align="L", new_x="LEFT", new_y="NEXT")


def chart(pdf, png: ChartImage | None, title: str, x: float, y: float, w: float, h_px: int, w_px: int) -> float:
    """The chart's title (PDF text) and the place of its image below; returns
    the bottom y. ``png``: the image's bytes, or a call that gives them once
    drawn (the pages after this one are laid out meanwhile), or None for no
    image. The image goes in its place in ``place_charts``."""
    pdf.set_xy(x, y)
    pdf.set_font("dejavu", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(w, 6, fit(pdf, title, w))
    height = w * h_px / w_px
    if png is not None:
        pdf.charts.append((png, pdf.page, x, y + 7, w, height))
    return y + 7 + height


def place_charts(pdf) -> None:
    """Draw every chart image in the place ``chart`` kept for it, on its page
    (waiting for a chart still being drawn); then back to the last page."""
    last = pdf.page
    for png, page, x, y, w, h in pdf.charts:
        data = png() if callable(png) else png
        if data:
            pdf.page = page
            pdf.image(io.BytesIO(data), x=x, y=y, w=w, h=h)
    pdf.page = last
    pdf.charts.clear()


def table(pdf, header: list[str], rows: list[list[str]], widths: list[float], aligns: list[str],
           size: float = 12, x: float | None = None, line_height: float | None = None,
           padding: tuple[float, float] = (1.6, 2.0)) -> None:
    """A table with a shaded header row, repeated on every page it runs over;
    ``rows`` are lists of plain strings, one per column."""
    from fpdf.fonts import FontFace

    pdf.set_font("dejavu", "", size)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_x(MARGIN if x is None else x)
    head = FontFace(family="dejavu", emphasis="BOLD", size_pt=size, color=INK, fill_color=TABLE_HEAD)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", headings_style=head,
                   line_height=line_height or size * 0.5, text_align=aligns, markdown=False,
                   padding=padding, borders_layout="HORIZONTAL_LINES", repeat_headings=1) as grid:
        row = grid.row()
        for text, align in zip(header, aligns):
            row.cell(text, align=align)
        for values in rows:
            row = grid.row()
            for text, align in zip(values, aligns):
                row.cell(text, align=align)
