# Two commands do all set-up on a fresh machine:
#   make report   builds the example report (creates .venv and installs what it needs)
#   make test     runs the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test check bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/rapport build delar-mars-2025

check: $(STAMP)
	$(BIN)/rapport check --all

test: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/rapport schema

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf out $(VENV)
