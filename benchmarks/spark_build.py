"""Benchmark: the book built on DuckDB against the same book built on Spark in local mode.

    python benchmarks/spark_build.py [--accounts 100000] [--months 48] [--cores 2] [--out benchmarks/out]
                                     [--book DIR] [--driver-memory 8g] [--partitions N]

Generates the seeded demo book (n accounts x 48 months x 3 product lines, with
signals and churn reasons), then, each in its own process so its peak memory
is its own: ``build --engine duckdb``, ``build --engine spark`` (local[cores],
driver memory 8g unless told; peak memory is the Python driver's and the JVM's), and
``load --parquet`` of the Spark book. Prints wall times, peak memory and the
size of each Parquet book. Needs pyspark (requirements-spark.txt) and Java 17.
A benchmark, not a test: nothing asserts times.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))


WRAP = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def _timed(args: list[str]) -> dict:
    """Run a command in a fresh wrapper process; its wall time and the peak resident memory of the
    largest process it waited for (the Python process; for Spark the driver's Python side), in MB,
    and for Spark the JVM's own peak (``jvm_peak_mb``)."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAP, *args], check=True, cwd=ROOT, stdout=subprocess.PIPE,
                          text=True)
    seconds = time.perf_counter() - t
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]))
    out = {"seconds": round(seconds, 1), "peak_mb": round(int(lines[-1]) / 1024)}
    jvm = [line.split()[1] for line in lines if line.startswith("JVM_PEAK_KB ")]
    if jvm:
        out["jvm_peak_mb"] = round(int(jvm[-1]) / 1024)
    return out


SPARK_RUN = """
import sys, time
sys.path.insert(0, {root!r})
from nrr_core import engines
from nrr_core.engines import spark_engine
t = time.perf_counter()
spark = spark_engine.session("local[{cores}]", **{{"spark.driver.memory": "{memory}", "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false", "spark.sql.shuffle.partitions": "{partitions}"}})
spark.sparkContext.setLogLevel("ERROR")
print("spark session", round(time.perf_counter() - t, 1), "s", flush=True)
engines.build({out!r}, engine="spark", spark=spark, progress=print, **{inputs!r})
# The JVM's own peak (the launcher execs java): getrusage in the wrapper sees only the
# processes that were waited for, and the JVM is not.
status = open(f"/proc/{{spark.sparkContext._gateway.proc.pid}}/status").read()
print("JVM_PEAK_KB", next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    parser.add_argument("--book", metavar="DIR", help="keep the generated input files in DIR/<accounts> and "
                                                      "reuse them (the same folders as bench.py --book)")
    parser.add_argument("--driver-memory", default="8g")
    parser.add_argument("--partitions", type=int, help="spark.sql.shuffle.partitions (default: 4 per core)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench import book_files

    result = {"accounts": args.accounts, "months": args.months, "cores": args.cores}
    with tempfile.TemporaryDirectory(prefix="nrr-spark-bench-") as tmp:
        tmp = Path(tmp)
        files, seconds = book_files(Path(args.book) / str(args.accounts) if args.book else tmp, args.accounts,
                                    args.months)
        result["generate_s"] = None if seconds is None else round(seconds, 1)
        inputs = {k: str(files[k]) for k in ("accounts", "mrr", "signals", "churn_reasons") if k in files}
        result["mrr_csv_rows"] = sum(1 for _ in open(files["mrr"], encoding="utf-8")) - 1
        flags = [f for k, v in inputs.items() for f in (f"--{k.replace('_', '-')}", v)]
        py = sys.executable
        result["duckdb_build"] = _timed([py, "-m", "nrr_core", "build", "--quiet", "--out", str(tmp / "duck"),
                                         *flags])
        result["duckdb_build"]["parquet_mb"] = round(_size(tmp / "duck") / 2**20, 1)
        script = SPARK_RUN.format(root=str(ROOT), cores=args.cores, memory=args.driver_memory,
                                  partitions=args.partitions or max(4, args.cores * 4),
                                  out=str(tmp / "spark"), inputs=inputs)
        result["spark_build"] = _timed([py, "-c", script])
        result["spark_build"]["parquet_mb"] = round(_size(tmp / "spark") / 2**20, 1)
        result["load_parquet"] = _timed([py, "-m", "nrr_core", "load", "--quiet", "--db", str(tmp / "book.duckdb"),
                                         "--parquet", str(tmp / "spark")])
        result["database_mb"] = round((tmp / "book.duckdb").stat().st_size / 2**20, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"spark_build_{args.accounts}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
