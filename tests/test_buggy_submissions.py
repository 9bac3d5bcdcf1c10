"""Every mistake loses points only on the tests about it; other correct solutions get
full marks. Graded through the sandboxed autograder (timing: tests/test_timing.py)."""

import dataclasses

import pytest

from autograder import assignment, grader
from autograder.submission import stage_submission
from tests.variants import BUGGY, CORRECT, CORRECT_SGD, about, write_variant


@pytest.fixture(scope="module")
def cfg():
    return dataclasses.replace(assignment.load().load_config(), timeout=10.0, timing={},
                               pylint_report=False)


def _grade(tmp_path, cfg, variant):
    folder = write_variant(tmp_path / "submission", variant)
    return grader.grade(stage_submission(folder, tmp_path / "staging"), cfg)


def test_at_least_ten_mistakes_and_three_correct_variants():
    assert len(BUGGY) >= 10 and len(CORRECT) >= 3


@pytest.mark.parametrize("name", sorted(BUGGY))
def test_mistake_loses_only_its_own_tests(tmp_path, cfg, name):
    lost, feedback = BUGGY[name][2:]
    tests = _grade(tmp_path, cfg, BUGGY[name])
    failed = [t for t in tests if t.score < t.max_score]
    assert failed, name
    for test in tests:
        assert (test.score < test.max_score) <= about(test.name, lost), (name, test.name,
                                                                          test.output)
    visible = [t for t in failed if t.visibility == "visible"]
    assert visible and any(feedback in t.output for t in visible), [t.output for t in visible]
    for test in failed:
        if "hidden" in test.tags:  # hidden inputs and expected values are never quoted
            assert "first wrong entry" not in test.output and "has shape (" not in test.output
    for test in failed:  # the hints a report counts are the ones the feedback gave
        assert all("hint: " + hint in test.output for hint in test.extra_data["hints"])
        assert test.extra_data["kind"] in ("public", "hidden")


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_differently_written_correct_solution_gets_full_marks(tmp_path, cfg, name):
    tests = _grade(tmp_path, cfg, CORRECT[name])
    assert [t.output for t in tests if t.score < t.max_score] == []
    assert sum(t.score for t in tests) == cfg.total


@pytest.mark.parametrize("name", sorted(CORRECT_SGD))
def test_given_code_kept_differently_still_gets_full_marks(tmp_path, cfg, name):
    folder = write_variant(tmp_path / "submission", ("sgd.py", []))
    (folder / "sgd.py").write_text(CORRECT_SGD[name], encoding="utf-8")
    tests = grader.grade(stage_submission(folder, tmp_path / "staging"), cfg)
    assert [t.output for t in tests if t.score < t.max_score] == []
