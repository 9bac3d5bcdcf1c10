"""Shared fixtures: paths of the project and of the optional shared data."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
ASSIGNMENT = ROOT / "assignment"
SST = ROOT.parent / "shared" / "data" / "stanfordSentimentTreebank"


@pytest.fixture
def sst_path() -> Path:
    """The real Stanford Sentiment Treebank files; skip when ../shared is absent."""
    if not (SST / "datasetSentences.txt").is_file():
        pytest.skip("the SST files in ../shared/data are absent")
    return SST


@pytest.fixture
def solutions_on_path(monkeypatch):
    """Import the reference solution's modules (word2vec, sgd, utils)."""
    monkeypatch.syspath_prepend(str(SOLUTIONS))
    for name in [m for m in sys.modules if m in ("word2vec", "sgd", "run") or m.startswith("utils")]:
        monkeypatch.delitem(sys.modules, name)
    yield SOLUTIONS
    for name in [m for m in sys.modules if m in ("word2vec", "sgd", "run") or m.startswith("utils")]:
        del sys.modules[name]
