"""The forward NRR forecast: expected MRR of today's accounts 1..H months
ahead, built from the book's own history (``model``), with a band measured on
its own track record (``track``), the accounts behind it (``contributions``)
and what-if levers (``whatif``).

``from nrr_core import forecast`` is the front door: the names below are the
feature's public interface. Nothing here reads data after the month a
forecast is made at, so a forecast made at a past month is the one that would
have been made then.
"""
from .calls import in_force
from .model import (CALLS, MIN_HISTORY, MOVES, PARTS, STATE_LABELS, ForecastModel, Levers, Projection, Start,
                    build_model, project)
from .track import (HORIZON, Backtest, Forecast, Track, account_names, backtest, backtest_at, contribution_table,
                    contributions, forecast, forecast_at, track_words)
from .whatif import Needed, Scenario, needed, scenario
from .outlook import (DECIDED_AT_RISK, SWING_COLUMNS, Landing, PeriodEnd, expected_mrr, expected_mrr_at,
                      expected_nrr_at, forward_targets, held_target, landing, period_end, period_end_at,
                      period_end_words, swing_words, target_words)

__all__ = [
    "CALLS", "HORIZON", "MIN_HISTORY", "MOVES", "PARTS", "STATE_LABELS", "Backtest", "Forecast", "ForecastModel",
    "Levers", "Needed", "Projection", "Scenario", "Start", "Track", "account_names", "backtest", "backtest_at",
    "build_model", "contribution_table", "contributions", "forecast", "forecast_at", "in_force", "needed",
    "project", "scenario", "track_words",
    "DECIDED_AT_RISK", "SWING_COLUMNS", "Landing", "expected_mrr", "expected_mrr_at", "forward_targets",
    "held_target", "landing", "swing_words", "target_words", "PeriodEnd", "expected_nrr_at", "period_end",
    "period_end_at", "period_end_words",
]
