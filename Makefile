# Comptoir — the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

.PHONY: install run test test-sqlite test-postgres lint bench bench-quick clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

## Set up (venv, dependencies, database, demo data) and serve on http://$(HOST):$(PORT)/
run: install
	$(BIN)/comptoir migrate --no-input -v0
	@$(BIN)/comptoir demo --banner http://$(HOST):$(PORT) > /dev/null
	$(BIN)/comptoir serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## The whole suite on SQLite, then on PostgreSQL ($(PG_TEST_URL))
test: install lint test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q

lint: install
	$(BIN)/ruff check .
	@tmp=$$(mktemp -d) && DATABASE_URL=sqlite:///$$tmp/check.sqlite3 \
	  $(BIN)/comptoir makemigrations --check --dry-run > /dev/null \
	  || { echo "models and migrations disagree: run comptoir makemigrations"; exit 1; }

## Product against the floor over HTTP, SQLite and PostgreSQL; writes docs/benchmarks.md
## (about 45 minutes; bench/README.md). `make bench-quick` checks the harness in 3 minutes.
bench: install
	$(BIN)/python bench/run.py --out docs/benchmarks.md

bench-quick: install
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
