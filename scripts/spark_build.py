"""spark-submit's entry point for ``python -m nrr_core build --engine spark`` (spark-submit runs a
file, not a module). Arguments are the build command's: --out DIR and the load command's input options.

    spark-submit --master yarn --deploy-mode client scripts/spark_build.py --out s3a://bucket/book \
        --accounts accounts.csv --mrr mrr.csv

The driver reads and checks the input files (local paths) and needs this checkout's Python
environment; the executors run Spark SQL only (no Python code runs on them).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nrr_core.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build", "--engine", "spark", *sys.argv[1:]]))
