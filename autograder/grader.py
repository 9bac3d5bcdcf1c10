"""Grade a staged submission: probe in sandboxed children, judge here.

The judges and the inputs come from the assignment's checks module, which
only this (trusted) process imports; the expected outputs are the reference
solution's probe outputs on the same inputs, obtained through the same
harness. Each test gets a fresh child, so a submission that crashes, hangs or
floods output in one test loses that test only.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from checklib import PUBLIC_SEED, where_suffix

from autograder import assignment as assignment_module
from autograder import costs, graded_tests
from autograder.assignment import Assignment
from autograder.config import Config
from autograder.graded_tests import Context, GradedTest
from autograder.sandbox import kill_strays, run_child, stop_zygote
from autograder.submission import StagedSubmission, stage_submission


class GraderError(Exception):
    """The reference solution itself fails a check: the assignment, not a student, is wrong."""


@dataclass
class TestResult:  # pylint: disable=too-many-instance-attributes
    """One row of results.json."""

    name: str
    number: str
    max_score: float
    score: float = 0.0
    output: str = ""
    visibility: str = "visible"
    tags: list[str] = field(default_factory=list)
    passed: bool | None = None  # None: decided by the points
    extra_data: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        """passed or failed, as Gradescope shows it."""
        if self.passed is not None:
            return "passed" if self.passed else "failed"
        return "passed" if self.score >= self.max_score else "failed"


def run_test(test: GradedTest, context: Context) -> TestResult:
    """Call one decorated test and read its result as gradescope-utils' runner would.

    A returned string is a pass, an AssertionError a failure with its message; the
    points are those set through set_score, else the weight when the test passed.
    Not a unittest runner: the check tests run in parallel, and the results file
    is built and validated by results.py from these rows only.
    """
    passed, output = True, ""
    try:
        output = test(context)
    except AssertionError as failure:
        passed, output = False, str(failure)
    max_score = float(getattr(test, "__weight__", 0.0))
    score = getattr(test, "__score__", None)
    score = (max_score if passed else 0.0) if score is None else min(max(score, 0.0), max_score)
    return TestResult(test.__doc__.strip().splitlines()[0], test.__number__, max_score,
                      score, output, getattr(test, "__visibility__", "visible"),
                      list(getattr(test, "__tags__", ())), passed,
                      dict(getattr(test, "__extra_data__", {})))


def staged_reference(assignment: Assignment, work: Path) -> StagedSubmission:
    """The reference solution's required files, staged exactly as a submission would be."""
    upload = work / "reference"
    upload.mkdir()
    for name in assignment.manifest.required:
        shutil.copy2(assignment.layout.source / name, upload / name)
    return stage_submission(upload, work / "staging", assignment.layout)


def reference_outputs(assignment: Assignment, seed: int, hidden: bool, cfg: Config) -> dict:
    """The reference's probe outputs for every check, through the same harness as students'."""
    with tempfile.TemporaryDirectory(prefix="grader-reference-") as tmp:
        staging = staged_reference(assignment, Path(tmp)).folder
        request = {"kind": "probe", "checks_module": assignment.manifest.checks,
                   "checks": list(assignment.checks), "seed": seed, "hidden": hidden,
                   "student_files": assignment.manifest.required}
        child = run_child(staging, request, max(cfg.timeout, 60.0), cfg.memory_mb)
    outputs = {}
    for name, record in zip(assignment.checks, child.records):
        if record.get("status") != "ok":
            raise GraderError("the reference solution fails the check %r on %s inputs (%s: %s "
                              "%s): fix the reference or the check" % (
                                  name, "hidden" if hidden else "public",
                                  record.get("status", child.status), record.get("error", ""),
                                  record.get("message", child.stdout_tail[-300:])))
        outputs[name] = record["outputs"]
    return outputs


def _import_problem(filename: str, record: dict, child, cfg: Config,
                    assignment: Assignment) -> tuple[str, str]:
    """(one clear line for the top of the results, a short reason for each test)."""
    if record.get("status") != "error":
        if child.status == "timeout":
            short = "importing it took longer than %g s" % cfg.timeout
        else:
            short = "the process ended while importing it (exit status %s)" % child.returncode
        return ("%s could not be imported: %s: do not run code, exit or loop at the top level "
                "of the file" % (filename, short)), short
    where = where_suffix(record)
    short = "%s: %s" % (record.get("error"), record.get("message"))
    line = "%s could not be imported: %s%s" % (filename, short, where)
    ours = {assignment.manifest.support, *assignment.manifest.modules} - {""}
    missing = str(record.get("message", "")).split("'")
    if record.get("error") in ("ImportError", "ModuleNotFoundError") and len(missing) > 1 and \
            any(name.split(".")[0] in ours for name in missing[1::2]):
        line += (": it imports something this handout's files do not provide; was it written "
                 "for another version of the assignment? Import only what the handout defines")
    return line, short


def check_imports(staged: StagedSubmission, assignment: Assignment, cfg: Config) -> None:
    """Import every usable student module once, in a sandboxed child; record what fails.

    A module that does not import gets one clear line among the problems (the top
    of the results) and a short reason its tests point to, instead of the same
    traceback in every test.
    """
    modules = [m for m in assignment.manifest.modules if staged.usable(m + ".py")]
    while modules:  # usually one child; again after a module that killed or hung its child
        child = run_child(staged.folder, {"kind": "import", "modules": modules,
                                          "student_files": assignment.manifest.required},
                          cfg.timeout, cfg.memory_mb)
        done = 0
        for module, record in zip(modules, child.records):
            done += 1
            if record.get("status") != "ok":
                filename = module + ".py"
                staged.problems[filename], staged.unimportable[filename] = _import_problem(
                    filename, record, child, cfg, assignment)
            if record.get("status") not in ("ok", "error"):
                break  # the child ended here: the modules after this one are not known yet
        modules = modules[done:]


def measure_reference(assignment: Assignment, cfg: Config) -> costs.Measurement:
    """The reference's costs, measured now (the ratios need the same conditions)."""
    names = set(cfg.timing) | {assignment.costs[n].cheaper_than for n in cfg.timing} - {None}
    with tempfile.TemporaryDirectory(prefix="grader-reference-") as tmp:
        staging = staged_reference(assignment, Path(tmp)).folder
        measured = costs.measure(staging, [assignment.costs[n] for n in sorted(names)],
                                 assignment.manifest.checks, cfg.timing_timeout, cfg.memory_mb,
                                 cfg.parallel)
    if measured.problems:
        raise GraderError("the reference solution cannot be measured: %s: fix the reference, "
                          "the cost test or [timing] timeout" % "; ".join(
                              "%s %s" % item for item in sorted(measured.problems.items())))
    return measured


def grade(staged: StagedSubmission, cfg: Config | None = None,
          reference_timing: costs.Measurement | None = None,
          assignment: Assignment | None = None) -> list[TestResult]:
    """Run every configured test on the staged submission.

    The reference's outputs are computed first (GraderError when the reference
    itself fails a check), then the student's modules are imported once; the
    tests that probe checks follow, cfg.parallel at a time; the cost tests and
    the informational ones come last, so that timing children run alone.
    reference_timing, when given (a batch measures it once), replaces measuring
    the reference here.
    """
    assignment = assignment or assignment_module.load()
    cfg = cfg or assignment.load_config()
    # The reference's outputs first, before any student child runs (a fork bomb's
    # leftovers must not starve them), both seeds at once.
    groups = [(seed, hidden) for seed, hidden, points in ((PUBLIC_SEED, False, cfg.public),
                                                          (cfg.hidden_seed, True, cfg.hidden))
              if points]
    with ThreadPoolExecutor(max_workers=max(1, min(cfg.parallel, len(groups)))) as pool:
        expected = dict(zip(groups, pool.map(
            lambda group: reference_outputs(assignment, group[0], group[1], cfg), groups)))
    check_imports(staged, assignment, cfg)
    context = Context(staged, cfg, assignment, expected,
                      lambda: reference_timing or measure_reference(assignment, cfg))
    tests = graded_tests.collect(cfg, assignment, PUBLIC_SEED)
    probes = [t for t in tests if {"public", "hidden"} & set(t.__tags__)]
    with ThreadPoolExecutor(max_workers=max(1, cfg.parallel)) as pool:
        done = dict(zip(probes, pool.map(lambda t: run_test(t, context), probes)))
    results = [done[t] if t in done else run_test(t, context) for t in tests]
    if context.internal_errors:  # where instructors see them, never the students
        results.append(TestResult(
            "autograder internal errors (instructors only)", "9.1", 0.0, 0.0,
            "\n\n".join(context.internal_errors), "hidden", ["internal"], False,
            {"kind": "informational", "check": "internal", "hints": [], "internal_error": True}))
    stop_zygote()  # before anything is written: no process outlives grading,
    kill_strays()  # no daemon either
    return results


def grade_path(path: Path, work: Path, cfg: Config | None = None,
               reference_timing: costs.Measurement | None = None,
               assignment: Assignment | None = None
               ) -> tuple[list[TestResult], StagedSubmission, float]:
    """Stage a submission found at path, grade it; return results and timing."""
    start = time.monotonic()
    assignment = assignment or assignment_module.load()
    staged = stage_submission(path, work / "staging", assignment.layout)
    results = grade(staged, cfg, reference_timing, assignment)
    return results, staged, time.monotonic() - start
