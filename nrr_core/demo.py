"""A deterministic, seeded demo "book" of SaaS accounts.

``generate_book(out_dir)`` writes three CSV files in the input format of the
data contract (shared/docs/data-contract.md) and returns their paths:

``accounts.csv`` -- one row per account, columns in this order:
    ``account_id,name,segment,region,industry,csm_owner,renewal_date,executive_sponsor``

    * ``account_id``: ``A`` + a zero-padded number (``A00001``); the width is
      at least 5 digits and grows to fit ``n_accounts``.
    * ``name``: a readable company name, unique by construction.  A few names
      (at most 3) contain ``&`` or an apostrophe on purpose, as real books do.
    * ``segment``: ``SMB`` / ``Mid-Market`` / ``Enterprise`` (~55/30/15 %).
    * ``region``: ``NA``, ``EMEA``, ``APAC``, ``LATAM``.
    * ``industry``: one of eight industries.
    * ``csm_owner``: one of ten customer success managers.  Enterprise goes
      mostly to three senior CSMs, SMB to the junior ones.
    * ``renewal_date``: ``YYYY-MM-DD``, the next anniversary of the account's
      (latest) contract start strictly after the last day of the as-of month;
      blank for accounts not active in the as-of month (churned).
    * ``executive_sponsor``: a name for most large Enterprise accounts and some
      Mid-Market ones; blank otherwise.

``mrr.csv`` -- ``account_id,product,month,mrr``: ``month`` is ``YYYY-MM``,
    ``mrr`` a positive number with two decimals.  Only rows with MRR > 0 (a
    missing row means 0); sorted by account_id, month, product (by name).

``signals.csv`` -- ``account_id,month,seats_licensed,active_users,support_tickets,nps``:
    one row per account and month in which the account is active (MRR > 0).
    ``seats_licensed`` = Core seats (Core MRR = seats x price per seat);
    ``active_users`` is an integer, normally <= seats_licensed, but a small
    share of rows (~1-2 %, healthy accounts using more than they pay for, the
    "true-up" case) sit up to 10 % above it; ``support_tickets`` an integer
    >= 0; ``nps`` 0..10, or blank when the account gave no survey response that
    month (about one month in four).

How the book is simulated (all accounts at once, month by month, numpy only):

* Months are the ``n_months`` calendar months ending at ``as_of``.  About 40 %
  of accounts exist in the first month (the installed base, some already with
  add-ons); the others start later, with a mildly rising new-logo rate.
* Every account lands with the first product (Core); the other products are
  add-ons, cross-sold over time and sometimes dropped, rarely swapped.
* Each account has a latent health that drifts (AR(1) plus occasional
  multi-month decline or recovery episodes).  Churn, contraction, expansion
  and cross-sell probabilities in month t are drawn from the health in month
  t-1 (plus segment base rates and the contract-anniversary month), and the
  signals of month t-1 are noisy readings of that same health.  So signals lead
  outcomes statistically, never deterministically.
* Churned accounts sometimes (about one in ten) come back 2-9 months later.

Same arguments => byte-identical files.  Nothing depends on today's date.
"""
from __future__ import annotations

import pathlib
import re

import duckdb
import numpy as np
import pandas as pd

DEMO_SEED = 20261124
DEMO_AS_OF = "2026-10"  # fixed, so the demo never depends on today's date
DEMO_PRODUCTS = ("Core", "Analytics", "Automation", "Security")

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Retail",
    "Manufacturing", "Education", "Media", "Logistics",
)
# Senior CSMs first (they carry Enterprise), then mid-level, then junior.
CSM_OWNERS = (
    "Priya Raman", "Marcus Oyelaran", "Elena Kovacs",
    "Tom Brennan", "Aiko Tanaka", "Diego Fernandes",
    "Sara Lindqvist", "Jamal Carter", "Chloe Martin", "Ravi Menon",
)
EXECUTIVES = (
    "Jordan Ellis", "Maya Goldberg", "Samuel Osei", "Hannah Becker",
    "Luis Ortega", "Grace Liu", "Oliver Grant", "Fatima Haddad",
)

_SEGMENT_SHARE = np.array([0.55, 0.30, 0.15])
_REGION_SHARE = np.array([0.45, 0.30, 0.15, 0.10])
_INDUSTRY_SHARE = np.array([0.20, 0.14, 0.13, 0.12, 0.12, 0.09, 0.08, 0.12])
# P(csm | segment), rows SMB, Mid-Market, Enterprise; columns as CSM_OWNERS.
_CSM_WEIGHTS = np.array([
    [0.00, 0.00, 0.00, 0.06, 0.06, 0.06, 0.205, 0.205, 0.205, 0.205],
    [0.02, 0.02, 0.02, 0.22, 0.22, 0.22, 0.075, 0.075, 0.075, 0.075],
    [0.30, 0.30, 0.25, 0.05, 0.05, 0.05, 0.00, 0.00, 0.00, 0.00],
])

# --- company names -----------------------------------------------------------
_PREFIXES = (
    "Northwind", "Bluefin", "Kestrel", "Aurora", "Summit", "Cedar", "Harbor",
    "Ironwood", "Granite", "Silverline", "Redwood", "Lakeside", "Brightpath",
    "Crescent", "Evergreen", "Falcon", "Horizon", "Juniper", "Lighthouse",
    "Maple", "Meridian", "Nimbus", "Oakridge", "Pinecrest", "Quarry",
    "Riverstone", "Sable", "Tidewater", "Upland", "Vantage", "Willow",
    "Zenith", "Alder", "Beacon", "Cobalt", "Driftwood", "Ember", "Fjord",
    "Highland", "Indigo", "Jasper", "Keystone", "Larch", "Monarch",
    "Northstar", "Orchard", "Pioneer", "Quill", "Rook", "Sterling",
    "Trident", "Verdant", "Westbrook", "Yarrow", "Acorn", "Basalt",
    "Cascade", "Delta", "Foxglove", "Glacier", "Heron", "Kingfisher",
    "Lumen", "Mosaic", "Nova", "Osprey", "Peregrine", "Radiant", "Saffron",
    "Topaz", "Vista", "Wren", "Atlas", "Bramble", "Copper", "Dune", "Flint",
    "Garnet", "Halcyon", "Iris", "Lark", "Magnolia", "Onyx", "Pebble",
    "Raven", "Sparrow", "Thistle", "Alpine", "Birchwood", "Canyon",
    "Dovetail", "Everest", "Fairhaven", "Greystone", "Hawthorn", "Ivybridge",
    "Kinsale", "Longview", "Millbrook", "Oakmont",
)
# Industry-specific name nouns; disjoint across industries, so a (prefix,
# noun) pair is unique within the whole book once it is unique per industry.
_NOUNS = {
    "Software": ("Software", "Data", "Systems", "Cloud", "Digital", "Labs",
                 "Networks", "Computing"),
    "Financial Services": ("Capital", "Financial", "Bank", "Insurance",
                           "Credit Union", "Wealth", "Payments", "Lending"),
    "Healthcare": ("Health", "Medical", "Clinics", "Care", "Pharma",
                   "Diagnostics", "Biosciences", "Dental"),
    "Retail": ("Outfitters", "Markets", "Goods", "Apparel", "Home",
               "Grocers", "Boutique", "Furnishings"),
    "Manufacturing": ("Manufacturing", "Industries", "Components",
                      "Fabrication", "Machinery", "Plastics", "Metals",
                      "Robotics"),
    "Education": ("Academy", "Learning", "College", "Schools", "Education",
                  "Tutoring", "Institute", "Campus"),
    "Media": ("Media", "Studios", "Publishing", "Broadcasting", "Press",
              "Films", "Records", "Entertainment"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport",
                  "Couriers", "Supply", "Haulage", "Cargo"),
}
# Distinguishing words, used only once the plain (prefix, noun) pairs of an
# industry run out (large books); none of them is a prefix, noun or suffix.
_DISTINGUISHERS = (
    "Group", "Partners", "Holdings", "Solutions", "Services", "Worldwide",
    "International", "Global", "United", "Alliance", "Collective", "Ventures",
    "Works", "Company", "Pacific", "Atlantic", "Central", "Coastal",
    "Continental", "Northern", "Southern", "Eastern", "Western", "Metro",
    "Union", "Associates", "Enterprises", "Brothers", "Direct", "One",
)
# Legal-form suffix by region ("" = none); it never decides uniqueness.
_SUFFIXES = {
    "NA": ("", "", "Inc", "LLC", "Corp", "Co"),
    "EMEA": ("", "Ltd", "GmbH", "SA", "AG", "BV", "plc"),
    "APAC": ("", "Pty", "Pte Ltd", "KK", "Ltd"),
    "LATAM": ("", "SA", "Ltda", "SA de CV", "SAS"),
}
# Plain-text names with '&' and an apostrophe: real books have them and the
# app must show them correctly.  Their first words are not in _PREFIXES, so
# they cannot collide with generated names.
_SPECIAL_NAMES = {
    "Logistics": "O'Brien & Sons Freight",
    "Retail": "Baker & Pike Outfitters",
    "Healthcare": "D'Souza Family Clinics",
}

# --- economics, per segment (index 0 SMB, 1 Mid-Market, 2 Enterprise) --------
# Landing MRR: lognormal(median, sigma) truncated to the segment's range.
_START_MEDIAN = np.array([600.0, 5200.0, 9000.0])
_START_SIGMA = np.array([0.50, 0.45, 0.42])
_START_MIN = np.array([200.0, 1500.0, 8000.0])
_START_MAX = np.array([1500.0, 8000.0, 60000.0])
# Core list prices per seat per month (whole currency units).
_PRICE_POINTS = np.array([
    [29, 35, 39, 45, 49],
    [45, 55, 59, 65, 69],
    [60, 70, 75, 85, 95],
])
# Add-on price per seat as a share of the Core price per seat.
_ADDON_PRICE_SHARE = {"Analytics": 0.30, "Automation": 0.25, "Security": 0.20}
_ADDON_PRICE_SHARE_DEFAULT = 0.25

_INSTALLED_SHARE = 0.40      # accounts already live in the first month
_NEW_LOGO_GROWTH = 0.6       # new-logo rate at the end vs the start: 1 + this
_INSTALLED_ADDON_P = np.array([0.06, 0.22, 0.42])  # P(has add-on) at month 0

# Latent health h = mu + x; x is AR(1) with episodes.
_HEALTH_MU = np.array([-0.10, 0.0, 0.15])
_HEALTH_MU_SD = 0.45
_SPONSOR_HEALTH = 0.10
_RHO = 0.85
_SIGMA = 0.28
_EP_DOWN_P = np.array([0.030, 0.025, 0.020])   # monthly start of a decline
_EP_UP_P = np.array([0.030, 0.035, 0.040])     # monthly start of a recovery

# Monthly event probabilities at h = 0 (off-renewal; renewal multipliers below).
_CHURN_OFF = np.array([0.0040, 0.0020, 0.0008])
_CHURN_RENEWAL = np.array([0.105, 0.045, 0.028])
_CHURN_BETA = 1.1
_NO_SPONSOR_CHURN = 1.35     # large accounts without an executive sponsor
_CONTRACT_P = np.array([0.008, 0.010, 0.006])
_CONTRACT_RENEWAL_X = 4.0
_CONTRACT_BETA = 0.9
_EXPAND_P = np.array([0.030, 0.022, 0.029])
_EXPAND_BETA = 0.8
_EXPAND_SIZE = np.array([0.10, 0.12, 0.12])    # mean relative seat increase
_UPLIFT_P = np.array([0.30, 0.50, 0.70])       # price uplift at renewal
_XSELL_P = np.array([0.002, 0.008, 0.017])     # per missing add-on per month
_XSELL_BETA = 0.8
_DROP_P = np.array([0.004, 0.004, 0.003])      # per held add-on per month
_DROP_RENEWAL_X = 4.0
_SWAP_P = 0.002
_REACTIVATE_P = 0.14
_REACT_GAP = (2, 9)

# Signals.
_RESPONSE_P = 0.25
_TICKETS_BASE = np.array([0.7, 1.6, 3.8])

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


# --- accounts ----------------------------------------------------------------
def _names(rng, industry, region) -> list[str]:
    """Unique company names: plain "Prefix Noun" pairs first, per industry.

    A distinguishing word is added only to the accounts of an industry beyond
    its number of plain pairs, and a number only beyond that (never in books
    of a realistic size).
    """
    n = len(industry)
    names = [""] * n
    n_pref = len(_PREFIXES)
    for i, ind in enumerate(INDUSTRIES):
        idx = np.flatnonzero(industry == i)
        if idx.size == 0:
            continue
        nouns = _NOUNS[ind]
        plain = n_pref * len(nouns)
        k_plain = min(idx.size, plain)
        k_more = idx.size - k_plain
        combos = rng.choice(plain, size=k_plain, replace=False)
        # Which accounts get the plain names is itself random.
        order = rng.permutation(idx.size)
        bases = [f"{_PREFIXES[c % n_pref]} {nouns[c // n_pref]}" for c in combos]
        if k_more:
            space = plain * len(_DISTINGUISHERS)
            k_word = min(k_more, space)
            extra = rng.choice(space, size=k_word, replace=False)
            for e in extra:
                c, w = divmod(int(e), len(_DISTINGUISHERS))
                bases.append(f"{_PREFIXES[c % n_pref]} {nouns[c // n_pref]} "
                             f"{_DISTINGUISHERS[w]}")
            for j in range(k_more - k_word):
                c, w = divmod(j, len(_DISTINGUISHERS))
                c %= plain
                bases.append(f"{_PREFIXES[c % n_pref]} {nouns[c // n_pref]} "
                             f"{_DISTINGUISHERS[w]} {j // space + 2}")
        suffix_draw = rng.random(idx.size)
        for pos, acc in enumerate(idx[order]):
            sfx = _SUFFIXES[REGIONS[region[acc]]]
            s = sfx[int(suffix_draw[pos] * len(sfx))]
            names[acc] = f"{bases[pos]} {s}" if s else bases[pos]
        special = _SPECIAL_NAMES.get(ind)
        if special:
            names[int(idx[rng.integers(idx.size)])] = special
    return names


def _assign_csms(rng, seg) -> np.ndarray:
    u = rng.random(seg.size)
    cum = np.cumsum(_CSM_WEIGHTS, axis=1)[seg]
    csm = (u[:, None] > cum).sum(axis=1)
    csm = np.minimum(csm, len(CSM_OWNERS) - 1)
    # Every owner should have a book: hand an owner without accounts one
    # account of the most loaded owner (only matters for tiny books).
    if seg.size >= len(CSM_OWNERS):
        for owner in range(len(CSM_OWNERS)):
            if not np.any(csm == owner):
                counts = np.bincount(csm, minlength=len(CSM_OWNERS))
                donor = int(np.argmax(counts))
                csm[np.flatnonzero(csm == donor)[-1]] = owner
    return csm


# --- simulation --------------------------------------------------------------
class _Book:
    """Mutable simulation state; arrays of shape (n,) or (n, P)."""

    def __init__(self, n: int, n_products: int):
        self.seats = np.zeros((n, n_products), dtype=np.int64)   # per product
        self.pps = np.zeros((n, n_products), dtype=np.int64)     # cents/seat
        self.active = np.zeros(n, dtype=bool)
        self.return_t = np.full(n, -1, dtype=np.int64)
        self.anchor = np.zeros(n, dtype=np.int64)   # contract start, month t
        self.tenure = np.zeros(n, dtype=np.int64)   # months since (re)start
        self.x = np.zeros(n)                         # health deviation
        self.drift = np.zeros(n)
        self.ep_left = np.zeros(n, dtype=np.int64)
        self.util = np.full(n, 0.75)                 # last observed utilisation


def _addon_shares(products) -> np.ndarray:
    return np.array([0.0] + [_ADDON_PRICE_SHARE.get(p, _ADDON_PRICE_SHARE_DEFAULT)
                             for p in products[1:]])


def _land(b: _Book, idx, core_pps, start_mrr):
    """(Re)start accounts ``idx`` on Core with ``start_mrr`` (currency units)."""
    seats = np.maximum(1, np.rint(start_mrr / core_pps[idx]).astype(np.int64))
    b.seats[idx] = 0
    b.pps[idx] = 0
    b.seats[idx, 0] = seats
    b.pps[idx, 0] = core_pps[idx] * 100
    b.active[idx] = True
    b.tenure[idx] = 0
    b.drift[idx] = 0.0
    b.ep_left[idx] = 0
    b.util[idx] = 0.6


def _cross_sell(rng, b: _Book, acc, prod, core_pps, shares):
    """Add product ``prod`` (array) to accounts ``acc`` at a share of Core seats."""
    if acc.size == 0:
        return
    cover = rng.uniform(0.35, 1.0, acc.size)
    b.seats[acc, prod] = np.maximum(1, np.rint(b.seats[acc, 0] * cover)).astype(np.int64)
    price = np.maximum(1, np.rint(core_pps[acc] * shares[prod] * rng.uniform(0.85, 1.15, acc.size)))
    b.pps[acc, prod] = price.astype(np.int64) * 100


def _truncated_lognormal(rng, seg) -> np.ndarray:
    """Landing MRR per account: lognormal, redrawn (not clipped) until inside
    the segment's range, so no spike piles up at the bounds."""
    lo, hi = np.log(_START_MIN[seg]), np.log(_START_MAX[seg])
    mu, sd = np.log(_START_MEDIAN[seg]), _START_SIGMA[seg]
    v = mu + sd * rng.standard_normal(seg.size)
    for _ in range(30):
        bad = (v < lo) | (v > hi)
        if not bad.any():
            break
        v[bad] = mu[bad] + sd[bad] * rng.standard_normal(int(bad.sum()))
    return np.exp(np.clip(v, lo, hi))


def _simulate(rng, n, T, n_products, products, seg, sponsor, large):
    """Run the month loop over all accounts at once.

    Returns ``(mrr_cents, signals, book, contract_day)``: MRR in cents of shape
    (T, n, P); the signals as (T, n) arrays (``nps`` -1 = no response); the
    final state; each account's contract day of month (1..28).
    """
    P = n_products
    b = _Book(n, P)
    shares = _addon_shares(products)

    # Start months: installed base at t=0, the rest with a rising rate.
    installed = rng.random(n) < _INSTALLED_SHARE
    start_t = np.zeros(n, dtype=np.int64)
    if T > 1:
        w = 1.0 + _NEW_LOGO_GROWTH * np.arange(T - 1) / max(T - 2, 1)
        start_t[~installed] = 1 + rng.choice(T - 1, size=int((~installed).sum()), p=w / w.sum())
    # Installed-base contracts started 1..48 months before the window.
    b.anchor[:] = np.where(installed, -rng.integers(1, 49, n), start_t)
    contract_day = rng.integers(1, 29, n)  # 1..28: valid in every month

    core_pps = _PRICE_POINTS[seg, rng.integers(0, _PRICE_POINTS.shape[1], n)].astype(np.float64)
    start_mrr = _truncated_lognormal(rng, seg)
    mu = _HEALTH_MU[seg] + _HEALTH_MU_SD * rng.standard_normal(n) + _SPONSOR_HEALTH * sponsor
    churn_factor = np.where(large & ~sponsor, _NO_SPONSOR_CHURN, 1.0)

    mrr_out = np.zeros((T, n, P), dtype=np.int64)
    seats_out = np.zeros((T, n), dtype=np.int32)
    users_out = np.zeros((T, n), dtype=np.int32)
    tickets_out = np.zeros((T, n), dtype=np.int16)
    nps_out = np.full((T, n), -1, dtype=np.int8)
    stat_sd = _SIGMA / np.sqrt(1 - _RHO ** 2)
    seat_ref = np.array([12.0, 60.0, 300.0])[seg]

    for t in range(T):
        # ---- 1. outcomes for accounts active last month, from last month's health
        cont = b.active.copy()
        h = mu + b.x
        ren = cont & (t > b.anchor) & ((t - b.anchor) % 12 == 0)
        u = rng.random((n, 6))  # churn, contraction, expansion, uplift, swap, spare
        p_churn = np.where(ren, _CHURN_RENEWAL[seg], _CHURN_OFF[seg]) \
            * np.exp(-_CHURN_BETA * h) * churn_factor
        churn = cont & (u[:, 0] < np.minimum(p_churn, 0.95))
        alive = cont & ~churn

        pressure = np.clip((b.util - 0.8) / 0.2, 0.0, 1.0)  # seats running out
        p_con = _CONTRACT_P[seg] * np.exp(-_CONTRACT_BETA * h) * np.where(ren, _CONTRACT_RENEWAL_X, 1.0)
        contract = alive & (u[:, 1] < p_con)
        p_exp = _EXPAND_P[seg] * np.exp(_EXPAND_BETA * h) * (1.0 + pressure)
        expand = alive & ~contract & (u[:, 2] < p_exp)
        uplift = alive & ren & ~contract & (u[:, 3] < _UPLIFT_P[seg])

        # Seat contraction (bigger at renewal): Core, and add-ons capped at Core.
        if contract.any():
            a = np.flatnonzero(contract)
            cut = rng.uniform(0.08, 0.30, a.size) * np.where(ren[a], 1.4, 1.0)
            new = np.maximum(1, np.rint(b.seats[a, 0] * (1 - cut))).astype(np.int64)
            b.seats[a, 0] = np.minimum(new, b.seats[a, 0] - 1).clip(min=1)
            b.seats[a, 1:] = np.minimum(b.seats[a, 1:], b.seats[a, :1])
        if expand.any():
            a = np.flatnonzero(expand)
            # Gamma(3): a thinner tail than exponential, so a few huge
            # accounts do not swing the book's NRR from seed to seed.
            grow = rng.gamma(3.0, _EXPAND_SIZE[seg[a]] / 3.0) + 0.02
            add = np.maximum(1, np.rint(b.seats[a, 0] * grow)).astype(np.int64)
            b.seats[a, 0] += add
            # Per-seat add-ons follow the Core expansion half of the time.
            follow = (rng.random((a.size, P - 1)) < 0.5) & (b.seats[a, 1:] > 0)
            grown = np.minimum(np.rint(b.seats[a, 1:] * (1 + grow[:, None])).astype(np.int64),
                               b.seats[a, :1])
            b.seats[a, 1:] = np.where(follow, np.maximum(grown, b.seats[a, 1:]), b.seats[a, 1:])
        if uplift.any():
            a = np.flatnonzero(uplift)
            lift = rng.uniform(0.03, 0.08, a.size)
            b.pps[a] = (np.rint(b.pps[a] * (1 + lift[:, None]) / 100) * 100).astype(np.int64)

        if P > 1:
            held = b.seats[:, 1:] > 0
            ua = rng.random((n, P - 1))
            p_drop = _DROP_P[seg] * np.exp(-_CONTRACT_BETA * h) * np.where(ren, _DROP_RENEWAL_X, 1.0)
            drop = alive[:, None] & held & (ua < p_drop[:, None])
            p_x = _XSELL_P[seg] * np.exp(_XSELL_BETA * h) * np.where(ren, 2.0, 1.0) * (1 + 0.5 * pressure)
            xs = alive[:, None] & ~held & (ua < p_x[:, None])
            da, dp = np.nonzero(drop)
            b.seats[da, dp + 1] = 0
            b.pps[da, dp + 1] = 0
            xa, xp = np.nonzero(xs)
            _cross_sell(rng, b, xa, xp + 1, core_pps, shares)
            # Rare swap: one held add-on out, one missing add-on in, same month.
            if P > 2:
                held = b.seats[:, 1:] > 0
                can = alive & held.any(axis=1) & (~held).any(axis=1) & (u[:, 4] < _SWAP_P)
                for a in np.flatnonzero(can):  # a handful per month
                    out_p = 1 + rng.choice(np.flatnonzero(held[a]))
                    in_p = 1 + rng.choice(np.flatnonzero(~held[a]))
                    b.seats[a, out_p] = 0
                    b.pps[a, out_p] = 0
                    _cross_sell(rng, b, np.array([a]), np.array([in_p]), core_pps, shares)

        # Churn: everything off; some will come back after a gap.
        if churn.any():
            a = np.flatnonzero(churn)
            back = rng.random(a.size) < _REACTIVATE_P
            gap = rng.integers(_REACT_GAP[0], _REACT_GAP[1] + 1, a.size)
            b.return_t[a[back]] = t + gap[back]
            # Remember what they had: a returning account comes back near it.
            b.seats[a] = -b.seats[a]  # negative = dormant (not billed)
            b.active[a] = False

        # ---- 2. returns (reactivations)
        ret = np.flatnonzero(b.return_t == t)
        if ret.size:
            old_seats = -b.seats[ret]
            old_pps = b.pps[ret].copy()
            keep = (old_seats > 0) & (rng.random(old_seats.shape) < 0.7)
            keep[:, 0] = True
            back_mrr = np.maximum(1, old_seats[:, 0]) * core_pps[ret] * rng.uniform(0.6, 1.2, ret.size)
            _land(b, ret, core_pps, back_mrr)
            b.seats[ret, 1:] = np.where(keep[:, 1:],
                                        np.minimum(old_seats[:, 1:], b.seats[ret, :1]), 0)
            b.pps[ret, 1:] = np.where(keep[:, 1:], old_pps[:, 1:], 0)
            if P > 1:
                # Sometimes they come back with a module they never had.
                more = rng.random(ret.size) < 0.3
                cand = rng.integers(1, P, ret.size)
                new_mod = more & (b.seats[ret, cand] == 0)
                _cross_sell(rng, b, ret[new_mod], cand[new_mod], core_pps, shares)
            b.return_t[ret] = -1
            b.anchor[ret] = t
            contract_day[ret] = rng.integers(1, 29, ret.size)
            b.x[ret] = 0.3 + 0.3 * rng.standard_normal(ret.size)

        # ---- 3. new logos (and the installed base at t = 0)
        st = np.flatnonzero(start_t == t)
        if st.size:
            _land(b, st, core_pps, start_mrr[st])
            if t == 0:
                b.x[st] = stat_sd * rng.standard_normal(st.size)
                b.tenure[st] = 12  # past onboarding
                inst = st[installed[st]]
                if P > 1 and inst.size:
                    has = rng.random((inst.size, P - 1)) < _INSTALLED_ADDON_P[seg[inst], None]
                    ia, ip = np.nonzero(has)
                    _cross_sell(rng, b, inst[ia], ip + 1, core_pps, shares)
            else:
                b.x[st] = 0.2 + 0.4 * rng.standard_normal(st.size)

        # ---- 4. health drifts for this month (the signals below read it)
        act = b.active
        eps = rng.standard_normal(n)
        ue = rng.random((n, 3))
        idle = act & (b.ep_left == 0)
        down = idle & (ue[:, 0] < _EP_DOWN_P[seg])
        upward = idle & ~down & (ue[:, 1] < _EP_UP_P[seg])
        length = 3 + (ue[:, 2] * 4).astype(np.int64)          # 3..6 months
        b.drift = np.where(down, -rng.uniform(0.22, 0.42, n),
                           np.where(upward, rng.uniform(0.12, 0.28, n), b.drift))
        b.ep_left = np.where(down | upward, length, b.ep_left)
        in_ep = b.ep_left > 0
        b.x = np.where(act, _RHO * b.x + _SIGMA * eps + np.where(in_ep, b.drift, 0.0), b.x)
        b.ep_left = np.where(act & in_ep, b.ep_left - 1, b.ep_left)
        h = mu + b.x

        # ---- 5. signals and revenue of month t
        core_seats = np.where(act, b.seats[:, 0], 0)
        ramp = np.minimum(1.0, 0.55 + 0.15 * b.tenure)       # onboarding
        z = 1.0 + 1.1 * h + 0.35 * rng.standard_normal(n)
        util = ramp * 1.06 / (1.0 + np.exp(-z))
        users = rng.binomial(core_seats, np.minimum(util, 1.0))
        over = util > 1.0
        users = np.where(over, np.rint(core_seats * util), users).astype(np.int32)
        lam = _TICKETS_BASE[seg] * (np.maximum(core_seats, 1) / seat_ref) ** 0.4 \
            * np.exp(-0.9 * h) * np.where(b.tenure < 2, 1.8, 1.0)
        tickets = rng.poisson(lam)
        respond = rng.random(n) < _RESPONSE_P
        score = np.clip(np.rint(7.3 + 1.5 * h + 1.5 * rng.standard_normal(n)), 0, 10)

        seats_out[t] = core_seats
        users_out[t] = np.where(act, users, 0)
        tickets_out[t] = np.where(act, np.minimum(tickets, 32000), 0)
        nps_out[t] = np.where(act & respond, score, -1)
        mrr_out[t] = np.where(act[:, None], np.maximum(b.seats, 0) * b.pps, 0)
        b.util = np.where(act, users / np.maximum(core_seats, 1), b.util)
        b.tenure = np.where(act, b.tenure + 1, b.tenure)

    signals = {"seats": seats_out, "users": users_out,
               "tickets": tickets_out, "nps": nps_out}
    return mrr_out, signals, b, contract_day



def generate_book(out_dir, *, n_accounts: int = 2000, n_months: int = 36,
                  as_of: str = DEMO_AS_OF, products=DEMO_PRODUCTS,
                  seed: int = DEMO_SEED) -> dict[str, pathlib.Path]:
    """Write accounts.csv, mrr.csv and signals.csv into ``out_dir``.

    Returns ``{"accounts": path, "mrr": path, "signals": path}``.  The months
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
    seg = rng.choice(3, size=n, p=_SEGMENT_SHARE)
    region = rng.choice(len(REGIONS), size=n, p=_REGION_SHARE)
    industry = rng.choice(len(INDUSTRIES), size=n, p=_INDUSTRY_SHARE)
    csm = _assign_csms(rng, seg)
    names = _names(rng, industry, region)
    # Sponsors: likelier the larger the account is within its segment.  The
    # size rank is a separate draw from the landing MRR on purpose: sponsor
    # coverage is about strategic importance, correlated with but not equal to
    # spend.
    size_rank = rng.random(n)
    p_sponsor = np.select([seg == 2, seg == 1], [0.35 + 0.6 * size_rank, 0.05 + 0.3 * size_rank], 0.0)
    sponsor = rng.random(n) < p_sponsor
    large = (seg == 2) | ((seg == 1) & (size_rank > 0.5))
    sponsor_name = rng.integers(0, len(EXECUTIVES), n)

    mrr_out, sig, book, contract_day = _simulate(
        rng, n, T, len(products), products, seg, sponsor, large)

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
    paths = {k: out / f"{k}.csv" for k in ("accounts", "mrr", "signals")}
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
            "k": sig["tickets"][mi, ai], "n": sig["nps"][mi, ai]})
        con.register("sig_df", sig_df)
        con.execute(
            f"COPY (SELECT {aid} AS account_id, ({months_sql})[m + 1] AS month, "
            f"s AS seats_licensed, u AS active_users, k AS support_tickets, "
            f"nullif(n, -1) AS nps FROM sig_df) "
            f"TO {_sql_str(paths['signals'])} (HEADER, DELIMITER ',')")
    finally:
        con.close()
    return paths
