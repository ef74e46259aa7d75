"""The board pack: a landscape PDF for quarterly business reviews and board meetings.

``make_pack(con, filters, period, ...)`` returns a ``BoardPack`` (the PDF
bytes and its page count), ``build_pack`` the bytes alone. Pure: no
Streamlit. Every figure comes from ``metrics`` (the functions the app and the
command line use) and every chart is the app's own ``charts`` figure,
exported as PNG through kaleido, which drives a Chromium. Without a browser
the pack raises ``NrrError`` with one sentence saying what to install.

Text from the data (account, segment and owner names, review notes, filter
values) is written as plain text in a Unicode font (DejaVu Sans, with Droid
Sans Fallback for CJK when installed), never interpreted as markup.

Pages, in order: title with the headline figures; the NRR/GRR trend; the
period's MRR bridge (waterfall) with its steps; retention by segment (curves
and a table); the forward forecast (low, base, high and the target) and its
track record; retention against target; the CSM scorecards; the at-risk and expansion account lists with their latest review
decisions and the churned and contracted accounts of the period (when given);
the definitions and the commands that reproduce every figure.

Modules: ``pdf`` (fonts, page frame, heading, paragraph, table, fit),
``images`` (plotly → PNG through kaleido, one Chromium kept per process,
print styling), ``text`` (plain text and formats), ``pages``,
``steering_pages``, ``review_pages`` and ``reference_pages`` (the pages), ``reproduce`` (the commands), ``assembly`` (``pack_context``, ``make_pack``,
``build_deck``, ``steering_context``) and ``deck`` and ``deck_steering`` (the same pages as an
editable PPTX with native charts).
"""
from ..definitions import DEFAULT_BENCHMARKS
from ..review import columns as _review_columns
from .assembly import BoardPack, build_deck, build_pack, make_pack, pack_context
from .deck import PPTX_MIME
from .images import CHART_FONT, CHARTS, MISSING_BROWSER, PX_PER_MM, browser_problem, export_charts
from .pages import NO_RETROSPECTIVE, NO_REVIEWS, TITLE
from .pdf import FALLBACK_FONTS, FONT_DIRS
from .reproduce import DB_PLACEHOLDER, filter_args, reproduce_commands
from .review_pages import RETROSPECTIVE_LIMIT, REVIEW_LIMIT
from .text import period_words, plain, step_text

# The review board columns the account lists read: the keys of review.columns.PACK.
REVIEW_COLUMNS = tuple(c.key for c in _review_columns.PACK)

__all__ = [
    "CHARTS", "CHART_FONT", "DB_PLACEHOLDER", "DEFAULT_BENCHMARKS", "FALLBACK_FONTS", "FONT_DIRS", "MISSING_BROWSER",
    "NO_RETROSPECTIVE", "NO_REVIEWS", "PX_PER_MM", "RETROSPECTIVE_LIMIT", "REVIEW_COLUMNS", "REVIEW_LIMIT", "TITLE",
    "BoardPack", "PPTX_MIME", "browser_problem", "build_deck", "build_pack", "export_charts", "filter_args",
    "make_pack", "pack_context", "period_words",
    "plain", "reproduce_commands", "step_text",
]
