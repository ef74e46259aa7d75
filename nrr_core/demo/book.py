"""Writing the demo book: its CSV files (``generate_book``) and a database
loaded from them (``write_demo``)."""
from __future__ import annotations

import pathlib
import re
import tempfile

import duckdb
import numpy as np
import pandas as pd

from ..errors import NrrError
from .accounts import draw_accounts
from .catalogue import CSM_OWNERS, DEMO_AS_OF, DEMO_PRODUCTS, DEMO_SEED, EXECUTIVES, INDUSTRIES, REGIONS, SEGMENTS
from .simulation import simulate
from .voice import aux_rng, churn_reasons

_AS_OF_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _month_index(text: str) -> int:
    """``'2026-10'`` -> ``year * 12 + month - 1`` (ValueError if malformed)."""
    m = _AS_OF_RE.match(str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"as_of {text!r} is not a month like 2026-10")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def _month_label(idx: int) -> str:
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def _sql_str(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _sql_list(items) -> str:
    return "[" + ", ".join(_sql_str(s) for s in items) + "]"


def generate_book(out_dir, *, n_accounts: int = 2000, n_months: int = 36,
                  as_of: str = DEMO_AS_OF, products=DEMO_PRODUCTS,
                  seed: int = DEMO_SEED) -> dict[str, pathlib.Path]:
    """Write accounts.csv, mrr.csv, signals.csv and churn_reasons.csv into ``out_dir``.

    Returns ``{"accounts": path, "mrr": path, "signals": path, "churn_reasons": path}`` (no
    ``churn_reasons`` when the book has no churn with a reason).  The months
    are the ``n_months`` calendar months ending at ``as_of`` (``YYYY-MM``).
    ``products[0]`` is the product every account lands with (Core); the rest
    are add-ons.  Existing files of the same names are overwritten;
    ``out_dir`` is created if missing.  The same arguments always give
    byte-identical files.  Raises ValueError on a malformed ``as_of``, a
    non-positive ``n_accounts``/``n_months`` or empty/duplicate ``products``.
    """
    n, T = int(n_accounts), int(n_months)
    if n < 1 or T < 1:
        raise ValueError("n_accounts and n_months must be at least 1")
    products = tuple(str(p) for p in products)
    if not products or len(set(products)) != len(products) or any(not p for p in products):
        raise ValueError("products must be non-empty, distinct names")
    last = _month_index(as_of)
    first = last - (T - 1)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    # ---- accounts: attributes first (the simulation depends on them)
    drawn = draw_accounts(rng, n)
    aux = aux_rng(seed)
    sim = simulate(rng, drawn, T, products, aux)
    seg, region, industry, csm, names = drawn.seg, drawn.region, drawn.industry, drawn.csm, drawn.names
    sponsor, sponsor_name = drawn.sponsor, drawn.sponsor_name
    mrr_out, book, contract_day = sim.mrr, sim.book, sim.contract_day
    sig = {"seats": sim.seats, "users": sim.users, "tickets": sim.tickets, "nps": sim.nps, "said": sim.comments}
    reasons = churn_reasons(aux, (sim.seats > 0).T, sim.speed, drawn.seg, drawn.large, drawn.sponsor)
    del sim

    width = max(5, len(str(n)))
    ids = [f"A{i + 1:0{width}d}" for i in range(n)]

    # Renewal date: next anniversary of the contract start strictly after the
    # as-of month's last day; since contract days are 1..28, that is the first
    # anniversary month after the as-of month.
    active_now = book.active
    anchor_abs = first + book.anchor
    k = (last - anchor_abs) // 12 + 1
    ren_abs = anchor_abs + 12 * k
    renewal = [f"{r // 12:04d}-{r % 12 + 1:02d}-{d:02d}" if a else None
               for r, d, a in zip(ren_abs.tolist(), contract_day.tolist(), active_now.tolist())]
    accounts = pd.DataFrame({
        "account_id": ids,
        "name": names,
        "segment": np.array(SEGMENTS, dtype=object)[seg],
        "region": np.array(REGIONS, dtype=object)[region],
        "industry": np.array(INDUSTRIES, dtype=object)[industry],
        "csm_owner": np.array(CSM_OWNERS, dtype=object)[csm],
        "renewal_date": renewal,
        "executive_sponsor": np.where(sponsor, np.array(EXECUTIVES, dtype=object)[sponsor_name], None),
    })
    paths = {k: out / f"{k}.csv" for k in ("accounts", "mrr", "signals", "churn_reasons")}
    accounts.to_csv(paths["accounts"], index=False, lineterminator="\n")

    # ---- mrr: account-major order, products sorted by name
    order = sorted(range(len(products)), key=lambda i: products[i])
    cube = mrr_out.transpose(1, 0, 2)[:, :, order]           # (n, T, P)
    del mrr_out
    ai, mi, pi = np.nonzero(cube > 0)
    mrr_df = pd.DataFrame({"a": (ai + 1).astype(np.int32), "m": mi.astype(np.int16),
                           "p": pi.astype(np.int8),
                           "v": cube[ai, mi, pi] / 100.0})
    del cube, ai, mi, pi
    months_sql = _sql_list(_month_label(first + i) for i in range(T))
    prods_sql = _sql_list(products[i] for i in order)
    aid = f"'A' || lpad(CAST(a AS VARCHAR), {width}, '0')"
    con = duckdb.connect()
    try:
        con.register("mrr_df", mrr_df)
        con.execute(
            f"COPY (SELECT {aid} AS account_id, ({prods_sql})[p + 1] AS product, "
            f"({months_sql})[m + 1] AS month, CAST(v AS DECIMAL(18, 2)) AS mrr FROM mrr_df) "
            f"TO {_sql_str(paths['mrr'])} (HEADER, DELIMITER ',')")
        con.unregister("mrr_df")
        del mrr_df

        act = (sig["seats"] > 0).T                              # (n, T)
        ai, mi = np.nonzero(act)
        sig_df = pd.DataFrame({
            "a": (ai + 1).astype(np.int32), "m": mi.astype(np.int16),
            "s": sig["seats"][mi, ai], "u": sig["users"][mi, ai],
            "k": sig["tickets"][mi, ai], "n": sig["nps"][mi, ai],
            "c": pd.array(sig["said"][mi, ai], dtype="string")})
        con.register("sig_df", sig_df)
        con.execute(
            f"COPY (SELECT {aid} AS account_id, ({months_sql})[m + 1] AS month, "
            f"s AS seats_licensed, u AS active_users, k AS support_tickets, "
            f"nullif(n, -1) AS nps, c AS nps_comment FROM sig_df) "
            f"TO {_sql_str(paths['signals'])} (HEADER, DELIMITER ',')")
    finally:
        con.close()
    if not reasons:  # a small book may have no churn to explain: no file (an empty one would be refused)
        del paths["churn_reasons"]
        return paths
    pd.DataFrame({"account_id": [ids[a] for a, _, _, _ in reasons],
                  "month": [_month_label(first + t) for _, t, _, _ in reasons],
                  "reason": [r for _, _, r, _ in reasons], "notes": [n for _, _, _, n in reasons]}
                 ).sort_values(["account_id", "month"], kind="stable").to_csv(
        paths["churn_reasons"], index=False, lineterminator="\n")
    return paths


def write_demo(db_path, *, n_accounts: int = 2000, n_months: int = 36, progress=None):
    """Generate the seeded demo book and load it into ``db_path`` (replaced
    atomically, as ``load`` does); returns the loader's summary. ``progress``
    (a callable taking one line of text) hears every step. Raises NrrError for
    fewer than 1 account or 13 months (retention needs a year of history)."""
    from ..load import load_book

    if n_accounts < 1 or n_months < 13:
        raise NrrError("the demo needs at least 1 account and 13 months")
    with tempfile.TemporaryDirectory(prefix="nrr-demo-") as tmp:
        if progress:
            progress(f"generating the demo book: {n_accounts:,} accounts over {n_months} months")
        files = generate_book(tmp, n_accounts=n_accounts, n_months=n_months)
        return load_book(db_path, accounts=files["accounts"], mrr=files["mrr"], signals=files["signals"],
                         churn_reasons=files.get("churn_reasons"), progress=progress)
