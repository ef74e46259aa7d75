"""The loader: input CSV files -> a new book database, replaced atomically.

Flow: read each file's header in Python (encoding, delimiter, column names),
stage the file as text in DuckDB, validate it in SQL (first bad record wins),
type it, then build the derived tables (``sql/load/build_book.sql``, then ``sql/load/review_tables.sql`` and ``sql/load/journey_tables.sql``), self-check the
bridge identity, CHECKPOINT, close and ``os.replace`` the new file over the old
one. Any failure removes the new file and leaves the old database untouched.

Problems raise ``InputError`` naming the file, the line and the problem.
Line numbers are physical lines of the file (the header is line 1).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from . import db
from .errors import InputError, NrrError
from .insight.reasons import REASON_KEYS
from .insight.rules import SUSTAIN_MONTHS
from .months import label, parse_month


# The queries each input file goes through, named literally so a search finds every caller:
# typed files are staged with explicit types and screened with one count; every file has a
# validation query that finds its first bad record (run only when something is wrong).
TYPED_SQL = {"mrr": ("load/stage_mrr", "load/screen_mrr"), "signals": ("load/stage_signals", "load/screen_signals")}
VALIDATE_SQL = {"accounts": "load/validate_accounts", "mrr": "load/validate_mrr", "signals": "load/validate_signals",
                "subscriptions": "load/validate_subscriptions", "churn_reasons": "load/validate_churn_reasons"}


@dataclass(frozen=True)
class CsvSpec:
    """What one kind of input file must and may contain.

    Column names are matched after trimming, lower-casing and turning spaces
    into underscores; ``aliases`` maps other accepted names to ours.
    """

    role: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    keep_extra: bool = False

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
# Past churn and contraction reasons (nrr_core/insight/reasons.py holds the taxonomy).
CHURN_REASONS = CsvSpec("churn_reasons", ("account_id", "month", "reason"), ("notes",))

DEFAULT_PRODUCT = "Subscription"


@dataclass
class LoadSummary:
    path: Path
    accounts: int
    products: int
    mrr_rows: int
    first_month: str
    as_of_month: str
    seconds: float


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().lower())


def _read_header(path: Path, spec: CsvSpec) -> tuple[str, list[str]]:
    """Return (delimiter, canonical column names in file order) or raise."""
    name = path.name
    if not path.exists():
        raise InputError(str(path), None, "file not found")
    if not path.is_file():
        raise InputError(str(path), None, "is not a file")
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise InputError(name, None, "the file is empty (expected a header row and data rows)")
    first_line = head.splitlines()[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, 1, "is not UTF-8 text (save the file as UTF-8 CSV)") from None
    # Semicolon-separated exports (European spreadsheet locales) are accepted
    # when the header has semicolons and no commas.
    delim = ";" if ";" in text and "," not in text else ","
    header = next(csv.reader(io.StringIO(text), delimiter=delim))
    columns = []
    for raw in header:
        col = _normalise(raw)
        col = spec.aliases.get(col, col)
        if col and col in columns:
            raise InputError(name, 1, f"column {col!r} appears twice in the header")
        columns.append(col)
    found = [c for c in spec.known if c in columns]
    missing = [c for c in spec.required if c not in columns]
    if not found:
        shown = ", ".join(repr(c[:40]) for c in header[:8])
        raise InputError(name, 1, f"none of the expected columns ({', '.join(spec.required)}) is in the header "
                                  f"(found {shown}): is this the right file?")
    if missing:
        raise InputError(name, 1, f"missing required column(s): {', '.join(missing)}")
    return delim, columns


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

    def stage(self, path: Path, spec: CsvSpec, accounts_given: bool = True, typed: str | None = None) -> int:
        """Stage, validate and type one file. Returns its number of records.

        Large files (``typed``: mrr, signals) are typed tolerantly by
        ``stage_<typed>.sql`` and screened by one count (``screen_<typed>.sql``);
        only when that finds a problem are the records numbered and the
        detailed ``validate_<role>.sql`` run to name the first one. Smaller
        files go straight to the detailed validation.
        """
        started = time.perf_counter()
        delim, columns = _read_header(path, spec)
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
            db.run_script(self.con, stage)
            problems = int(db.run(self.con, screen, own_cursor=False).iloc[0, 0])
            if problems:
                self._validate(path, spec, delim, accounts_given)
                raise NrrError(f"{path.name}: {problems:,} rows have a problem that could not be located")
        else:
            self._validate(path, spec, delim, accounts_given)
        self.progress(f"checked {path.name} ({time.perf_counter() - started:.1f} s)")
        if spec.keep_extra:
            db.run_script(self.con, "load/stage_accounts")
            if extras:
                db.run_script(self.con, "load/stage_attributes", {"extra_names": [e for e in columns if e in extras]})
        return rows

    def _validate(self, path: Path, spec: CsvSpec, delim: str, accounts_given: bool) -> None:
        """Raise InputError for the first bad record, found by load/validate_<role>.sql."""
        db.run_script(self.con, "load/number_records")
        role = spec.role
        params = {"name_required": "name" in spec.required, "segment_required": "segment" in spec.required,
                  "accounts_given": accounts_given}
        bad = db.run(self.con, VALIDATE_SQL[role], params, own_cursor=False)
        if len(bad):
            rec, problem = int(bad.iloc[0]["rec"]), str(bad.iloc[0]["problem"])
            raise InputError(path.name, _start_line(path, rec, delim, data_rows_only=True) or rec + 1, problem)



def load_book(db_path, *, accounts=None, mrr=None, subscriptions=None, customers=None,
              signals=None, churn_reasons=None, as_of: str | None = None, default_product: str = DEFAULT_PRODUCT,
              progress: Callable[[str], None] | None = None) -> LoadSummary:
    """Validate the input files and replace the database at ``db_path`` with them.

    Revenue comes from exactly one of ``mrr`` (mrr.csv, with ``accounts``) or
    ``subscriptions`` (periods; with ``accounts``, ``customers`` or neither, in
    which case accounts are the subscription customers with no attributes).
    ``as_of`` (``YYYY-MM``) caps the data; by default it is the latest month in
    mrr.csv, or for subscriptions the last month any period covers (ongoing
    periods run through it). Raises ``InputError``/``NrrError``; on any failure
    the previous database is untouched.
    """
    progress = progress or (lambda message: None)
    started = time.perf_counter()
    db_path = Path(db_path)
    if (mrr is None) == (subscriptions is None):
        raise NrrError("give exactly one revenue input: --mrr mrr.csv or --subscriptions subscriptions.csv")
    if mrr is not None and accounts is None:
        raise NrrError("--mrr needs --accounts accounts.csv")
    if accounts is not None and customers is not None:
        raise NrrError("give --accounts or --customers, not both")
    as_of_idx = parse_month(as_of, what="--as-of") if as_of else None
    folder = db_path.resolve().parent
    if not folder.is_dir():
        raise NrrError(f"cannot write the database: folder {folder} does not exist")
    tmp = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        con = duckdb.connect(str(tmp))
    except (duckdb.Error, OSError) as exc:
        raise NrrError(f"cannot write the database in {folder}: {str(exc).splitlines()[0]}") from None
    try:
        summary = _build(con, db_path, accounts, mrr, subscriptions, customers, signals, as_of_idx,
                         default_product, progress, churn_reasons)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, db_path)
    except BaseException:
        con.close()
        _remove(tmp)
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _build(con, db_path, accounts, mrr, subscriptions, customers, signals, as_of_idx, default_product, progress,
           churn_reasons=None):
    b = _Builder(con, progress)
    db.run_script(con, "load/stage_checks")
    sources = []
    if accounts is not None:
        b.stage(Path(accounts), ACCOUNTS)
        sources.append(Path(accounts).name)
    elif customers is not None:
        b.stage(Path(customers), CUSTOMERS)
        sources.append(Path(customers).name)
    if mrr is not None:
        b.stage(Path(mrr), MRR, typed="mrr")
        first_idx, last_idx = con.execute("SELECT min(month_idx), max(month_idx) FROM stage_revenue").fetchone()
        sources.append(Path(mrr).name)
    else:
        path = Path(subscriptions)
        had_accounts = accounts is not None or customers is not None
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
        sources.append(path.name)
    if as_of_idx is not None:
        if as_of_idx < first_idx:
            raise NrrError(f"--as-of {label(as_of_idx)} is before the first month of data ({label(first_idx)})")
        last_idx = as_of_idx
    if signals is not None:
        b.stage(Path(signals), SIGNALS, typed="signals")
        sources.append(Path(signals).name)
    else:
        con.execute("CREATE TEMP TABLE stage_signals AS SELECT * FROM (VALUES ('', 0, 0, 0, 0, 0, '')) "
                    "t(account_id, month_idx, seats_licensed, active_users, support_tickets, nps, nps_comment) "
                    "WHERE false")
    _stage_churn_reasons(b, churn_reasons, sources)
    t = time.perf_counter()
    db.run_script(con, "load/build_book", {
        "first_idx": first_idx, "as_of_idx": last_idx, "load_id": uuid.uuid4().hex,
        "loaded_at": dt.datetime.now().replace(microsecond=0), "sources": ", ".join(sources)})
    db.run_script(con, "load/review_tables")
    db.run_script(con, "load/journey_tables", {"sustain_months": SUSTAIN_MONTHS})
    broken = db.run(con, "load/check_book", own_cursor=False)
    if len(broken):
        raise NrrError(f"internal check failed: the MRR bridge does not add up in {label(int(broken.iloc[0, 0]))}")
    progress(f"built derived tables ({time.perf_counter() - t:.1f} s)")
    n_accounts, n_products, n_rows = con.execute(
        "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM products), (SELECT count(*) FROM mrr)").fetchone()
    return LoadSummary(db_path, n_accounts, n_products, n_rows, label(first_idx), label(last_idx), 0.0)


def _stage_churn_reasons(b: _Builder, path, sources: list) -> None:
    """Stage churn_reasons.csv (optional) as stage_churn_reasons, checked against the taxonomy."""
    db.run_script(b.con, "load/churn_reason_keys", {"keys": list(REASON_KEYS)})
    if path is None:
        db.run_script(b.con, "load/stage_churn_reasons_empty")
        return
    b.stage(Path(path), CHURN_REASONS)
    db.run_script(b.con, "load/stage_churn_reasons")
    sources.append(Path(path).name)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
