# reportlib: `make report MEETING=2020-12` builds a meeting's papers; `make test` runs the tests.
# Both create or refresh the virtual environment in .venv from pyproject.toml first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help venv report review meeting test lint lab clean bench

help: ## List the targets
	@echo "make report MEETING=YYYY-MM   build that meeting's papers, agenda pack and review page into outputs/MEETING/ (ARGS=... passes options to 'reportlib build')"
	@echo "make review MEETING=YYYY-MM   remake the review page and serve outputs/MEETING/ at http://127.0.0.1:8000/ (ARGS='--port N')"
	@echo "make meeting NEW=YYYY-MM FROM=YYYY-MM [DATE=YYYY-MM-DD]   start a meeting as a copy of an earlier one"
	@echo "make test                     lint, then run the test suite"
	@echo "make lint                     ruff over code and notebooks"
	@echo "make lab                      JupyterLab in the project's environment"
	@echo "make clean                    remove built outputs and caches (keeps .venv)"
	@echo "make bench [MEETING=...]      time a whole build and each stage"

# The stamp is older than pyproject.toml whenever the dependencies change, so the
# environment is refreshed then; pip installs only into $(VENV).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

venv: $(STAMP)

report: $(STAMP)
	@test -n "$(MEETING)" || { echo "make report: say which meeting, e.g. make report MEETING=2020-12" >&2; exit 2; }
	$(BIN)/reportlib build $(MEETING) $(ARGS)

review: $(STAMP)
	@test -n "$(MEETING)" || { echo "make review: say which meeting, e.g. make review MEETING=2020-12" >&2; exit 2; }
	$(BIN)/reportlib review $(MEETING) $(ARGS)

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
