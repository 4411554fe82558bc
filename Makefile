# Two commands do all the set-up on a fresh machine: `make table1` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: install sync lint test test-nbs test-lib table1 bench docs readme clean

# Create the virtual environment if it is missing and install the package (editable) with its dev extras.
# Re-runs only when settings.ini or setup.py change.
$(STAMP): settings.ini setup.py
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Fails when nbdev_export or nbdev_clean would change any file: notebooks and library must be committed in sync.
sync: $(STAMP)
	@before="$$(git status --porcelain --untracked-files=all; git diff)"; \
	$(BIN)/nbdev_export; $(BIN)/nbdev_clean; \
	after="$$(git status --porcelain --untracked-files=all; git diff)"; \
	if [ "$$before" != "$$after" ]; then \
	  echo "notebooks and library are not in sync (or notebooks not clean): nbdev_export / nbdev_clean changed:"; \
	  git status --porcelain; exit 1; fi; \
	echo "notebooks and library are in sync"

# ruff on what we write (the notebooks, tests, docs scripts; pyproject.toml): lines of at most 120 characters, no ';' statements, pyflakes.
lint: $(STAMP)
	$(BIN)/ruff check

test-nbs: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2 --timing

test-lib: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2 tests/  # two workers: the machine has two cores

test: sync lint test-nbs test-lib

# The toy experiment and Table 1 (full default budget). Extra options: make table1 ARGS="--seeds 3"
table1: $(STAMP)
	$(BIN)/manifold-vae table1 $(ARGS)

bench: $(STAMP)
	$(BIN)/manifold-vae bench $(ARGS)

# The docs site, built offline from the notebooks' stored outputs into _docs/ (no Quarto needed).
docs: $(STAMP)
	$(BIN)/python docs/build.py

# README.md is generated from nbs/index.ipynb (tests/test_readme.py checks that they agree).
readme: $(STAMP)
	$(BIN)/python docs/readme.py

clean:
	rm -rf _docs _proc build dist *.egg-info
