"""The simulation's state: what a run fixes up front (``World``), what changes
month by month (``Book``), and the moves that land an account or add a product."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalogue import ADDON_PRICE_SHARE, ADDON_PRICE_SHARE_DEFAULT, START_MAX, START_MEDIAN, START_MIN, START_SIGMA


@dataclass(frozen=True)
class World:
    """Fixed for a run; arrays of shape (n,), indexed by account.

    ``seg``: segment index; ``shares``: each product's price per seat as a share
    of Core's (0 for Core); ``installed``: live in the first month;
    ``start_t``: first month (0-based); ``core_pps``: Core list price per seat
    (currency units); ``start_mrr``: landing MRR; ``mu``: mean health;
    ``churn_factor``: 1.35 for large accounts without a sponsor, else 1;
    ``stationary_sd``: the long-run spread of the health deviation;
    ``seat_ref``: a typical seat count of the segment (ticket volume);
    ``speed``: onboarding speed (demo/voice.py).
    """

    rng: np.random.Generator
    n: int
    n_products: int
    seg: np.ndarray
    shares: np.ndarray
    installed: np.ndarray
    start_t: np.ndarray
    core_pps: np.ndarray
    start_mrr: np.ndarray
    mu: np.ndarray
    churn_factor: np.ndarray
    stationary_sd: float
    seat_ref: np.ndarray
    speed: np.ndarray       # onboarding speed, index into voice.SPEEDS (1 = normal)


class Book:
    """Mutable simulation state; arrays of shape (n,) or (n, P)."""

    def __init__(self, n: int, n_products: int):
        self.seats = np.zeros((n, n_products), dtype=np.int64)   # per product; negative = dormant
        self.pps = np.zeros((n, n_products), dtype=np.int64)     # cents/seat
        self.active = np.zeros(n, dtype=bool)
        self.return_t = np.full(n, -1, dtype=np.int64)
        self.anchor = np.zeros(n, dtype=np.int64)   # contract start, month t
        self.contract_day = np.zeros(n, dtype=np.int64)  # 1..28
        self.tenure = np.zeros(n, dtype=np.int64)   # months since (re)start
        self.x = np.zeros(n)                         # health deviation
        self.drift = np.zeros(n)
        self.ep_left = np.zeros(n, dtype=np.int64)
        self.util = np.full(n, 0.75)                 # last observed utilisation


def addon_shares(products) -> np.ndarray:
    """Price per seat of each product as a share of Core's (Core itself 0)."""
    return np.array([0.0] + [ADDON_PRICE_SHARE.get(p, ADDON_PRICE_SHARE_DEFAULT) for p in products[1:]])


def land(b: Book, idx, core_pps, start_mrr) -> None:
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


def cross_sell(rng, b: Book, acc, prod, core_pps, shares) -> None:
    """Add product ``prod`` (array) to accounts ``acc`` at a share of Core seats."""
    if acc.size == 0:
        return
    cover = rng.uniform(0.35, 1.0, acc.size)
    b.seats[acc, prod] = np.maximum(1, np.rint(b.seats[acc, 0] * cover)).astype(np.int64)
    price = np.maximum(1, np.rint(core_pps[acc] * shares[prod] * rng.uniform(0.85, 1.15, acc.size)))
    b.pps[acc, prod] = price.astype(np.int64) * 100


def truncated_lognormal(rng, seg) -> np.ndarray:
    """Landing MRR per account: lognormal, redrawn (not clipped) until inside
    the segment's range, so no spike piles up at the bounds."""
    lo, hi = np.log(START_MIN[seg]), np.log(START_MAX[seg])
    mu, sd = np.log(START_MEDIAN[seg]), START_SIGMA[seg]
    v = mu + sd * rng.standard_normal(seg.size)
    for _ in range(30):
        bad = (v < lo) | (v > hi)
        if not bad.any():
            break
        v[bad] = mu[bad] + sd[bad] * rng.standard_normal(int(bad.sum()))
    return np.exp(np.clip(v, lo, hi))
