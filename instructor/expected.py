"""The public tests of the handout: points, tolerance and the reference's outputs.

`python check.py` in the handout scores a student's code exactly as the
autograder's public tests do, without the reference: it needs the reference's
probe outputs on the public inputs, obtained here through the grader's own
harness (a sandboxed child), and the points and tolerance of config.ini. When
the written part has final answers, it also needs the reference's values of
each boxed result at its public points (the statements themselves stay out).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from checklib import PUBLIC_SEED, decode, encode

from autograder import assignment as assignment_module
from autograder import final_answers
from autograder.config import CHEAPER
from autograder.grader import reference_outputs, staged_reference
from autograder.layout import CHECK_SCRIPT, Layout


def public_tests(layout: Layout, previous: str | bytes | None = None) -> dict:
    """What public_tests.json holds, as plain JSON data.

    previous: an earlier public_tests.json, whose cost calibration is kept when its
    cost tests and sizes are still the same (timings differ from run to run, and
    measuring again costs seconds for nothing).
    """
    assignment = assignment_module.load(layout)
    cfg = assignment.load_config()
    outputs = reference_outputs(assignment, PUBLIC_SEED, False, cfg)
    spec = {"title": assignment.manifest.title, "checks_module": assignment.manifest.checks,
            "modules": assignment.manifest.modules,
            "student_files": assignment.manifest.required, "seed": PUBLIC_SEED,
            "tolerance": {"rtol": cfg.rtol, "atol": cfg.atol},
            "tests": [{"name": name, "points": points, "expected": encode(outputs[name])}
                      for name, points in cfg.public.items()],
            "costs": cost_calibration(assignment, cfg, _calibration(previous))}
    if assignment.finals is not None:
        spec["finals"] = public_finals(assignment, layout)
    return spec


def public_finals(assignment, layout: Layout) -> dict:
    """The final answers' part of public_tests.json: the file's name, the notation, and each
    result without its typeset parts, with the reference's values at its public points
    (never its statement)."""
    ref = final_answers.reference(layout)
    return {"file": assignment.manifest.final_answers, "seed": PUBLIC_SEED,
            "notation": ref.notation.to_json(),
            "results": [{"result": result, "expected": encode(final_answers.reference_values(
                assignment, ref, result, PUBLIC_SEED))} for result in ref.public()]}


def _calibration(previous: str | bytes | None) -> dict | None:
    """The reference units of an earlier public_tests.json, if it has any."""
    try:
        units = json.loads(previous)["costs"]["reference_units"]
    except (TypeError, ValueError, KeyError):
        return None
    return units if isinstance(units, dict) else None


def cost_calibration(assignment, cfg, kept: dict | None = None) -> dict:
    """The cost tests for check.py: points, factors, and the reference's cost of each in units
    of a matrix-vector product of the same size, measured now by check.py itself unless
    `kept` already holds them for the same cost tests and sizes."""
    if not cfg.timing:
        return {"tests": [], "reference_units": {}}
    shape = {cost.name: sorted(str(size) for size in cost.sizes)
             for cost in assignment.costs.values()}
    if kept is None or {name: sorted(units) for name, units in kept.items()
                        if isinstance(units, dict)} != shape:
        with tempfile.TemporaryDirectory(prefix="calibrate-") as tmp:
            staging = staged_reference(assignment, Path(tmp)).folder
            shutil.copy2(CHECK_SCRIPT, staging / CHECK_SCRIPT.name)
            result = subprocess.run(
                [sys.executable, CHECK_SCRIPT.name, "--calibrate", assignment.manifest.checks,
                 *assignment.manifest.modules], cwd=staging, capture_output=True, text=True,
                timeout=300, check=True)
        kept = json.loads(result.stdout)
    return {"tests": [{"name": name, "points": points, "factor": cfg.factors[name],
                       "cheaper_factor": cfg.factors.get(name + CHEAPER)}
                      for name, points in cfg.timing.items()],
            "reference_units": kept}


def _equal(a, b) -> bool:
    """Same structure and values; floats equal to 12 digits (BLAS may differ in the last bits)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-12, atol=0.0,
                                                        equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    return type(a) is type(b) and a == b


def same(text_a: str | bytes, text_b: str | bytes) -> bool:
    """Do two public_tests.json texts say the same thing?"""
    def read(text):
        data = json.loads(text)
        for test in data["tests"] + data.get("finals", {}).get("results", []):
            test["expected"] = decode(test["expected"])
        for units in data.get("costs", {}).get("reference_units", {}).values():
            units.update(dict.fromkeys(units, "measured"))  # timings differ from run to run
        return data
    try:
        return _equal(read(text_a), read(text_b))
    except (ValueError, KeyError, TypeError):
        return False


def same_file(a: Path, b: Path) -> bool:
    """same() for two files."""
    return same(a.read_bytes(), b.read_bytes())


def write_public_tests(layout: Layout, target: Path, previous: bytes | None = None) -> Path:
    """Write target; keep the previous bytes when they say the same (git stays clean)."""
    text = json.dumps(public_tests(layout, previous), indent=1, sort_keys=True) + "\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None and same(previous, text):
        target.write_bytes(previous)
    else:
        target.write_text(text, encoding="utf-8")
    return target
