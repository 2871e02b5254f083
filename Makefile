# policykg — the two commands a new user needs: `make run` and `make test`.
# Every install step lives here or in pyproject.toml.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STORE  ?= store
PORT   ?= 8501

.PHONY: install dev build run app test lint typecheck bench screenshots clean system-deps

# --- set-up ------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed   ## .venv with the package; leaves .venv/bin/policykg

dev: $(VENV)/.dev-installed

# Debian packages for the browser tests and screenshots (root on this machine and in CI).
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list | grep -qi wqy \
	  || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null) \
	  || (echo "install Debian's chromium, chromium-driver and fonts-wqy-zenhei (apt-get install ...)" >&2; exit 1)

# --- the main job --------------------------------------------------------------------------
build: install
	$(VENV)/bin/policykg build --store $(STORE)

run: build
	POLICYKG_STORE=$(STORE) $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false --client.toolbarMode minimal

# --- tests -------------------------------------------------------------------------------
# ruff (rules in pyproject.toml) and the layer contracts (lint-imports: ingest -> graph -> analysis
# -> CLI -> app, no cycles)
lint: dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# mypy on ingest/ graph/ analysis/ policykg/ (settings in pyproject.toml)
typecheck: dev
	$(VENV)/bin/mypy

test: dev system-deps lint typecheck
	$(MAKE) --no-print-directory services-start
	$(PY) -m pytest -q; status=$$?; $(MAKE) --no-print-directory services-stop; exit $$status

bench: dev
	$(MAKE) --no-print-directory services-start
	$(VENV)/bin/policykg bench --sizes $${SIZES:-5,500,5000}; status=$$?; \
	  $(MAKE) --no-print-directory services-stop; exit $$status

screenshots: dev system-deps build
	POLICYKG_STORE=$(STORE) $(PY) tests/e2e/screenshots.py

clean:
	rm -rf $(STORE) .pytest_cache

include mk/*.mk
