"""What each uploaded file is: its role, guessed from its header.

One small function in one place (``guess_role``), from the loader's own column
lists (``nrr_core.load``'s ``CsvSpec``s); to be replaced by
``nrr_core.imports.detect`` once the vendor converters land. No Streamlit here.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from nrr_core import InputError
from nrr_core.load import ACCOUNTS, CUSTOMERS, MRR, SIGNALS, SUBSCRIPTIONS, CsvSpec, _normalise, _read_header


@dataclass(frozen=True)
class Role:
    name: str           # shown in the role picker
    keyword: str        # load_book's keyword argument
    many: bool = False  # the keyword takes a list of files
    spec: CsvSpec | None = None  # the loader's column rules, where this build has them


# The columns of the inputs whose loaders land on other branches (docs/data-contract.md).
INVOICE_REQUIRED = ("customer_id", "service_period_start", "service_period_end", "amount")
FX_REQUIRED = ("currency", "rate")

ROLES = (
    Role("accounts", "accounts", spec=ACCOUNTS),
    Role("mrr", "mrr", spec=MRR),
    Role("subscriptions", "subscriptions", spec=SUBSCRIPTIONS),
    Role("invoice lines", "invoice_lines", many=True),
    Role("signals", "signals", spec=SIGNALS),
    Role("fx", "fx"),
    Role("billing", "billing"),
)
BY_NAME = {r.name: r for r in ROLES}


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


def _has(columns: list[str], spec: CsvSpec) -> bool:
    named = {spec.aliases.get(c, c) for c in columns}
    return all(c in named for c in spec.required)


def guess_role(columns: list[str]) -> str | None:
    """The role whose required columns the header has, most specific first; None if no role fits."""
    columns = normalised(columns)
    cols = set(columns)
    if _has(columns, MRR):
        return "mrr"
    if _has(columns, SUBSCRIPTIONS):
        return "subscriptions"
    if set(INVOICE_REQUIRED) <= cols | ({"customer_id"} if "account_id" in cols else set()):
        return "invoice lines"
    if _has(columns, SIGNALS) and cols & set(SIGNALS.optional):
        return "signals"
    if set(FX_REQUIRED) <= cols:
        return "fx"
    if _has(columns, CUSTOMERS):
        return "accounts"
    return None


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
