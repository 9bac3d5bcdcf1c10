"""Release dry run: build what goes to Gradescope and to students, grade through it, look for leaks.

    python -m instructor.release [--dist DIR]        (what `make release` runs)

1. assignment/ must equal a fresh generation from solutions/ (else: `make assignment`);
2. builds DIST/handout.zip (with the written templates, checked to be in it) and
   DIST/autograder.zip (after validating autograder/config.ini);
3. grades the reference solution and the untouched skeleton through the built
   zip, unzipped into a root laid out as Gradescope's: the reference must get
   full marks, the skeleton 0, each with a valid results.json;
4. leak check: no solution code, reference written answer or hidden test data
   in the handout, no reference written answer in the autograder zip;
5. prints what was built, the grading outcome and the upload checklist.

Every step prints one line, `ok` or `FAILED` with what to do. Exit status: 0
when every step passed, 2 when autograder/config.ini is invalid, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import config, package
from autograder.grader import load_config, reference
from instructor import handout
from instructor import written as written_module
from instructor.assign import ASSIGNMENT, BEGIN, END, ROOT, SOLUTIONS, differences, \
    leaked_lines, solution_lines

DIST = ROOT / "dist"
GRADESCOPE_TIMEOUT = 600  # seconds: Gradescope's default autograder timeout
# Files of these kinds are data; the handout ships only the public expectations.
DATA_SUFFIXES = {".npz", ".npy", ".pkl", ".pickle", ".h5", ".hdf5", ".mat", ".pt", ".joblib"}
PUBLIC_EXPECTED = "utils/public_expected.npz"


@dataclass
class Graded:
    """The outcome of grading one submission through the built zip."""

    label: str
    score: float
    max_score: float
    seconds: float


@dataclass
class Report:
    """What the steps found: one line each, the failures, what was built and graded."""

    dist: Path
    failures: list[str] = field(default_factory=list)
    config_error: bool = False
    built: list[Path] = field(default_factory=list)
    graded: list[Graded] = field(default_factory=list)
    total: float | None = None

    def ok(self, text: str) -> None:
        """A step that passed."""
        print("ok      " + text)

    def fail(self, text: str) -> None:
        """A step that failed: what failed and what to do, on one line."""
        self.failures.append(text)
        print("FAILED  " + text)


def _show(path: Path) -> str:
    path = Path(path)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _size(path: Path) -> str:
    size = path.stat().st_size
    return "%d B" % size if size < 1024 else "%.1f kB" % (size / 1024) if size < 1024 ** 2 \
        else "%.1f MB" % (size / 1024 ** 2)


def _texts(archive: zipfile.ZipFile) -> dict[str, str]:
    return {name: archive.read(name).decode("utf-8", errors="replace")
            for name in archive.namelist() if not name.endswith("/")}


# ---------------------------------------------------------------------------
# Leak check


def _public_expected_problems(name: str, data: bytes) -> list[str]:
    """Problems of the shipped expectations: anything but the reference's public outputs."""
    import numpy as np  # pylint: disable=import-outside-toplevel

    checks, word2vec, sgd = reference()
    public = checks.computeExpected(word2vec, sgd, checks.publicInputs(checks.PUBLIC_SEED))
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as shipped:
            arrays = {key: shipped[key] for key in shipped.files}
    except (OSError, ValueError) as error:
        return ["%s is not a plain .npz of arrays (%s)" % (name, error)]
    extra = sorted(set(arrays) - set(public))
    if extra:
        return ["%s holds data beyond the public tests' expectations: %s"
                % (name, ", ".join(extra[:5]))]
    differ = sorted(key for key in arrays if arrays[key].shape != public[key].shape
                    or not np.allclose(arrays[key], public[key], rtol=1e-10, atol=1e-12,
                                       equal_nan=True))
    if differ:
        return ["%s differs from the reference's outputs on the public inputs (%s): "
                "run `make assignment`" % (name, ", ".join(differ[:5]))]
    return []


def _solution_code(texts: dict[str, str], src: Path) -> list[str]:
    lines = solution_lines(src)
    problems = []
    for name in leaked_lines(texts, src):
        text = texts[name]
        found = next((line for _, line in lines if line in text), BEGIN if BEGIN in text else END)
        problems.append("%s holds solution code: %r" % (name, found))
    return problems


def _written_answers(texts: dict[str, str], raw: dict[str, bytes], src: Path) -> list[str]:
    """Files that carry the reference written answers: marked, named or copied from src/written."""
    copies = {p.read_bytes(): p.relative_to(src).as_posix()
              for p in (src / "written").rglob("*") if p.is_file()}
    flagged = written_module.leaked_reference_answers(texts)
    return ["%s holds the reference written answers" % name for name in flagged] + [
        "%s is a copy of solutions/%s" % (name, copies[data])
        for name, data in raw.items() if data in copies and name not in flagged]


def leaks(handout_zip: Path, autograder_zip: Path | None = None, src: Path = SOLUTIONS,
          hidden_seed: int | None = None) -> list[str]:
    """What of the reference reaches a student artefact: one line per problem, empty when none.

    In the handout: code from the solution regions of src/*.py (and the markers),
    the reference written answers (src/written), compiled Python, data files
    other than the public expectations, public expectations that are not
    exactly the reference's outputs on the public inputs, and the hidden seed.
    In the autograder zip (which holds the reference code by design): the
    reference written answers.
    """
    problems = []
    with zipfile.ZipFile(handout_zip) as archive:
        raw = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
        texts = _texts(archive)
    where = "%s: " % Path(handout_zip).name
    found = _solution_code(texts, src) + _written_answers(texts, raw, src)
    for name, data in raw.items():
        rel = name.split("/", 1)[-1]
        suffix = Path(name).suffix.lower()
        if suffix in (".pyc", ".pyo") or "__pycache__" in name.split("/"):
            found.append("%s is compiled Python (it may hold the reference)" % name)
        elif rel == PUBLIC_EXPECTED:
            found += _public_expected_problems(name, data)
        elif suffix in DATA_SUFFIXES:
            found.append("%s is a data file the handout does not ship (only %s)"
                         % (name, PUBLIC_EXPECTED))
    if hidden_seed is not None:
        seed = str(hidden_seed)
        found += ["%s names the hidden tests' seed %s" % (name, seed)
                  for name, text in texts.items() if seed in text and not name.endswith(".npz")]
    problems += [where + line for line in found]
    if autograder_zip is not None:
        with zipfile.ZipFile(autograder_zip) as archive:
            raw = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
            texts = _texts(archive)
        where = "%s: " % Path(autograder_zip).name
        answers = {n for n in raw if n.startswith("solutions/written/")}
        found = ["%s is a reference written answer" % name for name in sorted(answers)]
        found += _written_answers({n: t for n, t in texts.items() if n not in answers},
                                  {n: d for n, d in raw.items() if n not in answers}, src)
        problems += [where + line for line in found]
    return problems


# ---------------------------------------------------------------------------
# The steps


def _check_assignment(report: Report, tree: Path) -> bool:
    stale = differences(tree)
    if stale:
        report.fail("%s/ is out of date with solutions/ (%s%s): run `make assignment`, then "
                    "`make release` again" % (_show(tree), ", ".join(stale[:3]),
                                              " ..." if len(stale) > 3 else ""))
        return False
    report.ok("%s/ is up to date with solutions/" % _show(tree))
    return True


def _build_handout(report: Report, tree: Path) -> Path | None:
    target = report.dist / "handout.zip"
    try:
        handout.build(target, tree)
    except (RuntimeError, OSError) as error:
        report.fail("building %s: %s" % (_show(target), error))
        return None
    report.built.append(target)
    with tempfile.TemporaryDirectory() as tmp:
        templates = written_module.generate_templates(Path(tmp))
        expected = {"%s/written/%s" % (handout.FOLDER, p.name): p.read_bytes() for p in templates}
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        wrong = sorted(n for n, data in expected.items()
                       if n not in names or archive.read(n) != data)
        count = len(names)
    if wrong:
        report.fail("%s lacks the current written templates (%s): run `make assignment`"
                    % (_show(target), ", ".join(wrong)))
        return target
    report.ok("built %s (%d files, written templates: %s)"
              % (_show(target), count, ", ".join(sorted(Path(n).name for n in expected))))
    return target


def _ship_config(target: Path, config_path: Path) -> None:
    """Replace autograder/config.ini in the built zip by config_path."""
    with zipfile.ZipFile(target) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            if info.filename == "autograder/config.ini":
                data = config_path.read_bytes()
            archive.writestr(info, data)


def _build_autograder(report: Report, config_path: Path) -> Path | None:
    target = report.dist / "autograder.zip"
    try:
        total = load_config(config_path).total
        target, _ = package.build(target)
    except config.ConfigError as error:
        report.config_error = True
        report.fail("invalid grading configuration: %s: fix it and run `make release` again"
                    % error)
        return None
    if config_path.resolve() != config.CONFIG:
        _ship_config(target, config_path)
    report.total = total
    report.built.append(target)
    report.ok("built %s (with %s: %g points)" % (_show(target), _show(config_path), total))
    return target


def _grade(report: Report, autograder_zip: Path, label: str, submission: Path,
           expect_full: bool) -> None:
    total = report.total
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        try:
            results = package.run_in_gradescope_root(autograder_zip, submission, Path(tmp),
                                                     timeout=GRADESCOPE_TIMEOUT)
        except package.GradingError as error:
            report.fail("grading the %s (%s) through %s: %s: run `make grade SUBMISSION=%s` "
                        "to see why" % (label, _show(submission), autograder_zip.name, error,
                                        _show(submission)))
            return
    seconds = time.monotonic() - start
    score = results["score"]
    max_score = sum(t.get("max_score") or 0 for t in results["tests"])
    report.graded.append(Graded(label, score, max_score, seconds))
    outcome = "%g/%g in %.1f s" % (score, total, seconds)
    if not results["tests"]:
        report.fail("grading the %s through %s: the grader itself failed (%s): run `make grade "
                    "SUBMISSION=%s` to see why" % (label, autograder_zip.name,
                                                   results.get("output", "").strip(),
                                                   _show(submission)))
    elif abs(max_score - total) > 1e-6:
        report.fail("grading the %s: its tests are worth %g points, config.ini says %g: check "
                    "autograder/config.ini and the grader's tests" % (label, max_score, total))
    elif expect_full and abs(score - total) > 1e-6:
        failed = [t["name"] for t in results["tests"] if (t.get("max_score") or 0) > t["score"]]
        report.fail("the %s got %s, not full marks (lost points: %s): fix the reference or the "
                    "grader, see `make grade`" % (label, outcome, ", ".join(failed)))
    elif not expect_full and score != 0:
        passed = [t["name"] for t in results["tests"] if t["score"] > 0]
        report.fail("the %s got %s, not 0 (points for: %s): put the code those tests need in "
                    "### BEGIN SOLUTION regions of solutions/, then `make assignment`"
                    % (label, outcome, ", ".join(passed)))
    else:
        report.ok("graded the %s through %s: %s" % (label, autograder_zip.name, outcome))


def _check_leaks(report: Report, handout_zip: Path | None, autograder_zip: Path | None,
                 config_path: Path) -> None:
    if handout_zip is None:
        report.fail("leak check skipped: the handout was not built (see above)")
        return
    try:
        seed = config.load(config_path).hidden_seed
    except config.ConfigError:
        seed = None
    problems = leaks(handout_zip, autograder_zip, hidden_seed=seed)
    for problem in problems:
        report.fail("leak: %s: remove it from what is shipped, then `make assignment`" % problem)
    if not problems:
        report.ok("no solution code, reference written answer or hidden data in %s%s"
                  % (handout_zip.name, "; no written answer in %s" % autograder_zip.name
                     if autograder_zip else ""))


def _written_points() -> float:
    source = written_module.load_source()
    return sum(q.points for q in source.questions if q.submit != "code")


def _summary(report: Report, config_path: Path) -> None:
    print("\nBuilt")
    rows = list(report.built)
    pdf = report.dist / "written.pdf"
    if pdf.is_file():
        rows.append(pdf)
    width = max(len(_show(p)) for p in rows + [pdf])
    for path in rows:
        print("  %-*s  %10s" % (width, _show(path), _size(path)))
    if not pdf.is_file():
        print("  %-*s  %10s  (`make written` builds it)" % (width, _show(pdf), "not built"))
    if report.graded:
        print("\nGraded through %s" % _show(report.dist / "autograder.zip"))
        for graded in report.graded:
            print("  %-22s %6g/%-6g %6.1f s" % (graded.label, graded.score, report.total,
                                              graded.seconds))
    if report.failures:
        print("\nNOT ready to upload: %d check(s) failed (the FAILED lines above)."
              % len(report.failures))
        return
    cfg = config.load(config_path)
    slowest = max((g.seconds for g in report.graded), default=0)
    print("\nUpload checklist")
    print("  1. Gradescope, programming assignment > Configure Autograder: upload "
          "%s; base image Ubuntu 22.04 (setup.sh installs python3 and the pinned requirements)."
          % _show(report.dist / "autograder.zip"))
    print("     Keep the default 10 minute timeout (the slowest run here took %.0f s; each test "
          "has its own limit, %g s, timing tests %g s)." % (slowest, cfg.timeout,
                                                             cfg.timing_timeout))
    print("     Memory: the grader runs %d children at once, each capped at %d MB of address "
          "space; if a run ends in 'Killed', give the autograder more memory (its settings, or "
          "Gradescope's support)." % (cfg.parallel, cfg.memory_mb))
    print("     Set the assignment's total points to %g; test it with a submission of "
          "solutions/word2vec.py and solutions/sgd.py." % report.total)
    if pdf.is_file():
        print("  2. Gradescope, written assignment: upload %s as its template; total points %g."
              % (_show(pdf), _written_points()))
    else:
        print("  2. Gradescope, written assignment: run `make written` and upload dist/written.pdf "
              "as its template; total points %g." % _written_points())
    print("  3. Course site: give students %s (never dist/written_solutions.pdf)."
          % _show(report.dist / "handout.zip"))
    print("  Total points: %g (programming) + %g (written)." % (report.total, _written_points()))


def release(dist: Path = DIST, tree: Path = ASSIGNMENT, config_path: Path = config.CONFIG) -> int:
    """Run every step into dist; return the exit status (0 only when all passed)."""
    report = Report(Path(dist))
    print("Release dry run into %s" % _show(report.dist))
    if not _check_assignment(report, tree):
        return 1
    handout_zip = _build_handout(report, tree)
    autograder_zip = _build_autograder(report, config_path)
    if autograder_zip is None:
        print("skipped grading: no autograder zip")
    else:
        _grade(report, autograder_zip, "reference solution", SOLUTIONS, expect_full=True)
        _grade(report, autograder_zip, "untouched skeleton", tree, expect_full=False)
    _check_leaks(report, handout_zip, autograder_zip, config_path)
    _summary(report, config_path)
    if report.config_error:
        return 2
    return 1 if report.failures else 0


def main(argv: list[str] | None = None) -> int:
    """Command line; returns a process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DIST,
                        help="where to write the zips (default: dist/)")
    parser.add_argument("--assignment", type=Path, default=ASSIGNMENT,
                        help="the generated student tree to check, ship and grade "
                             "(default: assignment/)")
    parser.add_argument("--config", type=Path, default=config.CONFIG,
                        help="ship this grading configuration instead of autograder/config.ini "
                             "(it is validated the same way)")
    args = parser.parse_args(argv)
    return release(args.dist, args.assignment, args.config)


if __name__ == "__main__":
    sys.exit(main())
