"""The loader: input CSV files -> a new book database, replaced atomically.

Flow: read each file's header in Python (encoding, delimiter, column names),
stage the file as text in DuckDB, validate it in SQL (first bad record wins),
type it, then build the derived tables (``sql/load/build_book.sql``, then ``sql/load/review_tables.sql`` and ``sql/load/journey_tables.sql``), self-check the
bridge identity, CHECKPOINT, close and ``os.replace`` the new file over the old
one. Any failure removes the new file and leaves the old database untouched.

Revenue comes from exactly one of mrr.csv, subscription periods or invoice
lines (one or more files, summed; ``sql/load/*invoice*.sql``). An accounts
file's headers can be renamed by a mapping (``read_mapping``, ``check_mapping``,
``header_columns`` and ``mapping_problems`` serve the app's Data page too).

Problems raise ``InputError`` naming the file, the line and the problem.
Line numbers are physical lines of the file (the header is line 1).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import time
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from . import db
from .errors import InputError, NrrError
from .insight.reasons import REASON_KEYS
from .insight.rules import DEFAULT_RULES, SUSTAIN_MONTHS
from .review.factors import HORIZON
from .months import label, parse_month


# The queries each input file goes through, named literally so a search finds every caller:
# typed files are staged with explicit types and screened with one count; every file has a
# validation query that finds its first bad record (run only when something is wrong).
TYPED_SQL = {"mrr": ("load/stage_mrr", "load/screen_mrr"), "signals": ("load/stage_signals", "load/screen_signals"),
             "invoice_lines": ("load/stage_invoice_lines", "load/screen_invoice_lines")}
VALIDATE_SQL = {"accounts": "load/validate_accounts", "mrr": "load/validate_mrr", "signals": "load/validate_signals",
                "subscriptions": "load/validate_subscriptions", "invoice_lines": "load/validate_invoice_lines",
                "fx": "load/validate_fx", "owners": "load/validate_owners",
                "targets": "steering/validate_targets",
                "churn_reasons": "load/validate_churn_reasons"}


@dataclass(frozen=True)
class CsvSpec:
    """What one kind of input file must and may contain.

    Column names are matched after trimming, lower-casing and turning spaces
    into underscores; ``aliases`` maps other accepted names to ours;
    ``labels`` names a column in messages where the file's usual name differs
    from ours (invoice lines say customer_id, we say account_id).
    """

    role: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    keep_extra: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + self.optional


ACCOUNT_COLUMNS = ("region", "industry", "csm_owner", "renewal_date", "executive_sponsor")

ACCOUNTS = CsvSpec("accounts", ("account_id", "name", "segment"), ACCOUNT_COLUMNS, keep_extra=True)
# A lighter accounts file for subscription imports (the fixture's customers.csv):
# only the id is required; name defaults to the id, segment to "(none)".
CUSTOMERS = CsvSpec("accounts", ("account_id",), ("name", "segment") + ACCOUNT_COLUMNS,
                    aliases={"customer_id": "account_id"}, keep_extra=True)
MRR = CsvSpec("mrr", ("account_id", "product", "month", "mrr"))
SUBSCRIPTIONS = CsvSpec(
    "subscriptions", ("account_id", "start_date", "monthly_amount"), ("end_date", "product", "subscription_id"),
    aliases={"customer_id": "account_id", "mrr": "monthly_amount"})
SIGNALS = CsvSpec("signals", ("account_id", "month"),
                  ("seats_licensed", "active_users", "support_tickets", "nps", "nps_comment"))
# Billed lines (data-contract.md "invoice-lines.csv"); other columns an export
# carries (invoice_id, tax_amount, ...) are read and ignored.
INVOICE_LINES = CsvSpec(
    "invoice_lines", ("account_id", "service_period_start", "service_period_end", "amount"),
    ("product", "type", "currency", "prorated"),
    aliases={"customer_id": "account_id"}, labels={"account_id": "customer_id (or account_id)"})
# Constant exchange rates: units of the reporting currency per unit of `currency`.
FX = CsvSpec("fx", ("currency", "rate"))
# The line types of invoice lines (bound as $line_types); only `subscription` lines add MRR.
LINE_TYPES = ("subscription", "one_time", "usage", "tax", "refund", "credit")
# Optional CSM owner history: who owned an account from which month (steering scorecards freeze books with it).
OWNERS = CsvSpec("owners", ("account_id", "csm_owner", "from_month"))
# Past churn and contraction reasons (nrr_core/insight/reasons.py holds the taxonomy).
CHURN_REASONS = CsvSpec("churn_reasons", ("account_id", "month", "reason"), ("notes",))

DEFAULT_PRODUCT = "Subscription"

# DuckDB's settings for a load. Without a ceiling DuckDB may take 80 % of the
# machine's memory, and a 100,000-account book peaked at 1.5 GB: with one, its
# sorts, joins and windows spill to a folder beside the new file instead
# (``temp_directory``, removed after the load). The ceiling is
# ``load_memory_limit``'s. The staging keeps the files' order (records are
# numbered in it); the build, whose tables that need an order have an ORDER BY,
# does not (``_build`` turns it off), which saves memory.
LOAD_SETTINGS = {"preserve_insertion_order": True}
# The least ceiling, and the ceiling per byte of input: the windows over every account-month
# (account_health) and the join of each with the one a year later cannot spill all of
# themselves, so a fixed 600 MB that holds 100,000 accounts (200 MB of files) fails at a
# million (2 GB of files), and so does twice the input (4 GB).
LOAD_MEMORY_FLOOR = 600 * 2**20
LOAD_MEMORY_PER_INPUT_BYTE = 3


def machine_memory() -> int:
    """This machine's physical memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def load_memory_limit(input_bytes: int) -> str:
    """DuckDB's memory ceiling for a load of ``input_bytes`` of files: NRR_LOAD_MEMORY when
    set (e.g. ``8GB``); else three times the input's size, at least 600 MB and at most
    half the machine's memory."""
    chosen = os.environ.get("NRR_LOAD_MEMORY", "").strip()
    if chosen:
        if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B)", chosen, re.IGNORECASE):
            raise NrrError(f"NRR_LOAD_MEMORY={chosen!r} is not an amount of memory like 8GB or 600MB")
        return chosen
    wanted = max(LOAD_MEMORY_FLOOR, LOAD_MEMORY_PER_INPUT_BYTE * input_bytes)
    return f"{min(wanted, machine_memory() // 2) // 2**20}MB"


def _input_bytes(*inputs) -> int:
    """The size of the input files and folders (a Parquet book) named, None and lists allowed."""
    total = 0
    for item in inputs:
        for path in (item if isinstance(item, (list, tuple)) else [item]):
            if path is None:
                continue
            path = Path(path)
            if path.is_dir():
                total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            elif path.is_file():
                total += path.stat().st_size
    return total


@dataclass
class LoadSummary:
    """What a load wrote. ``accounts_added_from_revenue`` counts the accounts
    made from the revenue input because the accounts file (if any) had no row
    for them (name = id, segment ``(none)``)."""

    path: Path
    accounts: int
    products: int
    mrr_rows: int
    first_month: str
    as_of_month: str
    seconds: float
    accounts_added_from_revenue: int = 0
    # What a billing export's conversion left out or assumed, in words.
    notes: tuple[str, ...] = ()


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


def _header_cells(path: Path) -> tuple[str, list[str]]:
    """Return (delimiter, the header's cells as written) or raise InputError.

    Refuses a missing, empty, binary or non-UTF-8 file. Reads the first 64 KB only.
    """
    name = path.name
    if not path.exists():
        raise InputError(str(path), None, "file not found")
    if not path.is_file():
        raise InputError(str(path), None, "is not a file")
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise InputError(name, None, "the file is empty (expected a header row and data rows)")
    # A spreadsheet or archive is the usual wrong file: say so before any
    # encoding or header complaint. Text never holds NUL bytes.
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(name, None, "is a spreadsheet or zip archive, not a CSV file (save it as CSV UTF-8)")
    if b"\x00" in head:
        raise InputError(name, None, "is a binary file, not CSV text")
    first_line = head.splitlines()[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, 1, "is not UTF-8 text (save the file as UTF-8 CSV)") from None
    # Semicolon-separated exports (European spreadsheet locales) are accepted
    # when the header has semicolons and no commas.
    delim = ";" if ";" in text and "," not in text else ","
    return delim, next(csv.reader(io.StringIO(text), delimiter=delim))


def header_columns(path) -> list[str]:
    """The header of a CSV file as written (each cell trimmed), in file order.

    For the app's mapping editor: these are the names a mapping's values pick
    from. Raises InputError for a missing, empty, binary or non-UTF-8 file.
    """
    return [cell.strip() for cell in _header_cells(Path(path))[1]]


def _canonical_columns(header: list[str], spec: CsvSpec, mapping: dict[str, str] | None
                       ) -> tuple[list[str], list[str]]:
    """Our name for each header cell (file order), and the mapping's problems.

    A cell named by ``mapping`` (our column -> their header, matched
    case-insensitively after trimming) takes our name; any other cell is
    normalised and looked up in ``spec.aliases``. A problem is a mapped header
    the file does not have.
    """
    theirs = {h.strip().casefold(): ours for ours, h in (mapping or {}).items()}
    columns = []
    for raw in header:
        key = raw.strip().casefold()
        col = theirs[key] if key in theirs else _normalise(raw)
        columns.append(spec.aliases.get(col, col))
    present = {cell.strip().casefold() for cell in header}
    problems = [f"the mapping gives {ours} as column {h!r}, which is not in the header"
                for ours, h in (mapping or {}).items() if h.strip().casefold() not in present]
    return columns, problems


def _read_header(path: Path, spec: CsvSpec, mapping: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Return (delimiter, canonical column names in file order) or raise."""
    name = path.name
    delim, header = _header_cells(path)
    columns, problems = _canonical_columns(header, spec, mapping)
    if problems:
        raise InputError(name, 1, problems[0])
    seen = set()
    for col in columns:
        if col and col in seen:
            raise InputError(name, 1, f"column {col!r} appears twice in the header")
        seen.add(col)
    found = [c for c in spec.known if c in columns]
    missing = [spec.labels.get(c, c) for c in spec.required if c not in columns]
    if not found:
        shown = ", ".join(repr(c[:40]) for c in header[:8])
        raise InputError(name, 1, f"none of the expected columns "
                                  f"({', '.join(spec.labels.get(c, c) for c in spec.required)}) is in the header "
                                  f"(found {shown}): is this the right file?")
    if missing:
        raise InputError(name, 1, f"missing required column(s): {', '.join(missing)}")
    return delim, columns


# --------------------------------------------------------------------------- account mappings

# How a mapping looks, for messages (one line).
MAPPING_EXAMPLE = 'a line [accounts], then lines like  account_id = "Company ID"'


def check_mapping(mapping, source: str = "accounts mapping") -> dict[str, str]:
    """Check a mapping's shape and return it with its headers trimmed.

    ``mapping`` maps our account columns (``ACCOUNTS.known``: account_id,
    name, segment, region, industry, csm_owner, renewal_date,
    executive_sponsor) to the header of the user's accounts file (a CRM
    export), e.g. ``{"account_id": "Company ID", "segment": "Tier"}``. Columns
    it does not map keep their own names (unknown ones stay extra attributes).
    Raises ``InputError(source, None, ...)`` for a key that is not ours, a
    header that is not non-blank text, or one header given for two columns.
    Whether the headers exist in a file is ``mapping_problems``' question.
    """
    if not isinstance(mapping, dict):
        raise InputError(source, None, f"the mapping must be a table of our column = \"their header\" "
                                       f"({MAPPING_EXAMPLE})")
    clean: dict[str, str] = {}
    used: dict[str, str] = {}
    for ours, theirs in mapping.items():
        if ours not in ACCOUNTS.known:
            raise InputError(source, None, f"{str(ours)[:40]!r} is not an account column we know "
                                           f"({', '.join(ACCOUNTS.known)})")
        if not isinstance(theirs, str) or not theirs.strip():
            raise InputError(source, None, f"{ours} must name a column of the accounts file as text, "
                                           f"e.g. {ours} = \"Company ID\"")
        key = theirs.strip().casefold()
        if key in used:
            raise InputError(source, None, f"{used[key]} and {ours} both name the column {theirs.strip()!r}")
        used[key] = ours
        clean[ours] = theirs.strip()
    return clean


def read_mapping(path) -> dict[str, str]:
    """Read a mapping file (TOML, one ``[accounts]`` table: our column = "their
    header") and return it checked by ``check_mapping``. Every problem is one
    InputError naming the mapping file (with the TOML line where known)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError(str(path), None, "file not found")
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(name, None, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        at = re.search(r"\(at line (\d+), column \d+\)", text)
        problem = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text)
        raise InputError(name, int(at.group(1)) if at else None,
                         f"is not a TOML mapping file ({problem}; expected {MAPPING_EXAMPLE})") from None
    unknown = [k for k in data if k != "accounts"]
    if unknown:
        raise InputError(name, None, f"unknown section [{unknown[0][:40]}] (a mapping file has one section, [accounts])")
    if "accounts" not in data:
        raise InputError(name, None, f"has no [accounts] section (expected {MAPPING_EXAMPLE})")
    return check_mapping(data["accounts"], name)


def mapping_problems(mapping, header: list[str], *, spec: CsvSpec | None = None) -> list[str]:
    """Everything wrong with ``mapping`` for a file with this ``header``
    (``header_columns``), in words; an empty list means the load will accept
    the header. ``spec`` is ACCOUNTS (name and segment required) by default,
    CUSTOMERS for a customers file. Checks the mapping's shape, that every
    mapped header is in the file, that no column ends up twice, and that the
    required columns are there after mapping."""
    spec = spec or ACCOUNTS
    try:
        mapping = check_mapping(mapping)
    except InputError as exc:
        return [exc.problem]
    columns, problems = _canonical_columns(header, spec, mapping)
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    problems += [f"column {c!r} appears twice once mapped" for c in twice]
    problems += [f"no column gives {c} (required)" for c in spec.required if c not in columns]
    return problems


def _start_line(path: Path, nth: int, delim: str, *, data_rows_only: bool) -> int | None:
    """Physical line (header = 1) where the ``nth`` record of the file starts.

    DuckDB numbers records two ways, and neither is a physical line when a
    quoted field spans lines: ``data_rows_only`` counts data rows only (1 = the
    first row after the header, blank lines skipped), as the staged records are
    numbered; otherwise every record counts, header and blank lines included,
    as in DuckDB's "CSV Error on Line: N". Re-reads the file: error path only.
    None if the file cannot be read that far.
    """
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
            reader = csv.reader(fh, delimiter=delim)
            if data_rows_only:
                next(reader, None)
            counted, start = 0, reader.line_num + 1
            for row in reader:
                if row or not data_rows_only:
                    counted += 1
                    if counted == nth:
                        return start
                start = reader.line_num + 1
    except (OSError, csv.Error):
        pass
    return None


_DUCKDB_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _csv_error(path: Path, exc: duckdb.Error, delim: str) -> InputError:
    text = str(exc)
    m = _DUCKDB_LINE.search(text)
    if m:
        reported = int(m.group(1))
        line = _start_line(path, reported, delim, data_rows_only=False) or reported
    else:
        line = None
    if "unicode" in text.lower() or "utf-8" in text.lower():
        problem = "is not UTF-8 text (save the file as UTF-8 CSV)"
    elif "unterminated quote" in text.lower():
        problem = "a quoted field is never closed (unbalanced \")"
    else:
        fm = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        if fm:
            problem = f"expected {fm.group(1)} fields, found {fm.group(2)}"
        else:
            problem = "cannot be read as CSV (" + text.splitlines()[0][:200] + ")"
    return InputError(path.name, line, problem)


class _Builder:
    """One load into one new database file."""

    def __init__(self, con, progress: Callable[[str], None]):
        self.con = con
        self.progress = progress

    def stage(self, path: Path, spec: CsvSpec, accounts_given: bool = True, typed: str | None = None, *,
              mapping: dict[str, str] | None = None, params: dict | None = None) -> int:
        """Stage, validate and type one file. Returns its number of records.

        Large files (``typed``: mrr, signals, invoice_lines) are typed
        tolerantly by ``stage_<typed>.sql`` and screened by one count
        (``screen_<typed>.sql``); only when that finds a problem are the
        records numbered and the detailed ``validate_<role>.sql`` run to name
        the first one. Smaller files go straight to the detailed validation.
        ``mapping`` renames header cells (accounts files); ``params`` go to the
        typing, screening and validation queries (each takes what it names).
        The staged text stays in ``raw`` (its delimiter in ``self.delim``)
        until the next file is staged.
        """
        started = time.perf_counter()
        params = params or {}
        delim, columns = _read_header(path, spec, mapping)
        self.delim = delim
        extras = [c for c in columns if c not in spec.known]
        # Our canonical names for known columns, x<N> for extra ones: the file's
        # own header text never becomes an identifier.
        renamed = {}
        extra_no = 0
        for col in columns:
            if col in spec.known:
                renamed[col] = "VARCHAR"
            else:
                renamed[f"x{extra_no}"] = "VARCHAR"
                extra_no += 1
        self.con.execute("DROP TABLE IF EXISTS raw")
        try:
            db.run_script(self.con, "load/stage_csv", {"path": str(path), "columns": renamed, "delim": delim})
        except duckdb.Error as exc:
            raise _csv_error(path, exc, delim) from None
        rows = self.con.execute("SELECT count(*) FROM raw").fetchone()[0]
        if rows == 0:
            raise InputError(path.name, None, "has a header but no data rows")
        for col in spec.optional:
            if col not in columns:
                assert re.fullmatch(r"[a-z_]+", col)  # whitelisted names only
                self.con.execute(f'ALTER TABLE raw ADD COLUMN "{col}" VARCHAR')
        self.progress(f"read {path.name}: {rows:,} rows")
        if typed:
            stage, screen = TYPED_SQL[typed]
            db.run_script(self.con, stage, params)
            problems = int(db.run(self.con, screen, params, own_cursor=False).iloc[0, 0])
            if problems:
                self._validate(path, spec, delim, accounts_given, params)
                raise NrrError(f"{path.name}: {problems:,} rows have a problem that could not be located")
        else:
            self._validate(path, spec, delim, accounts_given, params)
        self.progress(f"checked {path.name} ({time.perf_counter() - started:.1f} s)")
        if spec.keep_extra:
            db.run_script(self.con, "load/stage_accounts")
            if extras:
                db.run_script(self.con, "load/stage_attributes", {"extra_names": [e for e in columns if e in extras]})
        return rows

    def _validate(self, path: Path, spec: CsvSpec, delim: str, accounts_given: bool, extra: dict | None = None) -> None:
        """Raise InputError for the first bad record, found by load/validate_<role>.sql."""
        db.run_script(self.con, "load/number_records")
        role = spec.role
        params = {"name_required": "name" in spec.required, "segment_required": "segment" in spec.required,
                  "accounts_given": accounts_given, **(extra or {})}
        bad = db.run(self.con, VALIDATE_SQL[role], params, own_cursor=False)
        if len(bad):
            rec, problem = int(bad.iloc[0]["rec"]), str(bad.iloc[0]["problem"])
            raise InputError(path.name, self.line_of(path, rec), problem)

    def line_of(self, path: Path, rec: int) -> int:
        """Physical line of staged record ``rec`` (1 = first data row) of the file in ``raw``."""
        return _start_line(path, rec, self.delim, data_rows_only=True) or rec + 1

    def stage_invoice_lines(self, paths: list[Path], fx: Path | None, default_product: str) -> None:
        """Stage every invoice-lines file into ``invoice_lines`` (and ``stage_fx``).

        Each file is typed and screened on its own, so an error names its file
        and physical line. Currencies: with ``fx``, every non-blank currency
        needs a rate there (screened with the rest); without it, every
        non-blank currency of every file must be the same one (blank = that
        one too), else the first line of a second currency is refused.
        """
        if fx is not None:
            self.stage(fx, FX)
            db.run_script(self.con, "load/stage_fx")
        else:
            db.run_script(self.con, "load/stage_fx_empty")
        db.run_script(self.con, "load/invoice_lines_table")
        first_currency: str | None = None
        for file_no, path in enumerate(paths, start=1):
            params = {"file_no": file_no, "default_product": default_product, "line_types": list(LINE_TYPES),
                      "fx_given": fx is not None,
                      "fx_name": fx.name if fx is not None else ""}
            self.stage(path, INVOICE_LINES, typed="invoice_lines", params=params)
            if fx is not None:
                continue
            codes = db.run(self.con, "load/invoice_currencies", params, own_cursor=False)["currency"].tolist()
            if len(set(codes) | ({first_currency} if first_currency else set())) > 1:
                db.run_script(self.con, "load/number_records")
                other = db.run(self.con, "load/first_other_currency", {"currency": first_currency},
                               own_cursor=False).iloc[0]
                raise InputError(path.name, self.line_of(path, int(other["rec"])),
                                 f"currency {other['currency']!r} differs from {other['first_currency']!r} of the "
                                 f"lines before it: give --fx fx.csv with a rate for each currency")
            first_currency = first_currency or (codes[0] if codes else None)



def load_book(db_path, *, accounts=None, mrr=None, subscriptions=None, customers=None,
              invoice_lines=None, billing=None, billing_format: str | None = None, fx=None,
              accounts_map: dict[str, str] | None = None, map_file=None,
              signals=None, owners=None, churn_reasons=None, as_of: str | None = None,
              default_product: str = DEFAULT_PRODUCT,
              progress: Callable[[str], None] | None = None, parquet=None,
              derive: Callable[[object, dict], None] | None = None) -> LoadSummary:
    """Validate the input files and replace the database at ``db_path`` with them.

    Revenue comes from exactly one of:

    - ``mrr`` (mrr.csv, with ``accounts``);
    - ``subscriptions`` (periods; with ``accounts``, ``customers`` or neither, in
      which case accounts are the subscription customers with no attributes);
    - ``invoice_lines`` (a list of invoice-lines files, or one path; summed),
      with ``fx`` (fx.csv: currency,rate) when they hold more than one
      currency. ``accounts``/``customers`` are optional: a customer billed
      with no account row is added (name = its id, segment ``(none)``;
      counted in ``LoadSummary.accounts_added_from_revenue``), and an account
      without a renewal_date gets the exclusive service_period_end of its
      subscription line with the latest end. Month rule, types, currencies:
      ``sql/load/stage_invoice_revenue.sql`` and the README.

    ``billing``: a billing-system export (one file, or ChartMogul's set of
    files; the format from the header, or ``billing_format``), converted to
    invoice lines by ``nrr_core.imports`` and loaded by the same rules,
    summed with any ``invoice_lines``; the export's customer names make the
    accounts when no accounts file is given. ``LoadSummary.notes`` says what
    the conversion left out (trials, one-time lines, ...).

    ``accounts_map`` (our column -> their header) or ``map_file`` (a TOML
    mapping file, ``read_mapping``) renames the accounts (or customers)
    file's columns, for every revenue input.

    ``as_of`` (``YYYY-MM``) caps the data; by default it is the latest month in
    mrr.csv, for subscriptions the last month any period covers (ongoing
    periods run through it), for invoice lines the month of the latest
    service_period_start (prepaid periods reach past it; nothing after it is
    kept). ``owners`` (owners.csv) is the optional CSM owner history.
    ``parquet``: instead of input files, a book already built as Parquet
    (``python -m nrr_core build``, ``nrr_core.engines``): its tables are read
    as they are and checked like a built book.

    ``derive(con, params)`` replaces the DuckDB build of the derived tables
    from the staged inputs (``derive_book``; ``nrr_core.engines`` passes one
    that writes Parquet, on DuckDB or Spark).

    Raises ``InputError``/``NrrError``; on any failure the previous
    database is untouched.
    """
    progress = progress or (lambda message: None)
    started = time.perf_counter()
    db_path = Path(db_path)
    if parquet is not None:
        given = [name for name, value in (("accounts", accounts), ("mrr", mrr), ("subscriptions", subscriptions),
                 ("customers", customers), ("invoice_lines", invoice_lines), ("billing", billing), ("fx", fx),
                 ("signals", signals), ("owners", owners), ("churn_reasons", churn_reasons), ("as_of", as_of),
                 ("map", map_file), ("map", accounts_map)) if value]
        if given:
            raise NrrError(f"--parquet DIR is a built book: give no input files with it (got --{given[0]})")
    if isinstance(invoice_lines, (str, os.PathLike)):
        invoice_lines = [invoice_lines]
    if invoice_lines is not None and not invoice_lines:
        invoice_lines = None
    if isinstance(billing, (str, os.PathLike)):
        billing = [billing]
    if billing:
        if mrr is not None or subscriptions is not None:
            raise NrrError("give one kind of revenue input: --billing goes with --invoice-lines only")
        with tempfile.TemporaryDirectory(prefix="nrr-billing-") as work:
            converted = _convert_billing(billing, Path(work), billing_format, as_of, fx, progress)
            summary = load_book(db_path, accounts=accounts, customers=customers if accounts is not None or
                                customers is not None else converted.customers,
                                invoice_lines=[*(invoice_lines or []), converted.invoice_lines], fx=fx,
                                accounts_map=accounts_map, map_file=map_file, signals=signals, owners=owners,
                                churn_reasons=churn_reasons,
                                as_of=as_of or converted.as_of, default_product=default_product, progress=progress,
                                derive=derive)
        summary.notes = converted.notes
        summary.seconds = time.perf_counter() - started
        return summary
    if parquet is None and sum(x is not None for x in (mrr, subscriptions, invoice_lines)) != 1:
        raise NrrError("give exactly one revenue input: --mrr mrr.csv, --subscriptions subscriptions.csv "
                       "or --invoice-lines FILE")
    if mrr is not None and accounts is None:
        raise NrrError("--mrr needs --accounts accounts.csv")
    if accounts is not None and customers is not None:
        raise NrrError("give --accounts or --customers, not both")
    if fx is not None and invoice_lines is None:
        raise NrrError("--fx goes with --invoice-lines (mrr.csv and subscriptions hold one currency)")
    if accounts_map is not None and map_file is not None:
        raise NrrError("give a mapping file or a mapping, not both")
    mapping = read_mapping(map_file) if map_file is not None else (
        check_mapping(accounts_map) if accounts_map is not None else None)
    if mapping is not None and accounts is None and customers is None:
        raise NrrError("a mapping renames the accounts file's columns: give --accounts (or --customers) with it")
    as_of_idx = parse_month(as_of, what="--as-of") if as_of else None
    folder = db_path.resolve().parent
    if not folder.is_dir():
        raise NrrError(f"cannot write the database: folder {folder} does not exist")
    tmp = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")
    db.remove_database(tmp)
    spill = tmp.with_name(tmp.name + ".spill")
    limit = load_memory_limit(_input_bytes(accounts, customers, mrr, subscriptions, invoice_lines, fx, signals,
                                           owners, churn_reasons, parquet))
    try:
        con = duckdb.connect(str(tmp), config={**LOAD_SETTINGS, "memory_limit": limit,
                                               "temp_directory": str(spill)})
    except (duckdb.Error, OSError) as exc:
        raise NrrError(f"cannot write the database in {folder}: {str(exc).splitlines()[0]}") from None
    inputs = _Inputs(accounts, customers, mapping, mrr, subscriptions,
                     [Path(f) for f in invoice_lines] if invoice_lines is not None else None,
                     Path(fx) if fx is not None else None, signals, owners, churn_reasons)
    try:
        if parquet is not None:
            from .engines import parquet as book_parquet  # the Parquet layout's one home
            summary = book_parquet.read_book(con, db_path, parquet, progress)
        else:
            summary = _build(con, db_path, inputs, as_of_idx, default_product, progress, derive)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, db_path)
    except BaseException as exc:
        con.close()
        db.remove_database(tmp)
        if isinstance(exc, duckdb.OutOfMemoryException):
            raise NrrError(f"the load ran out of memory (its ceiling is {limit}; nothing was changed). Give it "
                           f"more with NRR_LOAD_MEMORY, e.g. NRR_LOAD_MEMORY=8GB, up to what this machine has "
                           f"free ({machine_memory() / 2**30:.0f} GB in all)") from None
        raise
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _convert_billing(paths, work: Path, billing_format: str | None, as_of: str | None, fx, progress):
    """A billing export as invoice lines in ``work`` (``imports.to_invoice_lines``).

    The converted file's line numbers are not the export's, so the one check
    the loader would make on it and could fail on, a currency without a rate,
    is made here, naming the export instead."""
    from . import imports  # imports reads this module's specs: import it late

    converted = imports.to_invoice_lines([Path(p) for p in paths], work, billing_format, as_of=as_of)
    names = ", ".join(Path(p).name for p in paths)
    progress(f"read {names} as {converted.format}: {converted.lines:,} invoice lines")
    with converted.invoice_lines.open(encoding="utf-8", newline="") as fh:
        currencies = sorted({(row.get("currency") or "").strip() for row in csv.DictReader(fh)} - {""})
    if fx is None and len(currencies) > 1:
        raise InputError(names, None, f"bills in {len(currencies)} currencies ({', '.join(currencies)}): give "
                                      "--fx fx.csv with a rate for each (units of the reporting currency per unit)")
    if fx is not None and currencies:
        with Path(fx).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=";" if ";" in fh.readline() else ",")
            rated = {row[0].strip().upper() for row in reader if row}
        unrated = [c for c in currencies if c.upper() not in rated]
        if unrated:
            raise InputError(names, None, f"bills in {', '.join(unrated)}, which {Path(fx).name} gives no rate for")
    return converted


@dataclass
class _Inputs:
    """The files of one load (None where not given)."""

    accounts: object
    customers: object
    mapping: dict[str, str] | None
    mrr: object
    subscriptions: object
    invoice_lines: list[Path] | None
    fx: Path | None
    signals: object
    owners: object = None
    churn_reasons: object = None


def _build(con, db_path, inputs: _Inputs, as_of_idx, default_product, progress, derive=None):
    b = _Builder(con, progress)
    db.run_script(con, "load/stage_checks")
    sources = []
    added = 0
    if inputs.accounts is not None:
        b.stage(Path(inputs.accounts), ACCOUNTS, mapping=inputs.mapping)
        sources.append(Path(inputs.accounts).name)
    elif inputs.customers is not None:
        b.stage(Path(inputs.customers), CUSTOMERS, mapping=inputs.mapping)
        sources.append(Path(inputs.customers).name)
    had_accounts = inputs.accounts is not None or inputs.customers is not None
    if inputs.mrr is not None:
        b.stage(Path(inputs.mrr), MRR, typed="mrr")
        first_idx, last_idx = con.execute("SELECT min(month_idx), max(month_idx) FROM stage_revenue").fetchone()
        sources.append(Path(inputs.mrr).name)
    elif inputs.subscriptions is not None:
        path = Path(inputs.subscriptions)
        if not had_accounts:
            # validate_subscriptions.sql names stage_accounts; it is filled from the periods below.
            db.run_script(con, "load/stage_accounts_empty")
        b.stage(path, SUBSCRIPTIONS, accounts_given=had_accounts)
        db.run_script(con, "load/stage_periods", {"default_product": default_product})
        first_idx, last_idx = con.execute(
            "SELECT min(first_idx), greatest(max(last_idx), max(first_idx)) FROM stage_periods").fetchone()
        if as_of_idx is not None:
            last_idx = as_of_idx
        db.run_script(con, "load/stage_subscriptions", {"as_of_idx": last_idx})
        if not had_accounts:
            db.run_script(con, "load/stage_accounts_from_revenue")
            added = con.execute("SELECT count(*) FROM stage_accounts").fetchone()[0]
        sources.append(path.name)
    else:
        first_idx, last_idx, added = _stage_invoice_revenue(con, b, inputs, had_accounts, as_of_idx, default_product)
        sources += [p.name for p in inputs.invoice_lines] + ([inputs.fx.name] if inputs.fx else [])
    if as_of_idx is not None:
        if as_of_idx < first_idx:
            raise NrrError(f"--as-of {label(as_of_idx)} is before the first month of data ({label(first_idx)})")
        last_idx = as_of_idx
    if inputs.signals is not None:
        b.stage(Path(inputs.signals), SIGNALS, typed="signals")
        sources.append(Path(inputs.signals).name)
    else:
        con.execute("CREATE TEMP TABLE stage_signals AS SELECT * FROM (VALUES ('', 0, 0, 0, 0, 0, '')) "
                    "t(account_id, month_idx, seats_licensed, active_users, support_tickets, nps, nps_comment) "
                    "WHERE false")
    if inputs.owners is not None:
        b.stage(Path(inputs.owners), OWNERS)
        db.run_script(con, "load/stage_owners")
        sources.append(Path(inputs.owners).name)
    else:
        db.run_script(con, "load/stage_owners_empty")
    _stage_churn_reasons(b, inputs.churn_reasons, sources)
    # The staged files are numbered by now; the build's ordered tables say ORDER BY (see LOAD_SETTINGS).
    con.execute("SET preserve_insertion_order = false")
    t = time.perf_counter()
    params = {"first_idx": first_idx, "as_of_idx": last_idx, "load_id": uuid.uuid4().hex,
              "loaded_at": dt.datetime.now().replace(microsecond=0), "sources": ", ".join(sources),
              "sustain_months": SUSTAIN_MONTHS,
              "horizon": HORIZON, **DEFAULT_RULES.params()}
    counts = (derive or derive_book)(con, params)
    progress(f"built derived tables ({time.perf_counter() - t:.1f} s)")
    return _summary(con, db_path, first_idx, last_idx, added, counts)


# The scripts that compute the book's derived tables from the staged inputs, in order. The
# same files run on DuckDB here and on Spark (nrr_core/engines/), so the logic has one home.
DERIVED_SCRIPTS = ("load/build_book", "load/review_tables", "load/owner_history", "load/journey_tables")


def derive_book(con, params: dict) -> None:
    """Build the book's derived tables from the staged inputs on ``con`` (DuckDB),
    then check the bridge identity. ``params``: first_idx, as_of_idx, load_id,
    loaded_at, sources, sustain_months (each script takes the ones it names).
    Returns None: the book is on ``con`` (a ``derive`` that writes it elsewhere
    returns its counts: accounts, products, mrr rows)."""
    for script in DERIVED_SCRIPTS:
        db.run_script(con, script, params)
    check_book(con)


def check_book(con) -> None:
    """Raise NrrError where the MRR bridge of a built book does not add up."""
    broken = db.run(con, "load/check_book", own_cursor=False)
    if len(broken):
        raise NrrError(f"internal check failed: the MRR bridge does not add up in {label(int(broken.iloc[0, 0]))}")


def _summary(con, db_path, first_idx, last_idx, added, counts=None) -> LoadSummary:
    """The load's summary; ``counts`` (accounts, products, mrr rows) when the book is not on ``con``."""
    n_accounts, n_products, n_rows = counts or con.execute(
        "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM products), (SELECT count(*) FROM mrr)").fetchone()
    return LoadSummary(db_path, n_accounts, n_products, n_rows, label(first_idx), label(last_idx), 0.0,
                       int(added))


def _stage_invoice_revenue(con, b: _Builder, inputs: _Inputs, had_accounts: bool, as_of_idx, default_product):
    """Invoice lines -> stage_revenue, plus the accounts they add and the renewal
    dates they give. Returns (first month, as-of month, accounts added)."""
    if not had_accounts:
        db.run_script(con, "load/stage_accounts_empty")
    b.stage_invoice_lines(inputs.invoice_lines, inputs.fx, default_product)
    if as_of_idx is None:
        as_of_idx = int(db.run(con, "load/invoice_as_of", own_cursor=False).iloc[0, 0])
    db.run_script(con, "load/stage_invoice_revenue", {"as_of_idx": as_of_idx})
    first_idx = con.execute("SELECT min(month_idx) FROM stage_revenue").fetchone()[0]
    if first_idx is None:
        names = ", ".join(p.name for p in inputs.invoice_lines)
        raise NrrError(f"{names}: no full-price subscription line covers the first day of a month up to "
                       f"{label(as_of_idx)}, so there is no MRR to show")
    db.run_script(con, "load/stage_accounts_from_invoices", {"as_of_idx": as_of_idx})
    added = con.execute("SELECT count(*) FROM added_accounts").fetchone()[0]
    # The lines (text and typed) are done with: free their memory before the book is built.
    con.execute("DROP TABLE raw")
    con.execute("DROP TABLE invoice_lines")
    b.progress(f"invoice lines: MRR from {label(first_idx)} to {label(as_of_idx)}, {added:,} accounts added")
    return first_idx, as_of_idx, added


def read_checked(path, spec: CsvSpec):
    """A small standalone input file (no book: targets.csv) staged and checked
    by its ``validate_<role>.sql`` like the book's files. Returns its rows as
    text (canonical column names) with ``line``, the physical line each starts
    on, for checks made after it; raises InputError."""
    path = Path(path)
    con = duckdb.connect(config=db.HARDENED | {"enable_external_access": True})
    try:
        db.run_script(con, "load/stage_checks")
        _Builder(con, lambda message: None).stage(path, spec)  # numbers the records (rec) as it checks
        frame = con.execute("SELECT * FROM raw ORDER BY rec").df()
    finally:
        con.close()
    delim = _read_header(path, spec)[0]
    frame["line"] = [_start_line(path, int(rec), delim, data_rows_only=True) or int(rec) + 1 for rec in frame.rec]
    return frame


def _stage_churn_reasons(b: _Builder, path, sources: list) -> None:
    """Stage churn_reasons.csv (optional) as stage_churn_reasons, checked against the taxonomy."""
    db.run_script(b.con, "load/churn_reason_keys", {"keys": list(REASON_KEYS)})
    if path is None:
        db.run_script(b.con, "load/stage_churn_reasons_empty")
        return
    b.stage(Path(path), CHURN_REASONS)
    db.run_script(b.con, "load/stage_churn_reasons")
    sources.append(Path(path).name)
