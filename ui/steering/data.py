"""The steering pages' data: cached book figures (``ui.data.get``) joined to
what people record (targets, review decisions), read fresh on every run like
the review board's decisions.

``expected_mrr`` is the one place the forecast enters the steering pages: the
forward forecast (``nrr_core.forecast``, the Forecast page's model and
decisions) made at a month, as each account's expected MRR at a later month.
Where there is nothing to forecast (the period has ended) or too little
history for a forecast, it returns None and the pages say so and show no
forecast column.
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from nrr_core import Filters, forecast, steering
from nrr_core.months import label, parse_month
from nrr_core.steering.targets import TargetStore

from .. import auth, data


def expected_mrr(filters: Filters, month: str, made_at: str) -> pd.DataFrame | None:
    """``forecast.expected_mrr`` (account_id, expected_mrr at ``month`` by the
    forecast made at ``made_at``; None when there is nothing to forecast),
    cached on the data version and the decisions store's version."""
    return data.get(forecast.expected_mrr_at, filters, month, made_at, *data.decisions_key())


def targets() -> TargetStore:
    return TargetStore(data.settings().targets_path)


def targets_in_force() -> pd.DataFrame:
    return targets().in_force()


def can_edit_targets() -> bool:
    """Data owners only: a signed-in viewer listed in ``[targets] editors``, or
    anyone in open mode when ``[targets] open_mode = true``."""
    settings = data.settings()
    return steering.may_edit(auth.current_viewer(), settings.target_editors, settings.targets_open_mode)


def scorecard_period(ctx) -> str:
    """The steering period of the sidebar: the year of the as-of month for a
    Year window, else its quarter."""
    return steering.period_of(parse_month(ctx.period.to_month), ctx.period.window)


def scorecards(filters: Filters, period: str) -> steering.Scorecards:
    """The CSM scorecards: cached books and board scores of the data version,
    with the decisions, targets and forecast as they are now."""
    p, end_idx, complete = data.get(steering.measured, period)
    accounts = data.get(steering.book_accounts, period, filters)
    rule = "history" if data.get(steering.has_owner_history) else "current"
    board = data.board(dataclasses.replace(filters, csm_owner=()), label(end_idx))
    return steering.assemble(accounts, p, end_idx, complete, rule, at_risk=board.at_risk,
                             decisions=data.decisions().every(), targets=targets_in_force(),
                             expected=expected_mrr(filters, p.last_month, label(end_idx)))


def calendar(filters: Filters, month: str) -> steering.Calendar:
    """The renewal calendar at ``month`` with the board, the latest decisions
    (and their forecast call, where the store has one) and the forecast."""
    board = data.board(filters, month)
    ahead = label(parse_month(month) + 12)  # the calendar's horizon: every renewal of the next 12 months
    return steering.assemble_calendar(data.get(steering.renewal_accounts, filters, month), month,
                                      at_risk=board.at_risk, expansion=board.expansion,
                                      latest=data.decisions().latest(),
                                      expected=expected_mrr(filters, ahead, month))


def record_targets(entries: list[steering.Target], who: str) -> list[int]:
    """Append targets set in the app (read fresh on the next run: nothing cached)."""
    return targets().record(entries, who, source="app")
