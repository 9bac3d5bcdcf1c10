"""Where a grading's time goes: wall and CPU seconds of each kind of child, and of pylint.

    python -m benchmarks.bench_phases [--submission FOLDER] [--core N]

Grades one submission (default: the reference) in this process, timing every
sandboxed child by the kind of its request (import, probe, each cost test)
and the pylint report. Pin it with --core to read the figures
at one CPU; at Gradescope's half CPU, wall time is about twice the CPU time.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import tempfile
import time
from pathlib import Path

from autograder import assignment, costs, grader, graded_tests, style
from benchmarks.common import SOLUTIONS

TOTALS: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])


def _timed_child(run_child):
    def run(staging, request, timeout, memory_mb=1024):
        start = time.monotonic()
        child = run_child(staging, request, timeout, memory_mb)
        kind = request["kind"]
        if kind == "cost":
            kind = "cost %s" % request["cost"]
        figures = TOTALS[kind]
        figures[0] += 1
        figures[1] += time.monotonic() - start
        figures[2] += child.cpu_seconds
        return child
    return run


def _timed_pylint(report):
    def run(*args):
        start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        result = report(*args)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures = TOTALS["pylint"]
        figures[0] += 1
        figures[1] += time.monotonic() - start
        figures[2] += after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return result
    return run


def main() -> None:
    """Grade once with every child timed; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submission", type=Path, default=SOLUTIONS)
    parser.add_argument("--core", type=int)
    args = parser.parse_args()
    if args.core is not None:
        os.sched_setaffinity(0, {args.core})
    for module in (grader, graded_tests, costs):
        module.run_child = _timed_child(module.run_child)
    style.pylint_report = _timed_pylint(style.pylint_report)
    loaded = assignment.load()
    start = time.process_time()
    with tempfile.TemporaryDirectory() as work:
        results, _, wall = grader.grade_path(args.submission, Path(work), assignment=loaded)
    print("%-52s %5s %8s %8s" % ("phase", "count", "wall s", "CPU s"))
    for kind, (count, seconds, cpu) in sorted(TOTALS.items()):
        print("%-52s %5d %8.2f %8.2f" % (kind, count, seconds, cpu))
    print("%-52s %5s %8s %8.2f" % ("the grader itself", "", "", time.process_time() - start))
    print("%-52s %5s %8.2f %8s   score %g / %g" % (
        "whole grading", "", wall, "", sum(r.score for r in results),
        sum(r.max_score for r in results)))


if __name__ == "__main__":
    main()
