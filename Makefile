# One command to run, one to test. Both bootstrap .venv on their own: `make run` installs what
# running needs, `make test` adds the test tools (pytest, Playwright, ...) to the same .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean mutants

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(RUN_STAMP)  ## set up and start the server on http://127.0.0.1:8765 (store: see `crosscheck stats`)
	$(BIN)/crosscheck serve

test: $(TEST_STAMP)  ## set up and run the whole test suite (lint included)
	scripts/test-deps
	@[ -d ../shared/bench ] || echo "../shared/bench is missing: the benchmark tests will not run (listed at the end)" >&2
	$(BIN)/ruff check server tests bench
	$(BIN)/python -m pytest

mutants: $(TEST_STAMP)  ## mutation testing of the pure stages (slow; not in CI); MODULES="values facts" for some
	$(BIN)/pip install --quiet -e '.[test,mutants]'
	scripts/mutants $(MODULES)

lint: $(TEST_STAMP)
	$(BIN)/ruff check server tests bench

clean:
	rm -rf $(VENV) db/*.db db/*.db-wal db/*.db-shm db/*.token
