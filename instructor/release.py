"""Release dry run: build what goes to Gradescope and to students, grade through it, look for leaks.

    python -m autograder release [--config FILE]        (what `make release` runs)

1. the student tree must equal a fresh generation from the source (else: `make assignment`);
2. builds DIST/handout.zip (with the written templates, checked to be in it) and
   DIST/autograder.zip (after validating the configuration);
3. grades the reference solution and the untouched skeleton through the built
   zip, unzipped into a root laid out as Gradescope's: the reference must get
   full marks, the skeleton 0, each with a valid results.json;
4. leak check: no solution code, reference written answer or hidden test data
   in the handout, no reference written answer in the autograder zip;
5. prints what was built, the grading outcome and the upload checklist.

Every step prints one line, `ok` or `FAILED` with what to do. Exit status: 0
when every step passed, 2 when the configuration is invalid, 1 otherwise.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import assignment as assignment_module
from autograder import config, package
from autograder.assignment import AssignmentError
from autograder.layout import Layout, ManifestError
from instructor import handout, leaks
from instructor import written as written_module
from instructor.assign import differences

GRADESCOPE_TIMEOUT = 600  # seconds: Gradescope's default autograder timeout


@dataclass
class Graded:
    """The outcome of grading one submission through the built zip."""

    label: str
    score: float
    max_score: float
    seconds: float


@dataclass
class Report:  # pylint: disable=too-many-instance-attributes
    """What the steps found: one line each, the failures, what was built and graded."""

    layout: Layout
    failures: list[str] = field(default_factory=list)
    config_error: bool = False
    built: list[Path] = field(default_factory=list)
    graded: list[Graded] = field(default_factory=list)
    total: float | None = None
    cfg: config.Config | None = None
    config_path: Path | None = None   # the configuration shipped

    def ok(self, text: str) -> None:
        """A step that passed."""
        print("ok      " + text)

    def fail(self, text: str) -> None:
        """A step that failed: what failed and what to do, on one line."""
        self.failures.append(text)
        print("FAILED  " + text)


def _size(path: Path) -> str:
    size = path.stat().st_size
    return "%d B" % size if size < 1024 else "%.1f kB" % (size / 1024) if size < 1024 ** 2 \
        else "%.1f MB" % (size / 1024 ** 2)


# ---------------------------------------------------------------------------
# The steps


def _check_student_tree(report: Report) -> bool:
    layout = report.layout
    stale = differences(layout)
    if stale:
        report.fail("%s/ is out of date with %s/ (%s%s): run `make assignment`, then "
                    "`make release` again" % (layout.show(layout.student), layout.show(layout.source),
                                              ", ".join(stale[:3]), " ..." if len(stale) > 3 else ""))
        return False
    report.ok("%s/ is up to date with %s/" % (layout.show(layout.student), layout.show(layout.source)))
    return True


def _build_handout(report: Report) -> Path | None:
    layout = report.layout
    target = layout.dist / "handout.zip"
    try:
        handout.build(layout, target)
    except (handout.HandoutError, OSError) as error:
        report.fail("building %s: %s" % (layout.show(target), error))
        return None
    report.built.append(target)
    expected = {}
    if layout.manifest.written:
        with tempfile.TemporaryDirectory() as tmp:
            templates = written_module.generate_templates(layout, Path(tmp))
            expected = {"%s/written/%s" % (layout.manifest.handout, p.name): p.read_bytes()
                        for p in templates}
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        wrong = sorted(n for n, data in expected.items()
                       if n not in names or archive.read(n) != data)
        count = len(names)
    if wrong:
        report.fail("%s lacks the current written templates (%s): run `make assignment`"
                    % (layout.show(target), ", ".join(wrong)))
        return target
    report.ok("built %s (%d files%s)" % (layout.show(target), count, ", written templates: %s"
                                          % ", ".join(sorted(Path(n).name for n in expected))
                                          if expected else ""))
    return target


def _ship_config(target: Path, config_path: Path) -> None:
    """Replace the assignment's config.ini in the built zip by config_path."""
    with zipfile.ZipFile(target) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            if info.filename == package.SOURCE_IN_ZIP + "/config.ini":
                data = config_path.read_bytes()
            archive.writestr(info, data)


def _build_autograder(report: Report, config_path: Path) -> Path | None:
    layout = report.layout
    target = layout.dist / "autograder.zip"
    try:
        report.cfg = assignment_module.load(layout).load_config(config_path)
        target, _ = package.build(layout, target)
    except (config.ConfigError, AssignmentError, ManifestError) as error:
        report.config_error = True
        report.fail("invalid grading configuration: %s: fix it and run `make release` again"
                    % error)
        return None
    if config_path.resolve() != layout.config_path.resolve():
        _ship_config(target, config_path)
    report.total = report.cfg.total
    report.built.append(target)
    report.ok("built %s (with %s: %g points)" % (layout.show(target), layout.show(config_path),
                                                  report.total))
    return target


def _grade(report: Report, autograder_zip: Path, label: str, submission: Path,
           expect_full: bool) -> None:
    total, show = report.total, report.layout.show
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        try:
            results = package.run_in_gradescope_root(autograder_zip, submission, Path(tmp),
                                                     timeout=GRADESCOPE_TIMEOUT)
        except package.GradingError as error:
            report.fail("grading the %s (%s) through %s: %s: run `make grade SUBMISSION=%s` "
                        "to see why" % (label, show(submission), autograder_zip.name, error,
                                        show(submission)))
            return
    seconds = time.monotonic() - start
    score = results["score"]
    max_score = sum(t.get("max_score") or 0 for t in results["tests"])
    report.graded.append(Graded(label, score, max_score, seconds))
    outcome = "%g/%g in %.1f s" % (score, total, seconds)
    internal = [t["name"] for t in results["tests"]
                if (t.get("extra_data") or {}).get("internal_error")]
    if internal:
        report.fail("grading the %s through %s: the autograder hit internal errors (%s): see "
                    "the hidden row's tracebacks with `make grade SUBMISSION=%s`"
                    % (label, autograder_zip.name, ", ".join(internal), show(submission)))
    elif not results["tests"]:
        report.fail("grading the %s through %s: the grader itself failed (%s): run `make grade "
                    "SUBMISSION=%s` to see why" % (label, autograder_zip.name,
                                                   results.get("output", "").strip(),
                                                   show(submission)))
    elif abs(max_score - total) > 1e-6:
        report.fail("grading the %s: its tests are worth %g points, config.ini says %g: check "
                    "the configuration and the grader's tests" % (label, max_score, total))
    elif expect_full and abs(score - total) > 1e-6:
        failed = [t["name"] for t in results["tests"] if (t.get("max_score") or 0) > t["score"]]
        report.fail("the %s got %s, not full marks (lost points: %s): fix the reference or the "
                    "grader, see `make grade`" % (label, outcome, ", ".join(failed)))
    elif not expect_full and score != 0:
        passed = [t["name"] for t in results["tests"] if t["score"] > 0]
        report.fail("the %s got %s, not 0 (points for: %s): put the code those tests need in "
                    "### BEGIN SOLUTION regions of %s/, then `make assignment`"
                    % (label, outcome, ", ".join(passed), show(report.layout.source)))
    else:
        report.ok("graded the %s through %s: %s" % (label, autograder_zip.name, outcome))


def _check_leaks(report: Report, handout_zip: Path | None, autograder_zip: Path | None) -> None:
    if handout_zip is None:
        report.fail("leak check skipped: the handout was not built (see above)")
        return
    seed = report.cfg.hidden_seed if report.cfg else None
    problems = leaks.handout_leaks(handout_zip, report.layout, seed)
    if autograder_zip is not None:
        problems += leaks.autograder_leaks(autograder_zip, report.layout)
    for problem in problems:
        report.fail("leak: %s: remove it from what is shipped, then `make assignment`" % problem)
    if not problems:
        report.ok("no solution code, reference written answer or hidden data in %s%s"
                  % (handout_zip.name, "; no written answer in %s" % autograder_zip.name
                     if autograder_zip else ""))


def _parallel_is_auto(report: Report) -> bool:
    """Does the shipped configuration choose the children at once from the CPUs?"""
    text = (report.config_path or report.layout.config_path).read_text(encoding="utf-8")
    return any(line.split("#")[0].replace(" ", "") == "parallel=auto" for line in text.splitlines())


def _written_points(layout: Layout) -> float | None:
    return written_module.written_points(layout) if layout.manifest.written else None


def _written_checklist(step: int, template: str, points: float, layout: Layout) -> None:
    """The written assignment's set-up on Gradescope, click by click, with its outline."""
    print("  %d. Gradescope, written assignment (%g points), click by click:" % (step, points))
    print("     a. Create Assignment > Homework / Problem Set; name it; template: upload %s;"
          % template)
    print("        submissions uploaded by students; submission type: variable length "
          "(students select each question's pages); Create Assignment.")
    print("     b. Edit Outline: add one row per line below with its title and points; a 'group' "
          "row is a question whose")
    print("        sub-questions follow it (add it, then them); box each question on its "
          "template page; Save Outline:")
    for row in written_module.gradescope_outline(layout):
        print("          " + row)
    print("     c. Check that the outline adds up to %g points. Students assign each question's "
          "page when they submit" % points)
    print("        (the written README tells them how); a question without a page cannot "
          "be graded.")


def _summary(report: Report) -> None:
    layout, show = report.layout, report.layout.show
    print("\nBuilt")
    rows = list(report.built)
    pdf = layout.dist / "written.pdf"
    written_points = _written_points(layout)
    if pdf.is_file():
        rows.append(pdf)
    width = max(len(show(p)) for p in rows + [pdf])
    for path in rows:
        print("  %-*s  %10s" % (width, show(path), _size(path)))
    if written_points is not None and not pdf.is_file():
        print("  %-*s  %10s  (`make written` builds it)" % (width, show(pdf), "not built"))
    if report.graded:
        print("\nGraded through %s" % show(layout.dist / "autograder.zip"))
        for graded in report.graded:
            print("  %-22s %6g/%-6g %6.1f s" % (graded.label, graded.score, report.total,
                                              graded.seconds))
    if report.failures:
        print("\nNOT ready to upload: %d check(s) failed (the FAILED lines above)."
              % len(report.failures))
        return
    cfg = report.cfg
    slowest = max((g.seconds for g in report.graded), default=0)
    print("\nUpload checklist")
    print("  1. Gradescope, programming assignment > Configure Autograder: upload "
          "%s; base image Ubuntu 22.04 (setup.sh installs python3 and the pinned requirements)."
          % show(layout.dist / "autograder.zip"))
    print("     Keep the default 10 minute timeout (the slowest run here took %.0f s; each test "
          "has its own limit, %g s, timing tests %g s)." % (slowest, cfg.timeout,
                                                             cfg.timing_timeout))
    print("     Memory: each child is capped at %d MB of address space and the grader runs %s "
          "at once, so a grading stays within Gradescope's default 768 MB; if a run ends in "
          "'Killed', give the autograder more memory (its settings, or Gradescope's support)."
          % (cfg.memory_mb, "as many as the container has CPUs (%d here, 1 at Gradescope's "
                            "default half CPU)" % cfg.parallel
             if _parallel_is_auto(report) else "%d" % cfg.parallel))
    print("     Set the assignment's total points to %g; test it with a submission of %s."
          % (report.total, " and ".join("%s/%s" % (show(layout.source), name)
                                        for name in layout.manifest.required)))
    step = 2
    if written_points is not None:
        _written_checklist(step, show(pdf) if pdf.is_file() else
                           "dist/written.pdf (run `make written` first)", written_points, layout)
        step += 1
    print("  %d. Course site: give students %s (never dist/written_solutions.pdf)."
          % (step, show(layout.dist / "handout.zip")))
    print("  Total points: %g (programming)%s." % (
        report.total, "" if written_points is None else " + %g (written)" % written_points))


def release(layout: Layout | None = None, config_path: Path | None = None) -> int:
    """Run every step into layout.dist; return the exit status (0 only when all passed)."""
    report = Report(layout or Layout())
    layout = report.layout
    print("Release dry run into %s" % layout.show(layout.dist))
    if not _check_student_tree(report):
        return 1
    handout_zip = _build_handout(report)
    report.config_path = Path(config_path or layout.config_path)
    autograder_zip = _build_autograder(report, report.config_path)
    if autograder_zip is None:
        print("skipped grading: no autograder zip")
    else:
        _grade(report, autograder_zip, "reference solution", layout.source, expect_full=True)
        _grade(report, autograder_zip, "untouched skeleton", layout.student, expect_full=False)
    _check_leaks(report, handout_zip, autograder_zip)
    _summary(report)
    if report.config_error:
        return 2
    return 1 if report.failures else 0
