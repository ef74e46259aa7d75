"""The simulation's behaviour parameters: how often accounts churn, contract,
expand, cross-sell, drop or swap add-ons and come back, how health moves, and
how signals read it. Arrays are indexed by segment (SMB, Mid-Market,
Enterprise). Rates are monthly at health 0; a renewal month multiplies them.
"""
from __future__ import annotations

import numpy as np

INSTALLED_SHARE = 0.40      # accounts already live in the first month
NEW_LOGO_GROWTH = 0.6       # new-logo rate at the end vs the start: 1 + this
INSTALLED_ADDON_P = np.array([0.06, 0.22, 0.42])  # P(has add-on) at month 0

# Latent health h = mu + x; x is AR(1) with episodes.
HEALTH_MU = np.array([-0.10, 0.0, 0.15])
HEALTH_MU_SD = 0.45
SPONSOR_HEALTH = 0.10
RHO = 0.85
SIGMA = 0.28
EP_DOWN_P = np.array([0.030, 0.025, 0.020])   # monthly start of a decline
EP_UP_P = np.array([0.030, 0.035, 0.040])     # monthly start of a recovery

# Monthly event probabilities at h = 0 (off-renewal; renewal multipliers below).
CHURN_OFF = np.array([0.0040, 0.0020, 0.0008])
CHURN_RENEWAL = np.array([0.105, 0.045, 0.028])
CHURN_BETA = 1.1
NO_SPONSOR_CHURN = 1.35     # large accounts without an executive sponsor
CONTRACT_P = np.array([0.008, 0.010, 0.006])
CONTRACT_RENEWAL_X = 4.0
CONTRACT_BETA = 0.9
EXPAND_P = np.array([0.030, 0.022, 0.029])
EXPAND_BETA = 0.8
EXPAND_SIZE = np.array([0.10, 0.12, 0.12])    # mean relative seat increase
UPLIFT_P = np.array([0.30, 0.50, 0.70])       # price uplift at renewal
XSELL_P = np.array([0.002, 0.008, 0.017])     # per missing add-on per month
XSELL_BETA = 0.8
DROP_P = np.array([0.004, 0.004, 0.003])      # per held add-on per month
DROP_RENEWAL_X = 4.0
SWAP_P = 0.002
REACTIVATE_P = 0.14
REACT_GAP = (2, 9)

# Signals.
RESPONSE_P = 0.25
TICKETS_BASE = np.array([0.7, 1.6, 3.8])

