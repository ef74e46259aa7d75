"""Which kind of file is this? Decided from the header row alone.

Candidates are our own input kinds (their columns read from the loader's
``CsvSpec`` objects, aliases included) and every part of every vendor format
(``formats.FORMATS``). A candidate fits when all its required columns are in
the header. When several fit, one that recognises a strict subset of the
header columns another recognises (required or optional) is dropped: a header
with ``account_id, product, month, mrr`` also has the customers file's
``account_id``, but it is the mrr file. If
fits of different kinds remain, the header is ambiguous; if none fits, it is
unknown. Both raise ``InputError(file, 1, ...)`` naming the closest
candidates and what each is missing.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import load
from ..errors import InputError
from .formats import FORMATS
from .formats.base import Column, Format
from .header import Header, read_header
from ..load import FX, INVOICE_LINES

# Our own input kinds, as the loader defines them (accounts.csv and the lighter
# customers file are both role "accounts").
OWN_SPECS = (load.ACCOUNTS, load.CUSTOMERS, load.MRR, load.SUBSCRIPTIONS, load.SIGNALS, INVOICE_LINES, FX, load.OWNERS,
             load.CHURN_REASONS)

BILLING = "billing"


@dataclass(frozen=True)
class Detected:
    """A file's kind: ``role`` (accounts, mrr, subscriptions, invoice_lines, signals, fx or billing),
    the vendor ``format`` name for billing files (else None), the normalised ``columns``, and for a
    multi-file format the ``part`` (e.g. ChartMogul ``plans``)."""

    role: str
    format: str | None
    columns: tuple[str, ...]
    part: str | None = None


@dataclass(frozen=True)
class _Candidate:
    role: str
    format: str | None
    part: str | None
    required: tuple[Column, ...]
    optional: tuple[Column, ...] = ()

    @property
    def label(self) -> str:
        if self.format is None:
            return f"{self.role} file"
        title = FORMATS[self.format].title
        return f"{title} ({self.part} file)" if len(FORMATS[self.format].parts) > 1 else title


def _spec_candidate(spec: load.CsvSpec) -> _Candidate:
    def with_aliases(names):
        return tuple((c, *(a for a, target in spec.aliases.items() if target == c)) for c in names)
    return _Candidate(spec.role, None, None, with_aliases(spec.required), with_aliases(spec.optional))


def _candidates(only: Format | None = None) -> list[_Candidate]:
    formats = [only] if only else list(FORMATS.values())
    vendor = [_Candidate(BILLING, f.name, p.name, p.required, p.optional) for f in formats for p in f.parts]
    return vendor if only else [_spec_candidate(s) for s in OWN_SPECS] + vendor


def _used(cand: _Candidate, columns: set[str]) -> frozenset[str] | None:
    """The header columns the candidate recognises, or None if one of its required columns is missing."""
    if any(not any(a in columns for a in alts) for alts in cand.required):
        return None
    return frozenset(a for alts in cand.required + cand.optional for a in alts if a in columns)


def _missing(cand: _Candidate, columns: set[str]) -> list[str]:
    return [" or ".join(alts) for alts in cand.required if not any(a in columns for a in alts)]


def detect_header(header: Header, only: Format | None = None) -> Detected:
    """Detect the kind of an already-read header (``only``: consider this vendor format's parts only)."""
    columns = set(header.columns)
    fits = [(c, u) for c in _candidates(only) if (u := _used(c, columns)) is not None]
    fits = [(c, u) for c, u in fits if not any(u < other for _, other in fits)]
    kinds = {(c.role, c.format, c.part): c for c, _ in fits}
    if len(kinds) == 1:
        c = next(iter(kinds.values()))
        return Detected(c.role, c.format, header.columns, c.part)
    if len(kinds) > 1:
        names = " and ".join(c.label for c in kinds.values())
        hint = "" if only else "; name the format to use (format=...)"
        raise InputError(header.name, 1, f"the header fits more than one kind of file: {names}{hint}")
    ranked = sorted(_candidates(only), key=lambda c: (-(len(c.required) - len(_missing(c, columns)))
                                                      / len(c.required), len(_missing(c, columns))))
    closest = "; ".join(f"{c.label} (missing {', '.join(_missing(c, columns))})" for c in ranked[:3])
    shown = ", ".join(repr(col[:40]) for col in header.columns[:6])
    more = ", ..." if len(header.columns) > 6 else ""
    raise InputError(header.name, 1, f"not a file we know (header {shown}{more}); "
                                     f"closest: {closest}")


def detect(path) -> Detected:
    """The kind of the CSV file at ``path``, from its header row; ``InputError`` if unknown, ambiguous or not CSV."""
    return detect_header(read_header(path))
