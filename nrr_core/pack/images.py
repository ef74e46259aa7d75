"""Chart images for the board pack: the app's plotly figures restyled for print
(``for_print``) and exported as PNG through kaleido (``export_charts``), which
drives a Chromium (Debian's /usr/bin/chromium is found on PATH;
``BROWSER_PATH`` overrides). ``browser_problem()`` says, without starting
anything, whether a browser is there to draw them.
"""
from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading

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
    every later export in the process reuses it: its figures go to the same
    page, one after another. A lock serialises exports (one tab); a failed
    export closes the browser, so the next one starts afresh. The loop runs
    on a daemon thread, apart from any loop of the caller (Streamlit,
    notebooks); ``close`` (also run at exit) ends the browser: a short-lived
process such as the command line calls it when done."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.starts = 0  # how many times a browser was started (tests read it)

    def _call(self, coroutine, timeout: float | None):
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, name="nrr-pack-browser", daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def render(self, figures: list[tuple[go.Figure, int, int]], timeout: float) -> list[bytes]:
        import kaleido

        async def start():
            k = kaleido.Kaleido(n=1, timeout=timeout, mathjax=False)
            await k.open()
            return k

        async def draw(k):
            return [await k.calc_fig(fig, opts={"format": "png", "width": w, "height": h, "scale": 2})
                    for fig, w, h in figures]

        with self._lock:
            try:
                if self._kaleido is None:
                    self._kaleido = self._call(start(), timeout)
                    self.starts += 1
                    if self.starts == 1:
                        # Registered after kaleido's own clean-ups, so it runs before them at exit:
                        # the browser is closed before its temporary files are removed.
                        atexit.register(self.close)
                # Each figure has kaleido's own timeout; this bounds the whole batch.
                return self._call(draw(self._kaleido), timeout * (len(figures) + 1))
            except BaseException:
                self._close()
                raise

    def _close(self) -> None:
        k, self._kaleido = self._kaleido, None
        if k is not None and self._loop is not None:
            try:
                self._call(k.close(), 15)
            except Exception:  # a browser that died is already gone
                pass

    def close(self) -> None:
        """End the browser (the next export starts a new one)."""
        with self._lock:
            self._close()


BROWSER = _Browser()


def export_charts(figures: list[tuple[go.Figure, int, int]], timeout: float = 60) -> list[bytes]:
    """PNG bytes of each (figure, width px, height px), drawn by the process's
    one Chromium (``BROWSER``, started on first use and kept). Raises NrrError
    without a browser or when Chromium fails."""
    if not figures:
        return []
    try:
        import kaleido  # noqa: F401 (a missing package: one sentence, not a traceback)
        from choreographer.errors import ChromeNotFoundError
    except ImportError as exc:  # pragma: no cover - requirements.txt installs both
        raise NrrError(f"The board pack needs kaleido for its charts: pip install -r requirements.txt ({exc})")
    try:
        return BROWSER.render(figures, timeout)
    except ChromeNotFoundError:
        raise NrrError(MISSING_BROWSER) from None
    except NrrError:
        raise
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0][:200]
        raise NrrError(f"The board pack's charts could not be drawn: Chromium failed "
                       f"({type(exc).__name__}: {first}). Check that chromium starts here "
                       f"(chromium --headless --version)") from None


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
