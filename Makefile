# Set-up and daily tasks. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## The main job on the shipped example strategy.
run: $(STAMP)
	$(BIN)/sisturva validate -C strategy
	$(BIN)/sisturva align -C strategy --format text
	$(BIN)/sisturva status -C strategy

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

test: $(STAMP)
	@# The browser tests drive Debian's chromium (Playwright's own browser download cannot work offline).
	@# shellcheck checks the posting scripts of the CI examples.
	{ command -v chromium && command -v shellcheck; } >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium shellcheck; }
	$(BIN)/pytest
	$(MAKE) lint

bench: $(STAMP)
	@# Measure the program as a wheel install leaves it: with its bytecode compiled (an editable
	@# install compiles nothing, and PYTHONDONTWRITEBYTECODE would make every run compile it again).
	$(BIN)/python -m compileall -q src
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
