"""Assembling the board pack: the figures from ``metrics``, the app's charts
as images, the pages in order, and the PDF bytes (``make_pack``)."""
from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import plotly.graph_objects as go

from .. import charts, forecast, metrics, steering, variants
from ..definitions import DEFAULT_BENCHMARKS
from ..errors import NrrError
from ..filters import Filters
from ..metrics import BRIDGE_COLUMNS
from ..months import label, parse_month
from ..period import Period
from ..review.decisions import DecisionStore
from .deck import make_deck
from .images import CHARTS, Drawing, for_print
from .pages import TITLE, bridge_page, segments_page, title_page, trend_page
from .pdf import new_pdf, place_charts
from .reference_pages import definitions_page, reproduce_page, variants_page
from .reproduce import DB_PLACEHOLDER, reproduce_commands
from .review_pages import retrospective_page, review_page
from .steering_pages import forecast_figures, forecast_page, scorecards_page, targets_page, track_page
from .text import period_words, plain


@dataclass(frozen=True)
class BoardPack:
    """A built pack: the PDF bytes, its page count and how long it took (s);
    ``chart_seconds``: from the first chart handed to Chromium until the last
    one was drawn (it overlaps the pack's other steps)."""

    pdf: bytes
    pages: int
    seconds: float
    chart_seconds: float


def pack_context(con, filters: Filters | None, period: Period, *, currency: str = "$",
                 benchmarks: dict | None = None, headline: str = "nrr",
                 reviews: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
                 retrospective: tuple[pd.DataFrame, dict] | None = None,
                 db_path: str | os.PathLike = DB_PLACEHOLDER, generated_at: datetime | None = None,
                 decisions: DecisionStore | None = None, targets: pd.DataFrame | None = None) -> dict:
    """Everything the pack's pages print, from ``metrics``: the PDF pack and
    the PPTX deck read the same dictionary, so they cannot disagree. Keys:
    filters, period, info, currency, benchmarks, generated, contents, head
    and trend (of the ``headline`` definition, named in ``head["label"]``),
    definitions (every NRR definition at the period's last month), waterfall,
    existing, breakdown, curves, reviews, retrospective, commands, and the
    steering pages' (``steering_context``): forecast, forecast_problem,
    backtest, naive_nrr, landing, forward_targets, target_rows, scorecards,
    scorecards_problem. ``decisions``: the review decisions the forecast and
    the scorecards read (None: none); ``targets``: the targets in force
    (``TargetStore.in_force``; None: none set). Raises NrrError for a window
    outside the data."""
    ctx = _book_context(con, filters, period, currency=currency, benchmarks=benchmarks, headline=headline,
                        reviews=reviews, retrospective=retrospective, db_path=db_path, generated_at=generated_at)
    return {**ctx, **_steering(con, ctx, decisions, targets)}


def _steering(con, ctx: dict, decisions: DecisionStore | None, targets: pd.DataFrame | None) -> dict:
    return steering_context(con, ctx["filters"], ctx["period"], decisions,
                            steering.no_targets() if targets is None else targets)


def _book_context(con, filters: Filters | None, period: Period, *, currency: str, benchmarks: dict | None,
                  headline: str, reviews, retrospective, db_path, generated_at: datetime | None) -> dict:
    """``pack_context`` but the steering pages' keys."""
    filters = filters or Filters()
    benchmarks = {**DEFAULT_BENCHMARKS, **(benchmarks or {})}
    info = metrics.book_info(con)
    metrics.window(con, period.from_month, period.to_month)
    to = period.to_month
    sections = ["retention trend", "MRR bridge", "retention by segment", "forecast and its track record",
                "targets", "CSM scorecards"]
    if reviews is not None:
        sections += ["accounts at risk", "expansion opportunities"]
    if retrospective is not None:
        sections += ["churned and contracted accounts"]
    sections += ["definitions", "NRR by other definitions", "how to reproduce every figure"]
    return {
        "filters": filters, "period": period, "info": info, "currency": currency, "benchmarks": benchmarks,
        "generated": f"{(generated_at or datetime.now(timezone.utc)):%Y-%m-%d %H:%M %Z}".strip(),
        "contents": " · ".join(sections),
        "head": variants.headline_figures(con, filters, to, None, headline),
        "trend": variants.headline_trend(con, filters, headline, to),
        "definitions": variants.table(con, filters, to),
        "waterfall": metrics.waterfall(con, filters, period.from_month, to),
        "existing": metrics.bridge(con, filters, period.from_month, to, existing_only=True),
        "breakdown": metrics.breakdown(con, filters, "segment", to),
        "curves": metrics.cohorts(con, filters, "segment"),
        "reviews": reviews,
        "retrospective": retrospective,
        "commands": reproduce_commands(filters, period, str(db_path)),
    }


def steering_context(con, filters: Filters, period: Period, decisions: DecisionStore | None,
                     targets: pd.DataFrame) -> dict:
    """The forecast, targets and scorecard pages' figures, from the functions
    the Forecast and CSM scorecards pages call:

    * forecast: ``forecast.forecast`` at the period's last month (12 months
      ahead, the decisions in force), or None with forecast_problem saying why;
      backtest (``forecast.backtest`` of the whole history, None without a
      forecast); naive_nrr (``metrics.headline``'s NRR at the month);
      landing (``forecast.landing``), forward_targets
      (``forecast.forward_targets``) and period_end (``forecast.period_end``);
    * target_rows: ``steering.vs_targets`` at the period's last month for the
      scope the filters select (``steering.scope_of``) and, with no filter,
      each segment of ``metrics.breakdown``;
    * scorecards: ``steering.scorecard`` of the steering period of the
      period's last month (``steering.period_of``) with the forecast of the
      period's end (``forecast.expected_mrr``), or None with
      scorecards_problem saying why."""
    to = period.to_month
    idx = parse_month(to)
    out = {"forecast": None, "forecast_problem": None, "backtest": None, "naive_nrr": None, "landing": None,
           "forward_targets": None, "period_end": None, "scorecards": None, "scorecards_problem": None}
    try:
        fc = forecast.forecast(con, to, filters, forecast.HORIZON, decisions)
    except NrrError as exc:
        fc, out["forecast_problem"] = None, f"No forecast: {exc}."
    if fc is not None and not len(fc.model.start):
        fc, out["forecast_problem"] = None, "No forecast: no selected account had revenue in the as-of month."
    if fc is not None:
        out.update(forecast=fc, backtest=forecast.backtest(con, filters, forecast.HORIZON, decisions),
                   naive_nrr=metrics.headline(con, filters, to)["nrr"],
                   landing=forecast.landing(fc, forecast.account_names(con, filters), filters, targets),
                   forward_targets=forecast.forward_targets(fc, filters, targets),
                   period_end=forecast.period_end(con, fc, filters, targets))
    scope = steering.scope_of(filters)
    figures = [] if scope is None else [(*scope, metrics.headline(con, filters, to))]
    if filters.is_empty():
        figures += [("segment", str(r.value), {m: getattr(r, m) for m in steering.METRICS})
                    for r in metrics.breakdown(con, filters, "segment", to).itertuples()]
    out["target_rows"] = steering.vs_targets(targets, figures, idx)
    try:
        label_ = steering.period_of(idx, period.window)
        p, end, _ = steering.measured(con, label_)
        expected = forecast.expected_mrr(con, filters, p.last_month, label(end), decisions)
        out["scorecards"] = steering.scorecard(con, label_, filters, store=decisions, targets=targets,
                                               expected=expected)
    except NrrError as exc:
        out["scorecards_problem"] = f"No scorecards: {exc}."
    return out


def make_pack(con, filters: Filters | None, period: Period, *, currency: str = "$", benchmarks: dict | None = None,
              headline: str = "nrr", reviews: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
              retrospective: tuple[pd.DataFrame, dict] | None = None,
              db_path: str | os.PathLike = DB_PLACEHOLDER, generated_at: datetime | None = None,
              decisions: DecisionStore | None = None, targets: pd.DataFrame | None = None) -> BoardPack:
    """Build the board pack for ``filters`` over ``period`` (``Period.within``).

    ``reviews``: ``(at_risk, expansion)`` DataFrames from the review board
    (``review.board(...).at_risk`` / ``.expansion``), or None to leave the
    account lists out (the title page says so). ``retrospective``: the
    ``(frame, summary)`` of ``review.retrospective`` over the period, or None
    to leave that page out (the title page says so). ``db_path`` is only
    printed, in the commands that reproduce the figures: a server leaves the
    neutral default so its own paths never reach the PDF. Raises NrrError for
    a window outside the data, a missing font or a missing browser.
    ``headline``: the NRR definition the headline figures show and name (a
    key of ``variants.KEYS``; the deployment's ``[display] headline``).
    ``decisions`` and ``targets``: see ``pack_context``.
    """
    started = time.perf_counter()
    # Chromium draws each chart while the next is built, the steering pages'
    # figures are computed and every page is laid out (the images are placed
    # last): the charts are the pack's longest step, and run beside the rest.
    drawing, names = Drawing(), []

    def draw(figures) -> None:
        for name, figure in figures:
            drawing.add(figure, *CHARTS[name])
            names.append(name)

    ctx = _book_context(con, filters, period, currency=currency, benchmarks=benchmarks, headline=headline,
                        reviews=reviews, retrospective=retrospective, db_path=db_path, generated_at=generated_at)
    draw(_book_figures(ctx))
    ctx.update(_steering(con, ctx, decisions, targets))
    draw(forecast_figures(ctx))
    filters, info = ctx["filters"], ctx["info"]

    caption = f"{TITLE} · {plain(filters.describe())} · {period_words(period)}"
    pdf = new_pdf(TITLE, caption, f"Generated {ctx['generated']} · data as of {info.as_of_month} · "
                                  f"every figure reproducible with python -m nrr_core report (last page)")
    title_page(pdf, ctx)
    pngs = {name: functools.partial(drawing.png, i) for i, name in enumerate(names)}
    trend_page(pdf, ctx, pngs.get("trend"))
    bridge_page(pdf, ctx, pngs.get("bridge"))
    segments_page(pdf, ctx, pngs.get("curves"))
    forecast_page(pdf, ctx, pngs.get("forecast"))
    track_page(pdf, ctx, pngs.get("track"))
    targets_page(pdf, ctx)
    scorecards_page(pdf, ctx)
    if reviews is not None:
        review_page(pdf, ctx, "at_risk")
        review_page(pdf, ctx, "expansion")
    if retrospective is not None:
        retrospective_page(pdf, ctx)
    definitions_page(pdf, ctx)
    variants_page(pdf, ctx)
    reproduce_page(pdf, ctx)
    place_charts(pdf)
    data = bytes(pdf.output())
    return BoardPack(data, pdf.page_no(), time.perf_counter() - started, drawing.seconds)


def _book_figures(ctx: dict) -> Iterator[tuple[str, go.Figure]]:
    """The app's own figures of the book's pages restyled for print, as (chart
    name, figure) in page order (trend, bridge, curves), each yielded as soon
    as it is built; a chart with nothing to show is left out. The steering
    pages' are ``forecast_figures``."""
    if ctx["head"]["nrr"] is not None and not ctx["trend"].empty:
        trend = for_print(charts.nrr_trend_chart(ctx["trend"], ctx["benchmarks"], nrr_name=ctx["head"]["label"]))
        trend.update_layout(margin_r=190)  # room for the benchmark labels in print type
        yield "trend", trend
    if ctx["waterfall"].mrr.abs().sum() > 0:
        bridge = for_print(charts.waterfall_chart(ctx["waterfall"], "", ctx["currency"]))
        # Step names on two lines, level, instead of slanted.
        names = [charts.STEP_LABELS[s] for s in BRIDGE_COLUMNS]
        bridge.update_xaxes(tickangle=0, tickmode="array", tickvals=names,
                            ticktext=[n.replace(" ", "<br>").replace("-", "-<br>") for n in names])
        yield "bridge", bridge
    if not ctx["curves"].empty:
        yield "curves", for_print(charts.retention_curves_chart(ctx["curves"], "revenue_retention", ""))


def build_pack(con, filters: Filters | None, period: Period, *, currency: str = "$", benchmarks: dict | None = None,
               headline: str = "nrr", reviews: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
               retrospective: tuple[pd.DataFrame, dict] | None = None,
               db_path: str | os.PathLike = DB_PLACEHOLDER, generated_at: datetime | None = None,
               decisions: DecisionStore | None = None, targets: pd.DataFrame | None = None) -> bytes:
    """The board pack as PDF bytes (see ``make_pack``)."""
    return make_pack(con, filters, period, currency=currency, benchmarks=benchmarks, headline=headline,
                     reviews=reviews, retrospective=retrospective, db_path=db_path, generated_at=generated_at,
                     decisions=decisions, targets=targets).pdf


def build_deck(con, filters: Filters | None, period: Period, *, currency: str = "$", benchmarks: dict | None = None,
               headline: str = "nrr", reviews: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None,
               retrospective: tuple[pd.DataFrame, dict] | None = None,
               db_path: str | os.PathLike = DB_PLACEHOLDER, generated_at: datetime | None = None,
               decisions: DecisionStore | None = None, targets: pd.DataFrame | None = None) -> bytes:
    """The board pack as an editable PPTX deck (``deck.make_deck``): the same
    context, hence the same figures, as ``make_pack``; no browser needed."""
    return make_deck(pack_context(con, filters, period, currency=currency, benchmarks=benchmarks, headline=headline,
                                  reviews=reviews, retrospective=retrospective, db_path=db_path,
                                  generated_at=generated_at, decisions=decisions, targets=targets))
