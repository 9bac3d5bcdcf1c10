"""Isolation that needs the unprivileged user: a fork bomb, reading the reference.

These run where the grader can switch users (root, and an interpreter the
sandbox user can run: the system Python, as on Gradescope and in CI).
"""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder import assignment, grader, package, sandbox
from autograder.layout import Layout
from autograder.submission import stage_submission
from tests.variants import reference_with

pytestmark = pytest.mark.skipif(sandbox._sandbox_ids()[0] is None,
                                reason="no user switch here: not root, or the sandbox user "
                                       "cannot run this Python (a Python under /root?)")


def _submission(tmp_path, prefix):
    return reference_with(tmp_path / "submission", prefix=prefix)


def _parent(pid):
    try:
        return int(Path("/proc/%d/stat" % pid).read_text(encoding="utf-8").rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _our_nobody_processes():
    """Live processes of the sandbox user descending from this one.

    This process is a child subreaper (it imported the sandbox), so a bomb's
    survivors stay among its descendants; other gradings on the machine do not count.
    """
    uid, me, found = sandbox._sandbox_ids()[0], os.getpid(), []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or entry.stat().st_uid != uid or \
                    (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0] == "Z":
                continue
        except OSError:
            continue
        pid = int(entry.name)
        while pid > 1 and pid != me:
            pid = _parent(pid)
        if pid == me:
            found.append(entry.name)
    return found


def test_children_run_as_the_unprivileged_user(tmp_path):
    folder = _submission(tmp_path, "import os\nif os.getuid() == 0:\n    raise SystemExit('root')\n")
    staged = stage_submission(folder, tmp_path / "staging")
    child = sandbox.run_child(staged.folder, {
        "kind": "probe", "checks_module": "utils.checks", "checks": ["sigmoid"], "seed": 224,
        "hidden": False}, 20)
    assert child.status == "ok" and child.records[0]["status"] == "ok", child.records


def test_fork_bomb_is_contained(tmp_path):
    bomb = ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n"
            "        pass\n")
    cfg = dataclasses.replace(assignment.load().load_config(), timeout=3.0, timing={}, pylint_report=False,
                              public={"sigmoid": 1.0, "sgd": 1.0}, hidden={})
    tests = grader.grade(stage_submission(_submission(tmp_path, bomb), tmp_path / "staging"), cfg)
    scores = {t.name: t.score for t in tests if t.max_score}
    assert scores == {"sigmoid": 0.0, "sgd": 1.0}
    assert not _our_nobody_processes()


def test_reference_and_tests_are_unreadable_through_the_zip(tmp_path):
    root = Path(tempfile.mkdtemp(dir="/tmp", prefix="gradescope-root-"))
    try:
        os.chmod(root, 0o755)
        built, _ = package.build(Layout(), tmp_path / "autograder.zip")
        with zipfile.ZipFile(built) as archive:
            archive.extractall(root / "source")
        os.chmod(root / "source", 0o755)
        spy = ("try:\n    open(%r).read()\n    raise SystemExit('read the reference')\n"
               "except PermissionError:\n    pass\n" % str(root / "source" / "solutions" /
                                                        "word2vec.py"))
        shutil.copytree(_submission(tmp_path, spy), root / "submission")
        (root / "results").mkdir()
        env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
        run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                             check=True, capture_output=True, text=True, timeout=600)
        written = json.loads((root / "results" / "results.json").read_text())
        assert written["score"] == assignment.load().load_config().total, \
            run.stdout[-3000:] + run.stderr[-3000:]
    finally:
        shutil.rmtree(root, ignore_errors=True)
