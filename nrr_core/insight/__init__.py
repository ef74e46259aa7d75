"""What makes customers stick: the customer journey (``journey``), early
adoption against retention (``adoption``), retention drivers with intervals
(``drivers``, ``intervals``), the customer's voice (``voice``) and why revenue
was lost (``reasons``). Rules and thresholds: ``rules``; the accounts that
started inside the data and their bands: ``starts``.

``from nrr_core import insight`` is the front door.
"""
from .adoption import early_adoption
from .drivers import drivers, drivers_of, top_drivers, who
from .intervals import ratio_interval, wilson
from .journey import account_phases, mix_at, phase_mix, phases, stall_summary, stalls, time_to_value
from .reasons import (REASON_DEPARTMENT, REASON_KEYS, REASON_LABELS, TAXONOMY, ChurnReason, ReasonStore, attach,
                      imported, known_reasons, recorded_reasons, rollup)
from .rules import DEFAULT_RULES, PHASE_LABELS, PHASES, SUSTAIN_MONTHS, JourneyRules, from_mapping, from_toml
from .starts import start_accounts
from .voice import comment_feed, nps_trend

__all__ = [
    "account_phases", "mix_at",
    "DEFAULT_RULES", "PHASES", "PHASE_LABELS", "REASON_DEPARTMENT", "REASON_KEYS", "REASON_LABELS", "SUSTAIN_MONTHS",
    "TAXONOMY", "ChurnReason", "JourneyRules", "ReasonStore", "attach", "comment_feed", "drivers", "drivers_of",
    "early_adoption", "top_drivers", "from_mapping", "imported", "known_reasons", "from_toml", "nps_trend", "phase_mix", "phases", "ratio_interval",
    "recorded_reasons", "rollup", "stall_summary", "stalls", "start_accounts", "time_to_value", "who", "wilson",
]
