# Two entry points: `make serve` (the main job: build if needed, then serve the endpoint, the
# canned queries and the pages on http://127.0.0.1:8000/) and `make test`.
# Each creates .venv and installs sdglod with its dependencies on first use; `make test` also
# installs Debian's chromium for the browser tests, and Virtuoso, nginx and Apache for the tests
# against real stores and web servers, when they are missing (as root, as on CI), and the
# reference LDES client from npm (tests/node) for the event stream's tests; and it rebuilds the
# query page's editor from its pinned npm packages to check the committed file (tools/editor).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: serve build test lint chromium servers node-tools editor-asset editor-asset-update clean bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

serve: $(INSTALLED)
	$(BIN)/sdglod serve

build: $(INSTALLED)
	$(BIN)/sdglod build

test: $(INSTALLED) chromium servers node-tools editor-asset
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

# Real clients from npm the tests run (tests/node/package.json, versions pinned by its lock
# file): the reference LDES client and html-validate. Installed with Node.js on first use.
NODE_TOOLS := tests/node/node_modules/.package-lock.json
node-tools: $(NODE_TOOLS)
$(NODE_TOOLS): tests/node/package.json tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
	touch $@

# The query page's editor, src/sdglod/web/static/vendor/codemirror.min.js: CodeMirror 6 with its
# SPARQL language, every version pinned by tools/editor/package-lock.json, bundled by esbuild
# into one file that is committed (pages never reach a CDN). `make editor-asset` fetches the
# packages from the npm registry again, rebuilds the file and checks it against the recorded
# checksum (codemirror.min.js.sha256); `make editor-asset-update` records a new one after a
# deliberate change of tools/editor (a version, or entry.mjs).
VENDOR := src/sdglod/web/static/vendor
EDITOR_BUILD := tools/editor/build/codemirror.min.js
ESBUILD_ARGS := --bundle --minify --format=iife --global-name=CM --target=es2020 --legal-comments=none --log-level=warning

$(EDITOR_BUILD): tools/editor/package.json tools/editor/package-lock.json tools/editor/entry.mjs
	npm ci --prefix tools/editor --no-audit --no-fund --loglevel=error
	cd tools/editor && node_modules/.bin/esbuild entry.mjs $(ESBUILD_ARGS) --outfile=build/codemirror.min.js
	cd tools/editor && node licences.mjs build/codemirror.LICENSE.txt

editor-asset: $(EDITOR_BUILD)
	cd tools/editor/build && sed 's/ .*/  codemirror.min.js/' ../../../$(VENDOR)/codemirror.min.js.sha256 | sha256sum -c -
	cp tools/editor/build/codemirror.min.js tools/editor/build/codemirror.LICENSE.txt $(VENDOR)/

editor-asset-update: $(EDITOR_BUILD)
	mkdir -p $(VENDOR)
	cp tools/editor/build/codemirror.min.js tools/editor/build/codemirror.LICENSE.txt $(VENDOR)/
	cd $(VENDOR) && sha256sum codemirror.min.js > codemirror.min.js.sha256

# Real engines and web servers the tests start on loopback: Virtuoso (a second SPARQL store
# beside Oxigraph's server), nginx and Apache (the static export's rules). Installed as root,
# never started as services (a policy-rc.d for the install): the tests start their own.
SERVERS := virtuoso-t nginx apache2
SERVER_PACKAGES := virtuoso-opensource-7-bin nginx apache2
servers:
	@missing=; for b in $(SERVERS); do \
	  command -v $$b >/dev/null 2>&1 || [ -x /usr/sbin/$$b ] || missing="$$missing $$b"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    policy=; [ -e /usr/sbin/policy-rc.d ] || { policy=1; \
	      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(SERVER_PACKAGES) >/dev/null; status=$$?; \
	    [ -z "$$policy" ] || rm -f /usr/sbin/policy-rc.d; exit $$status; \
	  else \
	    echo "missing:$$missing: run 'sudo apt-get install $(SERVER_PACKAGES)' (their tests skip)"; \
	  fi; \
	fi

clean:
	rm -rf .sdglod dist test-artifacts
