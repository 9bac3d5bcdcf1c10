"""results.json for Gradescope: built from the grader's state, validated, written once."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

MAX_TEST_OUTPUT = 8000     # characters per test's output
MAX_TOP_OUTPUT = 8000
TEST_KEYS = {"score": (int, float), "max_score": (int, float), "name": str, "number": str,
             "output": str, "visibility": str, "status": str, "tags": list, "extra_data": dict}
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}


class ResultsError(Exception):
    """A results dictionary does not follow Gradescope's specification."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 40] + "\n... (output truncated)"


def build(tests, execution_time: float, notes: list[str]) -> dict:
    """The results dictionary: total score, per-test rows, grader notes on top."""
    rows = [{"score": t.score, "max_score": t.max_score, "name": t.name, "number": t.number,
             "output": _clip(t.output, MAX_TEST_OUTPUT), "visibility": t.visibility,
             "status": t.status, "tags": list(t.tags),
             **({"extra_data": dict(t.extra_data)} if t.extra_data else {})} for t in tests]
    return {"score": round(sum(t.score for t in tests), 4),
            "execution_time": round(execution_time, 2),
            "output": _clip("\n".join(notes), MAX_TOP_OUTPUT),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": rows}


def _validate_test(number: int, test: dict) -> None:
    for key, kind in TEST_KEYS.items():
        if key in test and not isinstance(test[key], kind):
            raise ResultsError("test %d: %s has the wrong type" % (number, key))
    if not isinstance(test.get("name"), str) or "score" not in test:
        raise ResultsError("test %d needs a name and a score" % number)
    if test.get("max_score") is not None and not 0 <= test["score"] <= test["max_score"]:
        raise ResultsError("test %d: score %s outside [0, %s]" % (
            number, test["score"], test["max_score"]))
    if test.get("visibility", "visible") not in VISIBILITIES:
        raise ResultsError("test %d: bad visibility %r" % (number, test["visibility"]))
    if test.get("status") not in (None, "passed", "failed"):
        raise ResultsError("test %d: status must be passed or failed" % number)


def validate(results: dict) -> None:
    """Raise ResultsError unless results follows the autograder specification."""
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        raise ResultsError("results must be an object with a list of tests")
    if not isinstance(results.get("score"), (int, float)) or results["score"] < 0:
        raise ResultsError("score must be a non-negative number")
    for key in ("visibility", "stdout_visibility"):
        if key in results and results[key] not in VISIBILITIES:
            raise ResultsError("%s %r is not one of %s" % (key, results[key], sorted(VISIBILITIES)))
    for number, test in enumerate(results["tests"], 1):
        if not isinstance(test, dict):
            raise ResultsError("test %d is not an object" % number)
        _validate_test(number, test)
    if abs(results["score"] - sum(t["score"] for t in results["tests"])) > 1e-6:
        raise ResultsError("score is not the sum of the tests' scores")
    if len(json.dumps(results)) > 1_000_000:
        raise ResultsError("results.json is larger than 1 MB")


def read(path: Path) -> dict:
    """A results file, parsed and validated; ResultsError says what is wrong with it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError:
        raise ResultsError("no results file at %s" % path) from None
    except ValueError as error:
        raise ResultsError("%s is not valid JSON: %s" % (path, error)) from None
    validate(data)
    return data


def load(path: Path) -> dict | None:
    """A valid results file, or None (missing, half-written or invalid)."""
    try:
        return read(path)
    except ResultsError:
        return None


def write(results: dict, path: Path) -> None:
    """Validate, then replace path atomically (whatever was there before)."""
    validate(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    os.replace(temporary, path)


def table(results: dict) -> str:
    """A readable summary: test, points, status, first line of feedback."""
    lines = ["%-4s %-52s %11s  %-6s %s" % ("#", "test", "points", "status", "feedback")]
    for test in results["tests"]:
        first = (test.get("output") or "").splitlines()[0] if test.get("output") else ""
        lines.append("%-4s %-52s %5g / %-3g  %-6s %s" % (
            test.get("number", ""), test["name"][:52], test["score"], test.get("max_score", 0),
            test.get("status", ""), first[:70]))
    total = sum(t.get("max_score", 0) for t in results["tests"])
    lines.append("Total: %g / %g" % (results["score"], total))
    return "\n".join(lines)
