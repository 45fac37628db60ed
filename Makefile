# Two commands do all set-up on a fresh machine:
#   make report   builds the example report (creates .venv and installs what it needs)
#   make test     runs the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test check bench schema clean bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# pip compiles a regular install, not an editable one; where PYTHONDONTWRITEBYTECODE is
# set, every run would compile the package from source again (~40 ms of a check).
# compileall writes the .pyc files regardless and skips those that are up to date.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src/regionrapport

report: bytecode
	$(BIN)/rapport build delar-mars-2025

check: bytecode
	$(BIN)/rapport check --all

test: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/rapport schema

bench: bytecode
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf out $(VENV)
