"""The demo book's accounts: their attributes, drawn from the catalogue.

``draw_accounts(rng, n)`` draws every account's segment, region, industry, CSM
owner, company name and executive sponsor, in that order: the order of the
random draws is part of the seeded book, so it must not change.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalogue import (CSM_OWNERS, CSM_WEIGHTS, DISTINGUISHERS, EXECUTIVES, INDUSTRIES, INDUSTRY_SHARE, NOUNS,
                        PREFIXES, REGION_SHARE, REGIONS, SEGMENT_SHARE, SPECIAL_NAMES, SUFFIXES)


@dataclass(frozen=True)
class Accounts:
    """The drawn attributes, one array entry per account (index i = account i + 1).

    ``seg``, ``region``, ``industry``, ``csm`` and ``sponsor_name`` are indexes
    into the catalogue's tuples; ``sponsor`` says whether the account has an
    executive sponsor; ``large`` marks Enterprise and the larger half of
    Mid-Market (the accounts for which a missing sponsor raises churn).
    """

    seg: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    csm: np.ndarray
    names: list[str]
    sponsor: np.ndarray
    large: np.ndarray
    sponsor_name: np.ndarray


def draw_accounts(rng, n: int) -> Accounts:
    """The attributes of ``n`` accounts (the simulation depends on them)."""
    seg = rng.choice(3, size=n, p=SEGMENT_SHARE)
    region = rng.choice(len(REGIONS), size=n, p=REGION_SHARE)
    industry = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_SHARE)
    csm = assign_csms(rng, seg)
    names = company_names(rng, industry, region)
    # Sponsors: likelier the larger the account is within its segment.  The
    # size rank is a separate draw from the landing MRR on purpose: sponsor
    # coverage is about strategic importance, correlated with but not equal to
    # spend.
    size_rank = rng.random(n)
    p_sponsor = np.select([seg == 2, seg == 1], [0.35 + 0.6 * size_rank, 0.05 + 0.3 * size_rank], 0.0)
    sponsor = rng.random(n) < p_sponsor
    large = (seg == 2) | ((seg == 1) & (size_rank > 0.5))
    sponsor_name = rng.integers(0, len(EXECUTIVES), n)
    return Accounts(seg, region, industry, csm, names, sponsor, large, sponsor_name)


def company_names(rng, industry, region) -> list[str]:
    """Unique company names: plain "Prefix Noun" pairs first, per industry.

    A distinguishing word is added only to the accounts of an industry beyond
    its number of plain pairs, and a number only beyond that (never in books
    of a realistic size).
    """
    n = len(industry)
    names = [""] * n
    n_pref = len(PREFIXES)
    for i, ind in enumerate(INDUSTRIES):
        idx = np.flatnonzero(industry == i)
        if idx.size == 0:
            continue
        nouns = NOUNS[ind]
        plain = n_pref * len(nouns)
        k_plain = min(idx.size, plain)
        k_more = idx.size - k_plain
        combos = rng.choice(plain, size=k_plain, replace=False)
        # Which accounts get the plain names is itself random.
        order = rng.permutation(idx.size)
        bases = [f"{PREFIXES[c % n_pref]} {nouns[c // n_pref]}" for c in combos]
        if k_more:
            space = plain * len(DISTINGUISHERS)
            k_word = min(k_more, space)
            extra = rng.choice(space, size=k_word, replace=False)
            for e in extra:
                c, w = divmod(int(e), len(DISTINGUISHERS))
                bases.append(f"{PREFIXES[c % n_pref]} {nouns[c // n_pref]} "
                             f"{DISTINGUISHERS[w]}")
            for j in range(k_more - k_word):
                c, w = divmod(j, len(DISTINGUISHERS))
                c %= plain
                bases.append(f"{PREFIXES[c % n_pref]} {nouns[c // n_pref]} "
                             f"{DISTINGUISHERS[w]} {j // space + 2}")
        suffix_draw = rng.random(idx.size)
        for pos, acc in enumerate(idx[order]):
            sfx = SUFFIXES[REGIONS[region[acc]]]
            s = sfx[int(suffix_draw[pos] * len(sfx))]
            names[acc] = f"{bases[pos]} {s}" if s else bases[pos]
        special = SPECIAL_NAMES.get(ind)
        if special:
            names[int(idx[rng.integers(idx.size)])] = special
    return names


def assign_csms(rng, seg) -> np.ndarray:
    """Each account's CSM owner (index into ``CSM_OWNERS``), drawn by segment
    (``CSM_WEIGHTS``); with at least as many accounts as owners, every owner
    gets at least one."""
    u = rng.random(seg.size)
    cum = np.cumsum(CSM_WEIGHTS, axis=1)[seg]
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
