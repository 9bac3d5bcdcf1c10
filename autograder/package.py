"""Build dist/autograder.zip for Gradescope: setup.sh and run_autograder at its root.

The zip holds the grading package, the assignment's source (without its
instructor-only parts, such as the written answers, but with the boxed results'
statements when the grader checks final answers against them), the pinned
runtime requirements and the constraints that pin their dependencies too; `make
autograder` validates the configuration first and prints the total points.
`run_in_gradescope_root` grades a submission through a built zip, in a
temporary root laid out like Gradescope's (source/, submission/, results/).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from autograder import assignment as assignment_module
from autograder import results
from autograder.layout import ROOT, Layout

RUNTIME = ("numpy", "nbformat", "pylint", "gradescope-utils")
CONSTRAINTS = "constraints.txt"  # every dependency pinned, per Python version (setup.sh: -c)
SOURCE_IN_ZIP = "solutions"  # where the zip holds the assignment's source (Layout's default)


def runtime_requirements() -> str:
    """The pinned lines of requirements.txt the grader needs at run time."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.split("==")[0] in RUNTIME) + "\n"


def constraints() -> str:
    """constraints.txt: the pins of every package the requirements bring in, for every Python."""
    return (ROOT / CONSTRAINTS).read_text(encoding="utf-8")


def _files(folder: Path, skip_top: set[str], patterns: list[str]):
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.parts[0] not in skip_top and not any(
                Path(part).match(p) for part in rel.parts for p in patterns):
            yield path, rel.as_posix()


def build(layout: Layout | None = None, target: Path | None = None) -> tuple[Path, float]:
    """Write the zip (the grading package, the assignment's source less its instructor-only
    parts, the runtime requirements and constraints); return its path and the total points."""
    layout = layout or Layout()
    target = Path(target or layout.dist / "autograder.zip")
    assignment = assignment_module.load(layout)
    total = assignment.load_config().total
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest = assignment.manifest
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, (ROOT / "autograder" / "gradescope" / name).read_bytes())
        archive.writestr("requirements-autograder.txt", runtime_requirements())
        archive.writestr(CONSTRAINTS, constraints())
        for path, name in _files(ROOT / "autograder", {"gradescope"}, ["__pycache__", "*.pyc"]):
            archive.write(path, "autograder/" + name)
        names = set()
        for path, name in _files(layout.source, set(manifest.instructor_only), manifest.exclude):
            archive.write(path, SOURCE_IN_ZIP + "/" + name)
            names.add(name)
        statements = shipped_statements(layout)
        if statements and statements not in names:
            archive.write(layout.source / statements, SOURCE_IN_ZIP + "/" + statements)
    return target, total


def shipped_statements(layout: Layout) -> str | None:
    """The written part's results file (path in the source), when the grader needs it: the
    boxed results' statements that final answers are checked against (never the answers)."""
    if not layout.manifest.final_answers:
        return None
    return layout.written_path("results").relative_to(layout.source).as_posix()


class GradingError(Exception):
    """The built autograder did not leave a valid results.json; the message says why."""


def gradescope_root(zip_path: Path, submission: Path, workdir: Path) -> Path:
    """Lay out workdir/autograder as Gradescope does; return that root.

    source/ holds the unzipped autograder, submission/ a copy of the submission
    (a folder, or one file), results/ is empty.
    """
    root = Path(workdir) / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    submission = Path(submission)
    if submission.is_dir():  # what a student uploads: their files, never caches or data
        shutil.copytree(submission, root / "submission",
                        ignore=shutil.ignore_patterns("__pycache__", "datasets", "written"))
    else:
        (root / "submission").mkdir(parents=True)
        shutil.copy2(submission, root / "submission" / submission.name)
    (root / "results").mkdir()
    return root


def run_autograder(root: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run root/source/run_autograder as Gradescope would, with this interpreter."""
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    script = Path(root) / "source" / "run_autograder"
    os.chmod(script, 0o755)
    return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True,
                          check=False, timeout=timeout)


def read_results(root: Path) -> dict:
    """The parsed, validated root/results/results.json; GradingError when it is not valid."""
    path = Path(root) / "results" / "results.json"
    if not path.is_file():
        raise GradingError("run_autograder wrote no results/results.json")
    try:
        return results.read(path)
    except results.ResultsError as error:
        raise GradingError("results/results.json is not a valid results file: %s" % error) from None


def run_in_gradescope_root(zip_path: Path, submission: Path, workdir: Path,
                           timeout: float = 600) -> dict:
    """Grade submission through the built zip in workdir; return the validated results.json.

    Raises GradingError when run_autograder fails, times out, or leaves no
    valid results file.
    """
    root = gradescope_root(zip_path, submission, workdir)
    try:
        done = run_autograder(root, timeout)
    except subprocess.TimeoutExpired:
        raise GradingError("run_autograder took more than %g s" % timeout) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output on stderr"])[-1]
        raise GradingError("run_autograder exited with status %d (%s)" % (done.returncode, last))
    return read_results(root)
