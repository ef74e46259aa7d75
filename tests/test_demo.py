"""Tests for nrr_core.demo: the seeded demo book generator.

Most tests share one small book (300 accounts, 24 months) built once per
module; one test checks the real demo size (2,000 accounts, 36 months).
Files are read back as text (every column a string, blanks kept as ""), so
the tests check exactly what a user's loader would see.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nrr_core.demo import DEMO_AS_OF, DEMO_SEED, generate_book

ACCOUNT_COLUMNS = ["account_id", "name", "segment", "region", "industry",
                   "csm_owner", "renewal_date", "executive_sponsor"]
MRR_COLUMNS = ["account_id", "product", "month", "mrr"]
SIGNAL_COLUMNS = ["account_id", "month", "seats_licensed", "active_users",
                  "support_tickets", "nps", "nps_comment"]
REASON_COLUMNS = ["account_id", "month", "reason", "notes"]
SMALL = dict(n_accounts=300, n_months=24, as_of="2026-10")
# The 24 calendar months ending at 2026-10: 2024-11 .. 2026-10.
SMALL_MONTHS = [f"{i // 12}-{i % 12 + 1:02d}" for i in range(2026 * 12 + 9 - 23, 2026 * 12 + 10)]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    paths = generate_book(out, **SMALL)
    return paths, {k: _read(p) for k, p in paths.items()}


def _bytes(paths):
    return {k: Path(p).read_bytes() for k, p in paths.items()}


def test_returns_the_four_paths_inside_out_dir(tmp_path):
    paths = generate_book(tmp_path / "new" / "dir", n_accounts=20, n_months=13)
    assert set(paths) == {"accounts", "mrr", "signals", "churn_reasons"}
    for key, p in paths.items():
        assert p == tmp_path / "new" / "dir" / f"{key}.csv" and p.is_file()


def test_same_seed_gives_identical_bytes(small, tmp_path):
    again = generate_book(tmp_path, **SMALL)
    assert _bytes(small[0]) == _bytes(again)


def test_different_seed_gives_different_files(small, tmp_path):
    other = _bytes(generate_book(tmp_path, seed=DEMO_SEED + 1, **SMALL))
    mine = _bytes(small[0])
    for key in ("accounts", "mrr", "signals"):
        assert other[key] != mine[key], key


def test_headers_exact(small):
    paths, _ = small
    first = {k: Path(p).read_text(encoding="utf-8").split("\n", 1)[0] for k, p in paths.items()}
    assert first["accounts"] == ",".join(ACCOUNT_COLUMNS)
    assert first["mrr"] == ",".join(MRR_COLUMNS)
    assert first["signals"] == ",".join(SIGNAL_COLUMNS)
    assert first["churn_reasons"] == ",".join(REASON_COLUMNS)


def test_unix_newlines_and_final_newline(small):
    for p in small[0].values():
        raw = Path(p).read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")


def test_account_ids_and_names_unique(small):
    acc = small[1]["accounts"]
    assert len(acc) == SMALL["n_accounts"]
    assert acc.account_id.is_unique
    assert acc.account_id.str.fullmatch(r"A\d{5}").all()
    assert acc.name.is_unique
    assert (acc.name.str.strip() != "").all()


def test_attribute_coverage(small):
    acc = small[1]["accounts"]
    assert set(acc.segment) == {"SMB", "Mid-Market", "Enterprise"}
    assert acc.region.nunique() >= 4
    assert acc.csm_owner.nunique() == 10
    assert acc.industry.nunique() >= 6
    # SMB is the largest segment, Enterprise the smallest.
    counts = acc.segment.value_counts()
    assert counts["SMB"] > counts["Mid-Market"] > counts["Enterprise"]


def test_every_mrr_row_has_an_account(small):
    acc, mrr = small[1]["accounts"], small[1]["mrr"]
    assert set(mrr.account_id) <= set(acc.account_id)


def test_mrr_positive_two_decimals_months_in_range(small):
    mrr = small[1]["mrr"]
    assert mrr.mrr.str.fullmatch(r"\d+(\.\d{1,2})?").all()
    assert (mrr.mrr.astype(float) > 0).all()
    assert set(mrr.month) <= set(SMALL_MONTHS)
    assert mrr.month.max() == SMALL["as_of"]
    assert not mrr.duplicated(["account_id", "product", "month"]).any()


def test_mrr_sorted_by_account_month_product(small):
    mrr = small[1]["mrr"]
    keys = list(zip(mrr.account_id, mrr.month, mrr["product"]))
    assert keys == sorted(keys)


def test_every_active_month_has_core(small):
    # Core is the product every account lands with and never drops.
    mrr = small[1]["mrr"]
    active = mrr[["account_id", "month"]].drop_duplicates()
    core = mrr.loc[mrr["product"] == "Core", ["account_id", "month"]]
    assert len(active) == len(core)


def test_signals_one_row_per_active_account_month(small):
    mrr, sig = small[1]["mrr"], small[1]["signals"]
    active = set(zip(mrr.account_id, mrr.month))
    keys = list(zip(sig.account_id, sig.month))
    assert len(keys) == len(set(keys))
    assert set(keys) == active


def test_signal_values(small):
    sig = small[1]["signals"]
    for col in ("seats_licensed", "active_users", "support_tickets"):
        assert sig[col].str.fullmatch(r"\d+").all(), col
    seats = sig.seats_licensed.astype(int)
    users = sig.active_users.astype(int)
    assert (seats >= 1).all()
    # Documented: a small share of healthy accounts use up to 10 % more
    # seats than they pay for (true-up); never more than that.
    above = users > seats
    assert above.mean() <= 0.05
    assert (users <= np.ceil(seats * 1.1)).all()
    nps = sig.nps
    answered = nps != ""
    assert nps[answered].str.fullmatch(r"\d+").all()
    assert nps[answered].astype(int).between(0, 10).all()
    # Responses about one month in four.
    assert 0.15 < answered.mean() < 0.35


def test_about_half_the_survey_answers_carry_a_comment_from_the_phrase_bank(small):
    from nrr_core.demo.voice import PHRASES

    sig = small[1]["signals"]
    answered = sig[sig.nps != ""]
    said = answered.nps_comment != ""
    assert 0.4 < said.mean() < 0.6
    assert (sig.loc[sig.nps == "", "nps_comment"] == "").all()   # no comment without an answer
    bank = {p for phrases in PHRASES.values() for p in phrases}
    assert set(answered.nps_comment[said]) <= bank
    promoters = answered[said & (answered.nps.astype(int) >= 9)]
    assert set(promoters.nps_comment) <= set(PHRASES["promoter"])


def test_churn_reasons_name_real_churns_with_taxonomy_reasons(small):
    from nrr_core.insight.reasons import REASON_KEYS

    mrr, reasons = small[1]["mrr"], small[1]["churn_reasons"]
    active = set(zip(mrr.account_id, mrr.month))
    assert len(reasons) > 0 and set(reasons.reason) <= set(REASON_KEYS)
    for aid, month in zip(reasons.account_id, reasons.month):
        before = SMALL_MONTHS[SMALL_MONTHS.index(month) - 1]
        assert (aid, before) in active and (aid, month) not in active   # the month it churned


def test_some_accounts_buy_more_than_one_product(small):
    mrr = small[1]["mrr"]
    per_month = mrr.groupby(["account_id", "month"]).size()
    assert (per_month > 1).any()
    assert mrr["product"].nunique() == 4


def _reactivated(mrr: pd.DataFrame, months: list[str]) -> set[str]:
    """Accounts active, then inactive for >= 1 month, then active again."""
    pos = {m: i for i, m in enumerate(months)}
    out = set()
    for acc, grp in mrr.groupby("account_id"):
        idx = sorted({pos[m] for m in grp.month})
        if any(b - a > 1 for a, b in zip(idx, idx[1:])):
            out.add(acc)
    return out


def test_some_accounts_reactivate_after_a_gap(small):
    assert _reactivated(small[1]["mrr"], SMALL_MONTHS)


def test_some_accounts_churn(small):
    mrr = small[1]["mrr"]
    last_month = mrr.groupby("account_id").month.max()
    assert (last_month < SMALL["as_of"]).any()


def test_renewal_dates(small):
    acc, mrr = small[1]["accounts"], small[1]["mrr"]
    active_now = set(mrr.loc[mrr.month == SMALL["as_of"], "account_id"])
    is_active = acc.account_id.isin(active_now)
    # Churned (not active at as-of) accounts have no renewal date.
    assert (acc.loc[~is_active, "renewal_date"] == "").all()
    dates = acc.loc[is_active, "renewal_date"]
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    parsed = pd.to_datetime(dates, format="%Y-%m-%d")
    # Next anniversary strictly after the as-of month's last day: within a year.
    assert (parsed > pd.Timestamp("2026-10-31")).all()
    assert (parsed <= pd.Timestamp("2027-10-31")).all()


def test_executive_sponsor_mostly_on_large_accounts(small):
    acc = small[1]["accounts"]
    has = acc.executive_sponsor != ""
    share = has.groupby(acc.segment).mean()
    assert share["SMB"] == 0
    assert share["Enterprise"] > 0.4 > share["Mid-Market"] > 0


def test_custom_products_and_months(tmp_path):
    paths = generate_book(tmp_path, n_accounts=120, n_months=13, as_of="2025-01",
                          products=("Core", "Analytics", "Automation"), seed=7)
    mrr = _read(paths["mrr"])
    assert set(mrr["product"]) <= {"Core", "Analytics", "Automation"}
    assert mrr.month.min() >= "2024-01" and mrr.month.max() == "2025-01"
    acc = _read(paths["accounts"])
    assert len(acc) == 120


def test_single_product_book(tmp_path):
    paths = generate_book(tmp_path, n_accounts=50, n_months=13, products=("Core",))
    assert set(_read(paths["mrr"])["product"]) == {"Core"}


@pytest.mark.parametrize("bad", [dict(as_of="2026-13"), dict(as_of="Oct 2026"),
                                 dict(n_accounts=0), dict(n_months=0),
                                 dict(products=()), dict(products=("Core", "Core"))])
def test_bad_arguments_raise(tmp_path, bad):
    with pytest.raises(ValueError):
        generate_book(tmp_path, **{"n_accounts": 10, **bad})


def test_real_demo_book(tmp_path):
    """The default demo: 2,000 accounts, 36 months to 2026-10, plausible economics."""
    paths = generate_book(tmp_path)
    acc, mrr, sig = (_read(paths[k]) for k in ("accounts", "mrr", "signals"))
    assert len(acc) == 2000 and acc.name.is_unique
    assert mrr.month.min() == "2023-11" and mrr.month.max() == DEMO_AS_OF
    # A handful of names carry '&' or an apostrophe, no more.
    assert 1 <= acc.name.str.contains(r"[&']").sum() <= 5
    assert acc.csm_owner.nunique() == 10
    assert _reactivated(mrr, sorted(set(mrr.month)))
    # Enterprise goes mainly to the senior CSMs: 3 owners carry most of it.
    ent = acc.loc[acc.segment == "Enterprise", "csm_owner"].value_counts()
    assert ent.iloc[:3].sum() / ent.sum() > 0.7

    # Trailing-12-month NRR/GRR at the as-of month (metrics.md), by segment.
    m = mrr.assign(v=mrr.mrr.astype(float)).groupby(["account_id", "month"]).v.sum().unstack(fill_value=0.0)
    then, now = m["2025-10"], m[DEMO_AS_OF]
    base = then > 0
    seg = acc.set_index("account_id").segment.reindex(m.index)

    def ratios(mask):
        t, n = then[mask & base], now[mask & base]
        return n.sum() / t.sum(), np.minimum(n, t).sum() / t.sum()

    nrr, grr = ratios(pd.Series(True, index=m.index))
    assert 1.0 <= nrr <= 1.15 and 0.85 <= grr <= 0.97
    smb, mid, ent_ = (ratios(seg == s) for s in ("SMB", "Mid-Market", "Enterprise"))
    assert smb[0] < mid[0] < ent_[0]          # NRR rises with segment
    assert 0.80 <= smb[0] <= 0.95 and 1.08 <= ent_[0] <= 1.30
    assert smb[1] < ent_[1] and 0.88 <= ent_[1] <= 0.99

    # Signals lead churn: utilisation falling >20 % over 3 months precedes
    # more churn in the next 3 months -- clearly, but not as an oracle.
    months = sorted(m.columns)
    s = sig.assign(u=sig.active_users.astype(int) / sig.seats_licensed.astype(int))
    util = s.pivot(index="account_id", columns="month", values="u").reindex(index=m.index, columns=months)
    act = m[months].to_numpy() > 0
    u = util.to_numpy()
    fell, churn3 = [], []
    for t in range(3, len(months) - 3):
        ok = act[:, t] & act[:, t - 3]
        fell.append((u[ok, t] < 0.8 * u[ok, t - 3]))
        churn3.append((~act[ok, t + 1:t + 4]).any(axis=1))
    fell, churn3 = np.concatenate(fell), np.concatenate(churn3)
    lift = churn3[fell].mean() / churn3[~fell].mean()
    assert 1.5 < lift < 6

    # Onboarding speed matters (demo/voice.py): accounts using under 60 % of their seats 3 months
    # after their first revenue keep fewer logos a year on than those at 60 % or more.
    first = m.gt(0).idxmax(axis=1)
    kept, slow = [], []
    for aid, start in first.items():
        t = months.index(start)
        if t == 0 or t + 12 >= len(months):
            continue
        u3 = util.at[aid, months[t + 3]]
        if u3 != u3:
            continue
        slow.append(u3 < 0.6)
        kept.append(m.at[aid, months[t + 12]] > 0)
    slow, kept = np.array(slow), np.array(kept)
    assert kept[~slow].mean() - kept[slow].mean() > 0.1
