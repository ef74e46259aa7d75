"""The one filter object every metric takes.

A ``Filters`` value selects accounts by their current attributes: OR within one
attribute (several segments), AND across attributes (segment and region). It
produces the bound SQL parameters every query file expects (``to_params``) and
a caption in words (``describe``). It is frozen and hashable so the app can use
it as a cache key.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The account attributes a filter (and a breakdown or cohort grouping) may name.
# This tuple is the whitelist: nothing else is ever used as an attribute name.
ATTRIBUTES = ("segment", "region", "industry", "csm_owner")

ATTRIBUTE_LABELS = {
    "segment": "Segment",
    "region": "Region",
    "industry": "Industry",
    "csm_owner": "CSM owner",
}

# Stored in place of a blank optional attribute, so a blank is filterable too.
NOT_SET = "(none)"


def _clean(values) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    # Sorted and de-duplicated so equal selections hash equal.
    return tuple(sorted({str(v) for v in values}))


@dataclass(frozen=True)
class Filters:
    """Selected accounts. Empty tuples mean "no restriction".

    ``extra`` filters on the extra account attributes kept from unknown
    columns of accounts.csv: a tuple of ``(attribute name, values)`` pairs.
    """

    segment: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    csm_owner: tuple[str, ...] = ()
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def __post_init__(self):
        for name in ATTRIBUTES:
            object.__setattr__(self, name, _clean(getattr(self, name)))
        extra = tuple(sorted((str(k), _clean(v)) for k, v in dict(self.extra).items() if _clean(v)))
        object.__setattr__(self, "extra", extra)

    @classmethod
    def of(cls, **selected) -> "Filters":
        """``Filters.of(segment="SMB", region=["NA", "EMEA"])``."""
        unknown = set(selected) - set(ATTRIBUTES) - {"extra"}
        if unknown:
            raise ValueError(f"unknown filter attribute(s): {', '.join(sorted(unknown))}")
        return cls(**selected)

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in ATTRIBUTES) and not self.extra

    def to_params(self) -> dict:
        """Bound parameters for the ``selected_accounts`` table macro."""
        pairs = [f"{name}\x1f{value}" for name, values in self.extra for value in values]
        return {
            "segment": list(self.segment),
            "region": list(self.region),
            "industry": list(self.industry),
            "csm_owner": list(self.csm_owner),
            "extra_pairs": pairs,
            "extra_count": len(self.extra),
        }

    def describe(self) -> str:
        """Caption in words: ``'Enterprise · EMEA'``, or ``'All accounts'``."""
        parts = []
        for name in ATTRIBUTES:
            values = getattr(self, name)
            if values:
                text = " or ".join(values)
                parts.append(f"CSM {text}" if name == "csm_owner" else text)
        for name, values in self.extra:
            parts.append(f"{name}: {' or '.join(values)}")
        return " · ".join(parts) if parts else "All accounts"
