"""A second assignment, docs/examples/textstats, through the framework's public entry points only.

Nothing here imports the assignment or the framework's internals: every step is
the command line (`python -m autograder --source ... assign|check|handout|autograder`)
or `autograder.package.run_in_gradescope_root`, which grades through the built
zip as Gradescope would. So the framework must know nothing of word2vec to pass.
"""

import configparser
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder.package import run_in_gradescope_root
from tests.conftest import ROOT

SOURCE = ROOT / "docs" / "examples" / "textstats"
REQUIRED = ("textstats.py", "smoothing.py")
HIDDEN = " (hidden inputs)"


def _ini(name):
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
    parser.optionxform = str
    parser.read(SOURCE / name, encoding="utf-8")
    return parser


MANIFEST, CONFIG = _ini("assignment.ini"), _ini("config.ini")
PUBLIC = {name: float(points) for name, points in CONFIG.items("public")}
HIDDEN_POINTS = {name: float(points) for name, points in CONFIG.items("hidden")}
TIMING = {name: float(points) for name, points in CONFIG.items("timing") if name != "timeout"}
TOTAL = sum(PUBLIC.values()) + sum(HIDDEN_POINTS.values()) + sum(TIMING.values()) \
    + CONFIG.getfloat("style", "pylint")


def _cli(tmp, *args, student=None, expect=0):
    """Run the framework's command line on the example; return its stdout."""
    command = [sys.executable, "-m", "autograder", "--source", str(SOURCE),
               "--student", str(student or tmp / "student"), "--dist", str(tmp / "dist"), *args]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                         timeout=300)
    assert run.returncode == expect, " ".join(args) + "\n" + run.stdout + run.stderr
    return run.stdout


def _solution_lines():
    """Code lines of the solution regions: none may reach a student."""
    lines, inside = [], False
    for path in SOURCE.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text in ("### BEGIN SOLUTION", "### END SOLUTION"):
                inside = text == "### BEGIN SOLUTION"
            elif inside and len(text) > 8 and not text.startswith("#"):
                lines.append(text)
    return lines


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example assigned, checked and built: (folder, handout zip, autograder zip)."""
    tmp = tmp_path_factory.mktemp("textstats")
    assert "wrote" in _cli(tmp, "assign")
    assert "up to date" in _cli(tmp, "check")
    _cli(tmp, "handout")
    total = _cli(tmp, "autograder")
    assert "%g points in all" % TOTAL in total, total
    return tmp, tmp / "dist" / "handout.zip", tmp / "dist" / "autograder.zip"


def _submission(folder, source, edit=None):
    """The required files of source in folder, one of them edited as (file, old, new)."""
    folder.mkdir()
    for name in REQUIRED:
        shutil.copy(source / name, folder / name)
    if edit:
        name, old, new = edit
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text
        (folder / name).write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_skeleton_is_stubbed_and_a_hand_edit_is_caught(built):
    tmp, _, _ = built
    student = tmp / "student"
    for name in REQUIRED:
        text = (student / name).read_text(encoding="utf-8")
        assert "raise NotImplementedError" in text and "### BEGIN SOLUTION" not in text
    edited = tmp / "edited"
    shutil.copytree(student, edited)
    with open(edited / "textstats.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a hand edit\n")
    out = _cli(tmp, "check", student=edited, expect=1)
    assert "out of date: %s" % (edited / "textstats.py") in out, out
    _cli(tmp, "handout", student=edited, expect=1)  # refused: the tree is stale


def test_handout_holds_the_student_tree_and_no_solution(built):
    _, handout, _ = built
    folder = MANIFEST.get("assignment", "handout")
    with zipfile.ZipFile(handout) as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert all(name.startswith(folder + "/") for name in texts)
    names = {name.split("/", 1)[1] for name in texts}
    assert {"check.py", "checklib.py", "public_tests.json", "README.md", *REQUIRED,
            "textkit/checks.py"} <= names
    assert not names & {"assignment.ini", "config.ini"}
    leaks = [(name, line) for line in _solution_lines() + ["### BEGIN SOLUTION"]
             for name, text in texts.items() if line in text]
    assert not leaks
    seed = CONFIG.get("hidden_inputs", "seed")
    assert not [name for name, text in texts.items() if seed in text]


def _check_script(folder):
    run = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True,
                         text=True, check=False, timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stdout + run.stderr, \
        run.stdout + run.stderr
    return run.stdout


def test_handout_check_script(built, tmp_path):
    _, handout, _ = built
    with zipfile.ZipFile(handout) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / MANIFEST.get("assignment", "handout")
    skeleton = _check_script(folder)
    assert "Total: 0 / %g" % sum(PUBLIC.values()) in skeleton, skeleton
    assert skeleton.count("not implemented yet") == len(PUBLIC), skeleton
    for name in REQUIRED:
        shutil.copy(SOURCE / name, folder / name)
    reference = _check_script(folder)
    assert "Total: %g / %g" % (sum(PUBLIC.values()), sum(PUBLIC.values())) in reference, reference


def test_grading_through_the_zip(built, tmp_path):
    tmp, _, zipped = built
    submissions = {
        "reference": _submission(tmp_path / "reference", SOURCE),
        "skeleton": _submission(tmp_path / "skeleton", tmp / "student"),
        # one mistake: the last of the equally long words instead of the first
        "mistake": _submission(tmp_path / "mistake", SOURCE, (
            "textstats.py", "word = max(tokens, key=len) if tokens else \"\"",
            "word = sorted(tokens, key=len)[-1] if tokens else \"\"")),
    }
    graded = {label: run_in_gradescope_root(zipped, folder, tmp_path / ("root-" + label))
              for label, folder in submissions.items()}
    expected = {**PUBLIC, **{name + HIDDEN: points for name, points in HIDDEN_POINTS.items()},
                **{"timing: " + name: points for name, points in TIMING.items()}}

    def scores(label):
        tests = {t["name"]: t for t in graded[label]["tests"] if t["max_score"]}
        assert {name: t["max_score"] for name, t in tests.items()} == expected
        return {name: t["score"] for name, t in tests.items()}

    reference = scores("reference")
    assert reference == expected and graded["reference"]["score"] == TOTAL, graded["reference"]
    hidden = [t for t in graded["reference"]["tests"] if t["name"].endswith(HIDDEN)]
    assert hidden and {t["visibility"] for t in hidden} == {CONFIG.get("visibility", "hidden")}

    assert set(scores("skeleton").values()) == {0} and graded["skeleton"]["score"] == 0

    mistake = scores("mistake")
    for name, points in expected.items():
        if name.startswith("longestWord"):
            assert mistake[name] < points, (name, graded["mistake"])
        else:
            assert mistake[name] == points, (name, graded["mistake"])
    output = next(t["output"] for t in graded["mistake"]["tests"] if t["name"] == "longestWord")
    assert "expected 'grows', got 'field'" in output and "comes first" in output
