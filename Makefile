# Partial Pooling: `make book` builds the site, `make test` runs every test.
# Both first create .venv and install the pinned requirements.txt (once; again when it changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(wildcard chapters/*.ipynb)
# PyTensor's compiled C code is kept here, so a second run does not compile again.
export PYTENSOR_FLAGS ?= base_compiledir=$(CURDIR)/.cache/pytensor

.PHONY: help setup book test test-lib test-notebooks test-book lab clean

help:
	@echo "make book   build the site into _build/html"
	@echo "make test   run every test: course_lib, notebooks (nbval), strict book build"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make clean  remove the build (keeps .venv)"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html
	@echo
	@echo "The book is built: open $(CURDIR)/_build/html/index.html"

test: test-lib test-notebooks test-book

test-lib: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider course_lib tests

# Every cell runs; cells marked NBVAL_CHECK_OUTPUT must print what the notebook stores.
test-notebooks: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --nbval-lax --nbval-cell-timeout=900 \
		-o addopts="" -o testpaths="" $(NOTEBOOKS)

# A strict build: any Sphinx warning (broken reference, bad math, failed cell) fails it.
test-book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html --warningiserror --keep-going

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

clean:
	rm -rf _build .cache
