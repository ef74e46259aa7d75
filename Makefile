# The two commands of the README:
#   make app    set up (first time) and run the dashboard; the demo book is generated on first start
#   make test   set up (first time) and run every test: pytest, AppTest, the browser tests and the
#               PostgreSQL store tests (on a private server the tests start)
VENV ?= .venv
PY := $(VENV)/bin/python
# The interpreter that makes the virtual environment: the supported version only
# (scripts/check_python.py says which and refuses others with one clear line).
PYTHON ?= python3
PORT ?= 8501
# Open mode (no sign-in) serves this machine only; ADDRESS=0.0.0.0 shares it on a trusted network.
ADDRESS ?= 127.0.0.1

.PHONY: app test chromium postgres fonts java demo screenshots bench bench-spark pack lock upgrade python-check

# requirements.txt pins every package with its hashes; a change to it rebuilds
# the environment from scratch, so nothing left from an older install lingers.
$(VENV)/.installed: requirements.txt
	@$(PYTHON) scripts/check_python.py
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

# The environment's own interpreter, in case .venv was made by another Python.
python-check: $(VENV)/.installed
	@$(PY) scripts/check_python.py

# Re-resolve requirements.in into requirements.txt: `make lock` keeps every pin
# that still fits (after adding or changing a line of requirements.in);
# `make upgrade` moves every package to its newest fitting release. Either is a
# deliberate step: run `make test` on the result before committing it.
LOCK_TOOLS := .lock-tools
UV_VERSION := 0.13.9
LOCK_CMD = $(LOCK_TOOLS)/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 \
	--python-platform linux --custom-compile-command "make lock" --quiet -o requirements.txt
# Spark's packages, constrained to requirements.txt's pins (requirements-spark.in says -c requirements.txt).
LOCK_SPARK_CMD = $(LOCK_TOOLS)/bin/uv pip compile requirements-spark.in --generate-hashes --python-version 3.11 \
	--python-platform linux --custom-compile-command "make lock" --quiet -o requirements-spark.txt
$(LOCK_TOOLS)/bin/uv:
	@$(PYTHON) scripts/check_python.py
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
lock: $(LOCK_TOOLS)/bin/uv
	$(LOCK_CMD)
	$(LOCK_SPARK_CMD)
upgrade: $(LOCK_TOOLS)/bin/uv
	$(LOCK_CMD) --upgrade
	$(LOCK_SPARK_CMD) --upgrade

app: python-check fonts
	@echo "NRR dashboard on http://$(ADDRESS):$(PORT)  (Ctrl+C stops it)"
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests drive Debian's chromium (never `playwright install`, which downloads).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

# The stores' PostgreSQL tests start a private throwaway server from Debian's PostgreSQL programs
# (tests/postgres.py); they fail without them unless NRR_TESTS_WITHOUT_POSTGRES=1.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "the PostgreSQL store tests need Debian's PostgreSQL: sudo apt-get install -y postgresql" >&2; exit 1; fi; }

# The board pack (PDF) writes text in DejaVu Sans, CJK in Droid Sans Fallback; poppler-utils
# (pdftoppm) renders its pages to PNG for a look. Missing fonts only warn: the app still runs.
FONT_PKGS := fonts-dejavu-core fonts-droid-fallback poppler-utils
fonts:
	@if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] \
	    && command -v pdftoppm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(FONT_PKGS) >/dev/null; \
	else echo "the board pack wants Debian's fonts: sudo apt-get install -y $(FONT_PKGS)" >&2; fi

# Building the book on Spark (tests/test_spark_book.py): pyspark, pinned apart in requirements-spark.txt
# (a 450 MB download the app does not need), and Java 17 from Debian.
$(VENV)/.spark-installed: requirements-spark.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-spark.txt
	touch $@
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else echo "the Spark tests need Java 17: sudo apt-get install -y openjdk-17-jre-headless" >&2; exit 1; fi; }

test: python-check chromium postgres fonts java $(VENV)/.spark-installed
	$(PY) -m pytest

demo: $(VENV)/.installed
	$(PY) -m nrr_core demo

screenshots: $(VENV)/.installed chromium
	$(PY) scripts/screenshots.py --url http://127.0.0.1:$(PORT) --out screenshots --sizes laptop,projector,phone

bench: $(VENV)/.installed
	$(PY) benchmarks/bench.py

bench-spark: $(VENV)/.spark-installed java
	$(PY) benchmarks/spark_build.py

# The board pack of the current database (`make demo` writes one), and its pages as PNG for a look
# (into screenshots/, which git ignores).
pack: $(VENV)/.installed chromium fonts
	mkdir -p screenshots
	$(PY) -m nrr_core pack --out screenshots/board-pack.pdf
	@command -v pdftoppm >/dev/null 2>&1 && pdftoppm -r 80 -png screenshots/board-pack.pdf screenshots/board-pack-page || true
