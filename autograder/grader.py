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
from autograder import graded_tests, timing
from autograder.graded_tests import Context, GradedTest
from autograder.sandbox import kill_strays
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


def load_config(path: Path = config_module.CONFIG) -> config_module.Config:
    """config.ini, validated against the checks the reference defines (ConfigError if not)."""
    checks, _, _ = reference()
    return config_module.load(path, check_names=[c.name for c in checks.CHECKS])


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
                      round(score, 4), output, getattr(test, "__visibility__", "visible"),
                      list(getattr(test, "__tags__", ())), passed,
                      dict(getattr(test, "__extra_data__", {})))


def measure_reference(cfg) -> timing.Measurement:
    """The reference solution's costs, measured now (the ratios need the same conditions)."""
    with tempfile.TemporaryDirectory(prefix="w2v-reference-") as tmp:
        staging = stage_submission(SOLUTIONS, Path(tmp) / "staging").folder
        return timing.measure(staging, cfg.timing_timeout, cfg.memory_mb, cfg.parallel)


def grade(staged: StagedSubmission, cfg=None,
          reference_timing: timing.Measurement | None = None) -> list[TestResult]:
    """Run every configured test on the staged submission.

    The tests that run checks go first, cfg.parallel at a time; the cost tests
    and the informational ones follow, so that timing children run alone.
    reference_timing, when given (a batch measures it once), replaces measuring
    the reference here.
    """
    checks, _, _ = reference()
    cfg = cfg or load_config()
    checks.TOLERANCE.update(cfg.tolerance)  # judges run in this process only
    context = Context(staged, cfg, {seed: _expected(seed) for seed in (checks.PUBLIC_SEED,
                                                                        cfg.hidden_seed)},
                      lambda: reference_timing or measure_reference(cfg))
    tests = graded_tests.collect(cfg, checks)
    probes = [t for t in tests if {"public", "hidden"} & set(t.__tags__)]
    with ThreadPoolExecutor(max_workers=max(1, cfg.parallel)) as pool:
        done = dict(zip(probes, pool.map(lambda t: run_test(t, context), probes)))
    results = [done[t] if t in done else run_test(t, context) for t in tests]
    kill_strays()  # before anything is written: no daemon outlives grading
    return results


def grade_path(path: Path, work: Path, cfg=None,
               reference_timing: timing.Measurement | None = None
               ) -> tuple[list[TestResult], StagedSubmission, float]:
    """Stage a submission found at path, grade it; return results and timing."""
    start = time.monotonic()
    staged = stage_submission(path, work / "staging")
    results = grade(staged, cfg, reference_timing)
    return results, staged, time.monotonic() - start
