# The two commands of the README:
#   make app    set up (first time) and run the dashboard; the demo book is generated on first start
#   make test   set up (first time) and run every test: pytest, AppTest and the browser tests
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Open mode (no sign-in) serves this machine only; ADDRESS=0.0.0.0 shares it on a trusted network.
ADDRESS ?= 127.0.0.1

.PHONY: app test chromium fonts demo screenshots bench pack

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

app: $(VENV)/.installed fonts
	@echo "NRR dashboard on http://$(ADDRESS):$(PORT)  (Ctrl+C stops it)"
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests drive Debian's chromium (never `playwright install`, which downloads).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

# The board pack (PDF) writes text in DejaVu Sans, CJK in Droid Sans Fallback; poppler-utils
# (pdftoppm) renders its pages to PNG for a look. Missing fonts only warn: the app still runs.
FONT_PKGS := fonts-dejavu-core fonts-droid-fallback poppler-utils
fonts:
	@if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] \
	    && command -v pdftoppm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(FONT_PKGS) >/dev/null; \
	else echo "the board pack wants Debian's fonts: sudo apt-get install -y $(FONT_PKGS)" >&2; fi

test: $(VENV)/.installed chromium fonts
	$(PY) -m pytest

demo: $(VENV)/.installed
	$(PY) -m nrr_core demo

screenshots: $(VENV)/.installed chromium
	$(PY) scripts/screenshots.py --url http://127.0.0.1:$(PORT) --out screenshots --sizes laptop,projector,phone

bench: $(VENV)/.installed
	$(PY) benchmarks/bench.py

# The board pack of the current database (`make demo` writes one), and its pages as PNG for a look
# (into screenshots/, which git ignores).
pack: $(VENV)/.installed chromium fonts
	mkdir -p screenshots
	$(PY) -m nrr_core pack --out screenshots/board-pack.pdf
	@command -v pdftoppm >/dev/null 2>&1 && pdftoppm -r 80 -png screenshots/board-pack.pdf screenshots/board-pack-page || true
