"""Runs INSIDE the sandboxed child: call the student's code, write raw outputs.

    python -I harness.py WORKDIR

WORKDIR/request.json names the checks to probe and the seed of their inputs;
WORKDIR/staging holds the student's files and the grader's copy of utils/.
For each check, WORKDIR/out/<n>.json records the status and the outputs:
plain numeric ndarrays as .npy files, JSON values inline, anything else as a
description (type and a short repr). Nothing here decides a score: the grader
judges the raw outputs in its own process.
"""

import json
import os
import sys
import traceback

import numpy as np

SERIALIZABLE = (bool, int, float, str, type(None))
# Bound before any student code runs: patching json, numpy or open later changes nothing here.
_DUMPS, _SAVE, _OPEN, _JOIN = json.dumps, np.save, open, os.path.join


def describe(value):
    """A JSON-safe stand-in for an object the grader must not unpickle."""
    try:
        text = repr(value)
    except BaseException:  # pylint: disable=broad-except
        text = "<repr failed>"
    return {"__opaque__": type(value).__module__ + "." + type(value).__qualname__,
            "repr": text[:200]}


def encode(value, path_stem, files):
    """JSON for plain values; .npy for exact numeric ndarrays; a description otherwise."""
    if type(value) is np.ndarray and value.dtype.kind in "biuf":  # pylint: disable=unidiomatic-typecheck
        name = "%s_%d.npy" % (path_stem, len(files))
        _SAVE(_JOIN(os.path.dirname(path_stem), name), value, allow_pickle=False)
        files.append(name)
        return {"__npy__": name}
    if type(value) in (np.float64, np.float32, np.int64, np.int32, np.bool_):
        return encode(np.asarray(value), path_stem, files)
    if type(value) in SERIALIZABLE:
        return value
    if type(value) in (list, tuple) and all(type(v) in SERIALIZABLE for v in value):
        return list(value)
    if type(value) is dict and all(type(k) is str for k in value):  # pylint: disable=unidiomatic-typecheck
        return {"__dict__": {k: encode(v, path_stem, files) for k, v in value.items()}}
    return describe(value)


def where(error):
    """The last frame of the traceback that is in the student's files."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if os.path.basename(f.filename) in ("word2vec.py", "sgd.py")]
    return "%s line %d" % (os.path.basename(frames[-1].filename), frames[-1].lineno) \
        if frames else ""


class UniformSamples:
    """Negative samples uniform over the vocabulary, for the timing runs."""

    def __init__(self, size, rng):
        self._draws = rng.integers(0, size, 1 << 16).tolist()
        self._next = 0

    def sampleTokenIdx(self):  # pylint: disable=invalid-name
        """The next pre-drawn sample (cycling)."""
        self._next = (self._next + 1) % len(self._draws)
        return self._draws[self._next]


def run_timing(spec):
    """Call one loss function `repeat` times on a vocabulary of `size` words.

    The grader times this whole process from outside (its CPU time from
    rusage), against a run with repeat = 0 that does everything else.
    """
    rng = np.random.default_rng(0)
    outside = rng.standard_normal((spec["size"], spec["dim"])) * 0.1
    center = rng.standard_normal(spec["dim"]) * 0.1
    dataset = UniformSamples(spec["size"], rng)
    function = getattr(__import__("word2vec"), spec["function"])
    for i in range(spec["repeat"]):
        function(center, i % spec["size"], outside, dataset)


def main():
    """Probe every requested check; one JSON file per check."""
    work = sys.argv[1]
    staging, out = os.path.join(work, "staging"), os.path.join(work, "out")
    with open(os.path.join(work, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    sys.path.append(staging)  # last: a student's file shadows no library
    if "timing" in request:
        try:
            run_timing(request["timing"])
            record = {"status": "ok"}
        except BaseException as error:  # pylint: disable=broad-except
            record = {"status": "error", "error": type(error).__name__,
                      "message": str(error)[:500], "where": where(error)}
        with _OPEN(os.path.join(out, "0.json"), "w", encoding="utf-8") as f:
            f.write(_DUMPS(record))
        return
    from utils import checks  # pylint: disable=import-outside-toplevel,import-error
    by_name = {check.name: check for check in checks.CHECKS}
    inputs = checks.publicInputs(request["seed"])
    for number, name in enumerate(request["checks"]):
        record = {"check": name}
        stem = os.path.join(out, str(number))
        try:
            check = by_name[name]
            module = __import__(check.module)
            outputs = check.probe(module, inputs)
            files = []
            plain = type(outputs) is dict  # pylint: disable=unidiomatic-typecheck
            record["outputs"] = {k: encode(v, stem, files) for k, v in outputs.items()} \
                if plain else {}
            record["status"] = "ok"
        except BaseException as error:  # pylint: disable=broad-except
            record.update(status="error", error=type(error).__name__,
                          message=str(error)[:500], where=where(error))
        with _OPEN(stem + ".json", "w", encoding="utf-8") as f:
            f.write(_DUMPS(record))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # pylint: disable=protected-access
