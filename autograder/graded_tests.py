"""The graded tests, declared with gradescope-utils' metadata decorators.

Each test is a function decorated as in any gradescope-utils suite (`weight`
or `partial_credit`, `number`, `visibility`, `tags`), named by the first line
of its docstring. Points come from config.ini, so the functions are built for
a configuration by `collect`. A test takes the grading context, returns its
feedback when it passes and raises AssertionError with the feedback when it
fails; partial-credit tests report their points through `set_score`, exactly
as gradescope-utils' JSONTestRunner expects. The grader, not a unittest
runner, calls them: see grader.py for why.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from gradescope_utils.autograder_utils.decorators import (number, partial_credit, tags,
                                                          visibility, weight)

from autograder import style, timing
from autograder.config import Config
from autograder.sandbox import ChildResult, run_child
from autograder.submission import StagedSubmission

GradedTest = Callable[..., str]

CHILD_MESSAGES = {
    "timeout": "stopped after the time limit of %g s: an infinite loop, a sleep, or code far "
               "slower than needed (a Python loop over the vocabulary?)",
    "crashed": "the process running your code ended during this test (exit status %s): do not "
               "call sys.exit, os._exit or quit, and do not kill the process",
    "memory": "your code ran out of memory (limit %d MB)",
    "output-limit": "your code printed more than the output limit: remove debugging prints",
}


@dataclass
class Context:
    """What every test may use: the submission, the configuration, the reference's outputs."""

    staged: StagedSubmission
    cfg: Config
    expected: dict[int, dict]                      # the reference's outputs, by seed
    measure_reference: Callable[[], timing.Measurement]
    _verdicts: dict | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def timing_verdicts(self) -> dict[str, timing.Verdict]:
        """Both cost tests share one measurement of the student and one of the reference."""
        with self._lock:
            if self._verdicts is None:
                student = timing.measure(self.staged.folder, self.cfg.timing_timeout,
                                         self.cfg.memory_mb, self.cfg.parallel)
                self._verdicts = timing.judge(student, self.measure_reference(),
                                              self.cfg.factors)
            return self._verdicts


def _child_problem(result: ChildResult, cfg: Config) -> str:
    if result.status == "timeout":
        return CHILD_MESSAGES["timeout"] % cfg.timeout
    if result.status == "crashed":
        return CHILD_MESSAGES["crashed"] % result.returncode
    if result.status == "memory":
        return CHILD_MESSAGES["memory"] % cfg.memory_mb
    return CHILD_MESSAGES["output-limit"]


def judge_record(check, record: dict, child: ChildResult, expected: dict,
                 cfg: Config) -> tuple[float, str]:
    """The fraction earned and the feedback, from what one child reported."""
    status = record.get("status")
    if status == "error":
        where = (" (%s)" % record["where"]) if record.get("where") else ""
        if record.get("error") == "NotImplementedError":
            return 0.0, "not implemented yet" + where
        if record.get("error") == "OSError" and "File too large" in str(record.get("message")):
            return 0.0, CHILD_MESSAGES["output-limit"] + where
        return 0.0, "your code raised %s: %s%s" % (record.get("error"), record.get("message"), where)
    if status != "ok":
        return 0.0, _child_problem(child, cfg) if child.status != "ok" else (
            "the process running your code exited (status %s) before this test finished: do "
            "not call sys.exit, os._exit or quit" % child.returncode)
    try:
        fraction, messages = check.judge(record["outputs"], expected)
    except Exception as error:  # pylint: disable=broad-except
        return 0.0, "the grader could not read your outputs (%s: %s)" % (
            type(error).__name__, error)
    fraction = min(max(float(fraction), 0.0), 1.0)
    return fraction, "\n".join(messages) if messages else "passed"


def check_test(check, seed: int, points: float, test_number: str, hidden: bool,
               shown: str = "visible") -> GradedTest:
    """A test that runs one check in a fresh sandboxed child and judges it here."""
    def test(context: Context, set_score=None) -> str:
        filename = check.module + ".py"
        if not context.staged.usable(filename):
            raise AssertionError(context.staged.problems.get(filename, filename + " is missing"))
        child = run_child(context.staged.folder, [check.name], seed, context.cfg.timeout,
                          context.cfg.memory_mb)
        fraction, output = judge_record(check, child.records[0], child, context.expected[seed],
                                        context.cfg)
        set_score(round(points * fraction, 4))
        if fraction < 1:
            raise AssertionError(output)
        return output

    test.__doc__ = check.name + (" (hidden inputs)" if hidden else "")
    test = tags(check.module, "hidden" if hidden else "public")(test)
    test = visibility(shown)(test)
    return partial_credit(points)(number(test_number)(test))


def timing_test(function: str, points: float, test_number: str) -> GradedTest:
    """A cost test: all or nothing, with the measured figures in its extra data."""
    @weight(points)
    @number(test_number)
    @visibility("visible")
    @tags("word2vec", "timing")
    def test(context: Context) -> str:
        if not context.staged.usable("word2vec.py"):
            raise AssertionError(context.staged.problems.get("word2vec.py",
                                                             "word2vec.py is missing"))
        verdict = context.timing_verdicts()[function]
        test.__extra_data__ = verdict.extra
        if not verdict.passed:
            raise AssertionError(verdict.output)
        return verdict.output

    test.__doc__ = "timing: " + function
    return test


def pylint_test(points: float, report: bool) -> GradedTest:
    """pylint's score on the student's files: informational unless given points."""
    @partial_credit(points)
    @number("4.1")
    @visibility("visible")
    @tags("style")
    def test(context: Context, set_score=None) -> str:
        """style: pylint report (informational)"""
        if not (report or points):
            return "pylint report turned off in config.ini"
        score, output = style.pylint_report(context.staged)
        set_score(round(points * max(score or 0.0, 0.0) / 10, 4))
        if score is None or score < 8:
            raise AssertionError(output)
        return output
    return test


@weight(0)
@number("4.2")
@visibility("visible")
@tags("plot")
def plot_test(context: Context) -> str:
    """word_vectors.png is in the submission (informational)"""
    if "word_vectors.png" not in context.staged.extra_files:
        raise AssertionError("word_vectors.png is not in the submission: run run.py and "
                             "include the plot")
    return "found"


def collect(cfg: Config, checks) -> list[GradedTest]:
    """Every test of a configuration, in Gradescope's order."""
    by_name = {c.name: c for c in checks.CHECKS}
    tests = []
    for group, (hidden, seed, points) in enumerate(((False, checks.PUBLIC_SEED, cfg.public),
                                                    (True, cfg.hidden_seed, cfg.hidden)), 1):
        shown = cfg.visibility["hidden" if hidden else "public"]
        tests += [check_test(by_name[name], seed, max_score, "%d.%d" % (group, index), hidden,
                             shown) for index, (name, max_score) in enumerate(points.items(), 1)]
    tests += [timing_test(name, max_score, "3.%d" % index)
              for index, (name, max_score) in enumerate(cfg.timing.items(), 1)]
    return tests + [pylint_test(cfg.pylint_points, cfg.pylint_report), plot_test]
