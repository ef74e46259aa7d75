"""The one filter object every metric takes.

A ``Filters`` value selects accounts by their current attributes: OR within one
attribute (several segments), AND across attributes (segment and region). It
produces the bound SQL parameters every query file expects (``to_params``) and
a caption in words (``describe``) and the command-line flags that select the
same accounts (``to_cli_args``; the command line reads its filter options from
the same ``CLI_FLAGS``). It is frozen and hashable so the app can use it as a
cache key.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NrrError

# The account attributes a filter (and a breakdown or cohort grouping) may name.
# This tuple is the whitelist: nothing else is ever used as an attribute name.
ATTRIBUTES = ("segment", "region", "industry", "csm_owner")

ATTRIBUTE_LABELS = {
    "segment": "Segment",
    "region": "Region",
    "industry": "Industry",
    "csm_owner": "CSM owner",
}

# The command-line flag of each attribute (repeatable: ``--segment SMB --segment
# Enterprise``); an extra attribute is ``--attr NAME=VALUE``. The CLI builds its
# filter options from this mapping and ``to_cli_args`` writes them, so the two
# cannot drift apart.
CLI_FLAGS = {"segment": "--segment", "region": "--region", "industry": "--industry", "csm_owner": "--csm-owner"}
EXTRA_FLAG = "--attr"

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

    def to_cli_args(self) -> list[str]:
        """The command-line options selecting the same accounts, one list item
        per shell word: ``['--segment', 'SMB', '--csm-owner', "O'Brien",
        '--attr', 'tier=gold']`` (attributes in ``ATTRIBUTES`` order, then the
        extra ones). Values are verbatim (quote them with ``shlex.join``); a
        value starting with ``-`` is joined to its flag (``--segment=-x``) so
        the parser cannot take it for an option. ``from_cli`` reads them back;
        an extra attribute's name must not contain ``=``."""
        out: list[str] = []

        def add(flag: str, value: str) -> None:
            out.extend([f"{flag}={value}"] if value.startswith("-") else [flag, value])

        for name, flag in CLI_FLAGS.items():
            for value in getattr(self, name):
                add(flag, value)
        for name, values in self.extra:
            for value in values:
                add(EXTRA_FLAG, f"{name}={value}")
        return out

    @classmethod
    def from_cli(cls, selected: dict, extra: list[str]) -> "Filters":
        """The filter of parsed command-line options: ``selected`` maps each
        attribute of ``CLI_FLAGS`` to its values, ``extra`` holds the
        ``NAME=VALUE`` items of ``--attr`` (split at the first ``=``; the name
        is stripped of surrounding spaces). Raises NrrError for an item without
        ``=`` or with an empty name."""
        pairs: dict[str, list[str]] = {}
        for item in extra:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise NrrError(f"{EXTRA_FLAG} {item!r} is not NAME=VALUE")
            pairs.setdefault(name.strip(), []).append(value)
        return cls(**{name: selected.get(name, ()) for name in CLI_FLAGS},
                   extra=tuple((k, tuple(v)) for k, v in pairs.items()))
