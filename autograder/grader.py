"""Grade a staged submission: probe in sandboxed children, judge here.

The judges and the expected outputs come from the reference solution, which
only this (trusted) process imports. Each test gets a fresh child, so a
submission that crashes, hangs or floods output in one test loses that test
only.
"""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from autograder import config as config_module
from autograder import style, timing
from autograder.sandbox import ChildResult, kill_strays, run_child
from autograder.submission import StagedSubmission, stage_submission

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def reference():
    """The reference's checks module and its modules (imported in this process only)."""
    if str(SOLUTIONS) not in sys.path:
        sys.path.insert(0, str(SOLUTIONS))
    # pylint: disable=import-outside-toplevel,import-error
    import sgd
    import word2vec
    from utils import checks
    return checks, word2vec, sgd


@functools.lru_cache(maxsize=4)
def _expected(seed: int) -> dict:
    """The reference's outputs on the inputs of a seed (computed once per process)."""
    checks, word2vec, sgd = reference()
    return checks.computeExpected(word2vec, sgd, checks.publicInputs(seed))


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
    passed: bool | None = None  # set for informational tests, where points say nothing

    @property
    def status(self) -> str:
        """passed or failed, as Gradescope shows it."""
        if self.passed is not None:
            return "passed" if self.passed else "failed"
        return "passed" if self.score >= self.max_score else "failed"


CHILD_MESSAGES = {
    "timeout": "stopped after the time limit of %g s: an infinite loop, a sleep, or code far "
               "slower than needed (a Python loop over the vocabulary?)",
    "crashed": "the process running your code ended during this test (exit status %s): do not "
               "call sys.exit, os._exit or quit, and do not kill the process",
    "memory": "your code ran out of memory (limit %d MB)",
    "output-limit": "your code printed more than the output limit: remove debugging prints",
}


def _child_problem(result: ChildResult, cfg) -> str:
    if result.status == "timeout":
        return CHILD_MESSAGES["timeout"] % cfg.timeout
    if result.status == "crashed":
        return CHILD_MESSAGES["crashed"] % result.returncode
    if result.status == "memory":
        return CHILD_MESSAGES["memory"] % cfg.memory_mb
    return CHILD_MESSAGES["output-limit"]


def _judge(check, record: dict, child: ChildResult, expected: dict, cfg) -> tuple[float, str]:
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


def grade(staged: StagedSubmission, cfg=None) -> list[TestResult]:
    """Run every configured test on the staged submission."""
    checks, _, _ = reference()
    cfg = cfg or config_module.load(check_names=[c.name for c in checks.CHECKS])
    by_name = {c.name: c for c in checks.CHECKS}
    plans = []
    for visibility, seed, points in (("visible", checks.PUBLIC_SEED, cfg.public),
                                     ("after_published", cfg.hidden_seed, cfg.hidden)):
        expected = _expected(seed)
        for name, max_score in points.items():
            plans.append((by_name[name], visibility, seed, max_score, expected))

    def run(plan) -> TestResult:
        check, visibility, seed, max_score, expected = plan
        number = "%d.%d" % (1 if visibility == "visible" else 2, [p[0] for p in plans if
                                                                 p[1] == visibility].index(check) + 1)
        label = "%s%s" % (check.name, "" if visibility == "visible" else " (hidden inputs)")
        result = TestResult(label, number, max_score, visibility=visibility,
                            tags=[check.module, "public" if visibility == "visible" else "hidden"])
        filename = check.module + ".py"
        if not staged.usable(filename):
            result.output = staged.problems.get(filename, "%s is missing" % filename)
            return result
        child = run_child(staged.folder, [check.name], seed, cfg.timeout, cfg.memory_mb)
        fraction, output = _judge(check, child.records[0], child, expected, cfg)
        result.score = round(max_score * fraction, 4)
        result.output = output
        return result

    with ThreadPoolExecutor(max_workers=max(1, cfg.parallel)) as pool:
        results = list(pool.map(run, plans))
    results += _timing_tests(staged, cfg)
    results += _informational_tests(staged, cfg)
    kill_strays()  # before anything is written: no daemon outlives grading
    return results


def _informational_tests(staged: StagedSubmission, cfg) -> list[TestResult]:
    """pylint (points as configured, 0 by default) and the plot's presence (0 points)."""
    score, report = style.pylint_report(staged) if cfg.pylint_report or cfg.pylint_points \
        else (None, "pylint report turned off in config.ini")
    lint = TestResult("style: pylint report (informational)", "4.1", cfg.pylint_points,
                      output=report, tags=["style"])
    lint.score = round(cfg.pylint_points * max(score or 0.0, 0.0) / 10, 4)
    lint.passed = score is not None and score >= 8 if cfg.pylint_report else None
    plot = TestResult("word_vectors.png is in the submission (informational)", "4.2", 0.0,
                      tags=["plot"])
    plot.passed = "word_vectors.png" in staged.extra_files
    plot.output = "found" if plot.passed else (
        "word_vectors.png is not in the submission: run run.py and include the plot")
    return [lint, plot]


def _timing_tests(staged: StagedSubmission, cfg) -> list[TestResult]:
    """The cost tests: the student's losses timed against the reference's, same run."""
    rows = [TestResult("timing: %s" % name, "3.%d" % number, points, tags=["word2vec", "timing"])
            for number, (name, points) in enumerate(cfg.timing.items(), 1)]
    if not rows:
        return rows
    if not staged.usable("word2vec.py"):
        for row in rows:
            row.output = staged.problems.get("word2vec.py", "word2vec.py is missing")
        return rows
    with tempfile.TemporaryDirectory(prefix="w2v-reference-") as tmp:
        reference_staging = stage_submission(SOLUTIONS, Path(tmp) / "staging").folder
        reference_times = timing.measure(reference_staging, cfg.timing_timeout, cfg.memory_mb,
                                         cfg.parallel)
    verdicts = timing.judge(timing.measure(staged.folder, cfg.timing_timeout, cfg.memory_mb,
                                           cfg.parallel), reference_times)
    for row, name in zip(rows, cfg.timing):
        passed, output = verdicts[name]
        row.score = row.max_score if passed else 0.0
        row.output = output
    return rows


def grade_path(path: Path, work: Path) -> tuple[list[TestResult], StagedSubmission, float]:
    """Stage a submission found at path, grade it; return results and timing."""
    start = time.monotonic()
    staged = stage_submission(path, work / "staging")
    results = grade(staged)
    return results, staged, time.monotonic() - start
