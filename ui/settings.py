"""Deployment settings: database path, currency symbol, benchmark bands.

Read from ``nrr.toml`` beside app.py when present (see README), overridden by
the environment variables ``NRR_DB`` (database) and ``NRR_DECISIONS`` (the
review decisions store, by default ``decisions.sqlite`` beside the database).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from nrr_core.definitions import DEFAULT_BENCHMARKS
from nrr_core.variants import HEADLINE_DEFAULT, sets_from_config, variant

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_path: Path = ROOT / "data" / "nrr.duckdb"
    # Review decisions (never replaced by a load); None = decisions.sqlite beside the database.
    decisions_path: Path | None = None
    currency: str = "$"
    # Benchmarks quoted in docs/metrics.md (nrr_core's defaults); nrr.toml [benchmarks] overrides them.
    benchmarks: dict = field(default_factory=lambda: dict(DEFAULT_BENCHMARKS))
    # [display] headline: the NRR definition shown as the headline (a key of nrr_core.variants.KEYS).
    headline: str = HEADLINE_DEFAULT
    # Benchmark sets that name source, year, population and definition ([[benchmarks.sets]]).
    benchmark_sets: tuple = field(default_factory=lambda: sets_from_config({}))
    # With sign-in configured: the e-mail domains allowed in (empty = any signed-in user).
    allowed_domains: tuple[str, ...] = ()


def load_settings() -> Settings:
    values: dict = {}
    path = Path(os.environ.get("NRR_CONFIG", ROOT / "nrr.toml"))
    if path.is_file():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        if "database" in raw.get("data", {}):
            values["db_path"] = (ROOT / raw["data"]["database"]).resolve()
        if "decisions" in raw.get("data", {}):
            values["decisions_path"] = (ROOT / raw["data"]["decisions"]).resolve()
        if "currency" in raw.get("display", {}):
            values["currency"] = str(raw["display"]["currency"])
        domains = raw.get("auth", {}).get("allowed_domains", [])
        if domains:
            values["allowed_domains"] = tuple(str(d) for d in domains)
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
        values["decisions_path"] = Path(os.environ["NRR_DECISIONS"]).resolve()
    settings = Settings(**values)
    if settings.decisions_path is None:
        settings = Settings(**{**values, "decisions_path": settings.db_path.with_name("decisions.sqlite")})
    return settings
