"""`make release`: the dry run builds, grades through the zip, catches leaks and bad configs.

The student tree is generated afresh into a temporary folder, so that these
tests check the release itself; whether the committed assignment/ is in sync
with solutions/ is test_assign's job (and the first step of the real release).
"""

import contextlib
import io
import json
import shutil
import zipfile

import pytest

from autograder import assignment
from autograder.layout import PUBLIC_TESTS, Layout
from instructor import assign, leaks, release, written
from tests.conftest import SOLUTIONS

CONFIG = SOLUTIONS / "config.ini"
CONFIG_MARK = "# the copy test_release ships\n"
CFG = assignment.load().load_config()
TOTAL = "%g/%g" % (CFG.total, CFG.total)


def _main(tree, dist, config=None):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = release.release(Layout.of(student=tree, dist=dist), config)
    return status, out.getvalue()


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tree") / "assignment"
    assign.generate(Layout(), folder)
    return folder


@pytest.fixture(scope="module")
def released(tmp_path_factory, tree):
    """One real release (both gradings through the zip) into a temporary dist folder."""
    work = tmp_path_factory.mktemp("release")
    shipped = work / "config.ini"
    shipped.write_text(CONFIG.read_text(encoding="utf-8") + CONFIG_MARK, encoding="utf-8")
    status, output = _main(tree, work / "dist", shipped)
    return status, output, work / "dist"


def _leaks(handout_zip, autograder_zip=None, hidden_seed=None):
    found = leaks.handout_leaks(handout_zip, Layout(), hidden_seed)
    return found + (leaks.autograder_leaks(autograder_zip, Layout()) if autograder_zip else [])


def test_release_builds_grades_and_prints_the_checklist(released):
    status, output, dist = released
    assert status == 0, output
    assert "FAILED" not in output
    assert (dist / "handout.zip").is_file() and (dist / "autograder.zip").is_file()
    assert "graded the reference solution through autograder.zip: %s" % TOTAL in output
    assert "graded the untouched skeleton through autograder.zip: 0/%g" % CFG.total in output
    assert "no solution code, reference written answer or hidden data in handout.zip" in output
    assert "Upload checklist" in output and "Ubuntu 22.04" in output
    assert "10 minute timeout" in output and "total points to %g" % CFG.total in output
    assert "handout.zip" in output.split("Upload checklist")[1]
    with zipfile.ZipFile(dist / "autograder.zip") as archive:
        assert archive.read("solutions/config.ini").decode().endswith(CONFIG_MARK)
        assert archive.getinfo("run_autograder").external_attr >> 16 == 0o755
    with zipfile.ZipFile(dist / "handout.zip") as archive:
        assert {"a2/written/written.tex", "a2/written/written.ipynb"} <= set(archive.namelist())


def _copy_zip(source, target, add=None, edit=None):
    """A copy of a zip with entries added ({name: bytes}) or edited ({name: f(bytes)})."""
    add, edit = add or {}, edit or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, edit[info.filename](data) if info.filename in edit else data)
        for name, data in add.items():
            new.writestr(name, data)
    return target


def test_the_leak_check_catches_planted_leaks(released, tmp_path):
    _, _, dist = released
    handout_zip, autograder_zip = dist / "handout.zip", dist / "autograder.zip"
    assert _leaks(handout_zip, autograder_zip, hidden_seed=CFG.hidden_seed) == []

    line = assign.solution_lines(Layout())[0][1]
    planted = _copy_zip(handout_zip, tmp_path / "planted.zip", edit={
        "a2/word2vec.py": lambda data: data + ("\n    %s\n" % line).encode()})
    assert _leaks(planted) == ["planted.zip: a2/word2vec.py holds solution code: %r" % line]

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as npz:
        npz.writestr("sigmoid.npy", b"\x93NUMPY")
    answers = (SOLUTIONS / "written" / "answers.txt").read_bytes()
    planted = _copy_zip(handout_zip, tmp_path / "more.zip", add={
        "a2/notes.txt": answers, "a2/hints.md": ("# hints\n" + written.INSTRUCTOR_MARK).encode(),
        "a2/utils/hidden_expected.npz": buffer.getvalue(),
        "a2/__pycache__/word2vec.cpython-310.pyc": b"\0"})
    found = "\n".join(_leaks(planted))
    assert "a2/notes.txt is a copy of solutions/written/answers.txt" in found
    assert "a2/hints.md holds the reference written answers" in found
    assert "a2/utils/hidden_expected.npz is a data file the handout does not ship" in found
    assert "word2vec.cpython-310.pyc is compiled Python" in found

    def hidden_outputs(data):
        tests = json.loads(data)
        tests["tests"].append(dict(tests["tests"][0], name="sigmoid (hidden inputs)"))
        return json.dumps(tests).encode()

    planted = _copy_zip(handout_zip, tmp_path / "expected.zip",
                        edit={"a2/" + PUBLIC_TESTS: hidden_outputs})
    assert "a2/%s is not exactly the public tests of the reference" % PUBLIC_TESTS in "\n".join(
        _leaks(planted))

    planted = _copy_zip(autograder_zip, tmp_path / "autograder.zip",
                        add={"solutions/written/answers.txt": answers})
    assert _leaks(handout_zip, planted) == [
        "autograder.zip: solutions/written/answers.txt is a reference written answer"]


def test_a_skeleton_that_scores_fails_the_release(released, tmp_path, capsys):
    _, _, dist = released
    report = release.Report(Layout.of(dist=tmp_path))
    report.total = CFG.total
    release._grade(report, dist / "autograder.zip", "untouched skeleton", SOLUTIONS,
                   expect_full=False)
    output = capsys.readouterr().out
    assert len(report.failures) == 1
    assert output.startswith("FAILED  the untouched skeleton got %s" % TOTAL)
    assert "not 0" in output


def test_an_invalid_config_is_one_clear_line_and_status_2(tree, tmp_path):
    broken = tmp_path / "config.ini"
    broken.write_text(CONFIG.read_text(encoding="utf-8").replace(
        "sigmoid = 1.5", "sigmoid = -1.5", 1), encoding="utf-8")
    status, output = _main(tree, tmp_path / "dist", broken)
    assert status == 2
    failed = [line for line in output.splitlines() if line.startswith("FAILED")]
    assert failed == ["FAILED  invalid grading configuration: config.ini [public] sigmoid: "
                      "must be at least 0 (got -1.5): fix it and run `make release` again"]
    assert "skipped grading" in output and "Upload checklist" not in output
    assert not (tmp_path / "dist" / "autograder.zip").exists()


def test_a_stale_assignment_stops_the_release(tree, tmp_path):
    stale = tmp_path / "assignment"
    shutil.copytree(tree, stale)
    (stale / "sgd.py").write_text("# edited by hand\n", encoding="utf-8")
    status, output = _main(stale, tmp_path / "dist")
    assert status == 1
    assert "FAILED  %s/ is out of date with solutions/ (sgd.py): run `make assignment`" % stale \
        in output
    assert not (tmp_path / "dist").exists()
