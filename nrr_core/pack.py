"""The board pack: a landscape PDF for quarterly business reviews and board meetings.

``build_pack(con, filters, period, ...)`` returns the PDF as bytes. Pure: no
Streamlit. Every figure comes from ``metrics`` (the functions the app and the
command line use) and every chart is the app's own ``charts`` figure, exported
as PNG through kaleido, which drives a Chromium (Debian's /usr/bin/chromium is
found on PATH; ``BROWSER_PATH`` overrides). Without a browser the pack raises
``NrrError`` with one sentence saying what to install.

Text from the data (account, segment and owner names, review notes, filter
values) is written as plain text in a Unicode font (DejaVu Sans, with Droid
Sans Fallback for CJK when installed), never interpreted as markup.

Pages, in order: title with the headline figures; the NRR/GRR trend; the
period's MRR bridge (waterfall) with its steps; retention by segment (curves
and a table); the at-risk and expansion account lists with their latest review
decisions (when given); the definitions and the commands that reproduce every
figure.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import math
import os
import shlex
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from . import charts, metrics
from .errors import NrrError
from .filters import ATTRIBUTES, Filters
from .formatting import money, percent, points
from .metrics import BRIDGE_COLUMNS, MOVEMENTS
from .months import label, long_label, parse_month
from .period import Period

# The libraries' own log lines must not reach the command line's stderr through
# Python's last-resort handler (one line per error there): fpdf2 warns when no
# installed font has a glyph (an emoji: it is left out), choreographer logs the
# messages it ignores on Chromium's pipe. A configured root logger still sees them.
for _name in ("fpdf", "choreographer", "kaleido", "logistro"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

TITLE = "Net revenue retention — board pack"
MISSING_BROWSER = ("The board pack needs Chromium for its charts: install Debian's chromium "
                   "(apt-get install chromium), or point BROWSER_PATH at a Chrome or Chromium")
NO_REVIEWS = "Account review lists: not included (no review board data)"
REVIEW_LIMIT = 15
# The review board columns the account lists read (``review.board(...).at_risk``).
REVIEW_COLUMNS = ("account_id", "name", "segment", "csm_owner", "arr", "score", "reasons", "decision_status",
                  "decision_department", "decision_action", "decision_owner", "decision_due", "decision_recorded_at")
DEFAULT_BENCHMARKS = {"median_low": 0.90, "median_high": 0.95, "top": 1.20}

# Fonts: the first directory holding DejaVu Sans wins. Debian: fonts-dejavu-core;
# CJK names fall back to Droid Sans Fallback (fonts-droid-fallback) when present.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts/dejavu"), Path("/usr/share/fonts/TTF"))
FALLBACK_FONTS = (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
                  Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"))
CHART_FONT = "DejaVu Sans, Droid Sans Fallback, sans-serif"

# Page geometry (mm): landscape A4.
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 15.0
BODY_W = PAGE_W - 2 * MARGIN
INK = (34, 34, 34)
MUTED = (96, 102, 112)
ACCENT = (31, 63, 115)
RULE = (200, 205, 212)
TABLE_HEAD = (232, 236, 242)


@dataclass(frozen=True)
class BoardPack:
    """A built pack: the PDF bytes, its page count and how long it took (s)."""

    pdf: bytes
    pages: int
    seconds: float
    chart_seconds: float


# ------------------------------------------------------------------ plain text

def _missing(value) -> bool:
    """None, NaN, NaT or pd.NA (list-likes are judged by pandas, as before)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list of several values
        return False


def plain(value) -> str:
    """Data text as safe plain text: a dash for missing values, control
    characters out, unpaired surrogates replaced; everything else verbatim."""
    if _missing(value):
        return "–"
    if isinstance(value, (list, tuple)):
        return "; ".join(plain(v) for v in value)
    text = str(value).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            if ch in "\t\n\r":
                out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _month(month: str) -> str:
    return long_label(parse_month(month))


def period_words(period: Period) -> str:
    """``'Aug 2026 – Oct 2026 (3 months)'`` or ``'Oct 2026 (1 month)'``."""
    if period.months == 1:
        return f"{_month(period.to_month)} (1 month)"
    return f"{_month(period.from_month)} – {_month(period.to_month)} ({period.months} months)"


def step_text(step: str, value: float, currency: str = "$") -> str:
    """A bridge step as the pack prints it: totals plain, movements signed."""
    shown = money(value, currency, precise=True)
    return shown if step in ("starting_mrr", "ending_mrr") or value < 0 else "+" + shown


# ------------------------------------------------------------------ reproducing commands

def filter_args(filters: Filters) -> list[str]:
    """The command-line filter options selecting the same accounts."""
    flags = {"segment": "--segment", "region": "--region", "industry": "--industry", "csm_owner": "--csm-owner"}
    out: list[str] = []
    for name in ATTRIBUTES:
        for value in getattr(filters, name):
            out += [flags[name], value]
    for name, values in filters.extra:
        for value in values:
            out += ["--attr", f"{name}={value}"]
    return out


def reproduce_commands(filters: Filters, period: Period, db_path: str = "data/nrr.duckdb") -> list[tuple[str, str]]:
    """(what it gives, shell command) for every figure in the pack."""
    tail = filter_args(filters)
    base = ["python", "-m", "nrr_core"]

    def cmd(*parts) -> str:
        return shlex.join([*base, *parts, *tail])

    window = ["--as-of", period.to_month]
    window += ["--from", period.from_month] if period.window == "custom" else ["--window", period.window]
    return [
        (f"NRR, GRR and logo retention (row {period.to_month})", cmd("report", "retention", "--db", db_path)),
        (f"ARR = 12 × ending_mrr of {period.to_month}; monthly movements", cmd("report", "movements", "--db", db_path)),
        ("The MRR bridge of the period", cmd("report", "waterfall", "--db", db_path, "--from", period.from_month,
                                             "--to", period.to_month)),
        ("Retention by segment", cmd("report", "breakdown", "--db", db_path, "--by", "segment",
                                     "--month", period.to_month)),
        ("Retention curves by segment", cmd("report", "cohorts", "--db", db_path, "--by", "segment")),
        ("This pack", cmd("pack", "--db", db_path, "--out", "board-pack.pdf", *window)),
    ]


# ------------------------------------------------------------------ charts -> PNG

# Pixels per millimetre of page: a chart is rendered this many pixels wide for
# every millimetre it fills, so its 17 px type prints at about 11 pt everywhere.
PX_PER_MM = 4.3


def _for_print(fig: go.Figure) -> go.Figure:
    """The app's figure, restyled for paper: DejaVu type large enough to read
    at the size it is placed, no title (the page prints it), nothing interactive."""
    fig.update_layout(font={"family": CHART_FONT, "size": 17, "color": "#222"}, title_text="",
                      legend_font_size=16, hovermode=False)
    fig.update_layout(margin={"t": 44, "l": 10, "b": 10})
    fig.update_traces(selector={"type": "bar"}, textfont_size=16)
    fig.update_xaxes(tickfont_size=15, title_font_size=16, ticklabelstandoff=6)
    fig.update_yaxes(tickfont_size=15, title_font_size=16)
    for ann in fig.layout.annotations or ():
        ann.font.size = max(14, (ann.font.size or 14) + 2)
    return fig


def export_charts(figures: list[tuple[go.Figure, int, int]], timeout: float = 60) -> list[bytes]:
    """PNG bytes of each (figure, width px, height px), through one kaleido
    session (one Chromium for all charts). Raises NrrError without a browser."""
    if not figures:
        return []
    try:
        import kaleido
        from choreographer.errors import ChromeNotFoundError
    except ImportError as exc:  # pragma: no cover - requirements.txt installs both
        raise NrrError(f"The board pack needs kaleido for its charts: pip install -r requirements.txt ({exc})")

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(n=1, timeout=timeout, mathjax=False) as k:
            jobs = [k.calc_fig(fig, opts={"format": "png", "width": w, "height": h, "scale": 2})
                    for fig, w, h in figures]
            return list(await asyncio.gather(*jobs))

    # kaleido runs its own event loop: a fresh thread keeps it apart from any
    # loop of the caller (Streamlit, notebooks).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="nrr-pack") as pool:
        try:
            return pool.submit(asyncio.run, render()).result()
        except ChromeNotFoundError:
            raise NrrError(MISSING_BROWSER) from None
        except NrrError:
            raise
        except Exception as exc:
            first = (str(exc).splitlines() or [""])[0][:200]
            raise NrrError(f"The board pack's charts could not be drawn: Chromium failed "
                           f"({type(exc).__name__}: {first}). Check that chromium starts here "
                           f"(chromium --headless --version)") from None


# ------------------------------------------------------------------ the PDF

def _font_files() -> dict[str, Path]:
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


def _new_pdf(caption: str, footer: str):
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class Pdf(FPDF):
        def header(self):
            if self.page_no() == 1:
                return
            self.set_font("dejavu", "", 9)
            self.set_text_color(*MUTED)
            self.set_xy(MARGIN, 7)
            self.cell(BODY_W, 5, _fit(self, caption, BODY_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_draw_color(*RULE)
            self.line(MARGIN, 13, PAGE_W - MARGIN, 13)
            self.set_y(MARGIN + 2)
            if self.continued:  # a table ran over from the previous page
                self.set_font("dejavu", "B", 16)
                self.set_text_color(*ACCENT)
                self.cell(BODY_W, 8, _fit(self, self.continued, BODY_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.ln(2)

        def footer(self):
            self.set_font("dejavu", "", 9)
            self.set_text_color(*MUTED)
            self.set_xy(MARGIN, PAGE_H - 10)
            self.cell(BODY_W - 30, 5, _fit(self, footer, BODY_W - 30))
            self.cell(30, 5, f"{self.page_no()} / {{nb}}", align="R")

    pdf = Pdf(orientation="L", unit="mm", format="A4")
    pdf.continued = ""
    files = _font_files()
    pdf.add_font("dejavu", "", str(files[""]))
    pdf.add_font("dejavu", "B", str(files["B"]))
    pdf.add_font("dejavumono", "", str(files["mono"]))
    if "fallback" in files:
        pdf.add_font("fallback", "", str(files["fallback"]))
        pdf.set_fallback_fonts(["fallback"], exact_match=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_creator("nrr_core board pack")
    pdf.set_title(TITLE)
    pdf.set_font("dejavu", "", 12)
    return pdf


def _fit(pdf, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _heading(pdf, text: str, sub: str | None = None) -> None:
    pdf.set_x(MARGIN)
    pdf.set_font("dejavu", "B", 22)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(BODY_W, 10, text, align="L", new_x="LMARGIN", new_y="NEXT")
    if sub:
        pdf.ln(1.5)
        _para(pdf, sub, size=13, height=6.5)
    pdf.ln(4)


def _para(pdf, text: str, size: float = 12, color=INK, width: float = BODY_W, height: float | None = None,
          x: float | None = None, bold: bool = False) -> None:
    pdf.set_x(MARGIN if x is None else x)
    pdf.set_font("dejavu", "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(width, height or size * 0.48, text, align="L", new_x="LEFT", new_y="NEXT")


def _chart(pdf, png: bytes | None, title: str, x: float, y: float, w: float, h_px: int, w_px: int) -> float:
    """The chart's title (PDF text) and its image below; returns the bottom y."""
    pdf.set_xy(x, y)
    pdf.set_font("dejavu", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(w, 6, _fit(pdf, title, w))
    height = w * h_px / w_px
    if png:
        pdf.image(io.BytesIO(png), x=x, y=y + 7, w=w, h=height)
    return y + 7 + height


def _table(pdf, header: list[str], rows: list[list[str]], widths: list[float], aligns: list[str],
           size: float = 12, x: float | None = None, line_height: float | None = None,
           padding: tuple[float, float] = (1.6, 2.0)) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("dejavu", "", size)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_x(MARGIN if x is None else x)
    head = FontFace(family="dejavu", emphasis="BOLD", size_pt=size, color=INK, fill_color=TABLE_HEAD)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", headings_style=head,
                   line_height=line_height or size * 0.5, text_align=aligns, markdown=False,
                   padding=padding, borders_layout="HORIZONTAL_LINES", repeat_headings=1) as table:
        row = table.row()
        for text, align in zip(header, aligns):
            row.cell(text, align=align)
        for values in rows:
            row = table.row()
            for text, align in zip(values, aligns):
                row.cell(text, align=align)


def _span(period: Period) -> str:
    """``'Aug – Oct 2026'``, ``'Nov 2025 – Oct 2026'`` or ``'Oct 2026'``."""
    lo, hi = parse_month(period.from_month), parse_month(period.to_month)
    if lo == hi:
        return long_label(hi)
    if lo // 12 == hi // 12:
        return f"{long_label(lo)[:3]} – {long_label(hi)}"
    return f"{long_label(lo)} – {long_label(hi)}"


# ------------------------------------------------------------------ pages

def _title_page(pdf, ctx: dict) -> None:
    pdf.add_page()
    head, cur, period = ctx["head"], ctx["currency"], ctx["period"]
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, PAGE_W, 6, style="F")
    pdf.set_xy(MARGIN, 22)
    pdf.set_font("dejavu", "B", 32)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(BODY_W, 14, TITLE, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _para(pdf, f"Period: {period_words(period)}", size=17, height=8)
    pdf.ln(5)
    info = ctx["info"]
    details = [
        ("Accounts", plain(ctx["filters"].describe())),
        ("Figures as of", f"{_month(period.to_month)} (retention: trailing twelve months)"),
        ("Data", f"as of {info.as_of_month} · revenue from {info.first_month} · {info.accounts:,} accounts "
                 f"in the book · load {info.load_id[:8]}"),
        ("Generated", ctx["generated"]),
        ("Inside", ctx["contents"]),
    ]
    if ctx["reviews"] is None:
        details.append(("Not inside", NO_REVIEWS))
    for key, value in details:
        pdf.set_x(MARGIN)
        pdf.set_font("dejavu", "B", 13)
        pdf.set_text_color(*MUTED)
        pdf.cell(38, 7, key)
        pdf.set_font("dejavu", "", 13)
        pdf.set_text_color(*INK)
        pdf.multi_cell(BODY_W - 38, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
    since = _month(label(parse_month(period.to_month) - 3))
    tiles = [
        ("ARR", money(head["arr"], cur), _delta(head["arr"], head["arr_prev"], since, cur)),
        ("NRR, trailing 12 months", percent(head["nrr"]), _delta(head["nrr"], head["nrr_prev"], since)),
        ("GRR, trailing 12 months", percent(head["grr"]), _delta(head["grr"], head["grr_prev"], since)),
        ("Logo retention", percent(head["logo_retention"]),
         _delta(head["logo_retention"], head["logo_retention_prev"], since)),
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
        pdf.cell(width - 8, 6, name)
        pdf.set_xy(x + 4, top + 14)
        pdf.set_font("dejavu", "B", 30)
        pdf.set_text_color(*ACCENT)
        pdf.cell(width - 8, 14, value)
        pdf.set_xy(x + 4, top + 32)
        pdf.set_font("dejavu", "", 11)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 8, 6, _fit(pdf, delta, width - 8))
    pdf.set_y(top + height + 4)
    note = (f"ARR = 12 × MRR in {_month(period.to_month)}. NRR, GRR and logo retention follow the accounts "
            f"active twelve months earlier; changes are against {since}.")
    if head["nrr"] is None:
        note += " No 12-month figure: the data has less than a year of history before this month."
    _para(pdf, note, size=11, color=MUTED, height=5.5)


def _delta(value, previous, since: str, currency: str | None = None) -> str:
    if value is None or previous is None:
        return f"no figure for {since}"
    if currency is not None:
        change = value - previous
        return f"{'+' if change >= 0 else ''}{money(change, currency)} vs {since}"
    return f"{points(value - previous)} vs {since}"


def _trend_page(pdf, ctx: dict, png: bytes | None) -> None:
    pdf.add_page()
    head, trend, to, cur = ctx["head"], ctx["trend"], ctx["period"].to_month, ctx["currency"]
    if head["nrr"] is None or trend.empty:
        _heading(pdf, "Net revenue retention: no 12-month figure yet",
                 f"Retention needs twelve months of history before a month; the selected accounts have none "
                 f"before {_month(to)}.")
        return
    row = trend.set_index("month").loc[to]
    since = _month(label(parse_month(to) - 3))
    year_ago = _month(label(parse_month(to) - 12))
    _heading(pdf, f"NRR {percent(head['nrr'])} over the twelve months to {_month(to)}",
             f"NRR {percent(head['nrr'])} ({_delta(head['nrr'], head['nrr_prev'], since)}) · GRR "
             f"{percent(head['grr'])} · logo retention {percent(head['logo_retention'])}. The "
             f"{int(row.base_accounts):,} accounts active in {year_ago} paid {money(row.base_mrr, cur)} MRR then "
             f"and {money(row.retained_mrr, cur)} in {_month(to)}.")
    w_px, h_px = CHARTS["trend"]
    bottom = _chart(pdf, png, "Net (NRR) and gross (GRR) revenue retention, trailing 12 months, by month",
                    MARGIN, pdf.get_y(), BODY_W, h_px, w_px)
    b = ctx["benchmarks"]
    pdf.set_y(bottom + 2)
    _para(pdf, f"Shaded bands are benchmark reference figures quoted in our metric definitions (median SaaS NRR "
               f"{percent(b['median_low'], 0)}–{percent(b['median_high'], 0)}, top performers above "
               f"{percent(b['top'], 0)}), not our data.", size=10, color=MUTED, height=5)


def _bridge_page(pdf, ctx: dict, png: bytes | None) -> None:
    pdf.add_page()
    steps, cur, period = ctx["waterfall"], ctx["currency"], ctx["period"]
    values = dict(zip(steps.step, (float(v) for v in steps.mrr)))
    start, end = values["starting_mrr"], values["ending_mrr"]
    growth = f" ({'+' if end >= start else '−'}{abs(end / start - 1) * 100:.1f}%)" if start > 0 else ""
    _heading(pdf, f"MRR bridge, {_span(period)}: {money(start, cur)} → {money(end, cur)}{growth}")
    top = pdf.get_y()
    w_px, h_px = CHARTS["bridge"]
    chart_w = BRIDGE_CHART_MM
    _chart(pdf, png, "From starting to ending MRR, by movement", MARGIN, top, chart_w, h_px, w_px)
    x = MARGIN + chart_w + 8
    width = PAGE_W - MARGIN - x
    pdf.set_xy(x, top + 7)
    rows = [[charts.STEP_LABELS[s], step_text(s, values[s], cur)] for s in BRIDGE_COLUMNS]
    _table(pdf, ["Step", "MRR"], rows, [width * 0.48, width * 0.52], ["LEFT", "RIGHT"], size=12, x=x,
           line_height=6)
    pdf.ln(5)
    net_new = sum(values[m] for m in MOVEMENTS)
    _para(pdf, f"Net new MRR: {step_text('new', net_new, cur) if net_new >= 0 else money(net_new, cur, True)}.",
          size=11.5, width=width, x=x, height=5.6)
    existing = ctx["existing"]
    if existing["starting_mrr"] > 0:
        pdf.ln(2)
        _para(pdf, f"Accounts active before the period alone went from {money(existing['starting_mrr'], cur)} to "
                   f"{money(existing['ending_mrr'], cur)}: net retention of "
                   f"{percent(existing['ending_mrr'] / existing['starting_mrr'])} over the period.",
              size=11.5, width=width, x=x, height=5.6)


def _segments_page(pdf, ctx: dict, png: bytes | None) -> None:
    pdf.add_page()
    split, cur, to = ctx["breakdown"], ctx["currency"], ctx["period"].to_month
    ranked = split.dropna(subset=["nrr"]).sort_values(["nrr", "value"], ascending=[False, True])
    if len(ranked) >= 2:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        sub = (f"{plain(best.value)} keeps the most revenue (NRR {percent(best.nrr)}), "
               f"{plain(worst.value)} the least (NRR {percent(worst.nrr)}), trailing 12 months to {_month(to)}.")
    elif len(ranked) == 1:
        sub = f"{plain(ranked.iloc[0].value)}: NRR {percent(ranked.iloc[0].nrr)}, trailing 12 months to {_month(to)}."
    else:
        sub = f"No segment has a 12-month base at {_month(to)}."
    _heading(pdf, "Retention by segment", sub)
    top = pdf.get_y()
    w_px, h_px = CHARTS["curves"]
    _chart(pdf, png, "Revenue retained, by months since start", MARGIN, top, CURVES_CHART_MM,
           h_px, w_px)
    x = MARGIN + CURVES_CHART_MM + 6
    width = PAGE_W - MARGIN - x
    pdf.set_xy(x, top)
    pdf.set_font("dejavu", "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(width, 6, f"By segment, {_month(to)}")
    pdf.set_xy(x, top + 7)
    rows = [[plain(r.value), money(r.arr, cur), percent(r.nrr), percent(r.grr), percent(r.logo_retention),
             f"{int(r.base_accounts):,}" if r.base_accounts == r.base_accounts else "–"]
            for r in split.itertuples()]
    fractions = [0.25, 0.16, 0.155, 0.15, 0.15, 0.135]
    _table(pdf, ["Segment", "ARR", "NRR", "GRR", "Logos", "Base"], rows, [width * f for f in fractions],
           ["LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"], size=10.5, x=x, line_height=5.4,
           padding=(1.6, 1.5))
    pdf.ln(4)
    _para(pdf, "NRR, GRR and logos (the share of accounts still active) are trailing twelve months; base: the "
               "accounts active twelve months earlier. ARR = 12 × MRR.", size=10, color=MUTED, width=width, x=x,
          height=5)
    pdf.ln(2)
    note = ("Each curve follows accounts from their first active month; a point is over the accounts old enough "
            "to reach it (lower panel), hollow below 10 accounts. Above 100%: expansion outweighs losses.")
    if ctx["info"].as_of_month != to:
        note += f" The curves use all the data, to {_month(ctx['info'].as_of_month)}."
    _para(pdf, note, size=10, color=MUTED, width=width, x=x, height=5)


def _review_cells(row: dict, currency: str) -> list[str]:
    status = plain(row.get("decision_status"))
    if status == "–" or not status.strip():
        decision = "No decision recorded"
        owner = "–"
    else:
        decision = status
        department = plain(row.get("decision_department"))
        if department != "–":
            decision += f" · {department}"
        action = plain(row.get("decision_action"))
        if action != "–":
            decision += f": {_short(action, 110)}"
        owner = plain(row.get("decision_owner"))
        due = _date(row.get("decision_due"))
        if due != "–":
            owner += f", due {due}"
        recorded = _date(row.get("decision_recorded_at"))
        if recorded != "–":
            owner += f" (recorded {recorded})"
    name = _short(plain(row.get("name")), 120)
    account = f"{name} ({plain(row.get('account_id'))})" if row.get("account_id") is not None else name
    who = " · ".join(v for v in (plain(row.get("segment")), plain(row.get("csm_owner"))) if v != "–")
    return [f"{account}\n{who}" if who else account, money(row.get("arr"), currency), _score(row.get("score")),
            _short(plain(row.get("reasons")), 170), _short(decision, 170), _short(owner, 90)]


def _score(value) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return plain(value)
    if math.isnan(v):
        return "–"
    return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:,.0f}"


def _date(value) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return f"{value:%Y-%m-%d}"
    text = plain(value).strip()
    try:  # ISO text such as 2026-11-24T09:00:00+00:00
        return f"{datetime.fromisoformat(text):%Y-%m-%d}"
    except ValueError:
        return _short(text, 20)


def _review_page(pdf, ctx: dict, which: str) -> None:
    frame = ctx["reviews"][0 if which == "at_risk" else 1]
    title = "Accounts at risk" if which == "at_risk" else "Expansion opportunities"
    total = 0 if frame is None else len(frame)
    pdf.add_page()
    if not total:
        _heading(pdf, title, "No accounts on this list for the selection at this month.")
        return
    if "arr" in frame:
        ordered = frame.assign(_arr=pd.to_numeric(frame["arr"], errors="coerce"))
        sort = ["_arr", "account_id"] if "account_id" in frame else ["_arr"]
        frame = ordered.sort_values(sort, ascending=[False] + [True] * (len(sort) - 1), na_position="last")
    shown = frame.head(REVIEW_LIMIT)
    arr = pd.to_numeric(frame.get("arr", pd.Series(dtype=float)), errors="coerce").sum()
    sub = (f"{total:,} account{'s' if total != 1 else ''} on the review board with "
           f"{money(arr, ctx['currency'])} ARR" + (f"; the {len(shown)} largest by ARR below." if total > len(shown)
                                                    else ", largest ARR first."))
    sub += " Decisions are the latest recorded by the review board."
    _heading(pdf, title, sub)
    rows = [_review_cells(r, ctx["currency"]) for r in shown.to_dict("records")]
    header = ["Account · segment · CSM", "ARR", "Score", "Why (the score's factors)", "Latest decision",
              "Owner, due"]
    widths = [64, 18, 14, 76, 58, 37]
    aligns = ["LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT"]
    pdf.continued = f"{title} (continued)"
    try:
        _table(pdf, header, rows, widths, aligns, size=9.5, line_height=4.5, padding=(1.4, 1.6))
    finally:
        pdf.continued = ""


DEFINITIONS = [
    ("NRR (net revenue retention, trailing 12 months)",
     "Take the accounts active twelve months before the month (the base). NRR is their MRR in the month divided "
     "by their MRR then. Their expansion, cross-sell, contraction, churn and reactivation all count; accounts that "
     "became customers since then never do. NRR and NDR are the same metric."),
    ("GRR (gross revenue retention)",
     "The same base, but each account's MRR in the month is capped at its MRR twelve months earlier, so only "
     "losses count. Never above 100%."),
    ("Logo retention",
     "The share of the base accounts still active (MRR above zero) in the month."),
    ("ARR and MRR",
     "MRR is monthly recurring revenue, summed over an account's product lines; ARR = 12 × MRR. A quarter's or a "
     "year's retention is the trailing-twelve-month figure at its last month."),
]
MOVEMENT_WORDS = [
    ("New", "an account active for the first time."),
    ("Expansion", "an existing account pays more for a product line it already had (seats, tier, price)."),
    ("Cross-sell", "an existing account adds a product line."),
    ("Contraction", "an existing account pays less for a line, or drops a line while staying a customer."),
    ("Churn", "an account's MRR falls to zero (logo churn)."),
    ("Reactivation", "an account that had been active before and lapsed becomes active again."),
]


def _definitions_page(pdf, ctx: dict) -> None:
    pdf.add_page()
    _heading(pdf, "How the figures are defined")
    col = (BODY_W - 12) / 2
    top = pdf.get_y()
    for name, text in DEFINITIONS:
        _para(pdf, name, size=12.5, color=ACCENT, width=col, height=6, bold=True)
        _para(pdf, text, size=12, width=col, height=5.8)
        pdf.ln(3)
    left_end = pdf.get_y()
    x = MARGIN + col + 12
    pdf.set_y(top)
    _para(pdf, "The six movements (the MRR bridge)", size=12.5, color=ACCENT, width=col, x=x, height=6, bold=True)
    _para(pdf, "Each account's MRR in a month is compared with the month before:", size=12, width=col, x=x,
          height=5.8)
    pdf.ln(1.5)
    for name, text in MOVEMENT_WORDS:
        pdf.set_x(x)
        pdf.set_font("dejavu", "B", 12)
        pdf.set_text_color(*INK)
        pdf.cell(34, 5.8, name)
        pdf.set_font("dejavu", "", 12)
        pdf.multi_cell(col - 34, 5.8, text, align="L", new_x="LEFT", new_y="NEXT")
        pdf.ln(1.2)
    pdf.ln(1.5)
    _para(pdf, "Starting MRR + the six movements = ending MRR, for every month, period and filter. Contraction and "
               "churn are negative.", size=12, width=col, x=x, height=5.8)
    pdf.ln(3)
    _para(pdf, "Segment, region, industry and CSM owner are each account's current values: a filter selects "
               "accounts and every figure is computed on those accounts only.", size=12, width=col, x=x, height=5.8)
    b = ctx["benchmarks"]
    pdf.set_y(max(left_end, pdf.get_y()) + 2)
    _para(pdf, f"Benchmarks shown beside the figures are reference figures, not our data: median SaaS NRR "
               f"{percent(b['median_low'], 0)}–{percent(b['median_high'], 0)}; top performers above "
               f"{percent(b['top'], 0)}.", size=10.5, color=MUTED, height=5.2)


def _reproduce_page(pdf, ctx: dict) -> None:
    pdf.add_page()
    _heading(pdf, "Every figure is reproducible",
             "Run these commands on the same database: they print the figures of this pack as CSV, for the same "
             f"accounts ({plain(ctx['filters'].describe())}) and period: {period_words(ctx['period'])}.")
    for what, command in ctx["commands"]:
        _para(pdf, what, size=11.5, color=MUTED, height=5.6)
        pdf.set_x(MARGIN + 5)
        pdf.set_font("dejavumono", "", 10.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(BODY_W - 5, 5.2, command, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.2)
    pdf.ln(1)
    _para(pdf, "Ratios print as fractions (1.043 = 104.3%) and amounts as plain numbers; the pack rounds them for "
               "reading. The methodology page of the dashboard shows the SQL behind every figure.",
          size=10.5, color=MUTED, height=5.2)


# ------------------------------------------------------------------ build

# Chart sizes in pixels (width, height) and the width in mm each fills on its page.
BRIDGE_CHART_MM = 176.0
CURVES_CHART_MM = 140.0
CHARTS = {
    "trend": (round(BODY_W * PX_PER_MM), 520),
    "bridge": (round(BRIDGE_CHART_MM * PX_PER_MM), 620),
    "curves": (round(CURVES_CHART_MM * PX_PER_MM), 600),
}


def make_pack(con, filters: Filters | None, period: Period, *, currency: str = "$", benchmarks: dict | None = None,
              reviews: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
              db_path: str | os.PathLike = "data/nrr.duckdb", generated_at: datetime | None = None) -> BoardPack:
    """Build the board pack for ``filters`` over ``period`` (``Period.within``).

    ``reviews``: ``(at_risk, expansion)`` DataFrames from the review board
    (``review.board(...).at_risk`` / ``.expansion``), or None to leave the
    account lists out (the title page says so). ``db_path`` is only printed, in
    the commands that reproduce the figures. Raises NrrError for a window
    outside the data or a missing browser.
    """
    started = time.perf_counter()
    filters = filters or Filters()
    benchmarks = {**DEFAULT_BENCHMARKS, **(benchmarks or {})}
    info = metrics.book_info(con)
    metrics.window(con, period.from_month, period.to_month)
    to = period.to_month
    sections = ["retention trend", "MRR bridge", "retention by segment"]
    if reviews is not None:
        sections += ["accounts at risk", "expansion opportunities"]
    sections += ["definitions", "how to reproduce every figure"]
    ctx = {
        "filters": filters, "period": period, "info": info, "currency": currency, "benchmarks": benchmarks,
        "generated": f"{(generated_at or datetime.now(timezone.utc)):%Y-%m-%d %H:%M %Z}".strip(),
        "contents": " · ".join(sections),
        "head": metrics.headline(con, filters, to),
        "trend": metrics.nrr_trend(con, filters, to),
        "waterfall": metrics.waterfall(con, filters, period.from_month, to),
        "existing": metrics.bridge(con, filters, period.from_month, to, existing_only=True),
        "breakdown": metrics.breakdown(con, filters, "segment", to),
        "curves": metrics.cohorts(con, filters, "segment"),
        "reviews": reviews,
        "commands": reproduce_commands(filters, period, str(db_path)),
    }
    # The app's own figures, exported in one browser session.
    figures = {}
    if ctx["head"]["nrr"] is not None and not ctx["trend"].empty:
        figures["trend"] = _for_print(charts.nrr_trend_chart(ctx["trend"], benchmarks))
        figures["trend"].update_layout(margin_r=190)  # room for the benchmark labels in print type
    if ctx["waterfall"].mrr.abs().sum() > 0:
        figures["bridge"] = _for_print(charts.waterfall_chart(ctx["waterfall"], "", currency))
        # Step names on two lines, level, instead of slanted.
        names = [charts.STEP_LABELS[s] for s in BRIDGE_COLUMNS]
        figures["bridge"].update_xaxes(tickangle=0, tickmode="array", tickvals=names,
                                       ticktext=[n.replace(" ", "<br>").replace("-", "-<br>") for n in names])
    if not ctx["curves"].empty:
        figures["curves"] = _for_print(charts.retention_curves_chart(ctx["curves"], "revenue_retention", ""))
    chart_started = time.perf_counter()
    pngs = dict(zip(figures, export_charts([(f, *CHARTS[k]) for k, f in figures.items()])))
    chart_seconds = time.perf_counter() - chart_started

    caption = f"{TITLE} · {plain(filters.describe())} · {period_words(period)}"
    pdf = _new_pdf(caption, f"Generated {ctx['generated']} · data as of {info.as_of_month} · "
                            f"every figure reproducible with python -m nrr_core report (last page)")
    _title_page(pdf, ctx)
    _trend_page(pdf, ctx, pngs.get("trend"))
    _bridge_page(pdf, ctx, pngs.get("bridge"))
    _segments_page(pdf, ctx, pngs.get("curves"))
    if reviews is not None:
        _review_page(pdf, ctx, "at_risk")
        _review_page(pdf, ctx, "expansion")
    _definitions_page(pdf, ctx)
    _reproduce_page(pdf, ctx)
    data = bytes(pdf.output())
    return BoardPack(data, pdf.page_no(), time.perf_counter() - started, chart_seconds)


def build_pack(con, filters: Filters | None, period: Period, *, currency: str = "$", benchmarks: dict | None = None,
               reviews: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
               db_path: str | os.PathLike = "data/nrr.duckdb", generated_at: datetime | None = None) -> bytes:
    """The board pack as PDF bytes (see ``make_pack``)."""
    return make_pack(con, filters, period, currency=currency, benchmarks=benchmarks, reviews=reviews,
                     db_path=db_path, generated_at=generated_at).pdf
