"""Benchmark sets that name their source, year, population and definition,
and the comparison of each segment with the band for its own contract size.

Two sets by default:
- the general figures quoted in metrics.md ("Benchmarks shown beside the
  figures"): median SaaS NRR around 90–95 %, top performers above 120 %; their
  numbers stay in ``definitions.DEFAULT_BENCHMARKS`` (nrr.toml's
  ``[benchmarks] median_low/median_high/top`` still override them);
- SaaS Capital's 2023 survey of private B2B SaaS companies: median NRR and
  GRR by annual contract value (ACV).

A deployment replaces the sets after the first with ``[[benchmarks.sets]]``
tables in nrr.toml (format in nrr.toml.example; parsed by ``sets_from_config``).
ACV here is a segment's ARR per active account, in the book's currency; the
published bands are in US dollars.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import metrics
from ..definitions import DEFAULT_BENCHMARKS
from ..errors import NrrError
from ..filters import Filters
from ..formatting import percent
from .catalogue import variant


@dataclass(frozen=True)
class Band:
    """One contract-size band: ACV from ``acv_min`` (inclusive) to ``acv_max``
    (exclusive; None = no upper bound), the median NRR as a range (low = high
    for a single figure), the median GRR range, and the top performers' NRR."""

    acv_min: float = 0.0
    acv_max: float | None = None
    nrr_low: float | None = None
    nrr_high: float | None = None
    grr_low: float | None = None
    grr_high: float | None = None
    top: float | None = None

    def contains(self, acv: float) -> bool:
        return acv >= self.acv_min and (self.acv_max is None or acv < self.acv_max)

    def acv_words(self) -> str:
        if self.acv_min <= 0 and self.acv_max is None:
            return "any ACV"
        if self.acv_min <= 0:
            return f"below {_k(self.acv_max)}"
        if self.acv_max is None:
            return f"above {_k(self.acv_min)}"
        return f"{_k(self.acv_min)}–{_k(self.acv_max)}"


def _k(amount: float) -> str:
    return f"${amount / 1000:,.0f}k"


def _range(low, high) -> str:
    if low is None:
        return "–"
    return percent(low, 0) if high is None or high == low else f"{percent(low, 0)}–{percent(high, 0)}"


@dataclass(frozen=True)
class BenchmarkSet:
    key: str
    name: str  # what a legend shows: "SaaS Capital 2023"
    source: str
    year: int | None
    population: str
    definition: str  # the key of the NRR definition the figures are closest to
    bands: tuple[Band, ...]

    def band_for(self, acv: float) -> Band | None:
        return next((b for b in self.bands if b.contains(acv)), None)

    def source_words(self) -> str:
        """Who published it, when, about whom, and which definition it compares with."""
        year = f", {self.year}" if self.year else ""
        return f"{self.source}{year}; {self.population}; compare with {variant(self.definition).label}"

    def band_table(self) -> pd.DataFrame:
        """One row per band: acv_band (in words), median_nrr (text, a range
        where the source gives one), median_grr (text), top (text)."""
        return pd.DataFrame({"acv_band": [b.acv_words() for b in self.bands],
                             "median_nrr": [_range(b.nrr_low, b.nrr_high) for b in self.bands],
                             "median_grr": [_range(b.grr_low, b.grr_high) for b in self.bands],
                             "top": ["–" if b.top is None else f"above {percent(b.top, 0)}" for b in self.bands]})

    def words(self) -> str:
        """One sentence: the set's figures, source, population and definition."""
        figures = "; ".join(
            f"{b.acv_words()}: median NRR {_range(b.nrr_low, b.nrr_high)}"
            + (f", GRR {_range(b.grr_low, b.grr_high)}" if b.grr_low is not None else "")
            + (f", top performers above {percent(b.top, 0)}" if b.top is not None else "")
            for b in self.bands)
        year = f", {self.year}" if self.year else ""
        return (f"{self.name} ({self.source}{year}; {self.population}; compare with {variant(self.definition).label}): "
                f"{figures}.")


def general_set(numbers=DEFAULT_BENCHMARKS) -> BenchmarkSet:
    """metrics.md's general figures as a set (``numbers``: median_low, median_high, top)."""
    return BenchmarkSet(
        key="general", name="General SaaS figures", source="figures quoted in the project's metric definitions",
        year=None, population="SaaS companies in general", definition="nrr",
        bands=(Band(nrr_low=numbers["median_low"], nrr_high=numbers["median_high"], top=numbers["top"]),))


def _sc(lo, hi, nrr):
    return Band(acv_min=lo, acv_max=hi, nrr_low=nrr, nrr_high=nrr, grr_low=0.90, grr_high=0.93)


SAAS_CAPITAL_2023 = BenchmarkSet(
    key="saas_capital_2023", name="SaaS Capital 2023",
    source="SaaS Capital, retention benchmarks survey", year=2023,
    population="private B2B SaaS companies, by annual contract value (ACV)", definition="nrr",
    bands=(_sc(0, 12_000, 1.00), _sc(12_000, 25_000, 1.02), _sc(25_000, 50_000, 1.03),
           _sc(50_000, 100_000, 1.05), _sc(100_000, 250_000, 1.07), _sc(250_000, None, 1.10)))
DEFAULT_SETS = (SAAS_CAPITAL_2023,)


def sets_from_config(section: dict) -> tuple[BenchmarkSet, ...]:
    """The general set (from median_low/median_high/top, defaults where absent)
    followed by the ``sets`` of an nrr.toml ``[benchmarks]`` section, or by
    ``DEFAULT_SETS`` when it has none. NrrError names a bad entry."""
    numbers = {k: float(section.get(k, v)) for k, v in DEFAULT_BENCHMARKS.items()}
    out = [general_set(numbers)]
    configured = section.get("sets")
    if configured is None:
        return (*out, *DEFAULT_SETS)
    for i, raw in enumerate(configured, start=1):
        where = f"[[benchmarks.sets]] number {i}"
        try:
            bands = tuple(Band(**{k: (None if v is None else float(v)) for k, v in b.items()})
                          for b in raw.get("bands", ()))
            year = raw.get("year")
            found = BenchmarkSet(key=str(raw.get("key", f"set_{i}")), name=str(raw["name"]),
                                 source=str(raw.get("source", "")), year=int(year) if year else None,
                                 population=str(raw.get("population", "")),
                                 definition=str(raw.get("definition", "nrr")), bands=bands)
        except (KeyError, TypeError, ValueError) as exc:
            raise NrrError(f"nrr.toml {where}: {exc}") from None
        variant(found.definition)  # a known definition, or a clear error
        if not bands:
            raise NrrError(f"nrr.toml {where}: no [[benchmarks.sets.bands]]")
        out.append(found)
    return tuple(out)


COMPARISON_COLUMNS = ["value", "arr", "active_accounts", "acv", "nrr", "grr", "band", "benchmark_nrr",
                      "points_vs_benchmark", "benchmark_grr_low", "benchmark_grr_high"]


def compare_groups(con, filters: Filters | None, by: str, month: str, bench: BenchmarkSet) -> pd.DataFrame:
    """Each group of ``by`` at ``month`` beside ``bench``'s band for the
    group's own ACV (its ARR per active account). Columns COMPARISON_COLUMNS:
    band (the ACV band in words), benchmark_nrr (the band's median NRR, the
    middle of a range), points_vs_benchmark ((nrr − benchmark_nrr) × 100).
    Groups without a 12-month NRR or without active accounts are left out."""
    frame = metrics.breakdown(con, filters, by, month)
    frame = frame[(frame.active_accounts > 0) & frame.nrr.notna()].reset_index(drop=True)
    frame["acv"] = frame.arr / frame.active_accounts
    bands = [bench.band_for(a) for a in frame.acv]
    mid = lambda b: math.nan if b is None or b.nrr_low is None else (b.nrr_low + (b.nrr_high or b.nrr_low)) / 2
    frame["band"] = [b.acv_words() if b else "outside every band" for b in bands]
    frame["benchmark_nrr"] = [mid(b) for b in bands]
    frame["points_vs_benchmark"] = (frame.nrr - frame.benchmark_nrr) * 100
    frame["benchmark_grr_low"] = [math.nan if b is None or b.grr_low is None else b.grr_low for b in bands]
    frame["benchmark_grr_high"] = [math.nan if b is None or b.grr_high is None else b.grr_high for b in bands]
    return frame[COMPARISON_COLUMNS]
