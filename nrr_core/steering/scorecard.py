"""CSM scorecards: each CSM owner's book for a quarter or year, its retention
against target, at-risk ARR and how much of it was reviewed, leading
indicators and the book's movements.

**The book.** An account is in the book of the owner who held it at the
period's first month: the latest ``owners.csv`` row with ``from_month`` on or
before that month, else (no history, or none that early) its current owner.
So a reassignment during the period does not move an account's result
between CSMs until the next period.

**Retention** (metrics.md's headline, restricted to the book): with m the
measured month (the period's last month, or the as-of month while the period
runs) and B the book's accounts active in m − 12,
NRR = Σ_{a∈B} MRR(a, m) / Σ_{a∈B} MRR(a, m − 12); GRR caps each account at
its MRR then; logo retention = |{a ∈ B : MRR(a, m) > 0}| / |B|. Without
owner history, a CSM's NRR equals ``metrics.nrr_trend`` for that one owner.
Attainment = actual / target.

**Forecast hook.** ``expected`` is a DataFrame (account_id, expected_mrr):
each account's expected MRR at the period's last month (wired to
``nrr_core.forecast`` by the caller). With it the scorecard adds
forecast_nrr (Σ_{a∈B} expected_mrr / Σ_{a∈B} MRR(a, m − 12), m the period's
last month) and forecast_arr; without it those columns are absent.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .. import db, export
from ..errors import NrrError
from ..filters import Filters
from ..frames import member_of
from ..memo import Kept
from ..metrics import MONTHS_PER_YEAR, MOVEMENTS, book_info
from ..months import label, long_label
from .periods import SteeringPeriod, parse_period
from .targets import METRICS, no_targets

BOOK_RULES = {
    "history": "Books frozen at the period's first month from the owner history (owners.csv): an account "
               "reassigned during the period stays in its old owner's book until the next period.",
    "current": "No owner history was loaded (owners.csv), so every account counts in its current owner's book, "
               "also for past periods.",
}
# The same rules in a few words, for a caption.
BOOK_RULES_SHORT = {"history": "books frozen at the period's start (owner history)",
                    "current": "books by current owner (no owner history loaded)"}

# The comp team's file: one row per CSM and period, in this order.
EXPORT_COLUMNS = [
    "period", "measured_month", "complete", "csm_owner", "accounts", "arr", "base_accounts", "base_arr",
    "retained_arr", "nrr", "nrr_target", "nrr_attainment", "grr", "grr_target", "grr_attainment",
    "logo_retention", "logo_retention_target", "logo_retention_attainment", "at_risk_accounts", "at_risk_arr",
    "at_risk_reviewed_share", "seat_utilisation", "active_user_trend", "nps", "nps_responses",
    "tickets_per_account_month", "starting_arr", *(f"{m}_arr" for m in MOVEMENTS), "ending_arr",
]
FORECAST_COLUMNS = ["forecast_nrr", "forecast_arr"]

# Each figure in words: the export's header block and the page's definitions.
DEFINITIONS = {
    "period": "quarter (2026-Q3) or year (2026)",
    "measured_month": "the month the figures are taken at: the period's last month, or the data's as-of month "
                      "while the period is still running (complete = false)",
    "book": "the accounts an owner held at the period's first month (see the book rule)",
    "accounts / arr": "the book's accounts active at the measured month, and their ARR (12 x MRR)",
    "base_accounts / base_arr": "the book's accounts active 12 months before the measured month, and their ARR then",
    "nrr": "sum of the base accounts' MRR at the measured month / their MRR 12 months earlier (docs/metrics.md "
           "headline NRR, restricted to the book)",
    "grr": "as nrr, each account capped at its MRR 12 months earlier",
    "logo_retention": "base accounts still active at the measured month / base accounts",
    "*_target / *_attainment": "the CSM owner's target for the period (the latest entry in force; for a quarter "
                               "without its own target, the year's); attainment = actual / target (blank "
                               "without a target)",
    "at_risk_arr / at_risk_accounts": "ARR and count of the book's accounts on the review board's at-risk list at "
                                      "the measured month",
    "at_risk_reviewed_share": "share of at-risk ARR whose account had a review decision recorded during the period",
    "seat_utilisation": "active users / seats licensed at the measured month (accounts reporting both)",
    "active_user_trend": "active users now / 3 months earlier - 1 (accounts reporting both)",
    "nps": "net promoter score of each account's latest response in the 6 months to the measured month: "
           "% promoters (9-10) - % detractors (0-6)",
    "tickets_per_account_month": "support tickets per account per month over the 3 months to the measured month",
    "starting_arr ... ending_arr": "the book's ARR bridge over the period: ARR the month before the period, the six "
                                   "movements (docs/metrics.md) summed over the period's months, ARR at the "
                                   "measured month",
    "forecast_nrr / forecast_arr": "only when a forecast is supplied: the base accounts' expected MRR at the "
                                   "period's last month / their MRR 12 months before it; the book's expected ARR",
}


@dataclass(frozen=True)
class Scorecards:
    """The scorecards of one period: ``table`` (one row per CSM owner, largest
    ARR first; ``EXPORT_COLUMNS`` less the period columns, plus the forecast
    columns when a forecast was supplied), ``accounts`` (each book account with
    its figures and ``at_risk``, ``reviewed``), and how they were measured."""

    period: SteeringPeriod
    measured_month: str
    complete: bool
    book_rule: str           # "history" or "current" (BOOK_RULES)
    table: pd.DataFrame
    accounts: pd.DataFrame
    has_forecast: bool

    def owner(self, name: str) -> dict | None:
        hit = self.table[self.table.csm_owner == name]
        return None if hit.empty else hit.iloc[0].to_dict()

    def summary(self) -> dict:
        """The room's first questions over every owner of ``table``: arr,
        owners, accounts, with_target (owners with an NRR target), on_target
        (of those, NRR at or above it), at_risk_arr, at_risk_accounts and
        reviewed_share (at-risk ARR reviewed during the period ÷ at-risk ARR;
        None without at-risk ARR)."""
        t = self.table
        risk = float(t.at_risk_arr.sum())
        reviewed = float((t.at_risk_arr * t.at_risk_reviewed_share.fillna(0)).sum())
        return {"arr": float(t.arr.sum()), "owners": len(t), "accounts": int(t.accounts.sum()),
                "with_target": int(t.nrr_attainment.notna().sum()), "on_target": int((t.nrr_attainment >= 1).sum()),
                "at_risk_arr": risk, "at_risk_accounts": int(t.at_risk_accounts.sum()),
                "reviewed_share": reviewed / risk if risk else None}

    def export_frame(self) -> pd.DataFrame:
        """The comp team's rows: ``EXPORT_COLUMNS`` (+ the forecast columns)."""
        out = self.table.assign(period=self.period.label, measured_month=self.measured_month,
                                complete=self.complete)
        return out[EXPORT_COLUMNS + (FORECAST_COLUMNS if self.has_forecast else [])]

    def to_csv(self, filters: Filters | None = None) -> str:
        """The export: a ``#`` header block (what, how measured, definitions),
        then CSV; ratios as fractions, amounts as ARR; formula-safe."""
        notes = [f"CSM scorecards, period {self.period.label}, measured at {self.measured_month}"
                 + ("" if self.complete else " (period still running: figures to date)"),
                 f"Accounts: {(filters or Filters()).describe()}",
                 f"Book rule: {BOOK_RULES[self.book_rule]}",
                 *(f"{key}: {text}" for key, text in DEFINITIONS.items())]
        return export.commented_csv(self.export_frame(), notes)


def measured(con, period: str) -> tuple[SteeringPeriod, int, bool]:
    """(period, measured month index, complete): the period's last month, or
    the as-of month while it runs. NrrError for a period outside the data."""
    p = parse_period(period)
    info = book_info(con)
    if p.first_idx > info.as_of_idx:
        raise NrrError(f"the period {p.label} starts after the data ends ({info.as_of_month})")
    if p.last_idx < info.first_idx:
        raise NrrError(f"the period {p.label} ends before the data starts ({info.first_month})")
    end = min(p.last_idx, info.as_of_idx)
    return p, end, end == p.last_idx


def has_owner_history(con) -> bool:
    """True when the book was loaded with owners.csv."""
    try:
        return bool(db.run(con, "steering/owner_history_rows").iloc[0, 0])
    except Exception as exc:
        if "owner_history" in str(exc):
            raise NrrError("this database was built before owner history existed: load the data again "
                           "(python -m nrr_core load …)") from None
        raise


def book_accounts(con, period: str, filters: Filters | None = None) -> pd.DataFrame:
    """Every account of the selected owners' books for ``period`` (see the
    module's "The book"), with base_mrr, retained_mrr, gross_retained_mrr, mrr
    (at the measured month), starting_mrr, the six movements over the period,
    and its signals. The filter's CSM owners select the frozen owner; its other
    attributes select accounts."""
    p, end, _ = measured(con, period)
    f = filters or Filters()
    params = {**dataclasses.replace(f, csm_owner=()).to_params(), "owners": list(f.csm_owner),
              "start_idx": p.first_idx, "end_idx": end}
    has_owner_history(con)
    return _BOOKS.get_or_make((book_info(con).load_id, f, p.first_idx, end),
                              lambda: db.run(con, "steering/book_accounts", params)).copy()


# The books' rows of a period depend on the load, the selection and the months
# alone: 0.4 s of query at 100,000 accounts against 0.1 s for the rest of the
# scorecards, and the page, its export, the board pack and the forecast hook
# ask for the same period. Kept per process (each copy handed out is the caller's).
_BOOKS = Kept(8)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype("float64")


def _target_columns(table: pd.DataFrame, targets: pd.DataFrame, period: SteeringPeriod) -> pd.DataFrame:
    """Each owner's target per metric for the period (a quarter's own target,
    else its year's, as ``targets.target_for`` reads them) and the attainment."""
    labels = [period.label] if period.is_year else [period.label, period.label[:4]]
    mine = targets[(targets.scope == "csm_owner") & targets.period.isin(labels)] if len(targets) else targets
    for metric in METRICS:
        found = {}
        for row in mine[mine.metric == metric].itertuples() if len(mine) else ():
            rank = labels.index(row.period)
            if row.scope_value not in found or rank < found[row.scope_value][0]:
                found[row.scope_value] = (rank, float(row.target))
        table[f"{metric}_target"] = table.csm_owner.map({k: v for k, (_, v) in found.items()}).astype("float64")
        table[f"{metric}_attainment"] = table[metric] / table[f"{metric}_target"]
    return table


def _reviewed(accounts: pd.Series, decisions: pd.DataFrame, p: SteeringPeriod) -> pd.Series:
    """True for accounts with a decision recorded during the period (UTC days)."""
    if decisions is None or decisions.empty:
        return pd.Series(False, index=accounts.index)
    start = dt.datetime(p.first_idx // 12, p.first_idx % 12 + 1, 1, tzinfo=dt.timezone.utc)
    nxt = p.last_idx + 1
    end = dt.datetime(nxt // 12, nxt % 12 + 1, 1, tzinfo=dt.timezone.utc)
    when = pd.to_datetime(decisions.recorded_at, utc=True)
    return member_of(accounts, decisions.account_id[(when >= start) & (when < end)])


def assemble(accounts: pd.DataFrame, period: SteeringPeriod, end_idx: int, complete: bool, book_rule: str, *,
             at_risk: pd.DataFrame | None = None, decisions: pd.DataFrame | None = None,
             targets: pd.DataFrame | None = None, expected: pd.DataFrame | None = None) -> Scorecards:
    """The scorecards from ``book_accounts`` rows, the review board's at-risk
    list at the measured month (``Board.at_risk``), every decision
    (``DecisionStore.every``), the targets in force (``TargetStore.in_force``)
    and the forecast hook ``expected`` (account_id, expected_mrr; optional)."""
    acc = accounts.copy()
    acc["at_risk"] = member_of(acc.account_id, at_risk.account_id if at_risk is not None else [])
    acc["reviewed"] = _reviewed(acc.account_id, decisions, period)
    acc["arr"] = acc.mrr * MONTHS_PER_YEAR
    acc["in_base"] = acc.base_mrr > 0
    has_forecast = expected is not None
    if has_forecast:
        exp = expected.set_index(expected.account_id.astype(str)).expected_mrr.astype(float)
        acc["expected_mrr"] = acc.account_id.map(exp).fillna(0.0)
    sig = acc.seats_licensed.notna() & (acc.seats_licensed > 0) & acc.active_users.notna()
    trend = acc.active_users.notna() & acc.active_users_before.notna() & (acc.active_users_before > 0)
    nps = acc.nps_latest.notna()
    work = acc.assign(
        active=acc.mrr > 0,
        retained=(acc.base_mrr > 0) & (acc.retained_mrr > 0),
        base_arr=acc.base_mrr * MONTHS_PER_YEAR, retained_arr=acc.retained_mrr * MONTHS_PER_YEAR,
        gross_arr=acc.gross_retained_mrr * MONTHS_PER_YEAR,
        risk_arr=acc.arr.where(acc.at_risk, 0.0), risk_n=acc.at_risk,
        reviewed_arr=acc.arr.where(acc.at_risk & acc.reviewed, 0.0),
        users=acc.active_users.where(sig, 0), seats=acc.seats_licensed.where(sig, 0),
        users_now=acc.active_users.where(trend, 0), users_before=acc.active_users_before.where(trend, 0),
        promoters=(acc.nps_latest >= 9) & nps, detractors=(acc.nps_latest <= 6) & nps, responses=nps,
        tickets=acc.tickets_3m.fillna(0), ticket_months=acc.ticket_months.fillna(0),
        starting_arr=acc.starting_mrr * MONTHS_PER_YEAR,
        **{f"{m}_arr": acc[m] * MONTHS_PER_YEAR for m in MOVEMENTS},
        **({"expected_base": acc.expected_mrr.where(acc.in_base, 0.0),
            "expected_arr": acc.expected_mrr * MONTHS_PER_YEAR} if has_forecast else {}))
    sums = ["active", "arr", "in_base", "base_arr", "retained_arr", "gross_arr", "retained", "risk_n", "risk_arr",
            "reviewed_arr", "users", "seats", "users_now", "users_before", "promoters", "detractors", "responses",
            "tickets", "ticket_months", "starting_arr", *(f"{m}_arr" for m in MOVEMENTS)]
    sums += ["expected_base", "expected_arr"] if has_forecast else []
    g = work.groupby("csm_owner", as_index=False)[sums].sum()
    table = pd.DataFrame({
        "csm_owner": g.csm_owner, "accounts": g.active.astype(int), "arr": g.arr,
        "base_accounts": g.in_base.astype(int), "base_arr": g.base_arr, "retained_arr": g.retained_arr,
        "nrr": _ratio(g.retained_arr, g.base_arr), "grr": _ratio(g.gross_arr, g.base_arr),
        "logo_retention": _ratio(g.retained.astype(float), g.in_base.astype(float)),
        "at_risk_accounts": g.risk_n.astype(int), "at_risk_arr": g.risk_arr,
        "at_risk_reviewed_share": _ratio(g.reviewed_arr, g.risk_arr),
        "seat_utilisation": _ratio(g.users.astype(float), g.seats.astype(float)),
        "active_user_trend": _ratio(g.users_now.astype(float), g.users_before.astype(float)) - 1,
        "nps": _ratio((g.promoters - g.detractors).astype(float) * 100, g.responses.astype(float)),
        "nps_responses": g.responses.astype(int),
        "tickets_per_account_month": _ratio(g.tickets.astype(float), g.ticket_months.astype(float)),
        "starting_arr": g.starting_arr, **{f"{m}_arr": g[f"{m}_arr"] for m in MOVEMENTS},
        "ending_arr": g.arr,
    })
    table = _target_columns(table, targets if targets is not None else no_targets(), period)
    if has_forecast:
        table["forecast_nrr"] = _ratio(g.expected_base, g.base_arr / MONTHS_PER_YEAR)
        table["forecast_arr"] = g.expected_arr
    table = table.sort_values(["arr", "csm_owner"], ascending=[False, True]).reset_index(drop=True)
    return Scorecards(period, label(end_idx), complete, book_rule, table, acc, has_forecast)


def scorecard(con, period: str, filters: Filters | None = None, *, store=None, targets=None,
              expected: pd.DataFrame | None = None) -> Scorecards:
    """The CSM scorecards of ``period`` (``2026-Q3`` or ``2026``) for the
    selected accounts: ``store`` the review decisions (``DecisionStore`` or
    None), ``targets`` a ``TargetStore``, its ``in_force()`` frame, or None, ``expected`` the forecast
    hook (see the module). The at-risk list is the review board's at the
    measured month over the same accounts (the owner filter applies to the
    frozen books, not to the board)."""
    p, end, complete = measured(con, period)
    f = filters or Filters()
    accounts = book_accounts(con, period, f)
    at_risk = _at_risk(con, dataclasses.replace(f, csm_owner=()), end, store)
    return assemble(accounts, p, end, complete, "history" if has_owner_history(con) else "current",
                    at_risk=at_risk, decisions=store.every() if store is not None else None,
                    targets=targets.in_force() if hasattr(targets, "in_force") else targets,
                    expected=expected)


def describe_measure(cards: Scorecards) -> str:
    """"2026-Q3, measured at Sep 2026" or "2026-Q4 to date (Oct 2026)"."""
    month = long_label(int(cards.measured_month[:4]) * 12 + int(cards.measured_month[5:]) - 1)
    return (f"{cards.period.label}, measured at {month}" if cards.complete
            else f"{cards.period.label} to date ({month})")


# The review board's at-risk list at a month: at 100,000 accounts the board takes
# seconds (and its scorecard a calibration), the rest of a scorecard a fraction of
# one. Kept per process for the few latest (load, selection, month, decisions).
_AT_RISK = Kept(16)


def _at_risk(con, filters: Filters, end_idx: int, store) -> pd.DataFrame:
    """``review.board(...).at_risk`` at ``end_idx`` with the scorecard in force
    then (``review.scorecard_at``), remembered per load id, filters, month and
    the decisions store's path and version."""
    from .. import review
    from ..review.calibration import scorecard_at

    load_id = book_info(con).load_id
    key = (load_id, filters, end_idx, None if store is None else (str(store.path), store.version()))
    return _AT_RISK.get_or_make(key, lambda: review.board(con, filters, label(end_idx), store,
                                                          scorecard=scorecard_at(con, load_id, end_idx)).at_risk)
