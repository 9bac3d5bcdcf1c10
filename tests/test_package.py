"""The built autograder.zip runs end to end in a root laid out like Gradescope's."""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import package, results
from tests.conftest import ASSIGNMENT, SOLUTIONS


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    target, total = package.build(tmp_path_factory.mktemp("dist") / "autograder.zip")
    assert total == 34
    return target


def _gradescope_root(tmp_path, built_zip, submission):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(built_zip) as archive:
        archive.extractall(root / "source")
    shutil.copytree(submission, root / "submission",
                    ignore=shutil.ignore_patterns("__pycache__", "written", "datasets", "utils"))
    (root / "results").mkdir()
    return root


def _run(root):
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    script = root / "source" / "run_autograder"
    os.chmod(script, 0o755)
    return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True,
                          check=False, timeout=600)


def test_zip_layout(built_zip):
    with zipfile.ZipFile(built_zip) as archive:
        names = set(archive.namelist())
        requirements = archive.read("requirements-autograder.txt").decode()
    assert "pylint==" in requirements
    assert {"setup.sh", "run_autograder", "autograder/harness.py", "solutions/word2vec.py",
            "solutions/utils/checks.py"} <= names
    assert not [n for n in names if "/written/" in n or "__pycache__" in n]
    assert "numpy==" in requirements


@pytest.mark.parametrize("submission, score", [(SOLUTIONS, 34), (ASSIGNMENT, 0)])
def test_run_autograder_end_to_end(tmp_path, built_zip, submission, score):
    root = _gradescope_root(tmp_path, built_zip, submission)
    result = _run(root)
    assert result.returncode == 0, result.stderr
    written = json.loads((root / "results" / "results.json").read_text())
    results.validate(written)
    assert written["score"] == score and len(written["tests"]) == 20


def test_a_broken_grader_still_writes_a_valid_results_file(tmp_path, built_zip):
    root = _gradescope_root(tmp_path, built_zip, SOLUTIONS)
    (root / "source" / "autograder" / "__main__.py").write_text("raise SystemExit(1)\n")
    _run(root)
    written = json.loads((root / "results" / "results.json").read_text())
    results.validate(written)
    assert written["score"] == 0 and "autograder failed" in written["output"]
