"""What each uploaded file is: its role (and billing format), detected from
its header by ``nrr_core.imports`` (the same detection as ``load --billing``),
and the accounts file's column mapping. No Streamlit here.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from nrr_core import InputError, imports
from nrr_core.load import (ACCOUNTS, CHURN_REASONS, CUSTOMERS, FX, INVOICE_LINES, MRR, OWNERS, SIGNALS, SUBSCRIPTIONS,
                           CsvSpec, _normalise, _read_header)


@dataclass(frozen=True)
class Role:
    name: str           # shown in the role picker
    keyword: str        # load_book's keyword argument
    many: bool = False  # the keyword takes a list of files
    spec: CsvSpec | None = None  # the loader's column rules, where this build has them


ROLES = (
    Role("accounts", "accounts", spec=ACCOUNTS),
    Role("mrr", "mrr", spec=MRR),
    Role("subscriptions", "subscriptions", spec=SUBSCRIPTIONS),
    Role("invoice lines", "invoice_lines", many=True, spec=INVOICE_LINES),
    Role("signals", "signals", spec=SIGNALS),
    Role("fx", "fx", spec=FX),
    Role("owners", "owners", spec=OWNERS),
    Role("churn reasons", "churn_reasons", spec=CHURN_REASONS),
    # ChartMogul's export is several files (plans, invoices, line items, customers) loaded together.
    Role("billing", "billing", many=True),
)
BY_NAME = {r.name: r for r in ROLES}
# nrr_core.imports' role names -> ours.
_DETECTED = {"accounts": "accounts", "mrr": "mrr", "subscriptions": "subscriptions", "invoice_lines": "invoice lines",
             "signals": "signals", "fx": "fx", "billing": "billing", "owners": "owners",
             "churn_reasons": "churn reasons"}


def header(head: bytes) -> list[str]:
    """The column names in a file's first bytes, as written (trimmed); [] if unreadable."""
    try:
        first = head[: 1 << 16].splitlines()[0].decode("utf-8-sig") if head.strip() else ""
    except UnicodeDecodeError:
        return []
    delim = ";" if ";" in first and "," not in first else ","
    return [c.strip() for c in next(csv.reader(io.StringIO(first), delimiter=delim), [])]


def normalised(columns: list[str]) -> list[str]:
    """Column names as the loader matches them (trimmed, lower case, _ for spaces)."""
    return [_normalise(c) for c in columns]


BILLING_FORMATS = tuple(imports.FORMATS)


def format_title(name: str | None) -> str:
    """A billing format's name for the format picker; None is "as detected"."""
    return "Format: as detected" if name is None else f"Format: {imports.FORMATS[name].title}"


def detected(name: str, head: bytes) -> tuple[str | None, str]:
    """(role, what was detected, in words) for an upload's first bytes: the
    role is None when the header fits no kind of file, or several, and the
    words then say why (the same message as the command line)."""
    try:
        found = imports.detect_upload(name, head)
    except InputError as exc:
        return None, exc.problem
    role = _DETECTED[found.role]
    if found.format is None:
        return role, role
    fmt = imports.FORMATS[found.format]
    several = len(fmt.parts) > 1  # name the part only where the format has several files
    return role, fmt.title + (f" ({found.part.replace('_', ' ')} file)" if several and found.part else "")


def header_problem(path: Path, role: str, light_accounts: bool = False) -> InputError | None:
    """The loader's verdict on the file's header for ``role`` (file, line, problem), or None."""
    spec = CUSTOMERS if role == "accounts" and light_accounts else BY_NAME[role].spec
    if spec is None:
        return None
    try:
        _read_header(Path(path), spec)
    except InputError as exc:
        return exc
    return None


ACCOUNT_FIELDS = ACCOUNTS.known  # our accounts columns, required first


def accounts_defaults(columns: list[str]) -> dict[str, str | None]:
    """For each of our accounts columns, the file's column (as written) that the
    loader would read as it (same name or an accepted alias), or None."""
    found: dict[str, str | None] = {}
    for col in ACCOUNT_FIELDS:
        found[col] = next((c for c in columns if CUSTOMERS.aliases.get(_normalise(c), _normalise(c)) == col), None)
    return found


def needs_mapping(mapping: dict[str, str]) -> bool:
    """True when a chosen column is not one the loader would read as ours by itself."""
    return any(CUSTOMERS.aliases.get(_normalise(theirs), _normalise(theirs)) != ours
               for theirs, ours in mapping.items())


def is_light_accounts(columns: list[str]) -> bool:
    """An accounts file without name or segment: the loader reads it as customers
    (with subscriptions; name defaults to the id, segment to "(none)")."""
    cols = {CUSTOMERS.aliases.get(c, c) for c in normalised(columns)}
    return not {"name", "segment"} <= cols
