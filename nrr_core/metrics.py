"""The metrics of ``docs/metrics.md``, each a function named for its result.

Every function takes an open connection (``db.connect_read_only``) and a
``Filters`` value, runs one query from ``sql/`` on the selected accounts and
returns a small DataFrame. Months come in and go out as ``'YYYY-MM'`` text.
Amounts are MRR in currency units; ``contraction`` and ``churn`` are negative;
ratios are fractions (1.0 = 100 %).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import db
from .errors import NrrError
from .filters import ATTRIBUTES, ATTRIBUTE_LABELS, Filters
from .months import label, parse_month

MOVEMENTS = ("new", "expansion", "cross_sell", "contraction", "churn", "reactivation")
MOVEMENT_LABELS = {
    "new": "New", "expansion": "Expansion", "cross_sell": "Cross-sell",
    "contraction": "Contraction", "churn": "Churn", "reactivation": "Reactivation",
}
BRIDGE_COLUMNS = ["starting_mrr", *MOVEMENTS, "ending_mrr"]
# ARR = 12 × MRR (metrics.md, "Grain"): account-level amounts are shown as ARR.
MONTHS_PER_YEAR = 12
COHORT_KEYS = ("quarter", "month", *ATTRIBUTES)


@dataclass(frozen=True)
class BookInfo:
    """What the loaded book covers: its first and as-of month, and load details."""

    first_idx: int
    as_of_idx: int
    load_id: str
    loaded_at: object
    sources: str
    accounts: int
    products: int

    @property
    def first_month(self) -> str:
        return label(self.first_idx)

    @property
    def as_of_month(self) -> str:
        return label(self.as_of_idx)

    def months(self) -> list[str]:
        return [label(i) for i in range(self.first_idx, self.as_of_idx + 1)]


def book_info(con) -> BookInfo:
    row = db.run(con, "metrics/book_info").iloc[0]
    return BookInfo(int(row.first_idx), int(row.as_of_idx), str(row.load_id), row.loaded_at,
                    str(row.sources), int(row.accounts), int(row.products))


def _params(filters: Filters | None, **extra) -> dict:
    return {**(filters or Filters()).to_params(), **extra}


def _with_month(frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "month", [label(int(i)) for i in frame.pop("month_idx")])
    return frame


def movements(con, filters: Filters | None = None) -> pd.DataFrame:
    """Monthly MRR bridge, one row per month of the data (zeros where empty).

    Columns: month, starting_mrr, new, expansion, cross_sell, contraction,
    churn, reactivation, ending_mrr, then account counts (starting_accounts,
    new_accounts, expanded_accounts, contracted_accounts, churned_accounts,
    reactivated_accounts, ending_accounts).
    """
    return _with_month(db.run(con, "metrics/movements", _params(filters)))


def nrr_trend(con, filters: Filters | None = None, to_month: str | None = None) -> pd.DataFrame:
    """Trailing-12-month NRR, GRR and logo retention per month (up to ``to_month``).

    Columns: month, nrr, grr, logo_retention, base_mrr, retained_mrr,
    gross_retained_mrr, base_accounts, retained_accounts. Only months with a
    month 12 earlier in the data and a non-empty base have a row.
    """
    frame = _with_month(db.run(con, "metrics/retention", _params(filters)))
    if to_month is not None:
        frame = frame[frame.month <= to_month].reset_index(drop=True)
    return frame


def window(con, from_month: str, to_month: str) -> tuple[int, int]:
    """Check a window against the data range; return its month indexes."""
    info = book_info(con)
    lo = parse_month(from_month, what="--from")
    hi = parse_month(to_month, what="--to")
    if lo > hi:
        raise NrrError(f"--from {label(lo)} is after --to {label(hi)}")
    if lo < info.first_idx or hi > info.as_of_idx:
        raise NrrError(f"the window {label(lo)}..{label(hi)} is outside the data "
                       f"({info.first_month} to {info.as_of_month})")
    return lo, hi


def bridge(con, filters: Filters | None, from_month: str, to_month: str,
           existing_only: bool = False) -> dict[str, float]:
    """The window's bridge as a dict: starting_mrr, the six movements, ending_mrr."""
    lo, hi = window(con, from_month, to_month)
    row = db.run(con, "metrics/nrr_bridge" if existing_only else "metrics/waterfall", _params(filters, from_idx=lo, to_idx=hi))
    return {col: float(row.iloc[0][col]) for col in BRIDGE_COLUMNS}


def _steps(values: dict[str, float]) -> pd.DataFrame:
    """A bridge dict as the contract's step, mrr rows."""
    return pd.DataFrame({"step": BRIDGE_COLUMNS, "mrr": [values[c] for c in BRIDGE_COLUMNS]})


def waterfall(con, filters: Filters | None, from_month: str, to_month: str) -> pd.DataFrame:
    """MRR waterfall for months from..to: columns step, mrr (steps in contract order)."""
    return _steps(bridge(con, filters, from_month, to_month))


def nrr_bridge(con, filters: Filters | None, from_month: str, to_month: str) -> pd.DataFrame:
    """The waterfall restricted to accounts active before the window (no new logos).

    Its ending_mrr / starting_mrr is the window's net revenue retention; ``new``
    is always 0. Columns: step, mrr.
    """
    return _steps(bridge(con, filters, from_month, to_month, existing_only=True))


def window_nrr(con, filters: Filters | None, from_month: str, to_month: str) -> float | None:
    """The window's net revenue retention: the NRR bridge's ending MRR over its
    starting MRR (metrics.md, "Waterfall (bridge) for a window"). None when no
    selected account was active in the month before the window."""
    values = bridge(con, filters, from_month, to_month, existing_only=True)
    if values["starting_mrr"] <= 0:
        return None
    return values["ending_mrr"] / values["starting_mrr"]


def cohorts(con, filters: Filters | None = None, by: str = "quarter") -> pd.DataFrame:
    """Retention curves: one row per group and months since start.

    ``by``: quarter or month of start, segment, region, industry, csm_owner, or
    an extra account attribute. Columns: cohort, months_since_start,
    eligible_accounts, accounts_active, starting_mrr, mrr, revenue_retention,
    logo_retention (both over eligible members).
    """
    _check_grouping(con, by, COHORT_KEYS, "cohort grouping")
    return db.run(con, "metrics/cohorts", _params(filters, by=by))


def breakdown(con, filters: Filters | None, by: str, month: str) -> pd.DataFrame:
    """NRR, GRR, logo retention and ARR per value of ``by`` at ``month``.

    Columns: value, arr, active_accounts, nrr, grr, logo_retention,
    base_accounts, base_arr. Ratios are NaN for a group with no 12-month base.
    """
    _check_grouping(con, by, ATTRIBUTES, "attribute")
    idx = parse_month(month)
    return db.run(con, "metrics/breakdown", _params(filters, by=by, month_idx=idx))


def movement_accounts(con, filters: Filters | None, movement: str, from_month: str, to_month: str,
                      existing_only: bool = False) -> pd.DataFrame:
    """The accounts behind one movement bar; their ``amount`` sums to the bar.

    Columns: account_id, name, segment, region, csm_owner, amount (MRR, summed
    over the window's months), months, arr_amount (12 × amount: the same
    movement as ARR, signed like ``amount``).
    """
    if movement not in MOVEMENTS:
        raise NrrError(f"unknown movement {movement!r} (use one of {', '.join(MOVEMENTS)})")
    lo, hi = window(con, from_month, to_month)
    frame = db.run(con, "metrics/movement_accounts", _params(filters, movement=movement, from_idx=lo, to_idx=hi,
                                                     existing_only=existing_only))
    return frame.assign(arr_amount=frame.amount * MONTHS_PER_YEAR)


def attribute_values(con) -> dict[str, list[str]]:
    """Known values of every filterable attribute (accounts with revenue only)."""
    frame = db.run(con, "metrics/attribute_values")
    values = {name: [] for name in ATTRIBUTES}
    for attribute, group in frame.groupby("attribute", sort=False):
        values[str(attribute)] = [str(v) for v in group["value"]]
    return values


def _check_grouping(con, by: str, standard: tuple[str, ...], what: str) -> None:
    """Raise NrrError unless ``by`` is one of ``standard`` or an extra account attribute."""
    if by not in standard and by not in extra_attributes(con):
        raise NrrError(f"unknown {what} {by!r} (use one of {', '.join(standard)})")


def extra_attributes(con) -> list[str]:
    return [name for name in attribute_values(con) if name not in ATTRIBUTES]


def check_filters(con, filters: Filters) -> None:
    """Raise NrrError naming the first filter value the book does not have."""
    known = attribute_values(con)
    for name in ATTRIBUTES:
        for value in getattr(filters, name):
            if value not in known[name]:
                choices = ", ".join(known[name][:12]) or "none"
                raise NrrError(f"unknown {ATTRIBUTE_LABELS[name].lower()} {value!r} (known: {choices})")
    for name, values in filters.extra:
        if name not in known:
            raise NrrError(f"unknown account attribute {name!r}")
        for value in values:
            if value not in known[name]:
                raise NrrError(f"unknown {name} {value!r} (known: {', '.join(known[name][:12])})")


def movements_by(con, filters: Filters | None = None, grain: str = "month",
                 from_month: str | None = None, to_month: str | None = None) -> pd.DataFrame:
    """``movements`` per month or per calendar quarter for months from..to (default
    all), columns as ``movements`` with ``month`` holding ``'2026-Q3'`` for
    quarters. A quarter's starting MRR is its first month's, its ending MRR its
    last month's; movements are summed. Quarters cut by the range are partial:
    ``months`` says how many months each row covers.
    """
    frame = movements(con, filters)
    if from_month is not None:
        frame = frame[frame.month >= from_month]
    if to_month is not None:
        frame = frame[frame.month <= to_month]
    frame = frame.reset_index(drop=True)
    frame["months"] = 1
    if grain == "month":
        return frame
    if grain != "quarter":
        raise NrrError(f"unknown grain {grain!r} (use month or quarter)")
    frame["period"] = [f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in frame.month]
    sums = {c: "sum" for c in frame.columns if c not in ("month", "period")}
    sums.update(starting_mrr="first", ending_mrr="last", starting_accounts="first", ending_accounts="last")
    out = frame.groupby("period", sort=True).agg(sums).reset_index().rename(columns={"period": "month"})
    return out


def bridge_by(con, filters: Filters | None, by: str, from_month: str, to_month: str) -> pd.DataFrame:
    """The window's bridge per value of ``by`` (segment, region, industry, csm_owner).

    Columns: value, starting_mrr, new, expansion, cross_sell, contraction, churn,
    reactivation, ending_mrr.
    """
    _check_grouping(con, by, ATTRIBUTES, "attribute")
    lo, hi = window(con, from_month, to_month)
    return db.run(con, "metrics/bridge_by", _params(filters, by=by, from_idx=lo, to_idx=hi))


def nrr_movers(con, filters: Filters | None, from_month: str, to_month: str, limit: int = 10) -> pd.DataFrame:
    """The accounts that moved the window's net retention most: the ``limit``
    largest gains and the ``limit`` largest losses, largest gain first.

    Only accounts active just before the window (no new logos). Columns:
    account_id, name, segment, csm_owner, start_mrr, end_mrr, change,
    nrr_contribution (change / the bridge's starting MRR; over all accounts
    these add up to the bridge's NRR - 1).
    """
    lo, hi = window(con, from_month, to_month)
    return db.run(con, "metrics/nrr_movers", _params(filters, from_idx=lo, to_idx=hi, limit=int(limit)))


def top_movers(con, filters: Filters | None, from_month: str, to_month: str, n: int = 10) -> dict:
    """``nrr_movers`` split in two: {"gains": df, "losses": df}, each sorted by
    the size of the change, largest first, with ``nrr_points`` (the
    contribution in percentage points of NRR) and ``arr_change`` (12 × the
    MRR ``change``) added."""
    movers = nrr_movers(con, filters, from_month, to_month, limit=n)
    movers["nrr_points"] = movers.nrr_contribution * 100
    movers["arr_change"] = movers.change * MONTHS_PER_YEAR
    gains = movers[movers.change > 0].reset_index(drop=True)
    losses = movers[movers.change < 0].sort_values(["change", "account_id"]).reset_index(drop=True)
    return {"gains": gains, "losses": losses}


def headline(con, filters: Filters | None, month: str, compare_month: str | None = None) -> dict:
    """The overview tiles at ``month`` and at ``compare_month`` (default: three
    months earlier; the app passes ``Period.comparison_month()``).

    Keys: arr, nrr, grr, logo_retention and the same with ``_prev`` (at
    ``compare_month``), plus ``accounts`` (active at the month) and
    ``compare_month``. A figure is None where its month is outside the data;
    ratios are None where the month has no 12-month figure.
    """
    idx = parse_month(month)
    before = parse_month(compare_month, what="comparison month") if compare_month else idx - 3
    moves = movements(con, filters).set_index("month")
    trend = nrr_trend(con, filters).set_index("month")
    out: dict = {"compare_month": label(before)}
    for suffix, m in (("", label(idx)), ("_prev", label(before))):
        out["arr" + suffix] = float(moves.ending_mrr.get(m, float("nan"))) * 12 if m in moves.index else None
        out["accounts" + suffix] = int(moves.ending_accounts.get(m, 0)) if m in moves.index else None
        for col in ("nrr", "grr", "logo_retention"):
            out[col + suffix] = float(trend.loc[m, col]) if m in trend.index else None
    return out


def cohort_matrix(con, filters: Filters | None = None, by: str = "quarter",
                  value: str = "revenue_retention", step: int = 1) -> pd.DataFrame:
    """The cohort triangle: rows are cohorts, columns months since start (every
    ``step`` months: 0, 3, 6, ... with step 3), cells ``value``
    (revenue_retention or logo_retention); NaN where not eligible."""
    frame = cohorts(con, filters, by)
    if frame.empty:
        return pd.DataFrame()
    frame = frame[frame.months_since_start % step == 0]
    return frame.pivot(index="cohort", columns="months_since_start", values=value)


def account_list(con, filters: Filters | None, month: str, search: str = "", limit: int = 1000) -> pd.DataFrame:
    """Selected accounts with revenue by ``month`` (churned ones with ARR 0),
    optionally only those whose name or id contains ``search`` (any case);
    the ``limit`` largest by ARR (``account_count`` says how many match).

    Columns: account_id, name, segment, region, industry, csm_owner, mrr, arr,
    nrr_12m (NaN when not active 12 months earlier), last_movement,
    last_movement_month, last_movement_mrr (net MRR change then), renewal_date,
    executive_sponsor, products (lines at the month), customer_since,
    last_movement_label (the movement in words).
    """
    frame = db.run(con, "metrics/account_list", _params(filters, month_idx=parse_month(month), search=search.strip(),
                                                limit=int(limit)))
    frame["last_movement_label"] = frame.last_movement.map(MOVEMENT_LABELS)
    return frame


def account_count(con, filters: Filters | None, month: str, search: str = "") -> int:
    """How many accounts ``account_list`` would list without its limit."""
    frame = db.run(con, "metrics/account_count", _params(filters, month_idx=parse_month(month), search=search.strip()))
    return int(frame.iloc[0, 0])


def account_detail(con, account_id: str) -> dict | None:
    """One account's attributes (dict), or None if there is no such account."""
    frame = db.run(con, "metrics/account_detail", {"account_id": str(account_id)})
    return None if frame.empty else frame.iloc[0].to_dict()


def account_products(con, account_id: str) -> pd.DataFrame:
    """One account's MRR per product line and month (long: month, product, mrr)."""
    return db.run(con, "metrics/account_products", {"account_id": str(account_id)})


def account_movements(con, account_id: str) -> pd.DataFrame:
    """One account's months with a movement (month, starting_mrr, movements, ending_mrr)."""
    return db.run(con, "metrics/account_movements", {"account_id": str(account_id)})


def customer_wins(con, filters: Filters | None, from_month: str, to_month: str, limit: int = 8) -> pd.DataFrame:
    """The window's largest expansions and cross-sells, by account.

    Columns: account_id, name, segment, expansion, cross_sell, gained (their
    sum; MRR), then expansion_arr, cross_sell_arr, gained_arr (the same as
    ARR, 12 × MRR); largest first; at most ``limit`` rows.
    """
    lo, hi = window(con, from_month, to_month)
    frame = db.run(con, "metrics/customer_wins", _params(filters, from_idx=lo, to_idx=hi, limit=int(limit)))
    return frame.assign(**{f"{c}_arr": frame[c] * MONTHS_PER_YEAR for c in ("expansion", "cross_sell", "gained")})


def retention_leaders(con, filters: Filters | None, by: str, month: str) -> dict | None:
    """The best- and worst-retaining values of ``by`` at ``month`` by 12-month NRR:
    {"best": row, "worst": row} as dicts of ``breakdown`` columns; None when no
    group has a 12-month base."""
    ranked = _ranked_by_nrr(con, filters, by, month)
    if ranked.empty:
        return None
    return {"best": ranked.iloc[0].to_dict(), "worst": ranked.iloc[-1].to_dict()}


def _ranked_by_nrr(con, filters: Filters | None, by: str, month: str) -> pd.DataFrame:
    """``breakdown`` rows that have a 12-month NRR, best first (ties by value)."""
    frame = breakdown(con, filters, by, month).dropna(subset=["nrr"])
    return frame.sort_values(["nrr", "value"], ascending=[False, True]).reset_index(drop=True)


def best_and_worst_groups(con, filters: Filters | None, month: str,
                          groupings: tuple[str, ...] = ATTRIBUTES) -> dict | None:
    """The best- and worst-retaining groups of the first grouping in
    ``groupings`` that has at least two groups with a 12-month NRR at ``month``
    (a filter on one segment leaves one segment: regions are compared then).

    Keys: by (the grouping), best, worst (``breakdown`` rows as dicts), groups
    (the grouping's ``breakdown`` rows with an NRR, best first), skipped (the
    groupings tried before it, which had fewer than two). None when no
    grouping has two.
    """
    for i, by in enumerate(groupings):
        ranked = _ranked_by_nrr(con, filters, by, month)
        if len(ranked) >= 2:
            return {"by": by, "best": ranked.iloc[0].to_dict(), "worst": ranked.iloc[-1].to_dict(),
                    "groups": ranked, "skipped": tuple(groupings[:i])}
    return None
