# Two commands do all set-up on a fresh machine:
#   make report   builds the example report (creates .venv and installs what it needs)
#   make test     runs the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint check bench schema clean bytecode lock golden fuzz browser

# Installs exactly the versions in requirements/lock.txt, each checked against its hash;
# the package itself is installed without touching the index (its build tools are locked too).
$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerate the lock after changing dependencies in pyproject.toml (needs the network).
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
	  -o requirements/lock.txt pyproject.toml requirements/build.in

# pip compiles a regular install, not an editable one; where PYTHONDONTWRITEBYTECODE is
# set, every run would compile the package from source again (~40 ms of a check).
# compileall writes the .pyc files regardless and skips those that are up to date.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src/regionrapport

report: bytecode
	$(BIN)/rapport build delar-mars-2025 --format md,docx,pdf,xlsx

check: bytecode
	$(BIN)/rapport check --all

# ruff (style, likely bugs, complexity) and mypy (types of src/), settings in pyproject.toml.
# Their caches (.ruff_cache/, .mypy_cache/) are git-ignored.
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

# The browser tests (tests/test_browser.py) need a Chromium: Debian's package, installed
# here when it is missing and this is root with apt-get (as CI is); otherwise they are
# skipped and pytest says how to install it. A failed install fails nothing.
browser:
	@if [ -n "$$RAPPORT_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || command -v google-chrome >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installerar chromium för webbläsartesterna (apt-get) ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "Kunde inte installera chromium: webbläsartesterna hoppas över."; \
	else \
	  echo "Ingen chromium: webbläsartesterna hoppas över (installera med 'apt-get install -y chromium')."; \
	fi

# The fast failures first: lint takes seconds, the suite a minute or more.
test: lint browser
	$(BIN)/python -m pytest

# Rewrite the golden outputs (tests/golden/) from the current code, after an intended
# change to templates, data or rules; review with `git diff tests/golden` and commit.
golden: $(STAMP)
	$(BIN)/python -m pytest -q --update-golden tests/test_golden.py tests/test_migrate.py tests/checks/test_cases.py
	@git status --short tests/golden || true

schema: $(STAMP)
	$(BIN)/rapport schema

bench: bytecode
	$(BIN)/python benchmarks/run.py

# The fuzz test at length (docs/fuzzing.md); `make test` runs a few derandomized cases.
FUZZ_EXAMPLES ?= 2000
fuzz: $(STAMP)
	RAPPORT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

clean:
	rm -rf out $(VENV)
