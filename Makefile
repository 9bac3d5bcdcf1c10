# Every target installs what it needs into .venv (pinned in requirements.txt).
PYTHON ?= python3
VENV := .venv
PY := $(abspath $(VENV))/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
ITERATIONS ?= 40000

.PHONY: all venv test assignment check-assignment data train lint clean

all: test

$(STAMP): requirements.txt
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(STAMP)

## The project's tests (what CI runs).
test: $(STAMP)
	$(PY) -m pytest -q

## Regenerate the student skeleton assignment/ from solutions/.
assignment: $(STAMP)
	$(PY) -m instructor.assign

check-assignment: $(STAMP)
	$(PY) -m instructor.assign --check

## Download the Stanford Sentiment Treebank (checksum verified).
data: $(STAMP)
	cd solutions && $(PY) utils/get_dataset.py

## Train word vectors with the reference solution; writes solutions/word_vectors.png.
train: $(STAMP)
	cd solutions && $(PY) run.py --iterations $(ITERATIONS)

lint: $(STAMP)
	$(PY) -m pylint instructor tests

clean:
	rm -rf dist build .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
