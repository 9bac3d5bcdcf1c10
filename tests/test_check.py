"""The local check mirrors the public tests: right points, named mistakes, no crash."""

import json
import shutil
import subprocess
import sys

import pytest

from autograder import assignment
from autograder.layout import PUBLIC_TESTS, Layout
from instructor.expected import public_tests, same
from tests.conftest import ASSIGNMENT
from tests.test_timing import DENSE_NEGSAMP, LOOP_NAIVE  # the autograder fails both
from tests.variants import reference_with

PUBLIC = assignment.load().load_config().public
TOTAL = sum(PUBLIC.values())


def _check(folder):
    result = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True,
                            text=True, check=False, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, (
        result.stdout + result.stderr)
    return result.stdout


def _variant(tmp_path, edits=(), filename="word2vec.py"):
    """The student tree with the (edited) reference's files in it, as a student would have."""
    folder = tmp_path / "a2"
    shutil.copytree(ASSIGNMENT, folder, ignore=shutil.ignore_patterns("written", "datasets"))
    files = reference_with(tmp_path / "files", **{
        "edits" if filename == "word2vec.py" else "sgd_edits": edits})
    for path in files.iterdir():
        shutil.copy(path, folder / path.name)
    return folder


def _points(output, name):
    line = next(l for l in output.splitlines() if l.startswith(name + " "))
    return float(line.split("/")[0].split()[-1])


def test_reference_gets_full_marks(tmp_path):
    assert "Total: %g / %g" % (TOTAL, TOTAL) in _check(_variant(tmp_path))


def test_skeleton_gets_zero_without_crashing():
    output = _check(ASSIGNMENT)
    assert "Total: 0 / %g" % TOTAL in output
    assert output.count("not implemented yet") == len(PUBLIC)


def test_shipped_public_tests_are_the_references_outputs():
    fresh = json.dumps(public_tests(Layout()))
    assert same((ASSIGNMENT / PUBLIC_TESTS).read_text(encoding="utf-8"), fresh)


def test_duplicate_samples_counted_once_lose_only_that_case(tmp_path):
    folder = _variant(tmp_path, [("np.add.at(gradOutsideVecs, rows, coef[:, None] * centerWordVec)",
                                  "gradOutsideVecs[rows] += coef[:, None] * centerWordVec")])
    output = _check(folder)
    assert _points(output, "negSamplingLossAndGradient (repeated samples)") < 2
    assert _points(output, "negSamplingLossAndGradient (distinct samples)") == 2
    assert "a negative sample drawn twice must count twice" in output
    assert "Total: %g / %g" % (TOTAL, TOTAL) not in output


def test_averaged_window_loses_only_skipgram(tmp_path):
    folder = _variant(tmp_path, [("        loss += pairLoss\n",
                                  "        loss += pairLoss / len(outsideWords)\n")])
    output = _check(folder)
    assert _points(output, "skipgram") < 3 and "not averaged" in output
    assert "Total: %g / %g" % (TOTAL - PUBLIC["skipgram"] + _points(output, "skipgram"),
                               TOTAL) in output


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
    assert "Total: %g / %g" % (TOTAL - PUBLIC["sgd"], TOTAL) in output


def test_import_error_is_reported_per_module(tmp_path):
    folder = _variant(tmp_path, [("import numpy as np\n", "import numpy as np\nimport nonexistent\n")],
                      "sgd.py")
    output = _check(folder)
    assert "sgd.py does not import: ModuleNotFoundError" in output
    assert _points(output, "sgd") == 0 and _points(output, "skipgram") == PUBLIC["skipgram"]


def test_local_points_are_the_autograders_public_points():
    shipped = json.loads((ASSIGNMENT / PUBLIC_TESTS).read_text(encoding="utf-8"))
    assert {t["name"]: t["points"] for t in shipped["tests"]} == PUBLIC


# ---------------------------------------------------------------- local cost tests

COSTS = assignment.load().load_config().timing


def _costs(folder):
    result = subprocess.run([sys.executable, "check.py", "--costs"], cwd=folder,
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr, (
        result.stdout + result.stderr)
    return {name: _points(result.stdout, "cost: " + name) for name in COSTS}, result.stdout


def test_shipped_cost_calibration_covers_every_cost_test():
    shipped = json.loads((ASSIGNMENT / PUBLIC_TESTS).read_text(encoding="utf-8"))["costs"]
    assert {t["name"]: t["points"] for t in shipped["tests"]} == COSTS
    assert all(units and all(u > 0 for u in units.values())
               for units in shipped["reference_units"].values())


def test_full_check_prints_one_line_per_cost_test(tmp_path):
    output = _check(_variant(tmp_path))
    assert all(output.count("cost: " + name) == 1 for name in COSTS)
    assert "Cost tests: %g / %g" % (sum(COSTS.values()), sum(COSTS.values())) in output


@pytest.mark.parametrize("edit, failing, advice", [
    (LOOP_NAIVE, "naiveSoftmaxLossAndGradient", "a Python loop over the vocabulary"),
    (DENSE_NEGSAMP, "negSamplingLossAndGradient", "Touch only the K + 1 rows"),
])
def test_local_cost_check_flags_what_the_autograder_fails(tmp_path, edit, failing, advice):
    points, output = _costs(_variant(tmp_path, [edit]))
    assert {name: p == 0 for name, p in points.items()} == {n: n == failing for n in COSTS}, output
    assert "WOULD LOSE" in output and advice in output


def test_reference_passes_the_local_cost_check_10_times_with_both_cores_busy(tmp_path):
    folder = _variant(tmp_path)
    command = [sys.executable, "-c", "while True: pass"]
    busy = [subprocess.Popen(command)  # pylint: disable=consider-using-with
            for _ in range(2)]
    try:
        results = [_costs(folder)[0] for _ in range(10)]
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert all(points == COSTS for points in results), results
