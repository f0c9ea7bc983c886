# reportlib: `make report MEETING=2020-12` builds a meeting's papers; `make test` runs the tests.
# Both create or refresh the virtual environment in .venv from the lock (requirements/) first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help venv lock report review preview publish meeting test lint lab clean bench

help: ## List the targets
	@echo "make report MEETING=YYYY-MM   build that meeting's papers, agenda pack and review page into outputs/MEETING/ (ARGS=... passes options to 'reportlib build')"
	@echo "make review MEETING=YYYY-MM   remake the review page and serve outputs/MEETING/ at http://127.0.0.1:8000/ (ARGS='--port N')"
	@echo "make preview MEETING=YYYY-MM  build, serve at http://127.0.0.1:8000/ and rebuild + reload the page on every save (ARGS='--report NAME --port N')"
	@echo "make publish MEETING=YYYY-MM BY=NAME   sign off the last build into outputs/MEETING/published/ (refuses, saying why, if it is not ready)"
	@echo "make meeting NEW=YYYY-MM FROM=YYYY-MM [DATE=YYYY-MM-DD]   start a meeting as a copy of an earlier one"
	@echo "make test                     lint, then run the test suite"
	@echo "make lint                     ruff over code and notebooks"
	@echo "make lab                      JupyterLab in the project's environment"
	@echo "make lock [UPGRADE=...]       resolve requirements/*.txt from pyproject.toml again (UPGRADE='--upgrade-package NAME' or '--upgrade')"
	@echo "make clean                    remove built outputs and caches (keeps .venv)"
	@echo "make bench [MEETING=...]      time a clean build, a no-op and a one-paper rebuild against the naive pipeline and the floor"

LOCKS   := requirements/runtime.txt requirements/dev.txt
UPGRADE ?=
COMPILE  = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
           --generate-hashes --custom-compile-command "make lock" --quiet $(UPGRADE)

# The environment is exactly the lock: every package pinned and hash-checked, then the
# project itself without dependencies. The stamp is older than the lock whenever the lock
# changes, so the environment is refreshed then; a lock that is missing, stale or edited
# by hand stops here, before anything is installed. pip installs only into $(VENV).
$(STAMP): pyproject.toml $(wildcard $(LOCKS))
	@$(PYTHON) src/reportlib/lock.py check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@git config filter.notebooks.clean "$(BIN)/python -m reportlib.strip --filter" 2>/dev/null || true
	@touch $@

# Pins already in the lock are kept unless UPGRADE says otherwise: an upgrade is a
# deliberate change, committed with its lock.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	@mkdir -p requirements
	$(COMPILE) -o requirements/runtime.txt
	$(COMPILE) --extra dev -c requirements/runtime.txt -o requirements/dev.txt
	@$(PYTHON) src/reportlib/lock.py stamp

venv: $(STAMP)

report: $(STAMP)
	@test -n "$(MEETING)" || { echo "make report: say which meeting, e.g. make report MEETING=2020-12" >&2; exit 2; }
	$(BIN)/reportlib build $(MEETING) $(ARGS)

review: $(STAMP)
	@test -n "$(MEETING)" || { echo "make review: say which meeting, e.g. make review MEETING=2020-12" >&2; exit 2; }
	$(BIN)/reportlib review $(MEETING) $(ARGS)

preview: $(STAMP)
	@test -n "$(MEETING)" || { echo "make preview: say which meeting, e.g. make preview MEETING=2020-12" >&2; exit 2; }
	$(BIN)/reportlib preview $(MEETING) $(ARGS)

publish: $(STAMP)
	@test -n "$(MEETING)" || { echo "make publish: say which meeting, e.g. make publish MEETING=2020-12 BY=\"A Reviewer\"" >&2; exit 2; }
	$(BIN)/reportlib publish $(MEETING) --by "$(BY)"

meeting: $(STAMP)
	@test -n "$(NEW)" -a -n "$(FROM)" || { echo "make meeting: say which, e.g. make meeting NEW=2021-03 FROM=2020-12 DATE=2021-03-05" >&2; exit 2; }
	$(BIN)/reportlib new $(NEW) --from $(FROM) $(if $(DATE),--date $(DATE)) $(ARGS)

test: lint
	$(BIN)/python -m pytest $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks bench
	$(BIN)/ruff format --check src tests notebooks bench

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

clean:
	rm -rf outputs/*/ .pytest_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python bench/bench_build.py $(or $(MEETING),2020-12) $(ARGS)
