"""What a vendor format is: its file kinds (parts), their columns, its converter.

Column names are written normalised (``header.normalise``). A required entry
may list alternatives (``("start_date_(utc)", "start_(utc)")``): the first one
present in the file is used, and the first one is the name the converter reads
it by. Columns a format does not know are ignored (exports grow columns).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from ...errors import InputError
from ..header import Header
from ..invoice_lines import Line
from ..values import Cells

Column = tuple[str, ...]  # alternatives, first = the name the converter uses


def col(*names: str) -> Column:
    return tuple(names)


@dataclass(frozen=True)
class Part:
    """One kind of file in a format (most formats have exactly one)."""

    name: str
    required: tuple[Column, ...]
    optional: tuple[Column, ...] = ()

    def present(self, columns: tuple[str, ...]) -> dict[str, str]:
        """Canonical name -> column found in the header, for required and optional columns present."""
        found = {}
        for alts in self.required + self.optional:
            for alt in alts:
                if alt in columns:
                    found[alts[0]] = alt
                    break
        return found

    def missing(self, columns: tuple[str, ...]) -> list[str]:
        return [" or ".join(alts) for alts in self.required if not any(a in columns for a in alts)]

    def cells(self, header: Header) -> Cells:
        """Cells reading this part's columns by their canonical names; InputError if a required one is missing."""
        missing = self.missing(header.columns)
        if missing:
            raise InputError(header.name, 1, f"missing required column(s): {', '.join(missing)}")
        position = header.index()
        index = {canon: position[actual] for canon, actual in self.present(header.columns).items()}
        titles = {canon: header.titles[i] for canon, i in index.items() if i < len(header.titles)}
        return Cells(header.name, index, titles)


@dataclass
class Result:
    """What a converter returns: lines, customers ({id: {"name": .., attr: ..}}), notes, and the as-of it used."""

    lines: list[Line] = field(default_factory=list)
    customers: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Format:
    """A vendor export format: ``convert(headers by part name, as_of)`` -> Result."""

    name: str
    title: str
    parts: tuple[Part, ...]
    convert: Callable[[dict[str, list[Header]], dt.date | None], Result]
    needs: tuple[str, ...] = ()  # parts that must be given (default: every part)

    @property
    def required_parts(self) -> tuple[str, ...]:
        return self.needs or tuple(p.name for p in self.parts)

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)


def remember_customer(customers: dict[str, dict[str, str]], cid: str, name: str = "", **attributes: str) -> None:
    """Record a customer's name and attributes; the first non-blank value of each wins."""
    entry = customers.get(cid)
    if entry is None:  # the common case, kept cheap for 100k-row exports
        customers[cid] = {"name": name, **attributes} if name or attributes else {}
        return
    for key, value in (("name", name), *attributes.items()):
        if value and not entry.get(key):
            entry[key] = value
