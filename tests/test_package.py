"""The built autograder.zip runs end to end in a root laid out like Gradescope's."""

import zipfile

import pytest

from autograder import package
from tests.conftest import ASSIGNMENT, SOLUTIONS


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    target, total = package.build(tmp_path_factory.mktemp("dist") / "autograder.zip")
    assert total == 34
    return target


def test_zip_layout(built_zip):
    with zipfile.ZipFile(built_zip) as archive:
        names = set(archive.namelist())
        requirements = archive.read("requirements-autograder.txt").decode()
    assert "pylint==" in requirements
    assert {"setup.sh", "run_autograder", "autograder/harness.py", "solutions/word2vec.py",
            "solutions/utils/checks.py"} <= names
    assert not [n for n in names if "/written/" in n or "__pycache__" in n]
    assert "numpy==" in requirements and "gradescope-utils==" in requirements


@pytest.mark.parametrize("submission, score", [(SOLUTIONS, 34), (ASSIGNMENT, 0)])
def test_run_autograder_end_to_end(tmp_path, built_zip, submission, score):
    written = package.run_in_gradescope_root(built_zip, submission, tmp_path)
    assert written["score"] == score and len(written["tests"]) == 20


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
