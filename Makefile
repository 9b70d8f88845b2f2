# `make run` and `make test` are the two commands: each sets everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BUNDLE := build/web/charts.js

.PHONY: run test quick setup system lint typecheck unit fast slow bench browser java clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

# Front-end packages (design system, charts, API docs), pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# The chart script, bundled so that it runs under a strict Content-Security-Policy.
$(BUNDLE): $(NODE_STAMP) src/missionmonitor/web/assets/charts.js
	node_modules/.bin/esbuild src/missionmonitor/web/assets/charts.js --bundle --minify \
		--format=iife --target=es2020 --log-level=warning --outfile=$(BUNDLE)

# Debian packages: Pango and fonts for PDF reports (WeasyPrint); for the tests, Chromium with
# its driver for the browser tests and poppler-utils to read PDFs back.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation
TEST_DEBS := chromium chromium-driver poppler-utils

define ensure_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
endef

system:
	$(call ensure_debs,$(RUN_DEBS))

setup: system $(STAMP) $(BUNDLE)

browser:
	$(call ensure_debs,$(TEST_DEBS))

# Java for the Spark tests (the OST pipeline on Apache Spark); the machine's own if present.
java:
	@command -v java >/dev/null 2>&1 || { echo "Installing Java for Spark"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }

run: setup
	$(BIN)/missionmonitor init
	$(BIN)/missionmonitor summary
	$(BIN)/missionmonitor serve

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy src

# Every test, on every core (pytest-xdist): first the fast ones, then those marked slow
# (the browsers, the API fuzzing, the full-size generator), then those on Spark in one test
# process, so that one JVM and one Spark session serve them all.
fast: setup browser
	$(BIN)/pytest -m "not slow"

slow: setup browser java
	$(BIN)/pytest -m "slow and not spark"
	$(BIN)/pytest -m spark -n 0

unit: fast slow

test: lint typecheck unit

# The fast tests alone, for a quick check while working (make test still runs everything).
quick: lint typecheck fast

bench: setup
	$(BIN)/python benchmarks/compute.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/ost_pipeline.py
	$(BIN)/python benchmarks/detection.py
	$(BIN)/python benchmarks/hostile_files.py
	$(BIN)/python benchmarks/soak.py
	$(BIN)/python benchmarks/cli_start.py

clean:
	rm -rf $(VENV) var build node_modules
