# salon_tui — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= $(CURDIR)/.demo
PYTEST_WORKERS ?= auto

.PHONY: demo demo-zh demo-rebuild test check lint format typecheck contracts bench i18n migration clean help

help:
	@echo "make demo       build a demo shop in ./.demo and open the app (SALON_HOME=.demo)"
	@echo "make demo-zh    the same demo, in 简体中文"
	@echo "make test       install the test dependencies and run the whole suite"
	@echo "make check      ruff (lint + format), mypy, import contracts, then the suite"
	@echo "make bench      speed figures, each beside its floor"
	@echo "make i18n       list untranslated strings and compile the catalogs"
	@echo "make migration NAME=... REV=area_NNNN   write a new schema migration"

$(BIN)/salon: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@# evdev (USB scanners) builds from source and needs gcc and the Python headers;
	@# without them the app falls back to detecting scanner bursts on the keyboard.
	@$(BIN)/python -m pip install --quiet -e '.[scanner]' 2>/dev/null || echo "note: evdev not installed (needs gcc, python3-dev); scanners work as keyboards"
	@touch $(BIN)/salon

$(BIN)/pytest: $(BIN)/salon
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(BIN)/pytest

$(DEMO_HOME)/salon.db: | $(BIN)/salon
	SALON_HOME=$(DEMO_HOME) $(BIN)/salon demo

demo: $(BIN)/salon $(DEMO_HOME)/salon.db
	SALON_HOME=$(DEMO_HOME) $(BIN)/salon

demo-zh: $(BIN)/salon $(DEMO_HOME)/salon.db
	SALON_HOME=$(DEMO_HOME) $(BIN)/salon --lang zh_CN

demo-rebuild: $(BIN)/salon
	SALON_HOME=$(DEMO_HOME) $(BIN)/salon demo --force

test: $(BIN)/pytest
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

lint: $(BIN)/pytest
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

format: $(BIN)/pytest
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools

typecheck: $(BIN)/pytest
	$(BIN)/mypy

contracts: $(BIN)/pytest
	$(BIN)/lint-imports

check: lint typecheck contracts test

bench: $(BIN)/pytest
	$(BIN)/python -m benchmarks

i18n: $(BIN)/pytest
	$(BIN)/python tools/i18n.py missing
	$(BIN)/python tools/i18n.py compile

migration: $(BIN)/pytest
	@test -n "$(NAME)" -a -n "$(REV)" || (echo "usage: make migration NAME='what changes' REV=area_NNNN"; exit 2)
	$(BIN)/python tools/new_migration.py "$(NAME)" "$(REV)"

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache build dist
