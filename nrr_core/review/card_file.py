"""The scorecards calibrated for a book, kept in a file beside its database.

Calibrating the scorecard in force at a month reads the book's history up to
it: seconds at 100,000 accounts, and the forecast's track record needs one per
past month. Within a process ``calibration.scorecard_at`` remembers them; this
file lets the next process (a command, the app after a restart) read them
instead of calibrating again.

The file is ``<database>.scorecards.json``: ``{"load_id": ..., "cards": {month
index: scorecard}}``. A card depends only on the book's rows, and a load gives
a new load id, so a file of another load is ignored (and replaced by the next
write). Reading never fails a caller: a missing, unreadable or malformed file
is as good as none, and a database directory that cannot be written (a
read-only mount) only means every process calibrates for itself. Writes go to
a temporary file renamed over the old one, so a reader never sees half a file;
two processes writing at once may lose one's cards, which are then calibrated
again.
"""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .. import db
from .calibration import Scorecard

SUFFIX = db.CARDS_SUFFIX
_TEXT = ("source", "note", "threshold_note")


def beside(database) -> Path:
    """The cards' file of the database file ``database``; for the app's
    snapshot link of a data version (``.<name>.snap-<inode>``, ``db.Snapshots``)
    the database's own, so the app and the command line share one file."""
    path = Path(database)
    snapshot = re.fullmatch(r"\.(.+)\.snap-\d+", path.name)
    return path.with_name((snapshot.group(1) if snapshot else path.name) + SUFFIX)


def path_for(con) -> Path | None:
    """The cards' file of the database ``con`` reads, or None when it reads no file."""
    try:
        row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    except Exception:   # not DuckDB, or a connection without the catalogue
        return None
    return beside(row[0]) if row and row[0] else None


def _to_json(card: Scorecard) -> dict:
    factors = card.factors.astype(object).where(card.factors.notna(), None)
    return {"points": {k: int(v) for k, v in card.points.items()}, **{k: getattr(card, k) for k in _TEXT},
            "risk_threshold": int(card.risk_threshold), "expansion_threshold": int(card.expansion_threshold),
            "factors": factors.to_dict(orient="split", index=False)}


def _from_json(data: dict) -> Scorecard:
    split = data["factors"]
    factors = pd.DataFrame(split["data"], columns=split["columns"])
    for col in ("coefficient", "out_of_time_lift"):
        if col in factors:
            factors[col] = factors[col].astype(float).fillna(math.nan)
    for col in ("judgment", "points"):
        if col in factors:
            factors[col] = factors[col].astype(int)
    factors["live"] = factors["live"].astype(bool)
    return Scorecard({str(k): int(v) for k, v in data["points"].items()}, str(data["source"]), str(data["note"]),
                     factors, int(data["risk_threshold"]), int(data["expansion_threshold"]),
                     str(data["threshold_note"]))


def _read_raw(path: Path, load_id: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("load_id") != load_id or not isinstance(data.get("cards"), dict):
        return {}
    return data["cards"]


def entries(con, load_id: str) -> dict[int, dict]:
    """The file's cards for load ``load_id``, unread, by month index ({} when
    none): a process needs one or a few of them, so each is read (``parse``)
    when asked for."""
    path = path_for(con)
    if path is None:
        return {}
    out = {}
    for month, data in _read_raw(path, load_id).items():
        try:
            out[int(month)] = data
        except ValueError:
            continue
    return out


def parse(entry) -> Scorecard | None:
    """One card of ``entries``; None when this version cannot read it (it is
    then calibrated again)."""
    try:
        return _from_json(entry)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def read(con, load_id: str) -> dict[int, Scorecard]:
    """Every card kept for load ``load_id`` that can be read, by month index."""
    cards = {month: parse(entry) for month, entry in entries(con, load_id).items()}
    return {month: card for month, card in cards.items() if card is not None}


def write(con, load_id: str, cards: dict[int, Scorecard]) -> bool:
    """Add ``cards`` (month index → card) to the file of load ``load_id``;
    False when the file could not be written (nothing else happens)."""
    path = path_for(con)
    if path is None or not cards:
        return False
    kept = _read_raw(path, load_id)
    kept.update({str(int(m)): _to_json(card) for m, card in cards.items()})
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"load_id": load_id, "cards": kept}, out)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
        return False
    return True
