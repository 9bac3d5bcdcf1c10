"""The student skeleton is generated from the reference and leaks none of it."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.layout import PUBLIC_TESTS, Layout
from instructor import assign, leaks
from instructor.expected import write_public_tests
from tests.conftest import ASSIGNMENT, ROOT, SOLUTIONS

LAYOUT = Layout()


def _copy_layout(tmp_path):
    """A layout over a copy of the source and of the committed student tree."""
    src, dest = tmp_path / "solutions", tmp_path / "assignment"
    shutil.copytree(SOLUTIONS, src, ignore=shutil.ignore_patterns("__pycache__", "datasets"))
    shutil.copytree(ASSIGNMENT, dest, ignore=shutil.ignore_patterns("__pycache__", "datasets"))
    return Layout.of(src, dest, tmp_path / "dist")


def test_region_becomes_a_stub_naming_the_function():
    source = ("def f(x):\n    y = 1\n    ### YOUR CODE HERE\n    ### BEGIN SOLUTION\n"
              "    #: use np.exp\n    y = x + 2\n    ### END SOLUTION\n    ### END YOUR CODE\n"
              "    return y\n")
    out = assign.strip_solutions(source, "m.py")
    assert "x + 2" not in out and "BEGIN SOLUTION" not in out
    assert '    # use np.exp\n    raise NotImplementedError("f: fill in' in out
    assert out.startswith("def f(x):\n    y = 1\n    ### YOUR CODE HERE\n")
    assert out.endswith("    ### END YOUR CODE\n    return y\n")


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("### END SOLUTION\n", "without a"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "inside the region"),
    ("x = 1  ### BEGIN SOLUTION\n", "stand alone"),
])
def test_malformed_markers_are_clear_errors(source, message):
    with pytest.raises(assign.AssignError, match=message):
        assign.strip_solutions(source, "m.py")


def test_committed_assignment_equals_a_fresh_generation():
    assert assign.differences() == [], "run `make assignment` and commit the result"


def test_editing_one_side_only_is_detected(tmp_path):
    layout = _copy_layout(tmp_path)
    assert assign.differences(layout) == []
    with open(layout.student / "sgd.py", "a", encoding="utf-8") as handle:
        handle.write("# edited by hand\n")
    assert assign.differences(layout) == ["sgd.py"]
    (layout.student / "extra.py").write_text("x = 1\n", encoding="utf-8")
    assert "extra.py (not generated from the source)" in assign.differences(layout)


def test_check_command_fails_on_a_hand_edited_generated_file_and_writes_nothing(tmp_path):
    layout = _copy_layout(tmp_path)
    command = [sys.executable, "-m", "autograder", "--source", str(layout.source),
               "--student", str(layout.student), "check"]
    ok = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                        timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for generated in (layout.student / "written" / "written.tex",
                      layout.source / "written" / "rubric.md", layout.student / PUBLIC_TESTS):
        before = generated.read_bytes()
        generated.write_bytes(before.replace(b"1", b"2", 1))
        stale = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                               timeout=300)
        assert stale.returncode == 1 and "out of date" in stale.stdout, generated
        assert generated.read_bytes() == before.replace(b"1", b"2", 1)  # checked, not rewritten
        generated.write_bytes(before)


def test_no_solution_line_reaches_the_skeleton():
    assert len(assign.solution_lines(LAYOUT)) > 20  # the reference really has solution regions
    texts = {str(p): p.read_text(encoding="utf-8", errors="replace")
             for p in ASSIGNMENT.rglob("*") if p.is_file()}
    assert not leaks.solution_code(texts, LAYOUT)
    found = leaks.solution_code({"reference": (SOLUTIONS / "word2vec.py").read_text()}, LAYOUT)
    assert len(found) == 1 and found[0].startswith("reference holds solution code")


def test_instructor_only_files_are_not_shipped():
    shipped = [str(p) for p in assign.shipped_files(LAYOUT)]
    assert "word2vec.py" in shipped and "sgd.py" in shipped
    assert not [p for p in shipped if p.startswith("written/") or "__pycache__" in p]
    assert "config.ini" not in shipped and "assignment.ini" not in shipped  # the hidden seed


STUBS = {"word2vec.py": ["sigmoid", "softmax", "naiveSoftmaxLossAndGradient",
                         "negSamplingLossAndGradient", "skipgram"],
         "sgd.py": ["sgd"]}


def test_skeleton_imports_and_every_stub_fails_loudly():
    code = (
        "import numpy as np, word2vec, sgd\n"
        "calls = {\n"
        " 'sigmoid': lambda: word2vec.sigmoid(0.0),\n"
        " 'softmax': lambda: word2vec.softmax(np.zeros(3)),\n"
        " 'naiveSoftmaxLossAndGradient': lambda: word2vec.naiveSoftmaxLossAndGradient("
        "np.zeros(2), 0, np.zeros((3, 2)), None),\n"
        " 'negSamplingLossAndGradient': lambda: word2vec.negSamplingLossAndGradient("
        "np.zeros(2), 0, np.zeros((3, 2)), type('d', (), {'sampleTokenIdx': lambda self: 1})()),\n"
        " 'skipgram': lambda: word2vec.skipgram('a', 1, ['b'], {'a': 0, 'b': 1}, np.zeros((2, 2)),"
        " np.zeros((2, 2)), None),\n"
        " 'sgd': lambda: sgd.sgd(lambda x: (0.0, 0.0), 1.0, 0.1, 1),\n"
        "}\n"
        "for name, call in calls.items():\n"
        "    try:\n"
        "        call()\n"
        "    except NotImplementedError as e:\n"
        "        print(name, '->', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ASSIGNMENT, capture_output=True,
                         text=True, check=True).stdout
    for filename, names in STUBS.items():
        for name in names:
            assert "%s -> %s: fill in the ### YOUR CODE HERE region of %s in %s" % (
                name, name, name, filename) in out


def _sanity(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=folder, capture_output=True, text=True,
                          check=False, timeout=120)


def test_reference_passes_every_sanity_check():
    result = _sanity(SOLUTIONS, "word2vec.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ALL SANITY CHECKS PASSED" in result.stdout
    assert result.stdout.count("All 3 tests passed!") == 2
    result = _sanity(SOLUTIONS, "sgd.py")
    assert result.returncode == 0 and "ALL TESTS PASSED" in result.stdout


@pytest.mark.parametrize("test", ["sigmoid", "softmax", "naiveSoftmaxLossAndGradient",
                                  "negSamplingLossAndGradient", "skipgram"])
def test_skeleton_sanity_checks_say_not_implemented(test):
    result = _sanity(ASSIGNMENT, "word2vec.py", test)
    assert result.returncode == 1
    assert "NOT IMPLEMENTED" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_regenerating_the_public_tests_keeps_an_identical_file(tmp_path):
    target = tmp_path / PUBLIC_TESTS
    committed = (ASSIGNMENT / PUBLIC_TESTS).read_bytes()
    # the same values, written differently (no indentation): the committed bytes are kept
    compact = json.dumps(json.loads(committed)).encode()
    assert write_public_tests(LAYOUT, target, compact).read_bytes() == compact
    changed = json.loads(committed)
    changed["tests"][0]["points"] += 1
    rewritten = write_public_tests(LAYOUT, target, json.dumps(changed).encode()).read_bytes()
    assert rewritten != json.dumps(changed).encode() and json.loads(rewritten) == json.loads(committed)
