# One command to run, one to test. Both bootstrap .venv on their own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## set up and start the server on http://127.0.0.1:8765 (store: db/crosscheck.db)
	$(BIN)/crosscheck serve

test: $(STAMP)  ## set up and run the whole test suite (lint included)
	scripts/test-deps
	$(BIN)/ruff check server tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check server tests bench

clean:
	rm -rf $(VENV) db/*.db db/*.db-wal db/*.db-shm db/*.token
