# Two commands on a fresh machine: `make run` builds the warehouse from the bundled snapshot (sample data, ~100
# offers; `mcatlas run --live` harvests the real endpoints, README "Real data"), `make test` runs the tests. Each
# creates the virtual environment and installs the project when missing or out of date.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export DAGSTER_TELEMETRY_DISABLED := 1

.PHONY: run test dev lint bench clean browser postgres team-test

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

# DAGSTER_HOME as for `make dev`: the run and its materialisations land in the same instance (.dagster/), so the UI
# shows them instead of "Never materialized".
run: $(STAMP)
	DAGSTER_HOME=$(CURDIR) $(BIN)/mcatlas run

# The skill tests swap the active ESCO release for a small subset inside their process: they run in a process of
# their own so the end-to-end tests always see the shipped release.
test: $(STAMP) browser postgres lint
	$(BIN)/python -m pytest -q --ignore=tests/models/skills
	$(BIN)/python -m pytest -q tests/models/skills

# Headless Chromium (Debian's package) for the report's screenshot test: installed when missing and running as
# root; if that fails the test skips with its reason, so `make test` never fails here.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		  chromium >/dev/null; } || echo "make: chromium could not be installed; the screenshot test will skip"; \
	else echo "make: no chromium (root and apt-get install it); the report screenshot test will skip"; fi

# Debian's PostgreSQL for the team-instance test (Dagster storage on a real server): installed when missing and running
# as root; if that fails the test skips with its reason, so `make test` never fails here.
postgres:
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		  postgresql >/dev/null; } || echo "make: postgresql could not be installed; the team-instance test will skip"; \
	else echo "make: no PostgreSQL (root and apt-get install it); the team-instance test will skip"; fi

# Dagster on PostgreSQL with parallel harvests while an analyst queries (docs/scale.md); part of `make test` too.
team-test: $(STAMP) postgres
	$(BIN)/python -m pytest -q tests/pipelines/test_team_instance.py

dev: $(STAMP)
	DAGSTER_HOME=$(CURDIR) $(BIN)/dagster dev

# The habits CI enforces, before any test runs: ruff's rules and formatting, mypy over the four packages (settings in
# pyproject.toml; its cache in .mypy_cache keeps a re-run to seconds) and sqlfluff over warehouse/sql (.sqlfluff)
# and over the dbt project's Jinja SQL (warehouse/dbt/.sqlfluff: sqlfluff sets a templater only from the working
# directory's config, hence the cd).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/sqlfluff lint warehouse/sql --disable-progress-bar
	cd warehouse/dbt && ../../$(BIN)/sqlfluff lint models tests --disable-progress-bar

clean:
	rm -rf data .dagster
