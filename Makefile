# Partial Pooling: `make book` builds the site, `make test` runs every test.
# Both first create .venv and install the pinned requirements.txt (once; again when it changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The site's scripts and styles (Vega for the controls, widget manager, RequireJS, KaTeX's stylesheet and fonts for
# the equations, which are typeset at build time) are served from the site itself:
# installed from the npm registry at build time into _vendor/vendor (not committed), which the
# site serves as _static/vendor. (Not in _static: Jupyter Book would load every .js there on every page.)
NPM_PACKAGES := requirejs@2.3.7 @jupyter-widgets/html-manager@1.0.15 katex@0.16.22 \
	vega@6.2.0 vega-lite@6.4.1 vega-embed@7.0.2 axe-core@4.11.0
VENDOR := _vendor/vendor
# The test build adds this to every sampler seed (course_lib.models.SEED_OFFSET; simulated data keep
# their seeds), so the checked posterior outputs are shown to hold for other chains than the stored
# ones, as they must on another machine. `make test TEST_SEED_OFFSET=0` uses the stored seeds.
TEST_SEED_OFFSET ?= 1000
# The test build has its own output (and its own execution cache) beside the site's, so the site that
# `make book` builds always shows the stored seeds' outputs, and a test run never reuses them.
TEST_BUILD := _build/test-seed-offset-$(TEST_SEED_OFFSET)
# PyTensor keeps the C code it compiles for each model in its own cache (~/.pytensor), shared by
# every clone, so a model is compiled once per machine, not once per clone or run.

.PHONY: help setup book student grade bench test test-seeds test-lib test-notebooks test-book test-browser lab clean

help:
	@echo "make book   build the site into _build/html"
	@echo "make test   run every test: course_lib, notebooks (nbval), strict book build, browser"
	@echo "make bench  time every model, chapter, build and widget (benchmarks/results.md)"
	@echo "make student  write student notebooks (no solutions) into _build/student"
	@echo "make grade CHAPTER=05_schools SUBMISSIONS=folder  grade submitted notebooks into _build/grades"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make clean  remove the build (keeps .venv)"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(VENDOR)/.installed: Makefile
	npm install --no-save --no-audit --no-fund --ignore-scripts --prefix .cache/npm $(NPM_PACKAGES)
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/widgets $(VENDOR)/katex $(VENDOR)/vega
	cp .cache/npm/node_modules/vega/build/vega.min.js .cache/npm/node_modules/vega-lite/build/vega-lite.min.js \
		.cache/npm/node_modules/vega-embed/build/vega-embed.min.js $(VENDOR)/vega/
	cp .cache/npm/node_modules/requirejs/require.js $(VENDOR)/require.js
	cp .cache/npm/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js \
		.cache/npm/node_modules/@jupyter-widgets/html-manager/dist/*.woff* \
		.cache/npm/node_modules/@jupyter-widgets/html-manager/dist/*.ttf \
		.cache/npm/node_modules/@jupyter-widgets/html-manager/dist/*.eot \
		.cache/npm/node_modules/@jupyter-widgets/html-manager/dist/*.svg $(VENDOR)/widgets/
	cp -r .cache/npm/node_modules/katex/dist/katex.min.css .cache/npm/node_modules/katex/dist/fonts $(VENDOR)/katex/
	touch $@

book: $(STAMP) $(VENDOR)/.installed
	$(BIN)/jupyter-book build . --builder html
	@echo
	@echo "The book is built: open $(CURDIR)/_build/html/index.html"

# Student notebooks: solutions removed, answer cells left as `answer_N_M = ...`, outputs cleared.
student: $(STAMP)
	$(BIN)/python -m course_lib.student chapters _build/student

# Grade a folder of submitted notebooks of one chapter with otter-grader (see README, "Homework"):
# _build/grades/grades.csv and _build/grades/feedback/<student>.md. HIDDEN=folder adds your own tests.
grade: $(STAMP)
	@test -n "$(CHAPTER)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade CHAPTER=05_schools SUBMISSIONS=folder [HIDDEN=folder]"; exit 2; }
	$(BIN)/python -m course_lib.grading chapters/$(CHAPTER).ipynb $(SUBMISSIONS) --out _build/grades \
		$(if $(HIDDEN),--hidden-tests $(HIDDEN))

# Timings (medians over runs) of every model, chapter, the book build and the widgets:
# writes benchmarks/results.md. Takes about an hour; `make bench BENCH="--only widgets"` for a part.
bench: $(STAMP) $(VENDOR)/.installed
	$(BIN)/python benchmarks/bench.py $(BENCH)

# Each chapter is executed once, by the strict book build; the other tests read what it executed.
# The library tests run beside the book build (two jobs; each job's output is printed when it ends).
test: $(STAMP) $(VENDOR)/.installed
	$(MAKE) --no-print-directory -j2 --output-sync=target test-lib test-book
	$(MAKE) --no-print-directory test-notebooks test-browser

# The reference solutions of the modelling exercises, each run with five other sampler seeds (~10 min).
test-seeds: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -m slow tests/test_exercise_seeds.py

test-lib: $(STAMP) $(VENDOR)/.installed
	$(BIN)/python -m pytest -p no:cacheprovider course_lib tests --ignore=tests/browser --ignore=tests/book

# A strict build: any Sphinx warning (broken reference, bad math, a cell that raises) fails it.
# It executes each chapter whose code changed (jupyter-cache) into $(TEST_BUILD)/_build/jupyter_execute.
test-book: $(STAMP) $(VENDOR)/.installed
	COURSE_SEED_OFFSET=$(TEST_SEED_OFFSET) \
		$(BIN)/jupyter-book build . --builder html --warningiserror --keep-going --path-output $(TEST_BUILD)

# The executed chapters against the stored ones: no cell raised, and every cell tagged
# nbval-check-output (exactly) or check-posterior (to one unit of the last digit) prints what is stored.
test-notebooks: test-book
	COURSE_BUILD_DIR=$(TEST_BUILD)/_build $(BIN)/python -m pytest -p no:cacheprovider -o addopts="" tests/book

# The built site in headless Chromium or Chrome ($$COURSE_BROWSER, or found on PATH): errors,
# widgets, controls, links.
test-browser: test-book
	COURSE_BUILD_DIR=$(TEST_BUILD)/_build $(BIN)/python -m pytest -p no:cacheprovider -o addopts="" tests/browser

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

clean:
	rm -rf _build .cache _vendor
