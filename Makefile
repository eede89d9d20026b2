# Quick start: `make run` and `make test`. Both build .venv from requirements.lock when it is missing.
# The first supported Python on PATH (3.11 to 3.13; Debian 12 ships 3.11, Debian 13 and Ubuntu 24.04 newer).
PYTHON ?= $(or $(shell command -v python3.11 2>/dev/null),$(shell command -v python3.13 2>/dev/null),$(shell command -v python3.12 2>/dev/null),python3)
VENV := .venv
BIN := $(VENV)/bin
SEED := src/luoshi/plandoc/data/dalian-2018-innovation-workplan.txt

.PHONY: run parse-demo test bench lock clean

$(BIN)/luoshi: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null || { echo "Luoshi needs Python 3.11, 3.12 or 3.13 on PATH (or run: make PYTHON=/path/to/python3.13)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(BIN)/luoshi

# The demo: migrates SQLite under var/, loads the Dalian plan and demo accounts, runs one worker beside
# the web server on http://127.0.0.1:8000 (Ctrl-C stops both).
run: $(BIN)/luoshi
	bash scripts/system-packages.sh run
	LUOSHI_WATCH_PID=$$PPID LUOSHI_PYTHON=$(BIN)/python scripts/run-demo.sh

# The parser on the reference plan, as a Markdown outline.
parse-demo: $(BIN)/luoshi
	$(BIN)/luoshi parse $(SEED) --format md

test: $(BIN)/luoshi
	bash scripts/system-packages.sh test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	@# pytest exits 5 when it collected no test: not a failure, every other non-zero status is.
	status=0; $(BIN)/pytest -n 2 $(PYTEST_ARGS) || status=$$?; \
	  if [ $$status -eq 5 ]; then echo 'pytest: no tests ran'; exit 0; fi; exit $$status

bench: $(BIN)/luoshi
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/group.py
	$(BIN)/python bench/index.py

# Re-pin requirements.lock after changing dependencies in pyproject.toml.
lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
