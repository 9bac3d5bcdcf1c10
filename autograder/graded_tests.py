"""The graded tests, declared with gradescope-utils' metadata decorators.

Each test is a function decorated as in any gradescope-utils suite (`weight`
or `partial_credit`, `number`, `visibility`, `tags`), named by the first line
of its docstring. Points come from config.ini, so the functions are built for
a configuration by `collect`. A test takes the grading context, returns its
feedback when it passes and raises AssertionError with the feedback when it
fails; partial-credit tests report their points through `set_score`, exactly
as gradescope-utils' JSONTestRunner expects. Every test also leaves
structured `__extra_data__` (kind, check, hints, figures) for reports.
"""

from __future__ import annotations

import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Callable

from checklib import Check, Cost, Judgement, Tolerance, judge_record, where_suffix
from gradescope_utils.autograder_utils.decorators import (number, partial_credit, tags,
                                                          visibility, weight)

from autograder import costs, final_answers, style
from autograder.assignment import Assignment
from autograder.config import CHEAPER, Config
from autograder.sandbox import ChildResult, run_child
from autograder.submission import StagedSubmission

GradedTest = Callable[..., str]
HIDDEN_SUFFIX = " (hidden inputs)"
INTERNAL_ERROR = ("the autograder hit an internal error on this test (not a problem of your "
                  "code); your instructor has been told")

CHILD_MESSAGES = {
    "timeout": "stopped after the time limit of %g s: an infinite loop, a sleep, or code far "
               "slower than needed",
    "crashed": "the process running your code ended during this test (exit status %s): do not "
               "call sys.exit, os._exit or quit, and do not kill the process",
    "memory": "your code ran out of memory (limit %d MB)",
    "output-limit": "your code printed more than the output limit: remove debugging prints",
}


@dataclass
class Context:  # pylint: disable=too-many-instance-attributes
    """What every test may use: the submission, the assignment, its configuration, the reference."""

    staged: StagedSubmission
    cfg: Config
    assignment: Assignment
    expected: dict[tuple[int, bool], dict]           # (seed, hidden) -> reference outputs by check
    measure_reference: Callable[[], costs.Measurement]
    internal_errors: list[str] = field(default_factory=list)   # tracebacks, for instructors
    _measured: costs.Measurement | None = None
    _reference: costs.Measurement | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def student_costs(self) -> costs.Measurement:
        """The cost tests share one measurement of the student ..."""
        with self._lock:
            if self._measured is None:
                run = [self.assignment.costs[name] for name in self.cfg.timing]
                self._measured = costs.measure(
                    self.staged.folder, run, self.assignment.manifest.checks,
                    self.cfg.timing_timeout, self.cfg.memory_mb, self.cfg.parallel,
                    tuple(self.assignment.manifest.required))
            return self._measured

    def reference_costs(self) -> costs.Measurement:
        """... and one of the reference, taken on first use."""
        with self._lock:
            if self._reference is None:
                self._reference = self.measure_reference()
            return self._reference

    def missing(self, module: str) -> str | None:
        """Why the student's module cannot run, or None (an import failure: a short pointer)."""
        filename = module + ".py"
        if filename in self.staged.unimportable:
            return "%s could not be imported (%s): see the message at the top of the results" % (
                filename, self.staged.unimportable[filename])
        if self.staged.usable(filename):
            return None
        return self.staged.problems.get(filename, filename + " is missing")


def _child_problem(result: ChildResult, cfg: Config) -> str:
    if result.status == "ok":
        return ("the process running your code exited (status %s) before this test finished: "
                "do not call sys.exit, os._exit or quit" % result.returncode)
    if result.status == "timeout":
        return CHILD_MESSAGES["timeout"] % cfg.timeout
    if result.status == "crashed":
        return CHILD_MESSAGES["crashed"] % result.returncode
    if result.status == "memory":
        return CHILD_MESSAGES["memory"] % cfg.memory_mb
    return CHILD_MESSAGES["output-limit"]


def hidden_feedback(record: dict, judgement: Judgement) -> str:
    """What a hidden-input test may say: passed or not, the hints, where an error came from.

    Never the inputs, the shapes or the expected values, which the full
    messages quote.
    """
    if judgement.fraction >= 1:
        return "passed"
    where = where_suffix(record)
    if record.get("error") == "NotImplementedError":
        return "not implemented yet" + where
    if record.get("status") == "error" and not where and judgement.messages:
        return judgement.messages[0]  # about the given code, not this case's data
    if record.get("status") == "error":
        lines = ["your code raised %s on the hidden inputs%s" % (record.get("error"), where)]
    else:
        lines = ["your outputs differ from the reference's on the hidden inputs (other values "
                 "and shapes than the public test's)"]
    return "\n".join(lines + ["hint: " + hint for hint in dict.fromkeys(judgement.hints)])


def _internal_error(context: Context, test: GradedTest) -> AssertionError:
    """Record the exception being handled (a bug of the grader) for instructors; what to raise."""
    context.internal_errors.append("%s: %s" % (test.__doc__, traceback.format_exc()))
    print(context.internal_errors[-1], file=sys.stderr)  # Gradescope's hidden log
    test.__extra_data__["internal_error"] = True
    return AssertionError(INTERNAL_ERROR)


def check_test(check: Check, hidden: bool, seed: int, points: float, test_number: str,
               shown: str) -> GradedTest:
    """A test that probes one check in a fresh sandboxed child and judges it here."""
    def test(context: Context, set_score=None) -> str:
        test.__extra_data__ = {"kind": "hidden" if hidden else "public", "check": check.name,
                               "hints": []}
        problem = context.missing(check.module)
        if problem:
            raise AssertionError(problem)
        request = {"kind": "probe", "checks_module": context.assignment.manifest.checks,
                   "checks": [check.name], "seed": seed, "hidden": hidden,
                   "student_files": context.assignment.manifest.required}
        child = run_child(context.staged.folder, request, context.cfg.timeout,
                          context.cfg.memory_mb)
        record = child.records[0]
        if record.get("status") not in ("ok", "error"):
            raise AssertionError(_child_problem(child, context.cfg))
        if record.get("status") == "error" and record.get("error") == "OSError" \
                and "File too large" in str(record.get("message")):
            raise AssertionError(CHILD_MESSAGES["output-limit"])
        if record.get("error") == "MemoryError":
            raise AssertionError(CHILD_MESSAGES["memory"] % context.cfg.memory_mb + " (MemoryError%s)"
                                 % (" at " + record["where"] if record.get("where") else ""))
        try:
            judgement = judge_record(check, record, context.expected[(seed, hidden)][check.name],
                                     check.case(seed, hidden),
                                     Tolerance(context.cfg.rtol, context.cfg.atol))
        except Exception:  # pylint: disable=broad-except  # a bug of the grader, not the student's
            raise _internal_error(context, test) from None
        test.__extra_data__["hints"] = judgement.hints
        set_score(points * judgement.fraction)
        output = hidden_feedback(record, judgement) if hidden else \
            "\n".join(judgement.messages) or "passed"
        if judgement.fraction < 1:
            raise AssertionError(output)
        return output

    test.__doc__ = check.name + (HIDDEN_SUFFIX if hidden else "")
    test = tags(check.module, "hidden" if hidden else "public")(test)
    test = visibility(shown)(test)
    # partial_credit wraps: rebinding `test` makes the body set extra data on the wrapper
    test = partial_credit(points)(number(test_number)(test))
    return test


def cost_test(cost: Cost, points: float, test_number: str) -> GradedTest:
    """A cost test: all or nothing, with the measured figures in its extra data."""
    @weight(points)
    @number(test_number)
    @visibility("visible")
    @tags(cost.module, "timing")
    def test(context: Context) -> str:
        test.__extra_data__ = {"kind": "cost", "check": cost.name, "hints": []}
        problem = context.missing(cost.module)
        if problem:
            raise AssertionError(problem)
        factors = context.cfg.factors
        verdict = costs.judge(cost, context.student_costs(), context.reference_costs(),
                              factors[cost.name], factors.get(cost.name + CHEAPER))
        test.__extra_data__ = verdict.extra
        if not verdict.passed:
            raise AssertionError(verdict.output)
        return verdict.output

    test.__doc__ = "timing: " + cost.name
    return test


def pylint_test(points: float, report: bool) -> GradedTest:
    """pylint's score on the student's files: informational unless given points.

    An informational row (0 points) is never failed: it carries its finding.
    """
    @partial_credit(points)
    @number("4.1")
    @visibility("visible")
    @tags("style")
    def test(context: Context, set_score=None) -> str:
        """style: pylint report (informational)"""
        test.__extra_data__ = {"kind": "public" if points else "informational",
                               "check": "pylint", "hints": [], "finding": None}
        if not (report or points):
            return "pylint report turned off in config.ini"
        score, output = style.pylint_report(context.staged,
                                            context.assignment.manifest.required,
                                            context.assignment.layout.source)
        test.__extra_data__["finding"] = score
        set_score(points * max(score or 0.0, 0.0) / 10)
        if points and (score is None or score < 8):
            raise AssertionError(output)
        return output
    return test


def artefact_test(filename: str, how: str, test_number: str) -> GradedTest:
    """An informational test (never failed): is an optional file (a plot, say) submitted?"""
    @weight(0)
    @number(test_number)
    @visibility("visible")
    @tags("artefact")
    def test(context: Context) -> str:
        found = filename in context.staged.extra_files
        test.__extra_data__ = {"kind": "informational", "check": filename, "hints": [],
                               "finding": found}
        return "found" if found else "not in the submission: %s" % how

    test.__doc__ = "%s is in the submission (informational)" % filename
    return test


def final_answers_test(points: float, test_number: str) -> GradedTest:
    """The written part's final answers, checked at random points: informational unless given
    points (then the share of the results answered right)."""
    @partial_credit(points)
    @number(test_number)
    @visibility("visible")
    @tags("written")
    def test(context: Context, set_score=None) -> str:
        test.__extra_data__ = {"kind": "written" if points else "informational",
                               "check": "final answers", "hints": [], "finding": None}
        try:
            outcome = final_answers.grade(context.staged, context.assignment, context.cfg)
        except Exception:  # pylint: disable=broad-except  # a bug of the grader or the reference
            raise _internal_error(context, test) from None
        test.__extra_data__["finding"] = outcome.finding
        set_score(points * outcome.fraction)
        if not points:
            return outcome.output + ("\n(informational: no points; the derivations are graded "
                                     "by hand on the written assignment)")
        if outcome.fraction < 1:
            raise AssertionError(outcome.output)
        return outcome.output

    test.__doc__ = "written part: final answers" + ("" if points else " (informational)")
    return test


def collect(cfg: Config, assignment: Assignment, public_seed: int) -> list[GradedTest]:
    """Every test of a configuration, in Gradescope's order."""
    tests = []
    for group, (hidden, seed, points) in enumerate(((False, public_seed, cfg.public),
                                                    (True, cfg.hidden_seed, cfg.hidden)), 1):
        shown = cfg.visibility["hidden" if hidden else "public"]
        tests += [check_test(assignment.checks[name], hidden, seed, max_score,
                             "%d.%d" % (group, index), shown)
                  for index, (name, max_score) in enumerate(points.items(), 1)]
    tests += [cost_test(assignment.costs[name], max_score, "3.%d" % index)
              for index, (name, max_score) in enumerate(cfg.timing.items(), 1)]
    tests.append(pylint_test(cfg.pylint_points, cfg.pylint_report))
    tests += [artefact_test(name, how, "4.%d" % index)
              for index, (name, how) in enumerate(assignment.manifest.artefacts.items(), 2)]
    if assignment.finals is not None:
        tests.append(final_answers_test(cfg.final_points, "5.1"))
    return tests
