# Every target installs what it needs into .venv (pinned in requirements.txt).
PYTHON ?= python3
VENV := .venv
PY := $(abspath $(VENV))/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
ITERATIONS ?= 40000

SUBMISSION ?= solutions

.PHONY: all venv test grade assignment check-assignment handout data train bench lint clean

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

## Score SUBMISSION (a folder with word2vec.py and sgd.py; default: the reference
## solution) on the public tests, as the handout's check.py does.
grade: $(STAMP)
	@test -d "$(SUBMISSION)" || { echo "error: SUBMISSION=$(SUBMISSION) is not a folder"; exit 2; }
	@test -f "$(SUBMISSION)/word2vec.py" -a -f "$(SUBMISSION)/sgd.py" || { echo "error: $(SUBMISSION) must hold word2vec.py and sgd.py"; exit 2; }
	@tmp=$$(mktemp -d) && cp -r solutions/utils solutions/check.py "$$tmp" && rm -rf "$$tmp/utils/datasets" \
	  && cp "$(SUBMISSION)/word2vec.py" "$(SUBMISSION)/sgd.py" "$$tmp" \
	  && (cd "$$tmp" && $(PY) check.py); status=$$?; rm -rf "$$tmp"; exit $$status

## Regenerate the student skeleton assignment/ from solutions/.
assignment: $(STAMP)
	$(PY) -m instructor.assign

check-assignment: $(STAMP)
	$(PY) -m instructor.assign --check

## Build dist/handout.zip, the student handout (from an up-to-date assignment/).
handout: $(STAMP)
	$(PY) -m instructor.handout

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
