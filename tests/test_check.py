"""The local check mirrors the public tests: right points, named mistakes, no crash."""

import shutil
import subprocess
import sys

import numpy as np

from tests.conftest import ASSIGNMENT, SOLUTIONS


def _check(folder):
    result = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True,
                            text=True, check=False, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, (
        result.stdout + result.stderr)
    return result.stdout


def _variant(tmp_path, edits, filename="word2vec.py"):
    folder = tmp_path / "a2"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("written", "datasets"))
    source = (folder / filename).read_text(encoding="utf-8")
    for old, new in edits:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    (folder / filename).write_text(source, encoding="utf-8")
    return folder


def _points(output, name):
    line = next(l for l in output.splitlines() if l.startswith(name + " "))
    return float(line.split("/")[0].split()[-1])


def test_reference_gets_full_marks():
    assert "Total: 15 / 15" in _check(SOLUTIONS)


def test_skeleton_gets_zero_without_crashing():
    output = _check(ASSIGNMENT)
    assert "Total: 0 / 15" in output and output.count("not implemented yet") == 8


def test_shipped_expected_values_match_the_reference(solutions_on_path):
    import sgd
    import word2vec
    from utils.checks import computeExpected, loadExpected
    fresh, shipped = computeExpected(word2vec, sgd), loadExpected()
    assert sorted(fresh) == sorted(shipped)
    for key, value in fresh.items():
        np.testing.assert_allclose(shipped[key], value, rtol=1e-12, atol=1e-14, err_msg=key)


def test_duplicate_samples_counted_once_lose_only_that_case(tmp_path):
    folder = _variant(tmp_path, [("np.add.at(gradOutsideVecs, rows, coef[:, None] * centerWordVec)",
                                  "gradOutsideVecs[rows] += coef[:, None] * centerWordVec")])
    output = _check(folder)
    assert _points(output, "negSamplingLossAndGradient (repeated samples)") < 2
    assert _points(output, "negSamplingLossAndGradient (distinct samples)") == 2
    assert "a negative sample drawn twice must count twice" in output
    assert "Total: 15 / 15" not in output


def test_averaged_window_loses_only_skipgram(tmp_path):
    folder = _variant(tmp_path, [("        loss += pairLoss\n",
                                  "        loss += pairLoss / len(outsideWords)\n")])
    output = _check(folder)
    assert _points(output, "skipgram") < 3 and "not averaged" in output
    assert "Total: %g / 15" % (15 - 3 + _points(output, "skipgram")) in output


def test_unstable_sigmoid_and_softmax_modifying_its_input(tmp_path):
    folder = _variant(tmp_path, [
        ("    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]\n", "    s = 1 / (1 + np.exp(-x))\n"),
        ("    x = np.asarray(x, dtype=float)\n    e = np.exp(",
         "    x -= np.max(x, axis=-1, keepdims=True)\n    e = np.exp(")])
    output = _check(folder)
    assert _points(output, "sigmoid") < 1.5 and "overflow" in output
    assert _points(output, "softmax") < 1.5 and "modified its input" in output


def test_sgd_without_postprocessing(tmp_path):
    folder = _variant(tmp_path, [("        x = postprocessing(x)\n", "")], "sgd.py")
    output = _check(folder)
    assert _points(output, "sgd") == 0 and "called postprocessing 0 times" in output
    assert "Total: 13 / 15" in output


def test_import_error_is_reported_per_module(tmp_path):
    folder = _variant(tmp_path, [("import numpy as np\n", "import numpy as np\nimport nonexistent\n")],
                      "sgd.py")
    output = _check(folder)
    assert "sgd.py does not import: ModuleNotFoundError" in output
    assert _points(output, "sgd") == 0 and _points(output, "skipgram") == 3


def test_local_points_are_the_autograders_public_points(solutions_on_path):
    from autograder import config
    from utils.checks import CHECKS
    assert {c.name: c.points for c in CHECKS} == config.load().public
