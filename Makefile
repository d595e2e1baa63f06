# Two commands on a fresh machine: `make run` builds the warehouse from the bundled snapshot, `make test` runs
# the tests. Each creates the virtual environment and installs the project when missing or out of date.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export DAGSTER_TELEMETRY_DISABLED := 1

.PHONY: run test dev lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mcatlas run

test: $(STAMP)
	$(BIN)/python -m pytest -q

dev: $(STAMP)
	DAGSTER_HOME=$(CURDIR) $(BIN)/dagster dev

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf data .dagster
