"""Chart images for the board pack: the app's plotly figures restyled for print
(``for_print``) and exported as PNG through kaleido (``export_charts``), which
drives a Chromium (Debian's /usr/bin/chromium is found on PATH;
``BROWSER_PATH`` overrides). ``browser_problem()`` says, without starting
anything, whether a browser is there to draw them.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import threading
import time

import plotly.graph_objects as go

from ..errors import NrrError
from .pdf import BODY_W

# The libraries' own log lines must not reach the command line's stderr through
# Python's last-resort handler (one line per error there): fpdf2 warns when no
# installed font has a glyph (an emoji: it is left out), choreographer logs the
# messages it ignores on Chromium's pipe. A configured root logger still sees them.
for _name in ("fpdf", "choreographer", "kaleido", "logistro"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

MISSING_BROWSER = ("The board pack needs Chromium for its charts: install Debian's chromium "
                   "(apt-get install chromium), or point BROWSER_PATH at a Chrome or Chromium")
CHART_FONT = "DejaVu Sans, Droid Sans Fallback, sans-serif"

# Pixels per millimetre of page: a chart is rendered this many pixels wide for
# every millimetre it fills, so its 17 px type prints at about 11 pt everywhere.
PX_PER_MM = 4.3


def for_print(fig: go.Figure) -> go.Figure:
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


class _Browser:
    """One Chromium kept open between exports, on an event loop of its own.

    Starting Chromium is most of a pack's chart time (about 2 s of 3.5 s warm
    on the demo book), so the first export starts one kaleido session and
    every later export in the process reuses it. Its tab keeps plotly.js
    loaded between figures (``_new_session``). One tab: a second one drew
    no faster on two cores, where the pack's own work needs the other core,
    and a new browser loads plotly.js once. ``submit`` hands one figure to
    the loop and returns at once, so the caller goes on (builds the next
    figure, lays out pages) while Chromium draws. A failed export closes the
    browser, so the next one starts afresh. The loop runs on a daemon thread,
    apart from any loop of the caller (Streamlit, notebooks); ``close`` (also
    run at exit) ends the browser: a short-lived process such as the command
    line calls it when done."""

    TABS = 1

    def __init__(self) -> None:
        self._thread_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session_lock: asyncio.Lock | None = None  # made on the loop: one start at a time
        self._kaleido = None
        self.failed_starts = 0  # how many starts failed (a Drawing notes it when made)
        self._start_error: BaseException | None = None
        self.starts = 0  # how many times a browser was started (tests read it)

    def _call(self, coroutine) -> concurrent.futures.Future:
        with self._thread_lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="nrr-pack-browser", daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def submit(self, figure: go.Figure, width: int, height: int, timeout: float,
               failed_before: int) -> concurrent.futures.Future:
        """The PNG bytes of ``figure`` (``width`` x ``height`` px, drawn at
        twice that) as a future; the browser starts on the first call. When a
        start has failed since ``failed_before`` (``failed_starts`` when the
        caller's batch began), the future fails with that start's error: one
        failure for a whole pack, not another attempt (and wait) per chart."""
        return self._call(self._draw(figure, width, height, timeout, failed_before))

    async def _session(self, timeout: float, failed_before: int):
        if self._session_lock is None:
            self._session_lock = asyncio.Lock()
        async with self._session_lock:
            if self.failed_starts != failed_before:
                raise self._start_error
            if self._kaleido is None:
                try:
                    k = _new_session(self.TABS, timeout)
                    await k.open()
                except BaseException as exc:
                    self.failed_starts += 1
                    self._start_error = exc
                    raise
                self._kaleido = k
                self.starts += 1
                if self.starts == 1:
                    # Registered after kaleido's own clean-ups, so it runs before them at exit:
                    # the browser is closed before its temporary files are removed.
                    atexit.register(self.close)
            return self._kaleido

    async def _draw(self, figure: go.Figure, width: int, height: int, timeout: float, failed_before: int) -> bytes:
        try:
            k = await self._session(timeout, failed_before)
            return await k.calc_fig(figure, opts={"format": "png", "width": width, "height": height, "scale": 2})
        except BaseException:
            await self._close()
            raise

    async def _close(self) -> None:
        k, self._kaleido = self._kaleido, None
        if k is not None:
            try:
                await asyncio.wait_for(k.close(), 15)
            except Exception:  # a browser that died is already gone
                pass

    def close(self) -> None:
        """End the browser (the next export starts a new one)."""
        if self._loop is not None:
            try:
                self._call(self._close()).result(20)
            except Exception:  # pragma: no cover - closing is best effort
                pass


def _new_session(tabs: int, timeout: float):
    """A kaleido session of ``tabs`` tabs that keep plotly.js loaded between figures.

    kaleido reloads a tab's page after every figure, which parses plotly.js
    (4 MB) again: about 0.25 s of Chromium's time per chart, as much as
    drawing it, and on a machine of two cores the pack waits for it (warm
    demo pack 4.3 s → 2.9 s without). Nothing of a figure stays in the tab:
    Plotly.toImage draws it in a div of its own and removes it. Measured:
    the PNGs are the same bytes with and without the reload, and 120 figures
    in a row left Chromium's memory flat. A figure that fails closes the
    whole browser (``_Browser._draw``), so a tab in a bad state is never
    drawn on again."""
    import kaleido

    class KeptTabs(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:  # kaleido's own also reloads the tab
            await self.tabs_ready.put(tab)

    return KeptTabs(n=tabs, timeout=timeout, mathjax=False)


BROWSER = _Browser()


class Drawing:
    """Charts being drawn by the process's one Chromium (``BROWSER``): ``add``
    hands a figure over and returns at once; ``pngs`` waits for all of them
    and gives their PNG bytes in the order added. ``seconds``: from the first
    ``add`` until the last chart was drawn (set by ``pngs``). Raises NrrError
    without a browser or when Chromium fails."""

    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout
        self.seconds = 0.0
        self._futures: list[concurrent.futures.Future] = []
        self._started: float | None = None
        self._finished = 0.0
        self._failed_before = BROWSER.failed_starts
        self._drawn: list[bytes] | None = None

    def add(self, figure: go.Figure, width: int, height: int) -> None:
        if self._started is None:
            try:
                import kaleido  # noqa: F401 (a missing package: one sentence, not a traceback)
            except ImportError as exc:  # pragma: no cover - requirements.txt installs it
                raise NrrError(f"The board pack needs kaleido for its charts: pip install -r requirements.txt ({exc})")
            self._started = time.perf_counter()
        future = BROWSER.submit(figure, width, height, self.timeout, self._failed_before)
        future.add_done_callback(self._note_finish)
        self._futures.append(future)

    def _note_finish(self, _future) -> None:
        self._finished = max(self._finished, time.perf_counter())

    def png(self, index: int) -> bytes:
        """The PNG bytes of the ``index``-th chart added (0 first), waiting
        for all of them as ``pngs`` does."""
        if self._drawn is None:
            self._drawn = self.pngs()
        return self._drawn[index]

    def pngs(self) -> list[bytes]:
        from choreographer.errors import ChromeNotFoundError

        # Each figure has kaleido's own timeout; this bounds the whole batch.
        deadline = time.monotonic() + self.timeout * (len(self._futures) + 1)
        try:
            out = [f.result(max(0.0, deadline - time.monotonic())) for f in self._futures]
        except ChromeNotFoundError:
            raise NrrError(MISSING_BROWSER) from None
        except NrrError:
            raise
        except Exception as exc:
            first = (str(exc).splitlines() or [""])[0][:200]
            raise NrrError(f"The board pack's charts could not be drawn: Chromium failed "
                           f"({type(exc).__name__}: {first}). Check that chromium starts here "
                           f"(chromium --headless --version)") from None
        if self._started is not None:
            self.seconds = self._finished - self._started
        return out


def export_charts(figures: list[tuple[go.Figure, int, int]], timeout: float = 60) -> list[bytes]:
    """PNG bytes of each (figure, width px, height px), drawn by the process's
    one Chromium (``BROWSER``, started on first use and kept). Raises NrrError
    without a browser or when Chromium fails."""
    drawing = Drawing(timeout)
    for figure in figures:
        drawing.add(*figure)
    return drawing.pngs()


def browser_problem() -> str | None:
    """``MISSING_BROWSER`` when kaleido would find no runnable Chrome or
    Chromium (``BROWSER_PATH`` first, then PATH and the usual places), else
    None. Looks only; it starts nothing, so the app can ask on every rerun."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # pragma: no cover - requirements.txt installs it
        return MISSING_BROWSER
    path = Chromium.find_browser(skip_local=False)
    return None if path and os.path.isfile(path) and os.access(path, os.X_OK) else MISSING_BROWSER


# Chart sizes in pixels (width, height) and the width in mm each fills on its page.
BRIDGE_CHART_MM = 176.0
CURVES_CHART_MM = 140.0
FORECAST_CHART_MM = 160.0
CHARTS = {
    "forecast": (round(FORECAST_CHART_MM * PX_PER_MM), 600),
    "track": (round(FORECAST_CHART_MM * PX_PER_MM), 600),
    "trend": (round(BODY_W * PX_PER_MM), 520),
    "bridge": (round(BRIDGE_CHART_MM * PX_PER_MM), 620),
    "curves": (round(CURVES_CHART_MM * PX_PER_MM), 600),
}
