"""The student handout zip and the submission builder inside it."""

import codecs
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder.layout import Layout
from instructor import handout, leaks
from tests.conftest import ASSIGNMENT
from tests.variants import reference_with


@pytest.fixture(scope="module")
def handout_zip(tmp_path_factory):
    return handout.build(Layout(), tmp_path_factory.mktemp("dist") / "handout.zip")


def test_handout_ships_the_student_files(handout_zip):
    with zipfile.ZipFile(handout_zip) as archive:
        names = set(archive.namelist())
    for rel in ["word2vec.py", "sgd.py", "run.py", "collect_submission.py", "README.md",
                "utils/gradcheck.py", "utils/sanity.py", "check.py", "checklib.py",
                "public_tests.json"]:
        assert "a2/" + rel in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_handout_leaks_no_solution(handout_zip):
    """The release's leak check (solution code, written answers, hidden data) finds nothing."""
    assert leaks.handout_leaks(handout_zip, Layout()) == []
    with zipfile.ZipFile(handout_zip) as archive:
        names = set(archive.namelist())
    assert {"a2/written/written.tex", "a2/written/written.ipynb", "a2/written/README.md"} <= names


def test_handout_refuses_a_stale_assignment(tmp_path):
    stale = tmp_path / "assignment"
    shutil.copytree(ASSIGNMENT, stale)
    (stale / "sgd.py").write_text("# edited by hand\n", encoding="utf-8")
    with pytest.raises(handout.HandoutError, match="make assignment"):
        handout.build(Layout.of(student=stale), tmp_path / "handout.zip")


def _collect(folder):
    return subprocess.run([sys.executable, "collect_submission.py"], cwd=folder,
                          capture_output=True, text=True, check=False, timeout=60)


def test_collect_submission_zips_a_complete_solution(tmp_path):
    folder = tmp_path / "a2"
    shutil.copytree(ASSIGNMENT, folder, ignore=shutil.ignore_patterns("written", "datasets"))
    for path in reference_with(tmp_path / "files").iterdir():
        shutil.copy(path, folder / path.name)
    result = _collect(folder)
    assert result.returncode == 0, result.stdout
    with zipfile.ZipFile(folder / "submission.zip") as archive:
        assert sorted(archive.namelist()) == ["sgd.py", "word2vec.py"]
    assert "word_vectors.png is not there yet" in result.stdout
    (folder / "final_answers.txt").write_text("naive_vc: U @ (yhat - y)\n", encoding="utf-8")
    assert _collect(folder).returncode == 0
    with zipfile.ZipFile(folder / "submission.zip") as archive:  # the written part's final answers
        assert sorted(archive.namelist()) == ["final_answers.txt", "sgd.py", "word2vec.py"]


def test_collect_submission_refuses_stubs_missing_and_broken_files(tmp_path):
    folder = tmp_path / "a2"
    shutil.copytree(ASSIGNMENT, folder)
    result = _collect(folder)
    assert result.returncode == 1 and not (folder / "submission.zip").exists()
    assert "word2vec.py line" in result.stdout and "sgd.py line" in result.stdout
    stubs = sum((folder / name).read_text(encoding="utf-8").count("raise NotImplementedError")
                for name in ("word2vec.py", "sgd.py"))
    assert result.stdout.count("is still a stub") == stubs > 0
    (folder / "sgd.py").unlink()
    (folder / "word2vec.py").write_text("def sigmoid(x:\n", encoding="utf-8")
    result = _collect(folder)
    assert "sgd.py is missing" in result.stdout
    assert "word2vec.py does not parse: line 1" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_collect_submission_reads_utf8_with_a_byte_order_mark_and_names_other_encodings(tmp_path):
    folder = tmp_path / "a2"
    shutil.copytree(ASSIGNMENT, folder, ignore=shutil.ignore_patterns("written", "datasets"))
    for path in reference_with(tmp_path / "files").iterdir():
        shutil.copy(path, folder / path.name)
    source = (folder / "word2vec.py").read_bytes()
    (folder / "word2vec.py").write_bytes(codecs.BOM_UTF8 + source)
    assert _collect(folder).returncode == 0
    (folder / "word2vec.py").write_bytes(source.decode("utf-8").encode("utf-16"))
    result = _collect(folder)
    assert result.returncode == 1 and "word2vec.py is not saved as UTF-8" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
