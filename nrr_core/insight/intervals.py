"""Confidence intervals for the drivers view.

- ``wilson``: the Wilson score interval of a proportion (logo retention),
  which stays inside 0..1 and behaves at 0 and n.
- ``ratio_interval``: a delta-method (linearisation) interval for a ratio of
  sums R = Σy / Σx (NRR, GRR over accounts, each with start MRR x and MRR a
  year later y): Var(R) ≈ Σ(yᵢ − R·xᵢ)² / (n (n − 1) x̄²), the usual
  ratio-estimator variance, from five sums, so it needs no resampling and
  gives the same figures on every run. Both use z = 1.96 (95 %).
"""
from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` out of ``n``; (nan, nan) when n = 0."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def ratio_interval(n: int, sx: float, sy: float, sxx: float, sxy: float, syy: float,
                   z: float = Z95) -> tuple[float, float]:
    """Delta-method interval of R = sy / sx from the sums over n accounts of
    x, y, x², x·y and y²; (nan, nan) with fewer than 2 accounts or sx = 0."""
    if n < 2 or sx <= 0:
        return (math.nan, math.nan)
    r = sy / sx
    residual = max(0.0, syy - 2 * r * sxy + r * r * sxx)  # Σ(y − R x)²
    xbar = sx / n
    se = math.sqrt(residual / (n * (n - 1))) / xbar
    return (max(0.0, r - z * se), r + z * se)
