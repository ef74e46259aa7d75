"""The steering commands of ``python -m nrr_core`` (nrr_core/cli.py parses
the arguments and calls these): ``targets load``, ``report targets`` and
``report scorecard``. Output only; every figure comes from the steering
modules."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import stores
from ..errors import NrrError
from .scorecard import scorecard
from .targets import COLUMNS as TARGET_COLUMNS, FILE_NAME, TargetStore, load_targets_csv

REPORT_TARGET_COLUMNS = [c for c in TARGET_COLUMNS if c != "entries"]


def add_targets_option(parser) -> None:
    parser.add_argument("--targets", metavar="PATH",
                        help=f"targets store: a file or postgresql://user@host:port/db (default: {FILE_NAME} beside --db)")


def target_store(args, *, must_exist: bool) -> TargetStore:
    """The store of ``--targets`` (a file or a PostgreSQL URL), or targets.sqlite beside ``--db``."""
    path = stores.place(args.targets) if args.targets else Path(args.db).with_name(FILE_NAME)
    if must_exist and args.targets and not stores.exists(path):
        raise NrrError(f"--targets {path}: no such file")
    return TargetStore(path)


def load_targets(args) -> int:
    """``targets load --file targets.csv``: check every row, append them all."""
    store = target_store(args, must_exist=False)
    n = load_targets_csv(args.file, store, args.by)
    if not args.quiet:
        print(f"recorded {n} target(s) from {Path(args.file).name} in {store.path}", file=sys.stderr)
    return 0


def report_targets(args, write_csv) -> int:
    """``report targets``: the targets in force, one row per scope, value, period and metric."""
    frame = target_store(args, must_exist=True).in_force()
    write_csv(frame, REPORT_TARGET_COLUMNS)
    return 0


def report_scorecard(con, filters, args, decision_store) -> int:
    """``report scorecard --period``: the comp team's file (a ``#`` definitions block, then CSV)."""
    cards = scorecard(con, args.period, filters, store=decision_store, targets=target_store(args, must_exist=True))
    sys.stdout.write(cards.to_csv(filters))
    return 0
