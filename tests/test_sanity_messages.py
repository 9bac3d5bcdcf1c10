"""`python word2vec.py` explains a known slip: function, output, index, values, hint."""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import SOLUTIONS


def _run_with(tmp_path, old, new, test, filename="word2vec.py"):
    folder = tmp_path / "a2"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("written", "datasets"))
    source = (folder / filename).read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    (folder / filename).write_text(source.replace(old, new), encoding="utf-8")
    args = [filename] if filename == "sgd.py" else [filename, test]
    return subprocess.run([sys.executable, *args], cwd=folder, capture_output=True, text=True,
                          check=False, timeout=120)


@pytest.mark.parametrize("old, new, test, expected", [
    ("gradOutsideVecs = np.outer(delta, centerWordVec)",
     "gradOutsideVecs = -np.outer(delta, centerWordVec)", "skipgram",
     ["FAILED skipgram('c', 3", "gradOutsideVectors: 15 of 15 entries differ",
      "first wrong entry at index (0, 0): expected -0.41045956, got 0.41045956",
      "hint: it has the opposite sign everywhere"]),
    ("np.add.at(gradOutsideVecs, rows, coef[:, None] * centerWordVec)",
     "gradOutsideVecs[rows] += coef[:, None] * centerWordVec", "skipgram",
     ["with negSamplingLossAndGradient", "gradOutsideVectors",
      "a negative sample drawn twice must count twice"]),
    ("        loss += pairLoss\n", "        loss += pairLoss / len(outsideWords)\n", "skipgram",
     ["loss: 1 of 1 entries differ", "summed over the outside words, not averaged"]),
    ("e = np.exp(x - np.max(x, axis=-1, keepdims=True))", "e = np.exp(x)", "softmax",
     ["FAILED softmax", "subtract the (row) maximum"]),
])
def test_known_slips_get_a_hint(tmp_path, old, new, test, expected):
    result = _run_with(tmp_path, old, new, test)
    assert result.returncode == 1
    for text in expected:
        assert text in result.stdout, result.stdout[-3000:]
    assert "SOME SANITY CHECKS FAILED" in result.stdout


def test_gradient_check_names_the_first_wrong_index(tmp_path):
    result = _run_with(tmp_path, "gradCenterVec = delta @ outsideVectors",
                       "gradCenterVec = 2 * (delta @ outsideVectors)",
                       "naiveSoftmaxLossAndGradient")
    assert "Gradient check failed for naiveSoftmaxLossAndGradient gradCenterVec." in result.stdout
    assert "First gradient error found at index (0,)" in result.stdout
    assert "hint: it is the expected value times 2" in result.stdout.lower()


def test_sgd_stepping_uphill_is_explained(tmp_path):
    result = _run_with(tmp_path, "x -= step * grad", "x += step * grad", None, "sgd.py")
    assert result.returncode == 1
    assert "FAILED test 1" in result.stdout and "step against the gradient" in result.stdout
