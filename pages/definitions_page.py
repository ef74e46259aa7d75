"""Definitions: "Why doesn't your NRR match finance's?" Every NRR definition
side by side at the selected month, their trend, the bridge from our NRR to
each with the accounts behind every step, and benchmarks by source and
contract size. Drawn by ui/definitions_view.py."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

from ui import definitions_view
from ui.frame import context, page_header

ctx = context()
page_header("NRR definitions", ctx)
definitions_view.draw(ctx)
