"""The built autograder.zip runs end to end in a root laid out like Gradescope's."""

import zipfile

import pytest

from autograder import assignment, package
from autograder.layout import Layout
from tests.conftest import ASSIGNMENT, SOLUTIONS

CFG = assignment.load().load_config()


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    target, total = package.build(Layout(), tmp_path_factory.mktemp("dist") / "autograder.zip")
    assert total == CFG.total
    return target


def test_zip_layout(built_zip):
    with zipfile.ZipFile(built_zip) as archive:
        names = set(archive.namelist())
        requirements = archive.read("requirements-autograder.txt").decode()
    assert "pylint==" in requirements
    assert {"setup.sh", "run_autograder", "autograder/harness.py", "solutions/word2vec.py",
            "solutions/utils/checks.py", "autograder/runtime/checklib.py",
            "solutions/config.ini", "solutions/assignment.ini"} <= names
    assert not [n for n in names if "/written/" in n or "__pycache__" in n]
    assert "numpy==" in requirements and "gradescope-utils==" in requirements


@pytest.mark.parametrize("submission, full", [(SOLUTIONS, True), (ASSIGNMENT, False)])
def test_run_autograder_end_to_end(tmp_path, built_zip, submission, full):
    written = package.run_in_gradescope_root(built_zip, submission, tmp_path)
    assert written["score"] == (CFG.total if full else 0)
    assert sum(t["max_score"] for t in written["tests"]) == CFG.total


def test_a_broken_grader_still_writes_a_valid_results_file(tmp_path, built_zip):
    root = package.gradescope_root(built_zip, SOLUTIONS, tmp_path)
    (root / "source" / "autograder" / "__main__.py").write_text("raise SystemExit(1)\n")
    package.run_autograder(root)
    written = package.read_results(root)
    assert written["score"] == 0 and "autograder failed" in written["output"]


def test_a_missing_results_file_is_a_grading_error(tmp_path, built_zip):
    root = package.gradescope_root(built_zip, SOLUTIONS, tmp_path)
    with pytest.raises(package.GradingError, match="no results"):
        package.read_results(root)
