"""What the demo book adds for the journey and drivers views (issue 15):
onboarding speed, NPS comments and churn reasons.

Everything here draws from its own random stream (``aux_rng``: the book's
seed plus a fixed tag), never from the simulation's, so adding it changed the
main draws only where onboarding speed changes an outcome.

* **Onboarding speed**: each account that starts inside the window is fast
  (35 %), normal (45 %) or slow (20 %) to adopt. Speed sets how fast seat use
  ramps up (``RAMP``; normal is the ramp the book always had) and, for the
  account's first two years, multiplies its churn probability
  (``ADOPTION_CHURN``: slow adopters churn about twice as often). The
  installed base is past onboarding and keeps the normal ramp and rates.
* **NPS comments**: about half of the survey answers carry a comment in plain
  words, drawn from a small phrase bank by score band (detractor 0–6, passive
  7–8, promoter 9–10); slow adopters' detractor comments lean towards
  onboarding.
* **Churn reasons**: about 85 % of churns get a reason from the taxonomy
  (``nrr_core.insight.reasons``), written to churn_reasons.csv and loaded with
  the book; the demo writes nothing into the decisions store. Slow adopters
  mostly lose for "value not realised", large accounts without a sponsor
  often when a champion leaves, SMB more for budget and price.
"""
from __future__ import annotations

import numpy as np

AUX_TAG = 15
SPEEDS = ("fast", "normal", "slow")
SPEED_SHARE = (0.35, 0.45, 0.20)
# (ramp in the first month, added per month), capped at 1: seat use grows to its healthy level.
RAMP = np.array([[0.75, 0.25], [0.55, 0.15], [0.30, 0.06]])
ADOPTION_CHURN = np.array([0.75, 1.0, 2.2])   # churn multiplier in the first two years
ADOPTION_CHURN_MONTHS = 24
COMMENT_P = 0.5
RECORDED_P = 0.85

PHRASES = {
    "detractor": (
        "Too hard to get the team using it.",
        "We are paying for seats nobody uses.",
        "Support takes days to answer.",
        "Missing the reporting we need.",
        "Price went up and the value did not.",
        "Reports are slow and often time out.",
        "Our champion left and nobody owns it now.",
    ),
    "detractor_onboarding": (
        "Onboarding took months and we are still not live.",
        "Setup was confusing and the training did not help.",
        "We never got past the pilot team.",
    ),
    "passive": (
        "Does the job, nothing special.",
        "Good product, onboarding could be faster.",
        "Useful, but the mobile app lags behind.",
        "Fine for now; we are watching the price.",
        "Works well once it is set up.",
    ),
    "promoter": (
        "The whole team uses it every day.",
        "Support is quick and friendly.",
        "Saved us hours every week.",
        "Rolled it out to two more departments.",
        "Best tool we bought this year.",
        "The new dashboards are great.",
    ),
}

# Churn reason weights (taxonomy keys) by situation.
REASON_WEIGHTS = {
    "slow": {"value_not_realised": 6, "missing_capability": 1, "support_experience": 1, "price": 1, "other": 1},
    "no_sponsor": {"sponsor_left": 5, "value_not_realised": 1, "competitor": 1, "merger_acquisition": 1, "other": 1},
    "smb": {"budget_cut": 4, "price": 3, "competitor": 1, "value_not_realised": 1, "support_experience": 1,
            "other": 1},
    "other": {"missing_capability": 3, "competitor": 3, "budget_cut": 1, "support_experience": 2,
              "merger_acquisition": 1, "value_not_realised": 1, "price": 1, "other": 1},
}
REASON_NOTES = {
    "value_not_realised": ("Never got beyond the first team.", "Usage stayed low after onboarding."),
    "missing_capability": ("Needed SSO on the lower tier.", "Wanted deeper reporting exports."),
    "budget_cut": ("Software budget frozen for the year.", "Cost cutting across all tools."),
    "competitor": ("Moved to a bundled suite.", "Chose a cheaper local vendor."),
    "sponsor_left": ("Our sponsor moved on; the new lead chose another tool.",),
    "merger_acquisition": ("Acquired; the parent standardised on its own tool.",),
    "support_experience": ("Tickets took too long to resolve.",),
    "price": ("Renewal price was too high for the use they had.",),
    "other": ("Business closed the unit.",),
}


def aux_rng(seed: int) -> np.random.Generator:
    """The stream of this module (independent of the simulation's)."""
    return np.random.default_rng([int(seed), AUX_TAG])


def draw_speeds(aux, n: int, installed: np.ndarray) -> np.ndarray:
    """Each account's onboarding speed (index into SPEEDS); the installed base is normal."""
    speed = aux.choice(len(SPEEDS), size=n, p=SPEED_SHARE)
    return np.where(installed, 1, speed)


def comments(aux, nps: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """(T, n) array of comment texts (None where no comment) for the answers in ``nps`` (−1 = none)."""
    T, n = nps.shape
    out = np.full((T, n), None, dtype=object)
    answered = nps >= 0
    has = answered & (aux.random((T, n)) < COMMENT_P)
    pick = aux.random((T, n))
    onboarding = aux.random((T, n)) < 0.6
    for t, a in zip(*np.nonzero(has)):
        score = int(nps[t, a])
        band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        if band == "detractor" and speed[a] == 2 and onboarding[t, a]:
            band = "detractor_onboarding"
        bank = PHRASES[band]
        out[t, a] = bank[int(pick[t, a] * len(bank))]
    return out


def churn_reasons(aux, active: np.ndarray, speed: np.ndarray, seg: np.ndarray, large: np.ndarray,
                  sponsor: np.ndarray) -> list[tuple[int, int, str, str]]:
    """(account index, month t, reason key, note) for the churns in ``active`` ((n, T) bool), about
    ``RECORDED_P`` of them."""
    n, T = active.shape
    churned = active[:, :-1] & ~active[:, 1:]
    out = []
    for a, t in zip(*np.nonzero(churned)):
        if aux.random() >= RECORDED_P:
            continue
        if speed[a] == 2:
            kind = "slow"
        elif large[a] and not sponsor[a]:
            kind = "no_sponsor"
        elif seg[a] == 0:
            kind = "smb"
        else:
            kind = "other"
        weights = REASON_WEIGHTS[kind]
        keys = sorted(weights)
        p = np.array([weights[k] for k in keys], dtype=float)
        reason = keys[int(aux.choice(len(keys), p=p / p.sum()))]
        notes = REASON_NOTES[reason]
        out.append((int(a), int(t) + 1, reason, notes[int(aux.random() * len(notes))]))
    return out
