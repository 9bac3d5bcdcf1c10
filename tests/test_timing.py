"""Timing tests: a Python loop over the vocabulary, or O(|V|) negative sampling, fails
exactly the matching cost test; correct solutions pass; figures are shown."""

import dataclasses

import pytest

from autograder import assignment, grader
from autograder.submission import stage_submission
from tests.conftest import ASSIGNMENT, SOLUTIONS
from tests.variants import CORRECT, reference_with, write_variant

LOOP_NAIVE = ("    yHat = softmax(outsideVectors @ centerWordVec)",
              "    yHat = softmax(np.array([outsideVectors[w] @ centerWordVec\n"
              "                             for w in range(len(outsideVectors))]))")
DENSE_NEGSAMP = ("    z = u @ centerWordVec\n",
                 "    allScores = sigmoid(outsideVectors @ centerWordVec)\n"
                 "    z = u @ centerWordVec\n")


@pytest.fixture(scope="module")
def cfg():
    return dataclasses.replace(assignment.load().load_config(), timing_timeout=60.0)


def _timing(folder, tmp_path, cfg):
    staged = stage_submission(folder, tmp_path / "staging")
    return {t.name: t for t in grader.grade(staged, cfg) if t.name.startswith("timing")}


def _variant(tmp_path, old, new):
    return reference_with(tmp_path / "submission", edits=[(old, new)])


def test_reference_passes_and_sees_its_figures(tmp_path, cfg):
    tests = _timing(SOLUTIONS, tmp_path, cfg)
    assert [t.status for t in tests.values()] == ["passed", "passed"]
    naive = tests["timing: naiveSoftmaxLossAndGradient"].output
    assert "yours (us/call)" in naive and "cost grows like |V|^" in naive
    for name, test in tests.items():  # the figures behind the verdict, for batch reports
        extra = test.extra_data
        assert name.endswith(extra["check"]) and extra["kind"] == "cost"
        assert 0 < extra["ratio"] <= extra["allowed"]
        assert set(extra["per_call_us"]) == set(extra["reference_us"]) == {"2000", "100000"}
        assert extra["growth"] == pytest.approx(1.0 if "naive" in name else 0.5, abs=0.45)


@pytest.mark.parametrize("edit, failing, hint", [
    (LOOP_NAIVE, "timing: naiveSoftmaxLossAndGradient", "a Python loop over the vocabulary"),
    (DENSE_NEGSAMP, "timing: negSamplingLossAndGradient", "Touch only the K + 1 rows"),
])
def test_slow_solution_fails_only_its_timing_test(tmp_path, cfg, edit, failing, hint):
    tests = _timing(_variant(tmp_path, *edit), tmp_path, cfg)
    for name, test in tests.items():
        assert (test.status == "failed") == (name == failing), (name, test.output)
    assert hint in tests[failing].output
    assert tests[failing].extra_data["ratio"] > 5


def test_correct_loop_over_the_samples_passes(tmp_path, cfg):
    folder = write_variant(tmp_path / "submission", CORRECT["loop over K"])
    tests = _timing(folder, tmp_path, cfg)
    assert [t.status for t in tests.values()] == ["passed", "passed"], [
        t.output for t in tests.values()]


def test_skeleton_timing_says_not_implemented(tmp_path, cfg):
    tests = _timing(ASSIGNMENT, tmp_path, cfg)
    assert all(t.score == 0 and "raised NotImplementedError" in t.output for t in tests.values())


def test_stopping_itself_during_the_calls_buys_nothing(tmp_path, cfg):
    """The setup's CPU time is read at a child's first stop (the harness's, after the setup):
    a slow solution that stops itself again near the end of its calls, so that a later stop
    would pass for the setup's end, still fails."""
    stop = ("import os, signal\n_CALLS = [0]\n", LOOP_NAIVE[0],
            "    _CALLS[0] += 1\n    if _CALLS[0] % 5 == 0:\n"
            "        os.kill(os.getpid(), signal.SIGSTOP)\n" + LOOP_NAIVE[1])
    folder = reference_with(tmp_path / "submission", prefix=stop[0], edits=[stop[1:]])
    tests = _timing(folder, tmp_path, cfg)
    naive = tests["timing: naiveSoftmaxLossAndGradient"]
    assert naive.status == "failed" and naive.extra_data["ratio"] > 5, naive.output
