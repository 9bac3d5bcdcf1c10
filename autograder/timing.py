"""Timing tests: naive softmax costs O(|V|d) per call, negative sampling O(Kd).

Every measurement is the CPU time of a whole sandboxed child, read by the
grader from the kernel (rusage): the student's code cannot patch that clock.
A child that calls the function R times is compared with one that does
everything but the calls, and the reference solution is measured the same way
in the same run, so the verdicts rest on ratios, never on absolute seconds.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import run_child

NAIVE, NEGSAMP = "naiveSoftmaxLossAndGradient", "negSamplingLossAndGradient"
SIZES = (2000, 100000)
DIM = 10
# Calls per measurement: about a quarter of a second of the reference's CPU time.
REPEAT = {(NAIVE, 2000): 4000, (NAIVE, 100000): 80, (NEGSAMP, 2000): 8000, (NEGSAMP, 100000): 2500}
NAIVE_FACTOR = 4.0     # the student's naive softmax may cost this many times the reference's
NEGSAMP_FACTOR = 5.0   # ... and negative sampling this many times, at the largest |V|
CHEAPER_FACTOR = 3.0   # negative sampling must cost this many times less than naive softmax


@dataclass
class Measurement:
    """Seconds per call by (function, |V|), or the reason there is none."""

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
    """A timing test's outcome, its feedback and the figures behind it (for reports)."""

    passed: bool
    output: str
    extra: dict


def measure(staging: Path, timeout: float, memory_mb: int, parallel: int = 2) -> Measurement:
    """CPU seconds per call of both losses at every size, for one staged submission."""
    jobs = [(None, size) for size in SIZES] + [(f, size) for f in (NAIVE, NEGSAMP) for size in SIZES]

    def run(job):
        function, size = job
        spec = {"function": function or NAIVE, "size": size, "dim": DIM,
                "repeat": 0 if function is None else REPEAT[(function, size)]}
        return job, run_child(staging, [], 0, timeout, memory_mb, timing=spec)

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        children = dict(pool.map(run, jobs))
    per_call, problems = {}, {}
    for (function, size), child in children.items():
        if function is None:
            continue
        record = child.records[0]
        if child.status == "timeout":
            problems[function] = ("did not finish %d calls at |V| = %d within %g s" % (
                REPEAT[(function, size)], size, timeout))
        elif record.get("status") == "error":
            problems[function] = "raised %s: %s" % (record.get("error"), record.get("message"))
        elif child.status != "ok" or record.get("status") != "ok":
            problems[function] = "the timing run ended abnormally (%s)" % child.status
        else:
            base = children[(None, size)].cpu_seconds
            per_call[(function, size)] = max(child.cpu_seconds - base, 1e-9) / REPEAT[(function,
                                                                                         size)]
    return Measurement(per_call, problems)


def _growth(times: dict, function: str) -> float:
    small, large = SIZES[0], SIZES[-1]
    return math.log(times[(function, large)] / times[(function, small)]) / math.log(large / small)


def _table(student: Measurement, reference: Measurement, function: str) -> str:
    lines = ["%-10s %16s %16s %8s" % ("|V|", "yours (us/call)", "reference", "ratio")]
    for size in SIZES:
        mine, ref = student.per_call.get((function, size)), reference.per_call[(function, size)]
        lines.append("%-10d %16s %16.1f %8s" % (
            size, "-" if mine is None else "%.1f" % (mine * 1e6), ref * 1e6,
            "-" if mine is None else "%.1fx" % (mine / ref)))
    if all((function, s) in student.per_call for s in SIZES):
        lines.append("cost grows like |V|^%.2f (reference: |V|^%.2f)" % (
            _growth(student.per_call, function), _growth(reference.per_call, function)))
    return "\n".join(lines)


def _figures(student: Measurement, reference: Measurement, function: str) -> dict:
    """Microseconds per call by |V|, and the growth exponent, as plain data."""
    mine = {str(s): round(student.per_call[(function, s)] * 1e6, 3) for s in SIZES
            if (function, s) in student.per_call}
    complete = len(mine) == len(SIZES)
    return {"function": function, "ratio": None, "per_call_us": mine,
            "reference_us": {str(s): round(reference.per_call[(function, s)] * 1e6, 3)
                             for s in SIZES},
            "growth": round(_growth(student.per_call, function), 3) if complete else None}


def judge(student: Measurement, reference: Measurement,
          factors: dict[str, float] | None = None) -> dict[str, Verdict]:
    """The verdicts of the naive-softmax and the negative-sampling timing tests.

    factors (config.ini [timing]) default to NAIVE_FACTOR, NEGSAMP_FACTOR, CHEAPER_FACTOR.
    """
    factors = {"naive": NAIVE_FACTOR, "negsamp": NEGSAMP_FACTOR, "cheaper": CHEAPER_FACTOR,
               **(factors or {})}
    large = SIZES[-1]
    verdicts = {}
    for function, factor in ((NAIVE, factors["naive"]), (NEGSAMP, factors["negsamp"])):
        table = _table(student, reference, function)
        extra = _figures(student, reference, function)
        extra["allowed"] = factor
        if function in student.problems:
            verdicts[function] = Verdict(False, "%s %s\n%s" % (
                function, student.problems[function], table), extra)
            continue
        # Negative sampling is judged at the largest |V| only: at small |V| a correct
        # loop over the K samples costs a few times the vectorised reference.
        judged = SIZES if function == NAIVE else SIZES[-1:]
        ratios = {s: student.per_call[(function, s)] / reference.per_call[(function, s)]
                  for s in judged}
        worst = max(ratios, key=ratios.get)
        extra["ratio"] = round(ratios[worst], 4)
        ok = ratios[worst] <= factor
        message = ("%s costs %.1fx the reference at |V| = %d (allowed: %gx)" % (
            function, ratios[worst], worst, factor))
        if not ok:
            message += ("; " + ("a Python loop over the vocabulary? Use one matrix-vector "
                                "product and a vectorised softmax." if function == NAIVE else
                                "work proportional to |V| beyond allocating the gradient? "
                                "Touch only the K + 1 rows involved."))
        if ok and function == NEGSAMP:
            naive = reference.per_call[(NAIVE, large)]
            ok = student.per_call[(NEGSAMP, large)] * factors["cheaper"] <= naive
            if not ok:
                message += "; at |V| = %d it is not %gx cheaper than naive softmax" % (
                    large, factors["cheaper"])
        verdicts[function] = Verdict(ok, message + "\n" + table, extra)
    return verdicts
