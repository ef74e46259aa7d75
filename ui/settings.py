"""Deployment settings: database path, currency symbol, benchmark bands, sign-in
domains, and who may load data on the Data page.

Read from ``nrr.toml`` beside app.py when present (see README), overridden by
the environment variables ``NRR_DB`` (database) and ``NRR_DECISIONS`` (the
review decisions store, by default ``decisions.sqlite`` beside the database;
a ``postgresql://user@host:port/database`` URL puts the decisions, churn
reasons and targets in PostgreSQL, the password from ``PGPASSWORD`` or
``PGPASSFILE``).
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from nrr_core import NrrError, stores
from nrr_core.definitions import DEFAULT_BENCHMARKS
from nrr_core.steering.targets import beside as targets_beside
from nrr_core.versions import DEFAULT_KEEP
from nrr_core.insight.rules import DEFAULT_RULES, JourneyRules, from_mapping
from nrr_core.variants import HEADLINE_DEFAULT, sets_from_config, variant

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_path: Path = ROOT / "data" / "nrr.duckdb"
    # Review decisions (never replaced by a load): a file, or a postgresql:// URL (a str) that several
    # app servers share; None = decisions.sqlite beside the database.
    decisions_path: Path | str | None = None
    currency: str = "$"
    # Benchmarks quoted in docs/metrics.md (nrr_core's defaults); nrr.toml [benchmarks] overrides them.
    benchmarks: dict = field(default_factory=lambda: dict(DEFAULT_BENCHMARKS))
    # [display] headline: the NRR definition shown as the headline (a key of nrr_core.variants.KEYS).
    headline: str = HEADLINE_DEFAULT
    # Benchmark sets that name source, year, population and definition ([[benchmarks.sets]]).
    benchmark_sets: tuple = field(default_factory=lambda: sets_from_config({}))
    # With sign-in configured: the e-mail domains allowed in (empty = any signed-in user).
    allowed_domains: tuple[str, ...] = ()
    # Retention targets: the store (None = targets.sqlite beside the decisions file, or the decisions'
    # PostgreSQL database), who may set them in the
    # app when sign-in is configured ([targets] editors, e-mails), and whether open mode may ([targets] open_mode).
    targets_path: Path | str | None = None
    target_editors: tuple[str, ...] = ()
    targets_open_mode: bool = False
    # The Data page ([data_page] in nrr.toml). With sign-in: the e-mail addresses that may load
    # data (nobody when empty). Without sign-in (open mode) the page is off unless open_mode is true.
    data_owners: tuple[str, ...] = ()
    data_open_mode: bool = False
    # Largest file one upload may be, in MB; .streamlit/config.toml's server.maxUploadSize must be
    # at least this (Streamlit refuses larger uploads before the app sees them).
    max_upload_mb: int = 200
    # Published versions kept for rollback (older copies are deleted; their history rows stay).
    keep_versions: int = DEFAULT_KEEP
    # The journey's rules and thresholds (nrr_core/insight/rules.py); nrr.toml [journey] overrides them.
    journey: JourneyRules = DEFAULT_RULES


def load_settings() -> Settings:
    values: dict = {}
    path = Path(os.environ.get("NRR_CONFIG", ROOT / "nrr.toml"))
    if path.is_file():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        if "database" in raw.get("data", {}):
            values["db_path"] = (ROOT / raw["data"]["database"]).resolve()
        if "decisions" in raw.get("data", {}):
            values["decisions_path"] = _store_place(raw["data"]["decisions"], path, "decisions")
        if "currency" in raw.get("display", {}):
            values["currency"] = str(raw["display"]["currency"])
        domains = raw.get("auth", {}).get("allowed_domains", [])
        if domains:
            values["allowed_domains"] = tuple(str(d) for d in domains)
        if "targets" in raw.get("data", {}):
            values["targets_path"] = _store_place(raw["data"]["targets"], path, "targets")
        targets = raw.get("targets", {})
        values["target_editors"] = tuple(str(e) for e in targets.get("editors", []))
        values["targets_open_mode"] = targets.get("open_mode", False) is True
        values.update(_data_page(raw.get("data_page", {}), path))
        if raw.get("journey"):
            values["journey"] = from_mapping(raw["journey"])
        if "headline" in raw.get("display", {}):
            values["headline"] = variant(str(raw["display"]["headline"])).key
        bench = raw.get("benchmarks", {})
        if bench:
            base = Settings().benchmarks
            values["benchmarks"] = {k: float(bench.get(k, v)) for k, v in base.items()}
            values["benchmark_sets"] = sets_from_config(bench)
    if os.environ.get("NRR_DB"):
        values["db_path"] = Path(os.environ["NRR_DB"]).resolve()
    if os.environ.get("NRR_DECISIONS"):
        values["decisions_path"] = _store_place(os.environ["NRR_DECISIONS"], None, "decisions")
    settings = Settings(**values)
    if settings.decisions_path is None:
        settings = Settings(**{**values, "decisions_path": settings.db_path.with_name("decisions.sqlite")})
    if settings.targets_path is None:
        settings = dataclasses.replace(settings, targets_path=targets_beside(settings.decisions_path))
    return settings


def _store_place(value, path: Path | None, key: str) -> Path | str:
    """A store's place from ``[data] <key>`` of the settings file at ``path``
    (relative to the checkout) or from the environment (``path`` None, relative to
    the working folder): a
    resolved Path, or a checked postgresql:// URL (``nrr_core.stores``)."""
    where = "NRR_DECISIONS" if path is None else f"{path}: [data] {key}"
    if not isinstance(value, str) or not value.strip():
        raise NrrError(f"{where} must be a file path or a postgresql://user@host:port/database URL")
    if stores.is_url(value):
        try:
            return stores.place(value)
        except NrrError as exc:
            raise NrrError(f"{where}: {exc}") from None
    return Path(value).resolve() if path is None else (ROOT / value).resolve()


def _data_page(section: dict, path: Path) -> dict:
    """The [data_page] settings, checked: NrrError naming the file and the key."""
    values: dict = {}
    if "owners" in section:
        owners = section["owners"]
        if not isinstance(owners, list) or not all(isinstance(o, str) and "@" in o for o in owners):
            raise NrrError(f"{path}: [data_page] owners must be a list of e-mail addresses, "
                           f'like owners = ["ana@example.com"]')
        values["data_owners"] = tuple(o.strip().lower() for o in owners)
    if "open_mode" in section:
        if not isinstance(section["open_mode"], bool):
            raise NrrError(f"{path}: [data_page] open_mode must be true or false")
        values["data_open_mode"] = section["open_mode"]
    for key, field_name in (("max_upload_mb", "max_upload_mb"), ("keep_versions", "keep_versions")):
        if key in section:
            value = section[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise NrrError(f"{path}: [data_page] {key} must be a whole number of at least 1, not {value!r}")
            values[field_name] = value
    return values
