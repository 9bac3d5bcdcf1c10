#!/usr/bin/env python
"""Score your code on the public tests, exactly as the autograder does.

    python check.py             # public tests, then cost tests
    python check.py --no-costs  # public tests only
    python check.py --costs     # cost tests only

Given code (do not modify). Runs the public checks on your files and prints
the points of each with the reason for any lost point. On Gradescope, tests on
hidden inputs add to these.

If the assignment has a written part with final answers, it then checks the
boxed results you wrote in their file (its name is in public_tests.json) at a
few public random points, against the reference's values there: the same
verdicts as the autograder's, which checks them at other points.

If the assignment has cost tests, it then measures the cost of your functions
here (CPU time of this process) in units of one matrix-vector product of the
same size, and compares it with what the reference solution costs in the same
units (measured when the handout was built): the same factors as on
Gradescope, which compares with the reference directly. It needs no reference
code and takes a few seconds.
"""

import contextlib
import importlib
import json
import math
import os
import signal
import sys
import time

# One BLAS thread, as in the autograder: CPU time then measures work, not threads spinning.
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402  pylint: disable=wrong-import-position

from checklib import (  # noqa: E402  pylint: disable=wrong-import-position
    Judgement, Tolerance, decode, error_record, judge_record, roundtrip)

HERE = os.path.dirname(os.path.abspath(__file__))
TIME_LIMIT = 60  # seconds per check
COST_BUDGET = 1.5  # CPU seconds at most per measurement of a cost (slow code is cut short)
COST_TIME_LIMIT = 60  # wall-clock seconds per cost test (a call that never returns)
ROUNDS = 5  # a measurement is the fastest of this many rounds (the least disturbed)
BASELINE_WIDTH = 16  # the calibration: (size, BASELINE_WIDTH) float64 matrix @ vector


class _TimeLimit(Exception):
    pass


def _onAlarm(signum, frame):
    raise _TimeLimit()


@contextlib.contextmanager
def _timeLimit(seconds):
    """Raise _TimeLimit after `seconds` of wall-clock time, where the system has alarms.

    Wall clock, not CPU time: a CPU-time timer (ITIMER_PROF) would coarsen Linux's
    CPU clock, which the cost tests read.
    """
    limited = hasattr(signal, "SIGALRM")
    if limited:
        signal.signal(signal.SIGALRM, _onAlarm)
        signal.alarm(seconds)
    try:
        yield
    finally:
        if limited:
            signal.alarm(0)


def probe(check, module, case, studentFiles):
    """What the autograder's child would report for this check."""
    try:
        with _timeLimit(TIME_LIMIT):
            return {"status": "ok", "outputs": roundtrip(check.probe(module, case))}
    except _TimeLimit:
        return None
    except BaseException as error:  # pylint: disable=broad-except
        return error_record(error, studentFiles)


def importModules(names):
    """Import the student modules; one that fails to import becomes its error message."""
    modules = {}
    for name in names:
        try:
            modules[name] = importlib.import_module(name)
        except BaseException as error:  # pylint: disable=broad-except
            modules[name] = "%s.py does not import: %s: %s" % (name, type(error).__name__, error)
    return modules


def _steadyAllocator():
    """On glibc, serve every large allocation with fresh pages (mmap), as macOS does.

    Otherwise glibc's threshold moves with the process's history, and a large
    zero-filled array costs either next to nothing or a pass over its memory,
    depending on what ran before: the measurements would not be comparable.
    """
    try:
        import ctypes  # pylint: disable=import-outside-toplevel
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD: fixed, as by default at start-up
    except (OSError, AttributeError, TypeError):
        pass


def _perCall(call, repeat, budget=COST_BUDGET):
    """CPU seconds per call: the least of ROUNDS timed rounds (a round stops at its budget)."""
    call(0)
    best = math.inf
    for _ in range(ROUNDS):
        done, start = 0, time.process_time()
        while done < max(1, repeat // ROUNDS):
            call(done)
            done += 1
            if time.process_time() - start > budget / ROUNDS:
                break
        best = min(best, (time.process_time() - start) / done)
    return max(best, 1e-9)


def baseline(size):
    """CPU seconds of one matrix-vector product of a (size, BASELINE_WIDTH) float64 array."""
    rng = np.random.default_rng(0)
    matrix, vector = rng.standard_normal((size, BASELINE_WIDTH)), rng.standard_normal(BASELINE_WIDTH)
    repeat = max(20, int(4e7 // (size * BASELINE_WIDTH)))
    return _perCall(lambda i: matrix @ vector, repeat, budget=0.4)


def costUnits(cost, module, seconds=None):
    """{size: the cost of one call in baselines of that size}, measured here (seconds per
    call by size go into the dict `seconds` when given)."""
    _steadyAllocator()
    units = {}
    for size in cost.sizes:
        call = cost.setup(module, size, np.random.default_rng([size, 7]))
        perCall = _perCall(call, cost.repeat[size])
        units[size] = perCall / baseline(size)
        if seconds is not None:
            seconds[size] = perCall
    return units


def _measure(cost, module, seconds):
    """(units by size, None) or (None, what went wrong)."""
    if isinstance(module, str):
        return None, module
    try:
        with _timeLimit(COST_TIME_LIMIT):
            return costUnits(cost, module, seconds), None
    except _TimeLimit:
        return None, "took more than %d seconds%s" % (
            COST_TIME_LIMIT, "; " + cost.advice if cost.advice else "")
    except NotImplementedError:
        return None, "cannot be timed until it is implemented"
    except BaseException as error:  # pylint: disable=broad-except
        return None, "your code raised %s: %s" % (type(error).__name__, str(error)[:300])


def judgeCost(cost, units, spec, reference, seconds=None):
    """(passed, message) of one cost test: the worst ratio to the reference, as on Gradescope."""
    size = max(cost.judged or cost.sizes, key=lambda s: units[s] / reference[cost.name][s])
    ratio = units[size] / reference[cost.name][size]
    ok = ratio <= spec["factor"]
    message = "%.1fx the reference's cost at %s = %d (allowed: %gx)" % (
        ratio, cost.size_name, size, spec["factor"])
    sizes = cost.sizes
    if seconds and len(sizes) > 1:
        message += "; %s per call at %s = %s; grows like %s^%.2f" % (
            " and ".join("%.0f us" % (seconds[s] * 1e6) for s in sizes), cost.size_name,
            " and ".join("%d" % s for s in sizes), cost.size_name, cost.growth(seconds))
    if ok and cost.cheaper_than and spec.get("cheaper_factor") \
            and cost.cheaper_than in reference:
        large = sizes[-1]
        times = reference[cost.cheaper_than][large] / units[large]
        if times < spec["cheaper_factor"]:
            ok = False
            message += "; at %s = %d it is only %.1fx cheaper than the reference's %s " \
                "(needed: %gx)" % (cost.size_name, large, times, cost.cheaper_than,
                                   spec["cheaper_factor"])
    if not ok and cost.advice:
        message += "; " + cost.advice
    return ok, message


def runCosts(spec, checks, modules):
    """Measure and judge every cost test of spec here; print one line each; return points."""
    byName = {cost.name: cost for cost in getattr(checks, "COSTS", [])}
    costs = spec.get("costs") or {}
    tests = [test for test in costs.get("tests", []) if test["name"] in byName]
    if not tests:
        return 0.0, 0.0
    reference = {name: {int(s): u for s, u in units.items()}
                 for name, units in costs["reference_units"].items()}
    print("\nCost tests, measured on this machine against the reference's calibrated cost\n")
    earned = total = 0.0
    for test in tests:
        cost = byName[test["name"]]
        started, seconds = time.process_time(), {}
        units, problem = _measure(cost, modules[cost.module], seconds)
        ok, message = (False, problem) if problem else judgeCost(cost, units, test, reference,
                                                                 seconds)
        got = test["points"] if ok else 0.0
        earned, total = earned + got, total + test["points"]
        print("%-48s %5g / %-3g %s (%.1f CPU s)" % (
            "cost: " + cost.name, got, test["points"],
            "ok" if ok else "WOULD LOSE %g" % test["points"], time.process_time() - started))
        print("    " + message)
    print("\nCost tests: %g / %g (Gradescope measures them against the reference itself)"
          % (earned, total))
    return earned, total


def runFinals(spec, checks):
    """Check the final answers of the written part, when the assignment has them; print why."""
    finals = spec.get("finals")
    if not finals:
        return
    import exprlib  # pylint: disable=import-outside-toplevel  # shipped with final answers only
    name = finals["file"]
    print("\nFinal answers of the written part (%s), checked at public random points "
          "(informational; the autograder checks them at other points)\n" % name)
    path = os.path.join(HERE, name)
    if not os.path.isfile(path):
        print("    %s is not there (optional): write your boxed results in it, one "
              "`ID: expression` a line; written/README.md gives the syntax and the ids" % name)
        return
    with open(path, "rb") as handle:
        text, problem = exprlib.decode_text(handle.read(exprlib.MAX_BYTES + 1))
    if text is None:
        print("    %s: %s" % (name, problem))
        return
    notation = exprlib.Notation.from_json(finals["notation"])
    expected = {item["result"]["id"]: decode(item["expected"]) for item in finals["results"]}
    checked = exprlib.check_answers(
        text, [item["result"] for item in finals["results"]],
        lambda items: exprlib.evaluate_answers(checks.FINALS, notation, finals["seed"], items),
        lambda result: expected[result["id"]])
    for line in checked.report(name):
        print("    " + line)


def calibrate(checksModule, moduleNames):
    """The reference's units of every cost test, for public_tests.json (run on the reference)."""
    sys.path.insert(0, os.getcwd())
    checks = importlib.import_module(checksModule)
    modules = {name: importlib.import_module(name) for name in moduleNames}
    return {cost.name: {str(size): units for size, units in
                        costUnits(cost, modules[cost.module]).items()}
            for cost in getattr(checks, "COSTS", [])}


def main():
    """Run every public check; print a table; exit 0 (the score is the result)."""
    if sys.argv[1:2] == ["--calibrate"]:
        print(json.dumps(calibrate(sys.argv[2], sys.argv[3:])))
        return 0
    with open(os.path.join(HERE, "public_tests.json"), encoding="utf-8") as handle:
        spec = json.load(handle)
    checks = importlib.import_module(spec["checks_module"])
    modules = importModules(spec["modules"])
    if sys.argv[1:2] == ["--costs"]:
        runCosts(spec, checks, modules)
        return 0
    byName = {check.name: check for check in checks.CHECKS}
    tolerance = Tolerance(**spec["tolerance"])
    for name in spec["modules"]:
        if isinstance(modules[name], str):
            print(modules[name] + "\n")
    total = earned = 0.0
    print("Public tests (the autograder adds tests on hidden inputs)\n")
    for test in spec["tests"]:
        check, points = byName[test["name"]], test["points"]
        case = check.case(spec["seed"], False)
        module = modules[check.module]
        if isinstance(module, str):
            judgement = Judgement(0.0, [module])
        else:
            record = probe(check, module, case, spec["student_files"])
            judgement = Judgement(0.0, ["took more than %d seconds: an infinite loop?"
                                        % TIME_LIMIT]) if record is None else \
                judge_record(check, record, decode(test["expected"]), case, tolerance)
        got = round(points * judgement.fraction, 2)
        total, earned = total + points, earned + got
        status = "ok" if got == points else "LOST %g" % (points - got)
        print("%-48s %5g / %-3g %s" % (check.name, got, points, status))
        for message in judgement.messages:
            print("    " + message.replace("\n", "\n    "))
    print("\nTotal: %g / %g" % (earned, total))
    runFinals(spec, checks)
    if "--no-costs" not in sys.argv[1:]:
        runCosts(spec, checks, modules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
