# The front door. Every target installs what it needs first (a virtual environment in .venv).
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
LOCK   := requirements.lock
LOCKED := $(VENV)/.locked-stamp
STAMP  := $(VENV)/.installed-stamp

.PHONY: install lock run test lint fmt openapi contract-check migrations-check bench fuzz example clean

# Everything from requirements.lock, hash-checked (pip and setuptools too, over the venv's own),
# then pmo-api itself, editable, built by the locked hatchling. `pip check` fails when
# pyproject.toml asks for a dependency the lock does not hold: run `make lock`.
$(LOCKED): $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	touch $(LOCKED)

$(STAMP): $(LOCKED) pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

## install: .venv from requirements.lock (every package pinned, with hashes), then pmo-api editable
install: $(STAMP)

## lock: re-resolve requirements.lock from pyproject.toml for Python 3.11 on Linux x86_64, keeping
## the pins that still fit (LOCK_ARGS=--upgrade moves all to their latest, -P NAME only one)
# Needs only the locked uv, not `make install`: it runs while pyproject.toml is ahead of the lock.
LOCK_ARGS ?=
lock: $(LOCKED)
	$(BIN)/uv pip compile pyproject.toml --extra dev --group install --generate-hashes \
	  --only-binary :all: --emit-build-options --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
	  --output-file $(LOCK) $(LOCK_ARGS) >/dev/null

## run: migrate ./pmo.db, load the demo portfolio if empty, serve on http://127.0.0.1:8000
## (`make run PORT=8080 HOST=0.0.0.0` to choose; PMO_PORT and PMO_HOST work too)
run: install
	$(BIN)/pmo-api migrate
	$(BIN)/pmo-api seed-demo --if-empty
	$(BIN)/pmo-api serve $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

## test: the whole suite on SQLite, and on PostgreSQL too when PMO_TEST_DATABASE_URL is set
test: install
	$(BIN)/pytest

## lint: ruff (lint + format check), mypy (strict), the scope rule written only in access/
## (tools/lint_scope.py) and no import cycle among the modules (tools/import_cycles.py)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tools/lint_scope.py
	$(BIN)/python tools/import_cycles.py

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## openapi: regenerate openapi/openapi.json and openapi/schema.graphql from the code
openapi: install
	$(BIN)/pmo-api openapi

## contract-check: fail when the committed contract files drift from the code
contract-check: install
	$(BIN)/pmo-api openapi --check

## migrations-check: `alembic check` on a scratch SQLite database at head
migrations-check: install
	rm -f .migrations-check.db
	PMO_DATABASE_URL=sqlite+aiosqlite:///.migrations-check.db $(BIN)/pmo-api migrate
	PMO_DATABASE_URL=sqlite+aiosqlite:///.migrations-check.db $(BIN)/alembic check
	rm -f .migrations-check.db*

## bench: seed PostgreSQL and measure pmo-api against a bare Starlette + asyncpg app (bench/README.md);
## `make bench BENCH=resources` runs only issue 14's scenarios (BENCH names one scenario or group,
## BENCH_ARGS passes more options to bench/run.py, e.g. --reuse-db)
BENCH ?=
BENCH_ARGS ?=
bench: install
	$(BIN)/python bench/run.py $(if $(BENCH),--scenario $(BENCH)) $(BENCH_ARGS)

## fuzz: schemathesis against the real app from openapi/openapi.json and schema.graphql (README: Fuzzing)
FUZZ_EXAMPLES ?= 25
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python fuzz/run.py

## example: examples/intake.py against a live pmo-api on a scratch SQLite database, through a
## client that openapi-python-client generates from openapi/openapi.json into a scratch folder
## (examples/README.md); fails when the generator warns or the spec stops describing the server
example: install
	bash examples/run.sh

## loadtest: Tsung at a constant arrival rate on PostgreSQL (database pmo_load): the highest rate
## sustained, then a soak at half of it (bench/loadtest.py; LOADTEST_SECONDS=60 for a short run)
LOADTEST_SECONDS ?= 600
.PHONY: loadtest audit pip-audit
loadtest: install
	$(BIN)/python bench/loadtest.py --seconds $(LOADTEST_SECONDS) $(if $(LOADTEST_RATE),--rate $(LOADTEST_RATE))

## audit: known vulnerabilities of the installed packages, from PyPI's advisories of each
## project's latest release (tools/audit_dependencies.py; in CI); fails on any finding
audit: install
	$(BIN)/python tools/audit_dependencies.py

## pip-audit: the same question asked of every release through pip-audit (needs OSV or PyPI's
## per-release documents, which these build machines cannot reach)
pip-audit: install
	$(BIN)/python -m pip install --quiet "pip-audit>=2.7"
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
