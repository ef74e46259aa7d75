"""The journey's rules and thresholds: the one home of their defaults.

A deployment changes them in ``nrr.toml`` under ``[journey]`` (see
``nrr.toml.example``); the app (ui/settings.py) and the command line
(``--config``) both read that section through ``from_toml``, so the page and
``python -m nrr_core report journey|drivers`` apply the same rules.

Phases, for each account and month it has revenue (MRR > 0), checked in this order:

1. **onboarding**: no month since the account's first revenue (this one
   included) had active users ≥ ``value_share`` of licensed seats. Accounts
   already active in the data's first month are past onboarding (they were
   customers before the data starts). An account without usage signals never
   reaches value, so it stays in onboarding: load signals to phase it.
2. **advocacy**: past onboarding, and in this or the ``advocacy_months`` - 1
   months before, the latest NPS answer was ≥ ``promoter_score`` or the
   account expanded or cross-sold.
3. **value realisation**: past onboarding, not advocacy, and utilisation ≥
   ``value_share`` in each of this and the ``SUSTAIN_MONTHS`` - 1 months
   before (all recorded).
4. **adoption**: past onboarding, otherwise (value reached once, not held).

**Time to value** = months from the first revenue month to the first month
at ``value_share`` (0 when reached in the first month). **Stalled**: an
account whose months in its current phase (the run of months in a row up to
the as-of month) exceed ``stall_months`` for that phase.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import NrrError

# Load-time rule (the tables are built with it): utilisation held this many months in a row
# is "value realisation". Not in nrr.toml: changing it needs a reload.
SUSTAIN_MONTHS = 3

PHASES = ("onboarding", "adoption", "value_realisation", "advocacy")
PHASE_LABELS = {"onboarding": "Onboarding", "adoption": "Adoption", "value_realisation": "Value realisation",
                "advocacy": "Advocacy"}


@dataclass(frozen=True)
class JourneyRules:
    """Thresholds of the journey, early adoption and drivers (fractions are 0..1)."""

    # Active users / licensed seats at which an account has reached value.
    value_share: float = 0.60
    # Advocacy: a promoter answer (NPS score ≥ this) or an expansion within the last advocacy_months.
    promoter_score: int = 9
    advocacy_months: int = 6
    # Months in a row in one phase after which an account is stalled there.
    stall_onboarding: int = 3
    stall_adoption: int = 6
    stall_value_realisation: int = 18
    # Early adoption: seats in use this many months after first revenue (2 = 60 days, 3 = 90 days) ...
    early_months: int = 3
    # ... at or above this share counts as "adopted early".
    early_share: float = 0.60
    # Starting ARR bands (upper edges; the last band is open).
    size_edges: tuple[float, ...] = (12_000.0, 60_000.0, 120_000.0, 300_000.0)
    # Time-to-value bands (upper edges in months; beyond the last, or never, is the last band).
    ttv_edges: tuple[int, ...] = (0, 2, 5)
    # Drivers: groups smaller than this are left out of the ranking (still listed).
    min_group: int = 20

    def __post_init__(self):
        object.__setattr__(self, "size_edges", tuple(float(v) for v in self.size_edges))
        object.__setattr__(self, "ttv_edges", tuple(int(v) for v in self.ttv_edges))
        problems = []
        for name in ("value_share", "early_share"):
            if not 0 < getattr(self, name) <= 1.5:
                problems.append(f"{name} must be a share between 0 and 1.5")
        if not 0 <= self.promoter_score <= 10:
            problems.append("promoter_score must be 0 to 10")
        for name in ("advocacy_months", "stall_onboarding", "stall_adoption", "stall_value_realisation",
                     "early_months", "min_group"):
            if int(getattr(self, name)) < 1:
                problems.append(f"{name} must be 1 or more")
        if self.early_months > 12:
            problems.append("early_months must be 12 or fewer")
        for name in ("size_edges", "ttv_edges"):
            edges = getattr(self, name)
            if not edges or list(edges) != sorted(set(edges)):
                problems.append(f"{name} must be increasing numbers")
        if problems:
            raise NrrError("[journey] in the settings: " + "; ".join(problems))

    def stall_limits(self) -> dict[str, int]:
        return {"onboarding": self.stall_onboarding, "adoption": self.stall_adoption,
                "value_realisation": self.stall_value_realisation}

    def params(self) -> dict:
        """The bound parameters of the insight queries."""
        return {"value_share": float(self.value_share), "promoter_score": int(self.promoter_score),
                "advocacy_months": int(self.advocacy_months), "early_months": int(self.early_months),
                "early_share": float(self.early_share), "size_edges": [float(v) for v in self.size_edges],
                "ttv_edges": [int(v) for v in self.ttv_edges],
                "stall_onboarding": int(self.stall_onboarding), "stall_adoption": int(self.stall_adoption),
                "stall_value_realisation": int(self.stall_value_realisation),
                "history_months": max(self.stall_limits().values()) + 1}

    def described(self) -> list[tuple[str, str]]:
        """(rule, value) in words, for the page and the methodology."""
        pct = lambda v: f"{v * 100:.0f} %"  # noqa: E731
        return [
            ("Value reached", f"active users ≥ {pct(self.value_share)} of licensed seats in a month"),
            ("Onboarding", "from first revenue until the first month at that share (accounts active in the "
                           "data's first month start past it)"),
            ("Adoption", "value reached once but not held"),
            ("Value realisation", f"at that share {SUSTAIN_MONTHS} months in a row"),
            ("Advocacy", f"latest NPS ≥ {self.promoter_score}, or an expansion or cross-sell, within the last "
                         f"{self.advocacy_months} months"),
            ("Stalled", f"onboarding over {self.stall_onboarding} months, adoption over {self.stall_adoption}, "
                        f"value realisation over {self.stall_value_realisation} without advocacy"),
            ("Early adoption", f"seats in use {self.early_months} months after first revenue "
                               f"(about {self.early_months * 30} days) ≥ {pct(self.early_share)}"),
            ("Starting ARR bands", ", ".join(size_band_labels(self.size_edges))),
            ("Time-to-value bands", ", ".join(ttv_band_labels(self.ttv_edges))),
            ("Smallest group ranked", f"{self.min_group} accounts"),
        ]


DEFAULT_RULES = JourneyRules()


def from_mapping(values: dict) -> JourneyRules:
    """Rules from a ``[journey]`` table: unknown keys are an error (a typo would silently do nothing)."""
    known = {f.name for f in fields(JourneyRules)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise NrrError(f"[journey] in the settings: unknown key(s) {', '.join(unknown)}; "
                       f"known: {', '.join(sorted(known))}")
    try:
        return replace(DEFAULT_RULES, **values)
    except (TypeError, ValueError) as exc:
        raise NrrError(f"[journey] in the settings: {exc}") from None


def from_toml(path: str | Path | None) -> JourneyRules:
    """The ``[journey]`` rules of a settings file (the defaults if it or the section is missing)."""
    if path is None or not Path(path).is_file():
        return DEFAULT_RULES
    try:
        with Path(path).open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise NrrError(f"{path}: cannot read the settings ({exc})") from None
    return from_mapping(raw.get("journey", {}))


def _money(v: float) -> str:
    return f"${v / 1000:,.0f}k" if v < 1_000_000 else f"${v / 1_000_000:,.1f}M"


def size_band_labels(edges) -> list[str]:
    """``['under $12k', '$12k–$60k', …, '$300k+']`` (starting ARR)."""
    out = [f"under {_money(edges[0])}"]
    out += [f"{_money(a)}–{_money(b)}" for a, b in zip(edges, edges[1:])]
    return out + [f"{_money(edges[-1])}+"]


def ttv_band_labels(edges) -> list[str]:
    """``['0 months', '1–2 months', '3–5 months', 'over 5 months or not yet']``."""
    out, lo = [], 0
    for e in edges:
        out.append(f"{e} months" if lo == e else f"{lo}–{e} months")
        lo = e + 1
    return out + [f"over {edges[-1]} months or not yet"]
