"""Cost tests: is a function's cost within a factor of the reference's, at every size?

Every measurement is the CPU time of a sandboxed child, read from the kernel
(rusage when it ends, /proc/PID/schedstat when it stops itself after the
setup): the student's code cannot patch those clocks. A child builds one call
(the cost test's setup), stops so that the zygote reads the setup's CPU time,
then makes R calls; the calls' share is the difference. The reference
solution is measured the same way in the same run, so the verdicts rest on
ratios, never on absolute seconds.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from checklib import Cost

from autograder.sandbox import run_child


@dataclass
class Measurement:
    """Seconds per call by (cost test, size), or the reason there is none."""

    per_call: dict[tuple[str, int], float]
    problems: dict[str, str]

    def to_json(self) -> str:
        """Plain JSON, so that a batch can measure the reference once and share it."""
        return json.dumps({"per_call": [[f, s, t] for (f, s), t in self.per_call.items()],
                           "problems": self.problems})

    @classmethod
    def from_json(cls, text: str) -> "Measurement":
        """The inverse of to_json."""
        data = json.loads(text)
        return cls({(str(f), int(s)): float(t) for f, s, t in data["per_call"]},
                   {str(k): str(v) for k, v in data["problems"].items()})


@dataclass
class Verdict:
    """A cost test's outcome, its feedback and the figures behind it (for reports)."""

    passed: bool
    output: str
    extra: dict


def measure(staging: Path, costs: list[Cost], checks_module: str, timeout: float,
            memory_mb: int, parallel: int = 2, student_files: tuple[str, ...] = ()) -> Measurement:
    """CPU seconds per call of each cost test at each of its sizes, for one staged tree."""
    jobs = [(cost, size) for cost in costs for size in cost.sizes]

    def run(job):
        cost, size = job
        request = {"kind": "cost", "checks_module": checks_module, "cost": cost.name,
                   "size": size, "repeat": cost.repeat[size], "student_files": list(student_files)}
        return (cost.name, size), run_child(staging, request, timeout, memory_mb)

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        children = dict(pool.map(run, jobs))
    per_call, problems = {}, {}
    specs = {cost.name: cost for cost in costs}
    for (name, size), child in children.items():
        if name in problems:
            continue
        record, repeat = child.records[0], specs[name].repeat[size]
        if child.status == "timeout":
            problems[name] = "did not finish %d calls at %s = %d within %g s" % (
                repeat, specs[name].size_name, size, timeout)
        elif record.get("status") == "error":
            problems[name] = "raised %s: %s" % (record.get("error"), record.get("message"))
        elif child.status != "ok" or record.get("status") != "ok" or child.setup_seconds is None:
            problems[name] = "the timing run ended abnormally (%s)" % child.status
        else:
            per_call[(name, size)] = max(child.cpu_seconds - child.setup_seconds, 1e-9) / repeat
    return Measurement(per_call, problems)


def _seconds(measured: Measurement, cost: Cost) -> dict[int, float]:
    """Seconds per call by size, of one cost test."""
    return {size: measured.per_call[(cost.name, size)] for size in cost.sizes
            if (cost.name, size) in measured.per_call}


def _table(student: Measurement, reference: Measurement, cost: Cost) -> str:
    mine, ref = _seconds(student, cost), _seconds(reference, cost)
    lines = ["%-10s %16s %16s %8s" % (cost.size_name, "yours (us/call)", "reference", "ratio")]
    for size in cost.sizes:
        got = mine.get(size)
        lines.append("%-10d %16s %16.1f %8s" % (
            size, "-" if got is None else "%.1f" % (got * 1e6), ref[size] * 1e6,
            "-" if got is None else "%.1fx" % (got / ref[size])))
    if len(mine) == len(cost.sizes) > 1:
        lines.append("cost grows like %s^%.2f (reference: %s^%.2f)" % (
            cost.size_name, cost.growth(mine), cost.size_name, cost.growth(ref)))
    return "\n".join(lines)


def _figures(student: Measurement, reference: Measurement, cost: Cost) -> dict:
    """Microseconds per call by size, and the growth exponent, as plain data."""
    mine, ref = _seconds(student, cost), _seconds(reference, cost)
    return {"kind": "cost", "check": cost.name, "hints": [], "ratio": None,
            "per_call_us": {str(s): round(t * 1e6, 3) for s, t in mine.items()},
            "reference_us": {str(s): round(t * 1e6, 3) for s, t in ref.items()},
            "growth": round(cost.growth(mine), 3) if len(mine) == len(cost.sizes) > 1 else None}


def judge(cost: Cost, student: Measurement, reference: Measurement, factor: float,
          cheaper_factor: float | None = None) -> Verdict:
    """The verdict of one cost test: the worst ratio over its judged sizes against factor."""
    table = _table(student, reference, cost)
    extra = _figures(student, reference, cost)
    extra["allowed"] = factor
    if cost.name in student.problems:
        problem = student.problems[cost.name]
        if problem.startswith("did not finish") and cost.advice:
            problem += "; " + cost.advice
        return Verdict(False, "%s %s\n%s" % (cost.name, problem, table), extra)
    ratios = {s: student.per_call[(cost.name, s)] / reference.per_call[(cost.name, s)]
              for s in cost.judged or cost.sizes}
    worst = max(ratios, key=ratios.get)
    extra["ratio"] = round(ratios[worst], 4)
    ok = ratios[worst] <= factor
    message = "%s costs %.1fx the reference at %s = %d (allowed: %gx)" % (
        cost.name, ratios[worst], cost.size_name, worst, factor)
    if not ok and cost.advice:
        message += "; " + cost.advice
    if ok and cost.cheaper_than and cheaper_factor:
        large = cost.sizes[-1]
        ok = student.per_call[(cost.name, large)] * cheaper_factor <= \
            reference.per_call[(cost.cheaper_than, large)]
        if not ok:
            message += "; at %s = %d it is not %gx cheaper than %s" % (
                cost.size_name, large, cheaper_factor, cost.cheaper_than)
    return Verdict(ok, message + "\n" + table, extra)
