"""Forecast: the forward NRR of the accounts active at the as-of month for the
next 12 months with its band and the NRR target it is held to, the forecast's
track record against the naive forecast, what-if levers, and the accounts
behind it.

This page only reads the context and hands the cached results to the views
in ui/forecast/."""
from ui.frame import require_frame

require_frame()  # stops here unless app.py's frame runs this page

from nrr_core import forecast, metrics
from ui import data
from ui.forecast import contributions_view, outlook_view, results, track_view, whatif_view
from ui.steering import data as steering_data
from ui.frame import context, page_header
from ui.view import nothing

ctx = context()
page_header("Forecast", ctx)
f, as_of, cur = ctx.filters, ctx.period.to_month, ctx.currency
if as_of < results.earliest_month(ctx.info):
    nothing(f"A forecast needs {results.MIN_HISTORY} months of data before its month: pick an as-of month from "
            f"{results.earliest_month(ctx.info)}.")
else:
    fc = results.forecast_of(f, as_of)
    if not len(fc.model.start):
        nothing("No selected account had revenue in the as-of month: nothing to forecast.")
    else:
        in_force = steering_data.targets_in_force()
        targets = forecast.forward_targets(fc, f, in_force)
        outlook_view.draw(fc, data.get(metrics.headline, f, as_of)["nrr"], cur, targets,
                          results.period_end_of(f, as_of, in_force))
        track_view.draw(results.backtest_of(f))
        whatif_view.draw(fc, cur, targets)
        contributions_view.draw(fc, results.names_of(f), cur)
