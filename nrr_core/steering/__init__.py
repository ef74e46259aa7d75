"""Steering: retention targets (``targets``), CSM scorecards (``scorecard``)
and the renewal calendar (``renewals``), over the same book as the metrics.

``from nrr_core import steering`` is the front door. The forecast enters
through one parameter, ``expected`` (a DataFrame account_id, expected_mrr),
of ``scorecard``/``assemble`` and ``renewal_calendar``/``assemble_calendar``;
without it the forecast columns are absent (never zero).
"""
from .charts import with_target_line
from .periods import SteeringPeriod, parse_period, period_containing, period_of, periods_containing
from .renewals import Calendar, assemble_calendar, renewal_accounts, renewal_calendar
from .scorecard import (BOOK_RULES, BOOK_RULES_SHORT, DEFINITIONS, EXPORT_COLUMNS, FORECAST_COLUMNS, Scorecards, assemble,
                        book_accounts, describe_measure, has_owner_history, measured, scorecard)
from .targets import (METRIC_LABELS, METRICS, SCOPE_LABELS, SCOPES, VS_TARGET_COLUMNS, Target, TargetStore,
                      load_targets_csv, may_edit, no_targets, scope_of, target_for, target_series, vs_targets)

__all__ = [
    "BOOK_RULES", "BOOK_RULES_SHORT", "DEFINITIONS", "EXPORT_COLUMNS", "FORECAST_COLUMNS", "METRICS", "METRIC_LABELS", "SCOPES",
    "SCOPE_LABELS", "Calendar", "Scorecards", "SteeringPeriod", "Target", "TargetStore", "assemble",
    "assemble_calendar", "book_accounts", "describe_measure", "has_owner_history", "load_targets_csv", "may_edit",
    "measured", "no_targets", "parse_period", "period_containing", "period_of", "periods_containing", "renewal_accounts",
    "renewal_calendar", "scope_of", "scorecard", "target_for", "target_series", "vs_targets", "with_target_line",
    "VS_TARGET_COLUMNS",
]
