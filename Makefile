# Two entry points: `make serve` (the main job: build if needed, then serve the endpoint, the
# canned queries and the pages on http://127.0.0.1:8000/) and `make test`.
# Each creates .venv and installs sdglod with its dependencies on first use; `make test` also
# installs Debian's chromium for the browser tests when it is missing (as root, as on CI).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: serve build test lint chromium clean bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

serve: $(INSTALLED)
	$(BIN)/sdglod serve

build: $(INSTALLED)
	$(BIN)/sdglod build

test: $(INSTALLED) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Benchmarks (benchmarks/README.md): on demand, never part of `make test`. Takes about an hour;
# pick fewer with e.g. `make bench BENCH_ARGS="--sizes 10k,100k"`.
BENCH_INSTALLED := $(VENV)/.installed-bench
BENCH_ARGS ?=

$(BENCH_INSTALLED): $(INSTALLED)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

bench: $(BENCH_INSTALLED) build
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/http_load.py --backend

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser tests drive Debian's chromium (no browser download: none works here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (or SDGLOD_SKIP_BROWSER=1)"; \
	  fi; \
	}

clean:
	rm -rf .sdglod dist test-artifacts
