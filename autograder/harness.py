"""Runs INSIDE the sandboxed child: call the student's code, write raw outputs.

    python -I harness.py WORKDIR

WORKDIR/request.json says what to do, as one of four typed requests:
  {"kind": "import", "modules": [names]}
      import each student module; WORKDIR/out/<n>.json records whether it imports;
  {"kind": "probe", "checks_module": M, "checks": [names], "seed": S, "hidden": B}
      probe each named check of module M on its inputs for seed S; for each,
      WORKDIR/out/<n>.json records the status and the outputs (numeric arrays
      as pickle-free .npy files, JSON values inline, anything else described);
  {"kind": "cost", "checks_module": M, "cost": name, "size": N, "repeat": R}
      build one call of the cost test at size N, stop (SIGSTOP: the zygote reads
      the CPU time of the setup from the kernel and resumes it), then make the
      call R times (the whole process is timed from outside);
  {"kind": "finals", "checks_module": M, "notation": N, "seed": S, "answers": [...]}
      evaluate each {"result": ..., "answer": text} (a final answer of the written
      part, text that exprlib parses against a whitelist, never runs) at the points
      of M's FINALS for seed S: one record, the values or a message per answer.
WORKDIR/staging holds the student's files, the grader's given code and
checklib (and exprlib). Nothing here decides a score: the grader judges in its own process.
"""

import importlib
import importlib.util
import json
import os
import signal
import sys

import numpy as np

WORK = sys.argv[1] if len(sys.argv) > 1 else "."
sys.path.append(os.path.join(WORK, "staging"))  # last: a student's file shadows no library
# The grader's staged checklib, whatever else is on the path; loaded before any student
# code runs, so that patching json, numpy or open later changes nothing here.
def _staged(name):
    """The grader's staged copy of a runtime module, by path: an installed package of the
    same name does not shadow it."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(WORK, "staging",
                                                                     name + ".py"))
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checklib = _staged("checklib")

_OPEN, _JOIN, _SAVE, _DUMPS = open, os.path.join, np.save, checklib.dumps
_KILL, _SELF, _STOP = os.kill, os.getpid(), signal.SIGSTOP


def _write(path, record):
    with _OPEN(path, "w", encoding="utf-8") as handle:
        handle.write(_DUMPS(record))


class _Store:
    """Writes each array of one check's outputs as a pickle-free .npy file in out."""

    def __init__(self, out, prefix):
        self.out, self.prefix, self.count = out, prefix, 0

    def __call__(self, array):
        name = "%s_%d.npy" % (self.prefix, self.count)
        _SAVE(_JOIN(self.out, name), array, allow_pickle=False)
        self.count += 1
        return {"__npy__": name}


def _error(error, student_files):
    """error_record without the sandbox's paths (messages of ImportError name files)."""
    record = checklib.error_record(error, student_files)
    record["message"] = record["message"].replace(os.path.join(WORK, "staging") + os.sep, "")
    return record


def imports(request, out, student_files):
    """Import each student module in turn: one record each."""
    for number, name in enumerate(request["modules"]):
        try:
            importlib.import_module(name)
            record = {"status": "ok"}
        except BaseException as error:  # pylint: disable=broad-except
            record = _error(error, student_files)
        record["module"] = name
        _write(_JOIN(out, "%d.json" % number), record)


def probe(request, out, student_files):
    """Probe each requested check; one record per check, written as soon as it is done."""
    checks = importlib.import_module(request["checks_module"])
    by_name = {check.name: check for check in checks.CHECKS}
    for number, name in enumerate(request["checks"]):
        stem = _JOIN(out, str(number))
        store = _Store(out, str(number))
        try:
            check = by_name[name]
            case = check.case(request["seed"], request["hidden"])
            outputs = check.probe(importlib.import_module(check.module), case)
            record = {"status": "ok", "outputs": checklib.encode(outputs, store)}
        except BaseException as error:  # pylint: disable=broad-except
            record = _error(error, student_files)
        record["check"] = name
        _write(stem + ".json", record)


def cost(request):
    """Build one call of a cost test and make it `repeat` times."""
    checks = importlib.import_module(request["checks_module"])
    spec = {c.name: c for c in checks.COSTS}[request["cost"]]
    module = importlib.import_module(spec.module)
    call = spec.setup(module, request["size"], np.random.default_rng(0))
    _KILL(_SELF, _STOP)  # the zygote reads the CPU time so far (the setup's) and resumes us
    for i in range(request["repeat"]):
        call(i)


def finals(request, out):
    """Evaluate final answers at their results' points (the reference never comes here)."""
    try:
        exprlib = _staged("exprlib")
        checks = importlib.import_module(request["checks_module"])
        outputs = exprlib.evaluate_answers(
            checks.FINALS, exprlib.Notation.from_json(request["notation"]), request["seed"],
            [(item["result"], item["answer"]) for item in request["answers"]])
        record = {"status": "ok", "outputs": checklib.encode(outputs, _Store(out, "0"))}
    except BaseException as error:  # pylint: disable=broad-except
        record = _error(error, [])
    _write(_JOIN(out, "0.json"), record)


def main():
    """Do what request.json says; exceptions become records, never tracebacks on stdout."""
    with open(os.path.join(WORK, "request.json"), encoding="utf-8") as handle:
        request = json.load(handle)
    out = os.path.join(WORK, "out")
    student_files = request.get("student_files", [])
    if request["kind"] in ("probe", "import"):
        (probe if request["kind"] == "probe" else imports)(request, out, student_files)
        return
    if request["kind"] == "finals":
        finals(request, out)
        return
    try:
        cost(request)
        record = {"status": "ok"}
    except BaseException as error:  # pylint: disable=broad-except
        record = _error(error, student_files)
    _write(_JOIN(out, "0.json"), record)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # pylint: disable=protected-access
