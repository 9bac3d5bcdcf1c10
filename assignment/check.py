#!/usr/bin/env python
"""Score your code on the public tests, exactly as the autograder does.

    python check.py

Given code (do not modify). Runs the public checks on your files and prints
the points of each with the reason for any lost point. On Gradescope, tests on
hidden inputs (and cost tests, if the assignment has them) add to these.
"""

import importlib
import json
import os
import signal
import sys

from checklib import Judgement, Tolerance, decode, error_record, judge_record, roundtrip

HERE = os.path.dirname(os.path.abspath(__file__))
TIME_LIMIT = 60  # seconds per check


class _TimeLimit(Exception):
    pass


def _onAlarm(signum, frame):
    raise _TimeLimit()


def probe(check, module, case, studentFiles):
    """What the autograder's child would report for this check."""
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _onAlarm)
        signal.alarm(TIME_LIMIT)
    try:
        return {"status": "ok", "outputs": roundtrip(check.probe(module, case))}
    except _TimeLimit:
        return None
    except BaseException as error:  # pylint: disable=broad-except
        return error_record(error, studentFiles)
    finally:
        if hasattr(signal, "SIGALRM"):
            signal.alarm(0)


def importModules(names):
    """Import the student modules; one that fails to import becomes its error message."""
    modules = {}
    for name in names:
        try:
            modules[name] = importlib.import_module(name)
        except BaseException as error:  # pylint: disable=broad-except
            modules[name] = "%s.py does not import: %s: %s" % (name, type(error).__name__, error)
    return modules


def main():
    """Run every public check; print a table; exit 0 (the score is the result)."""
    with open(os.path.join(HERE, "public_tests.json"), encoding="utf-8") as handle:
        spec = json.load(handle)
    checks = importlib.import_module(spec["checks_module"])
    byName = {check.name: check for check in checks.CHECKS}
    tolerance = Tolerance(**spec["tolerance"])
    modules = importModules(spec["modules"])
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
