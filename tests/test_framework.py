"""The framework's own contracts: the manifest, loading several assignments, a broken reference."""

import dataclasses
import os
import shutil
import subprocess
import sys

import pytest

from autograder import assignment, grader, results
from autograder.layout import Layout, ManifestError, load_manifest
from tests.conftest import ROOT, SOLUTIONS

EXAMPLE = ROOT / "docs" / "examples" / "textstats"


@pytest.mark.parametrize("old, new, message", [
    ("checks = utils.checks", "checks = checks", "must be a module of the support folder"),
    ("required = word2vec.py, sgd.py", "required =", "required names no file"),
    ("handout = a2\n", "", r"\[assignment\] handout is missing"),
])
def test_manifest_errors_name_what_to_fix(tmp_path, old, new, message):
    text = (SOLUTIONS / "assignment.ini").read_text(encoding="utf-8")
    assert text.count(old) == 1
    (tmp_path / "assignment.ini").write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        load_manifest(tmp_path / "assignment.ini")
    with pytest.raises(ManifestError, match="no assignment manifest"):
        load_manifest(tmp_path / "missing.ini")


def test_two_assignments_load_side_by_side_in_one_process():
    word2vec = assignment.load()
    example = assignment.load(Layout.of(EXAMPLE))
    assert "sigmoid" in word2vec.checks and "sigmoid" not in example.checks
    assert not set(word2vec.checks) & set(example.checks)
    assert assignment.load() is word2vec  # loaded once per process
    # each checks module kept its own given code, although both sit in packages of
    # their own names and student modules of other names
    assert word2vec.manifest.modules == ["word2vec", "sgd"] != example.manifest.modules


def test_a_reference_that_cannot_be_measured_is_the_graders_error_not_a_students(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__"))
    work = assignment.load(Layout.of(source))
    cfg = dataclasses.replace(work.load_config(), timing_timeout=0.05)
    assert cfg.timing
    with pytest.raises(grader.GraderError, match="the reference solution cannot be measured"):
        grader.measure_reference(work, cfg)


@pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop is only attempted as root")
def test_no_privilege_drop_where_it_is_required_grades_nothing_and_says_so(tmp_path):
    env = dict(os.environ, AUTOGRADER_REQUIRE_SANDBOX="1",
               AUTOGRADER_SANDBOX_USER="no-such-user-here")
    target = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SOLUTIONS),
                          "--results", str(target)], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=False, timeout=300)
    written = results.read(target)
    assert run.returncode == 0 and written["score"] == 0 and written["tests"] == []
    assert "autograder is misconfigured" in written["output"]
    assert "no-such-user-here" in written["output"]
    # without the requirement (a developer's machine) grading goes on, with one warning
    env.pop("AUTOGRADER_REQUIRE_SANDBOX")
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SOLUTIONS),
                          "--results", str(target), "--parallel", "2"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False, timeout=300)
    assert results.read(target)["score"] > 0 and run.stderr.count("warning: student code") == 1
