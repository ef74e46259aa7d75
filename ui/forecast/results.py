"""The forecast and back-test of the page's filters and month, cached on the
data version and the decisions store's version (a new call shows at once)."""
from __future__ import annotations

from nrr_core import forecast
from nrr_core.filters import Filters

from .. import data

HORIZON = forecast.HORIZON


def forecast_of(filters: Filters, month: str) -> forecast.Forecast:
    """``forecast.forecast`` at ``month`` (data up to it) with the decisions in force."""
    return data.get(forecast.forecast_at, month, filters, HORIZON, *data.decisions_key())


def backtest_of(filters: Filters) -> forecast.Backtest:
    """``forecast.backtest`` of the whole book's history with the decisions store."""
    return data.get(forecast.backtest_at, filters, HORIZON, *data.decisions_key())


def period_end_of(filters: Filters, month: str, in_force):
    """``forecast.period_end`` of ``forecast_of``'s forecast against ``in_force`` (the targets in force)."""
    return data.get(forecast.period_end_at, month, filters, HORIZON, *data.decisions_key(), in_force)


def names_of(filters: Filters):
    return data.get(forecast.account_names, filters)


MIN_HISTORY = forecast.MIN_HISTORY


def earliest_month(info) -> str:
    """The first month a forecast can be made at (``MIN_HISTORY`` months in)."""
    from nrr_core.months import label

    return label(info.first_idx + MIN_HISTORY)
