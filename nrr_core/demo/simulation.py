"""The demo book's simulation: all accounts at once, month by month, numpy only.

``simulate(rng, accounts, n_months, products)`` runs the months and returns
what was billed and observed (``Simulated``). Each month goes through five
numbered steps, one function each, always in this order (the order of the
random draws is part of the seeded book):

1. outcomes for the accounts active last month, drawn from last month's
   health: churn, contraction, expansion and renewal uplift
   (``_draw_outcomes``, ``_resize_seats_and_prices``), add-ons dropped,
   cross-sold or swapped (``_change_add_ons``), churned accounts switched off
   (``_switch_off_churned``);
2. returns of churned accounts (``_reactivate``);
3. new logos, and the installed base in the first month (``_start_new_logos``);
4. this month's health drift (``_drift_health``);
5. this month's signals and revenue (``_record_month``).

Health is latent: an AR(1) deviation around an account's mean plus
occasional multi-month decline or recovery episodes. Outcomes in month t read
the health of month t-1 and the signals of month t-1 are noisy readings of
that same health, so signals lead outcomes statistically, never
deterministically.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .accounts import Accounts
from .parameters import (CHURN_BETA, CHURN_OFF, CHURN_RENEWAL, CONTRACT_BETA, CONTRACT_P, CONTRACT_RENEWAL_X,
                         DROP_P, DROP_RENEWAL_X, EP_DOWN_P, EP_UP_P, EXPAND_BETA, EXPAND_P, EXPAND_SIZE,
                         HEALTH_MU, HEALTH_MU_SD, INSTALLED_ADDON_P, INSTALLED_SHARE, NEW_LOGO_GROWTH,
                         NO_SPONSOR_CHURN, REACT_GAP, REACTIVATE_P, RESPONSE_P, RHO, SIGMA, SPONSOR_HEALTH,
                         SWAP_P, TICKETS_BASE, UPLIFT_P, XSELL_BETA, XSELL_P)
from .catalogue import PRICE_POINTS
from .state import Book, World, addon_shares, cross_sell, land, truncated_lognormal
from .voice import ADOPTION_CHURN, ADOPTION_CHURN_MONTHS, RAMP, comments, draw_speeds


@dataclass(frozen=True)
class Simulated:
    """What the months produced.

    ``mrr``: MRR in cents, shape (T, n, P), products in the order given.
    ``seats``, ``users``, ``tickets``, ``nps``: the signals, shape (T, n); 0
    while an account is inactive, ``nps`` -1 when the account gave no survey
    response. ``book``: the final state (who is active, contract anchors).
    ``contract_day``: each account's contract day of month (1..28).
    ``speed``: onboarding speed per account (index into voice.SPEEDS);
    ``comments``: (T, n) NPS comment texts, None where none (voice.py).
    """

    mrr: np.ndarray
    seats: np.ndarray
    users: np.ndarray
    tickets: np.ndarray
    nps: np.ndarray
    book: Book
    contract_day: np.ndarray
    speed: np.ndarray
    comments: np.ndarray


@dataclass(frozen=True)
class _Outcomes:
    """Step 1's draws for one month: masks of shape (n,) and the health read."""

    h: np.ndarray          # last month's health
    renewal: np.ndarray    # active last month and at a contract anniversary
    u: np.ndarray          # uniforms: churn, contraction, expansion, uplift, swap, spare
    pressure: np.ndarray   # 0..1, seats running out (last utilisation above 80 %)
    churn: np.ndarray
    alive: np.ndarray      # active last month and not churning
    contract: np.ndarray
    expand: np.ndarray
    uplift: np.ndarray


def simulate(rng, accounts: Accounts, n_months: int, products: tuple[str, ...], aux=None) -> Simulated:
    """Run ``n_months`` months over every account (see the module docstring).
    ``aux`` (voice.aux_rng) draws onboarding speeds and comments; without it
    every account onboards at the normal speed and no answer has a comment."""
    w, b = _set_up(rng, accounts, n_months, products, aux)
    n, T, P = w.n, n_months, w.n_products
    mrr = np.zeros((T, n, P), dtype=np.int64)
    seats = np.zeros((T, n), dtype=np.int32)
    users = np.zeros((T, n), dtype=np.int32)
    tickets = np.zeros((T, n), dtype=np.int16)
    nps = np.full((T, n), -1, dtype=np.int8)
    for t in range(T):
        o = _draw_outcomes(w, b, t)                                   # 1.
        _resize_seats_and_prices(w, b, o)
        _change_add_ons(w, b, o)
        _switch_off_churned(w, b, o.churn, t)
        _reactivate(w, b, t)                                          # 2.
        _start_new_logos(w, b, t)                                     # 3.
        h = _drift_health(w, b)                                       # 4.
        month = _record_month(w, b, h)                                # 5.
        seats[t], users[t], tickets[t], nps[t], mrr[t] = month
    said = comments(aux, nps, w.speed) if aux is not None else np.full(nps.shape, None, dtype=object)
    return Simulated(mrr, seats, users, tickets, nps, b, b.contract_day, w.speed, said)


def _set_up(rng, accounts: Accounts, T: int, products: tuple[str, ...], aux=None) -> tuple[World, Book]:
    """Each account's start month, contract anchor and day, Core price per seat,
    landing MRR and mean health; an empty book."""
    seg, sponsor, n, P = accounts.seg, accounts.sponsor, len(accounts.seg), len(products)
    b = Book(n, P)
    # Start months: installed base at t=0, the rest with a rising rate.
    installed = rng.random(n) < INSTALLED_SHARE
    start_t = np.zeros(n, dtype=np.int64)
    if T > 1:
        weights = 1.0 + NEW_LOGO_GROWTH * np.arange(T - 1) / max(T - 2, 1)
        start_t[~installed] = 1 + rng.choice(T - 1, size=int((~installed).sum()), p=weights / weights.sum())
    # Installed-base contracts started 1..48 months before the window.
    b.anchor[:] = np.where(installed, -rng.integers(1, 49, n), start_t)
    b.contract_day = rng.integers(1, 29, n)  # 1..28: valid in every month
    core_pps = PRICE_POINTS[seg, rng.integers(0, PRICE_POINTS.shape[1], n)].astype(np.float64)
    start_mrr = truncated_lognormal(rng, seg)
    mu = HEALTH_MU[seg] + HEALTH_MU_SD * rng.standard_normal(n) + SPONSOR_HEALTH * sponsor
    churn_factor = np.where(accounts.large & ~sponsor, NO_SPONSOR_CHURN, 1.0)
    speed = draw_speeds(aux, n, installed) if aux is not None else np.ones(n, dtype=np.int64)
    w = World(rng=rng, n=n, n_products=P, seg=seg, shares=addon_shares(products), installed=installed,
              start_t=start_t, core_pps=core_pps, start_mrr=start_mrr, mu=mu, churn_factor=churn_factor,
              stationary_sd=SIGMA / np.sqrt(1 - RHO ** 2), seat_ref=np.array([12.0, 60.0, 300.0])[seg], speed=speed)
    return w, b


def _draw_outcomes(w: World, b: Book, t: int) -> _Outcomes:
    """Step 1: who churns, contracts, expands or gets a renewal price uplift
    this month, among the accounts active last month, from last month's health
    (renewal months raise churn and contraction; seats running out raise
    expansion)."""
    seg = w.seg
    cont = b.active.copy()
    h = w.mu + b.x
    ren = cont & (t > b.anchor) & ((t - b.anchor) % 12 == 0)
    u = w.rng.random((w.n, 6))  # churn, contraction, expansion, uplift, swap, spare
    p_churn = np.where(ren, CHURN_RENEWAL[seg], CHURN_OFF[seg]) * np.exp(-CHURN_BETA * h) * w.churn_factor
    # Onboarding speed (voice.py): slow adopters churn more in their first two years.
    p_churn = p_churn * np.where(~w.installed & (b.tenure < ADOPTION_CHURN_MONTHS), ADOPTION_CHURN[w.speed], 1.0)
    churn = cont & (u[:, 0] < np.minimum(p_churn, 0.95))
    alive = cont & ~churn
    pressure = np.clip((b.util - 0.8) / 0.2, 0.0, 1.0)
    p_con = CONTRACT_P[seg] * np.exp(-CONTRACT_BETA * h) * np.where(ren, CONTRACT_RENEWAL_X, 1.0)
    contract = alive & (u[:, 1] < p_con)
    p_exp = EXPAND_P[seg] * np.exp(EXPAND_BETA * h) * (1.0 + pressure)
    expand = alive & ~contract & (u[:, 2] < p_exp)
    uplift = alive & ren & ~contract & (u[:, 3] < UPLIFT_P[seg])
    return _Outcomes(h, ren, u, pressure, churn, alive, contract, expand, uplift)


def _resize_seats_and_prices(w: World, b: Book, o: _Outcomes) -> None:
    """Step 1, seats and prices: contraction cuts Core seats (more at renewal)
    and caps add-ons at Core; expansion adds Core seats, which per-seat add-ons
    follow half of the time; an uplift raises every price by 3-8 %."""
    rng, P = w.rng, w.n_products
    if o.contract.any():
        a = np.flatnonzero(o.contract)
        cut = rng.uniform(0.08, 0.30, a.size) * np.where(o.renewal[a], 1.4, 1.0)
        new = np.maximum(1, np.rint(b.seats[a, 0] * (1 - cut))).astype(np.int64)
        b.seats[a, 0] = np.minimum(new, b.seats[a, 0] - 1).clip(min=1)
        b.seats[a, 1:] = np.minimum(b.seats[a, 1:], b.seats[a, :1])
    if o.expand.any():
        a = np.flatnonzero(o.expand)
        # Gamma(3): a thinner tail than exponential, so a few huge
        # accounts do not swing the book's NRR from seed to seed.
        grow = rng.gamma(3.0, EXPAND_SIZE[w.seg[a]] / 3.0) + 0.02
        add = np.maximum(1, np.rint(b.seats[a, 0] * grow)).astype(np.int64)
        b.seats[a, 0] += add
        follow = (rng.random((a.size, P - 1)) < 0.5) & (b.seats[a, 1:] > 0)
        grown = np.minimum(np.rint(b.seats[a, 1:] * (1 + grow[:, None])).astype(np.int64), b.seats[a, :1])
        b.seats[a, 1:] = np.where(follow, np.maximum(grown, b.seats[a, 1:]), b.seats[a, 1:])
    if o.uplift.any():
        a = np.flatnonzero(o.uplift)
        lift = rng.uniform(0.03, 0.08, a.size)
        b.pps[a] = (np.rint(b.pps[a] * (1 + lift[:, None]) / 100) * 100).astype(np.int64)


def _change_add_ons(w: World, b: Book, o: _Outcomes) -> None:
    """Step 1, add-ons: each held add-on may be dropped (likelier at renewal and
    in poor health), each missing one cross-sold (likelier at renewal, in good
    health and with seats running out); rarely one held add-on is swapped for a
    missing one in the same month. Nothing happens with Core alone."""
    rng, P, seg, h = w.rng, w.n_products, w.seg, o.h
    if P == 1:
        return
    held = b.seats[:, 1:] > 0
    ua = rng.random((w.n, P - 1))
    p_drop = DROP_P[seg] * np.exp(-CONTRACT_BETA * h) * np.where(o.renewal, DROP_RENEWAL_X, 1.0)
    drop = o.alive[:, None] & held & (ua < p_drop[:, None])
    p_x = XSELL_P[seg] * np.exp(XSELL_BETA * h) * np.where(o.renewal, 2.0, 1.0) * (1 + 0.5 * o.pressure)
    xs = o.alive[:, None] & ~held & (ua < p_x[:, None])
    da, dp = np.nonzero(drop)
    b.seats[da, dp + 1] = 0
    b.pps[da, dp + 1] = 0
    xa, xp = np.nonzero(xs)
    cross_sell(rng, b, xa, xp + 1, w.core_pps, w.shares)
    if P > 2:
        held = b.seats[:, 1:] > 0
        can = o.alive & held.any(axis=1) & (~held).any(axis=1) & (o.u[:, 4] < SWAP_P)
        for a in np.flatnonzero(can):  # a handful per month
            out_p = 1 + rng.choice(np.flatnonzero(held[a]))
            in_p = 1 + rng.choice(np.flatnonzero(~held[a]))
            b.seats[a, out_p] = 0
            b.pps[a, out_p] = 0
            cross_sell(rng, b, np.array([a]), np.array([in_p]), w.core_pps, w.shares)


def _switch_off_churned(w: World, b: Book, churn: np.ndarray, t: int) -> None:
    """Step 1, churn: everything off. About one churned account in seven is
    given a return month 2-9 months later; each keeps its seats as negative
    (dormant, not billed) numbers, so a returning account comes back near them."""
    if not churn.any():
        return
    a = np.flatnonzero(churn)
    back = w.rng.random(a.size) < REACTIVATE_P
    gap = w.rng.integers(REACT_GAP[0], REACT_GAP[1] + 1, a.size)
    b.return_t[a[back]] = t + gap[back]
    b.seats[a] = -b.seats[a]
    b.active[a] = False


def _reactivate(w: World, b: Book, t: int) -> None:
    """Step 2: accounts whose return month is ``t`` land again on Core at
    60-120 % of their old Core MRR, keep each old add-on with probability 0.7,
    sometimes add a module they never had, and start a new contract (new
    anchor and day) in good health."""
    rng, P = w.rng, w.n_products
    ret = np.flatnonzero(b.return_t == t)
    if not ret.size:
        return
    old_seats = -b.seats[ret]
    old_pps = b.pps[ret].copy()
    keep = (old_seats > 0) & (rng.random(old_seats.shape) < 0.7)
    keep[:, 0] = True
    back_mrr = np.maximum(1, old_seats[:, 0]) * w.core_pps[ret] * rng.uniform(0.6, 1.2, ret.size)
    land(b, ret, w.core_pps, back_mrr)
    b.seats[ret, 1:] = np.where(keep[:, 1:], np.minimum(old_seats[:, 1:], b.seats[ret, :1]), 0)
    b.pps[ret, 1:] = np.where(keep[:, 1:], old_pps[:, 1:], 0)
    if P > 1:
        more = rng.random(ret.size) < 0.3
        cand = rng.integers(1, P, ret.size)
        new_mod = more & (b.seats[ret, cand] == 0)
        cross_sell(rng, b, ret[new_mod], cand[new_mod], w.core_pps, w.shares)
    b.return_t[ret] = -1
    b.anchor[ret] = t
    b.contract_day[ret] = rng.integers(1, 29, ret.size)
    b.x[ret] = 0.3 + 0.3 * rng.standard_normal(ret.size)


def _start_new_logos(w: World, b: Book, t: int) -> None:
    """Step 3: accounts starting in month ``t`` land on Core at their landing
    MRR. In the first month that is the installed base: health drawn from the
    long-run spread, past onboarding, some already with add-ons; later new
    logos start in slightly good health."""
    rng, P = w.rng, w.n_products
    st = np.flatnonzero(w.start_t == t)
    if not st.size:
        return
    land(b, st, w.core_pps, w.start_mrr[st])
    if t == 0:
        b.x[st] = w.stationary_sd * rng.standard_normal(st.size)
        b.tenure[st] = 12
        inst = st[w.installed[st]]
        if P > 1 and inst.size:
            has = rng.random((inst.size, P - 1)) < INSTALLED_ADDON_P[w.seg[inst], None]
            ia, ip = np.nonzero(has)
            cross_sell(rng, b, inst[ia], ip + 1, w.core_pps, w.shares)
    else:
        b.x[st] = 0.2 + 0.4 * rng.standard_normal(st.size)


def _drift_health(w: World, b: Book) -> np.ndarray:
    """Step 4: active accounts' health moves one AR(1) step; an account outside
    an episode may start a 3-6 month decline or recovery. Returns this month's
    health (mean + deviation), which the signals of step 5 read."""
    rng, seg, n = w.rng, w.seg, w.n
    act = b.active
    eps = rng.standard_normal(n)
    ue = rng.random((n, 3))
    idle = act & (b.ep_left == 0)
    down = idle & (ue[:, 0] < EP_DOWN_P[seg])
    upward = idle & ~down & (ue[:, 1] < EP_UP_P[seg])
    length = 3 + (ue[:, 2] * 4).astype(np.int64)
    b.drift = np.where(down, -rng.uniform(0.22, 0.42, n), np.where(upward, rng.uniform(0.12, 0.28, n), b.drift))
    b.ep_left = np.where(down | upward, length, b.ep_left)
    in_ep = b.ep_left > 0
    b.x = np.where(act, RHO * b.x + SIGMA * eps + np.where(in_ep, b.drift, 0.0), b.x)
    b.ep_left = np.where(act & in_ep, b.ep_left - 1, b.ep_left)
    return w.mu + b.x


def _record_month(w: World, b: Book, h: np.ndarray) -> tuple[np.ndarray, ...]:
    """Step 5: this month's (seats, users, tickets, nps, mrr) for every account
    (zeros, and nps -1, while inactive). Utilisation rises with health and
    ramps up over the first months; a few healthy accounts use more seats than
    they pay for. Tickets fall with health and are higher while onboarding;
    about one account in four answers the NPS survey. Updates the last
    observed utilisation and the tenure."""
    rng, seg, n = w.rng, w.seg, w.n
    act = b.active
    core_seats = np.where(act, b.seats[:, 0], 0)
    ramp = np.minimum(1.0, 0.55 + 0.15 * b.tenure)
    z = 1.0 + 1.1 * h + 0.35 * rng.standard_normal(n)
    util = ramp * 1.06 / (1.0 + np.exp(-z))
    users = rng.binomial(core_seats, np.minimum(util, 1.0))
    over = util > 1.0
    users = np.where(over, np.rint(core_seats * util), users).astype(np.int32)
    # Onboarding speed (voice.py): seat use follows the account's own ramp, scaled from the
    # draw above (so the random stream is the same whatever the speed).
    own = np.minimum(1.0, RAMP[w.speed, 0] + RAMP[w.speed, 1] * b.tenure)
    scaled = np.minimum(np.rint(users * own / ramp), np.maximum(users, core_seats))
    users = np.where(w.speed == 1, users, scaled).astype(np.int32)
    lam = TICKETS_BASE[seg] * (np.maximum(core_seats, 1) / w.seat_ref) ** 0.4 \
        * np.exp(-0.9 * h) * np.where(b.tenure < 2, 1.8, 1.0)
    tickets = rng.poisson(lam)
    respond = rng.random(n) < RESPONSE_P
    score = np.clip(np.rint(7.3 + 1.5 * h + 1.5 * rng.standard_normal(n)), 0, 10)
    month = (core_seats, np.where(act, users, 0), np.where(act, np.minimum(tickets, 32000), 0),
             np.where(act & respond, score, -1), np.where(act[:, None], np.maximum(b.seats, 0) * b.pps, 0))
    b.util = np.where(act, users / np.maximum(core_seats, 1), b.util)
    b.tenure = np.where(act, b.tenure + 1, b.tenure)
    return month
