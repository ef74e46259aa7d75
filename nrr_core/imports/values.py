"""Reading one vendor file record by record, and parsing its cells.

Every parser takes the file name, the physical line and the column it reads,
so a bad cell raises one ``InputError`` saying where and what. Cell text is
untrusted: messages quote at most 40 characters of it.

Accepted forms (documented per format in ``README.md``):
- dates: ``YYYY-MM-DD``, optionally followed by a time (``2024-03-05 10:22``,
  ``2024-03-05T10:22:00Z``); the date part is used as written (vendors export
  UTC), the time of day is dropped; Unix seconds (``1709633000``) are read as UTC;
- amounts: plain decimal numbers with ``.`` (``-12.50``); no thousands
  separators, currency symbols, ``nan`` or ``inf``; in cents when the format
  says so (then whole numbers only);
- currencies: three letters, any case, written upper-case;
- intervals: day, week, month, year (plural and ``-ly`` forms too) times a
  whole count ≥ 1.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterator

from ..errors import InputError
from .header import Header

_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^-?\d+(\.0*)?$")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
# 'YYYY-MM-DD' -> date, filled as dates are parsed (a few thousand distinct days at most).
_DAYS: dict[str, dt.date] = {}

# Interval spellings seen in exports -> our unit. Quarterly is 3 months and
# semi-annual 6, so they carry a count multiplier.
INTERVAL_UNITS: dict[str, tuple[str, int]] = {
    "day": ("day", 1), "days": ("day", 1), "daily": ("day", 1),
    "week": ("week", 1), "weeks": ("week", 1), "weekly": ("week", 1),
    "month": ("month", 1), "months": ("month", 1), "monthly": ("month", 1),
    "quarter": ("month", 3), "quarterly": ("month", 3),
    "year": ("year", 1), "years": ("year", 1), "yearly": ("year", 1), "annual": ("year", 1),
    "annually": ("year", 1),
}

# Monthly share of one interval unit: a week is 52/12 per month, a day 365/12
# (the fivetran/dbt_stripe precedent, imports-and-edge-cases.md section 2).
MONTHS_PER_UNIT = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}


def _quote(text: str) -> str:
    return repr(text[:40])


def records(header: Header) -> Iterator[tuple[int, list[str]]]:
    """Yield (physical line where the record starts, fields) for every data record.

    Blank lines are skipped. A record with a field that never closes its quote,
    or other broken quoting, raises ``InputError`` at the line where it starts.
    """
    with header.path.open(encoding="utf-8-sig", newline="") as fh:
        # strict: a quote that never closes is an error, not the rest of the file in one field.
        reader = csv.reader(fh, delimiter=header.delimiter, strict=True)
        try:
            next(reader, None)
            start = reader.line_num + 1
            for row in reader:
                if row:
                    yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise InputError(header.name, start, 'a quoted field is never closed (unbalanced ")') from None
            raise InputError(header.name, start, f"cannot be read as CSV ({str(exc)[:80]})") from None
        except UnicodeDecodeError:
            raise InputError(header.name, start, "is not UTF-8 text (save the file as UTF-8 CSV)") from None


@dataclass
class Cells:
    """Named access to one record's fields: ``cells.get("status")`` -> stripped text ('' if absent).

    ``titles`` maps a column's name to its title as the file writes it, so
    messages say ``Start Date (UTC)`` rather than ``start_date_(utc)``.
    """

    file: str
    index: dict[str, int]
    titles: dict[str, str] = field(default_factory=dict)
    line: int = 0
    row: list[str] | None = None
    # Parsed values by (kind, text): exports repeat the same amounts, counts and
    # currencies on most rows, so each distinct text is checked once.
    _seen: dict[tuple, object] = field(default_factory=dict, repr=False)

    def title(self, column: str) -> str:
        return self.titles.get(column) or column

    def at(self, line: int, row: list[str]) -> "Cells":
        self.line, self.row = line, row
        return self

    def has(self, column: str) -> bool:
        return column in self.index

    def get(self, column: str) -> str:
        i = self.index.get(column)
        if i is None:
            return ""
        try:
            return self.row[i].strip()
        except IndexError:  # a short record: the missing trailing fields are blank
            return ""

    def fail(self, problem: str) -> InputError:
        return InputError(self.file, self.line, problem)

    def required(self, column: str) -> str:
        text = self.get(column)
        if not text:
            raise self.fail(f"{self.title(column)} is blank")
        return text

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        text = self.get(column)
        if not text:
            if required:
                raise self.fail(f"{self.title(column)} is blank (expected a date like 2024-03-31)")
            return None
        # Exports repeat the same days many times over: parse each once.
        day = _DAYS.get(text[:10]) if len(text) == 10 or (len(text) > 10 and text[10] in " T") else None
        if day is not None:
            return day
        try:
            if text.isdigit() and len(text) >= 9:
                # Unix seconds, as the vendors' APIs and warehouse syncs write them.
                return dt.datetime.fromtimestamp(int(text), dt.timezone.utc).date()
            if len(text) > 10 and text[10] not in " T":
                raise ValueError
            day = _DAYS[text[:10]] = dt.date.fromisoformat(text[:10])
            return day
        except ValueError:
            raise self.fail(f"{self.title(column)} {_quote(text)} is not a date like 2024-03-31") from None

    def number(self, column: str, *, default: float | None = None, cents: bool = False,
               negative: bool = True) -> float:
        text = self.get(column)
        if not text:
            if default is None:
                raise self.fail(f"{self.title(column)} is blank (expected a number)")
            return default
        value = self._seen.get(("n", text, cents))
        if value is not None and (negative or value >= 0):
            return value
        if not _NUMBER.match(text):
            raise self.fail(f"{self.title(column)} {_quote(text)} is not a number (use digits and '.', no symbols)")
        if cents and not _INTEGER.match(text):
            raise self.fail(f"{self.title(column)} {_quote(text)} is not a whole number of cents")
        value = float(text)
        if value < 0 and not negative:
            raise self.fail(f"{self.title(column)} {_quote(text)} is negative (a price is 0 or more)")
        value = self._seen[("n", text, cents)] = value / 100 if cents else value
        return value

    def count(self, column: str, *, default: int = 1) -> int:
        """A whole number ≥ 1 (quantity, interval count); blank = ``default``."""
        text = self.get(column)
        if not text:
            return default
        value = self._seen.get(("c", text))
        if value is None:
            if not _INTEGER.match(text) or int(float(text)) < 1:
                raise self.fail(f"{self.title(column)} {_quote(text)} is not a whole number of at least 1")
            value = self._seen[("c", text)] = int(float(text))
        return value

    def currency(self, column: str) -> str:
        text = self.get(column)
        code = self._seen.get(("$", text))
        if code is not None:
            return code
        if not text:
            raise self.fail(f"{self.title(column)} is blank (every amount needs its currency, e.g. USD)")
        if not _CURRENCY.match(text):
            raise self.fail(f"{self.title(column)} {_quote(text)} is not a three-letter currency code like USD")
        code = self._seen[("$", text)] = text.upper()
        return code

    def interval(self, column: str, count: int = 1) -> tuple[str, int]:
        """(unit, count) from an interval cell such as ``month`` or ``quarterly``."""
        text = self.get(column)
        unit = INTERVAL_UNITS.get(text.lower())
        if unit is None:
            raise self.fail(f"{self.title(column)} {_quote(text)} is not an interval (day, week, month or year)")
        return unit[0], unit[1] * count

    def flag(self, column: str) -> bool:
        """true/false cells; blank is false."""
        text = self.get(column).lower()
        if text in ("", "false", "f", "0", "no", "n"):
            return False
        if text in ("true", "t", "1", "yes", "y"):
            return True
        raise self.fail(f"{self.title(column)} {_quote(text)} is not true or false")
