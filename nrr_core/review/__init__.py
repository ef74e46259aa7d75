"""The account review: risk and expansion scores (``factors``), the board at
one month (``board``), the scores' back-test (``backtest``), the churn
retrospective and roll-ups (``rollups``), recorded decisions (``decisions``)
and their charts (``charts``).

``from nrr_core import review`` is the front door: the names below are the
feature's public interface.
"""
from ._common import today_after
from .backtest import Backtest, backtest, backtest_by_month
from . import columns
from .calibration import Calibration, Scorecard, calibrate, comparison_table, judgment_scorecard
from .board_lists import (BOARD_COLUMNS, DECISION_COLUMNS, DETAIL_COLUMNS, Board, assemble_board, board, board_at,
                    candidates, decision_summary, listed_ids)
from .decisions import (DEPARTMENTS, RISK_STATUSES, STATUSES, Decision, DecisionStore, no_decisions,
                        stored_decisions)
from .factors import (EXPANSION_THRESHOLD, FACTOR_BY_KEY, FACTORS, GROWTH_EXTRA_POINTS, GROWTH_MONTHS, GROWTH_NRR,
                      HORIZON, POINT_IN_TIME, REVIEW_STALE_DAYS, RISK_THRESHOLD, TOP_K, TOP_SHARE, Factor,
                      contributions, factor_table, reasons)
from .rollups import account_signals, at_risk_rollup, decision_log, retrospective, sponsor_coverage

__all__ = [
    "BOARD_COLUMNS", "DECISION_COLUMNS", "DEPARTMENTS", "DETAIL_COLUMNS", "EXPANSION_THRESHOLD", "FACTORS",
    "FACTOR_BY_KEY", "GROWTH_EXTRA_POINTS", "GROWTH_MONTHS", "GROWTH_NRR", "HORIZON", "POINT_IN_TIME", "REVIEW_STALE_DAYS", "RISK_STATUSES", "RISK_THRESHOLD",
    "STATUSES", "TOP_K", "TOP_SHARE", "Backtest", "Board", "Calibration", "Decision", "DecisionStore", "Factor", "Scorecard",
    "account_signals", "assemble_board", "calibrate", "columns", "comparison_table", "at_risk_rollup", "backtest", "backtest_by_month", "board", "board_at", "candidates", "contributions",
    "decision_log", "decision_summary", "factor_table", "judgment_scorecard", "listed_ids", "no_decisions", "reasons", "retrospective", "sponsor_coverage",
    "stored_decisions", "today_after",
]
