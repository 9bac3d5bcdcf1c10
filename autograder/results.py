"""results.json for Gradescope: built from the grader's state, validated, written once."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

MAX_TEST_OUTPUT = 8000     # characters per test's output
MAX_TOP_OUTPUT = 8000
TEST_KEYS = {"score": (int, float), "max_score": (int, float), "name": str, "number": str,
             "output": str, "visibility": str, "status": str, "tags": list, "extra_data": dict,
             "output_format": str, "name_format": str}
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
# Gradescope's output formats. Names and outputs carry student-controlled text (file
# names, source lines, exception messages): declared "text", never rendered as HTML.
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TEXT = "text"
TOP_FORMAT_KEYS = ("output_format", "test_output_format", "test_name_format")
TEST_FORMAT_KEYS = ("output_format", "name_format")
DECIMALS = 4  # a score is rounded once, to this many decimals, when results are built
TEMPORARY_PREFIX = ".results-"  # a file being written; a batch removes those of killed graders


class ResultsError(Exception):
    """A results dictionary does not follow Gradescope's specification."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 40] + "\n... (output truncated)"


def build(tests, execution_time: float, notes: list[str], extra_data: dict | None = None) -> dict:
    """The results dictionary: total score, per-test rows, grader notes on top.

    The total is the exact sum of the tests' scores, rounded once (each row shows its
    own score rounded the same way). Every name and output is declared plain text.
    extra_data, when given, is the submission's own structured data (see `unusable`).
    """
    rows = [{"score": round(t.score, DECIMALS), "max_score": t.max_score, "name": t.name,
             "number": t.number, "output": _clip(t.output, MAX_TEST_OUTPUT),
             "visibility": t.visibility, "status": t.status, "tags": list(t.tags),
             **dict.fromkeys(TEST_FORMAT_KEYS, TEXT),
             **({"extra_data": dict(t.extra_data)} if t.extra_data else {})} for t in tests]
    return {"score": round(math.fsum(t.score for t in tests), DECIMALS),
            "execution_time": round(execution_time, 2),
            "output": _clip("\n".join(notes), MAX_TOP_OUTPUT),
            **dict.fromkeys(TOP_FORMAT_KEYS, TEXT),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": rows,
            **({"extra_data": dict(extra_data)} if extra_data else {})}


def unusable(results: dict) -> list[str] | None:
    """The required files a submission lacked or that could not run, when every one did.

    Read from the results' top-level extra_data, {"required": [...], "unusable": [...]}
    as the grader records it: a non-empty list means the submission holds no code to
    grade (empty, binary, unparsable); None means some code ran, or the file does not say.
    """
    extra = results.get("extra_data")
    if not isinstance(extra, dict):
        return None
    required, bad = extra.get("required"), extra.get("unusable")
    if not (isinstance(required, list) and isinstance(bad, list) and required):
        return None
    return [str(name) for name in required] if set(map(str, required)) <= set(map(str, bad)) \
        else None


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
    for key in TEST_FORMAT_KEYS:
        if test.get(key, TEXT) not in FORMATS:
            raise ResultsError("test %d: %s %r is not one of %s" % (
                number, key, test[key], sorted(FORMATS)))


def validate(results: dict) -> None:
    """Raise ResultsError unless results follows the autograder specification."""
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        raise ResultsError("results must be an object with a list of tests")
    if not isinstance(results.get("score"), (int, float)) or results["score"] < 0:
        raise ResultsError("score must be a non-negative number")
    for key in ("visibility", "stdout_visibility"):
        if key in results and results[key] not in VISIBILITIES:
            raise ResultsError("%s %r is not one of %s" % (key, results[key], sorted(VISIBILITIES)))
    for key in TOP_FORMAT_KEYS:
        if results.get(key, TEXT) not in FORMATS:
            raise ResultsError("%s %r is not one of %s" % (key, results[key], sorted(FORMATS)))
    if not isinstance(results.get("extra_data", {}), dict):
        raise ResultsError("extra_data must be an object")
    for number, test in enumerate(results["tests"], 1):
        if not isinstance(test, dict):
            raise ResultsError("test %d is not an object" % number)
        _validate_test(number, test)
    # the total is rounded once, each row too: they may differ by half a unit per row
    slack = 1e-6 + 0.5 * 10 ** -DECIMALS * len(results["tests"])
    if abs(results["score"] - math.fsum(t["score"] for t in results["tests"])) > slack:
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
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX)
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
