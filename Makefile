# The two commands of the README:
#   make app    set up (first time) and run the dashboard; the demo book is generated on first start
#   make test   set up (first time) and run every test: pytest, AppTest and the browser tests
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Open mode (no sign-in) serves this machine only; ADDRESS=0.0.0.0 shares it on a trusted network.
ADDRESS ?= 127.0.0.1

.PHONY: app test chromium demo screenshots bench

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

app: $(VENV)/.installed
	@echo "NRR dashboard on http://$(ADDRESS):$(PORT)  (Ctrl+C stops it)"
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests drive Debian's chromium (never `playwright install`, which downloads).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

test: $(VENV)/.installed chromium
	$(PY) -m pytest

demo: $(VENV)/.installed
	$(PY) -m nrr_core demo

screenshots: $(VENV)/.installed chromium
	$(PY) scripts/screenshots.py --url http://127.0.0.1:$(PORT) --out screenshots --sizes laptop,projector,phone

bench: $(VENV)/.installed
	$(PY) benchmarks/bench.py
