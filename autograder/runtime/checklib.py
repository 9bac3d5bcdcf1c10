"""Declare graded checks and cost tests; compare outputs with explicit tolerances.

Given code (do not modify). The framework ships this module next to the
student's code: in the handout (for `python check.py`) and in the autograder's
sandboxed children. It needs numpy and the standard library only.

A Check has three parts, side by side in an assignment's checks module:
`inputs(rng, hidden)` builds one case (a hidden case may have other shapes),
`probe(module, case)` calls the student's function and returns raw outputs
(it runs in the student's process), and `judge(got, expected, case, tol)`
compares those outputs with the reference's outputs on the same case (it runs
in the grader) and returns a Judgement. A Cost declares how to build one call
of a function at a given size; the grader measures it against the reference.
Finals, when the assignment has a written part with final answers, declares the
random points at which its boxed results are checked (see exprlib).
"""

from __future__ import annotations

import json
import math
import os
import traceback
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

PUBLIC_SEED = 224
PLAIN = (bool, int, float, str, type(None))
# Bound at import, before student code runs: patching json or numpy later changes nothing here.
_DUMPS, _LOADS, _SAVE, _ASARRAY = json.dumps, json.loads, np.save, np.asarray


# ---------------------------------------------------------------- declarations

@dataclass(frozen=True)
class Tolerance:
    """How close a value must be: |got - expected| <= atol + rtol * |expected|."""

    rtol: float = 1e-5
    atol: float = 1e-7


@dataclass
class Judgement:
    """The fraction of a check's points earned, the feedback lines and the hints among them."""

    fraction: float
    messages: List[str] = field(default_factory=list)
    hints: List[str] = field(default_factory=list)

    def add(self, message: str, hint: Optional[str] = None) -> None:
        """One more feedback line (and the hint it gives, if any)."""
        self.messages.append(message)
        if hint:
            self.hints.append(hint)


@dataclass(frozen=True)
class Check:
    """One graded check: its inputs, its probe (student's process), its judge (grader)."""

    name: str
    module: str                                            # student module, without .py
    inputs: Callable[[np.random.Generator, bool], Dict[str, Any]]
    probe: Callable[[Any, Dict[str, Any]], Any]
    judge: Callable[[Any, Any, Dict[str, Any], Tolerance], Judgement]
    # optional: a hint for an exception the student's code raised, from its record and the case
    explain: Optional[Callable[[dict, Dict[str, Any]], Optional[str]]] = None

    def case(self, seed: int, hidden: bool) -> Dict[str, Any]:
        """The inputs for a seed: each check draws from its own stream, named by the check."""
        return self.inputs(np.random.default_rng([seed, zlib.crc32(self.name.encode())]), hidden)


@dataclass(frozen=True)
class Cost:
    """A cost test: how to call a function at a size, and what its cost is compared with.

    setup(module, size, rng) does everything but the measured calls and returns
    call(i), which makes one; the grader times `repeat[size]` calls, less the
    setup's CPU time, for the student and the reference in the same run.
    """

    name: str
    module: str
    setup: Callable[[Any, int, np.random.Generator], Callable[[int], Any]]
    repeat: Dict[int, int]                      # size -> calls per measurement
    judged: Tuple[int, ...] = ()                # sizes where the ratio counts (default: all)
    cheaper_than: Optional[str] = None          # a cost the reference pays more for at the largest size
    advice: str = ""                            # shown when too slow
    size_name: str = "n"

    @property
    def sizes(self) -> Tuple[int, ...]:
        """The sizes measured, ascending."""
        return tuple(sorted(self.repeat))

    def growth(self, seconds: Dict[int, float]) -> float:
        """The exponent k of a cost growing like size^k, from the smallest size to the largest."""
        small, large = self.sizes[0], self.sizes[-1]
        return math.log(seconds[large] / seconds[small]) / math.log(large / small)


@dataclass(frozen=True)
class Finals:
    """Where the written part's final answers are checked: random points for each result.

    points(result, rng) returns the environments (see exprlib) at which one boxed
    result is evaluated, the reference's and the student's alike: `result` is the
    result's entry in the results file without its expression (its "id", "kind" and
    the other keys the assignment gives it). Draw every value from rng.
    """

    points: Callable[[Dict[str, Any], np.random.Generator], List[Dict[str, Any]]]

    def environments(self, result: Dict[str, Any], seed: int) -> List[Dict[str, Any]]:
        """The points of a result for a seed: each result draws from its own stream."""
        return self.points(result, np.random.default_rng([seed, zlib.crc32(str(result["id"])
                                                                           .encode())]))


# ---------------------------------------------------------------- the wire format

class Opaque:
    """Stands for a returned object that is neither a plain array nor a JSON value."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return "<%s %s>" % (self.type_name, self.text)


def _type_name(value) -> str:
    module = type(value).__module__
    return type(value).__qualname__ if module == "builtins" else module + "." + type(value).__qualname__


def _describe(value) -> dict:
    try:
        text = repr(value)
    except BaseException:  # pylint: disable=broad-except
        text = "<repr failed>"
    return {"__opaque__": _type_name(value), "repr": text[:200]}


def inline_array(array: np.ndarray) -> dict:
    """An array as JSON, exactly (floats are written with repr)."""
    return {"__array__": {"dtype": array.dtype.str, "shape": list(array.shape),
                          "data": array.ravel().tolist()}}


def encode(value, store: Callable[[np.ndarray], dict] = inline_array):
    """JSON for plain values; exact numeric arrays through store; a description otherwise."""
    kind = type(value)
    if kind is np.ndarray and value.dtype.kind in "biuf":
        return store(value)
    if kind in (np.float64, np.float32, np.int64, np.int32, np.bool_):
        return store(_ASARRAY(value))
    if kind in PLAIN:
        return value
    if kind in (list, tuple):
        return {"__list__": [encode(v, store) for v in value], "tuple": kind is tuple}
    if kind is dict and all(type(k) is str for k in value):  # pylint: disable=unidiomatic-typecheck
        return {"__dict__": {k: encode(v, store) for k, v in value.items()}}
    return _describe(value)


def decode(value, load: Callable[[str], Any] = None):  # pylint: disable=too-many-return-statements
    """The inverse of encode; load reads a stored array by name (never with pickle)."""
    if isinstance(value, list):
        return [decode(v, load) for v in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        spec = value["__array__"]
        try:
            return np.array(spec["data"], dtype=np.dtype(spec["dtype"])).reshape(spec["shape"])
        except (TypeError, ValueError, KeyError):
            return Opaque("unreadable array")
    if "__npy__" in value:
        return load(str(value["__npy__"])) if load else Opaque("array")
    if "__opaque__" in value:
        return Opaque(str(value["__opaque__"]), str(value.get("repr", "")))
    if "__list__" in value and isinstance(value["__list__"], list):
        items = [decode(v, load) for v in value["__list__"]]
        return tuple(items) if value.get("tuple") else items
    if "__dict__" in value and isinstance(value["__dict__"], dict):
        return {str(k): decode(v, load) for k, v in value["__dict__"].items()}
    return Opaque("dict")


def roundtrip(value):
    """What the grader would receive for value (the local check judges the same thing)."""
    return decode(_LOADS(_DUMPS(encode(value))))


def dumps(value) -> str:
    """JSON text of a plain structure (bound before student code runs)."""
    return _DUMPS(value)


def error_record(error: BaseException, student_files: Sequence[str]) -> dict:
    """What an exception says: type, message, and the line of the student's code it came from."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if os.path.basename(f.filename) in student_files]
    where = "%s line %d" % (os.path.basename(frames[-1].filename), frames[-1].lineno) \
        if frames else ""
    return {"status": "error", "error": type(error).__name__, "message": str(error)[:500],
            "where": where}


# ---------------------------------------------------------------- comparing values

@dataclass
class Mismatch:
    """Why `got` is not `expected`; `format()` renders it for a student."""

    name: str
    problem: str
    index: Optional[tuple] = None
    expected_value: Optional[float] = None
    got_value: Optional[float] = None
    hint: Optional[str] = None

    def format(self) -> str:
        """Several lines: the problem, the first wrong entry, the hint."""
        lines = ["%s: %s" % (self.name, self.problem)]
        if self.index is not None:
            lines.append("  first wrong entry at index %s: expected %.8g, got %.8g"
                         % (self.index, self.expected_value, self.got_value))
        if self.hint:
            lines.append("  hint: " + self.hint)
        return "\n".join(lines)


# A known-mistake detector: (got, expected, wrong entries, tolerance) -> a hint or None.
Hint = Callable[[np.ndarray, np.ndarray, np.ndarray, Tolerance], Optional[str]]


def _as_array(got, expected: np.ndarray, name: str, strict: bool):
    """(array, None) when got is a usable numeric array, else (None, Mismatch)."""
    if got is None:
        return None, Mismatch(name, "is None", hint="did you forget to assign it or to return it?")
    scalar = expected.ndim == 0
    if isinstance(got, Opaque):
        return None, Mismatch(name, "has type %s, expected %s" % (
            got.type_name, "a float" if scalar else "numpy.ndarray"),
            hint="return a plain numpy array (not a subclass, list or custom object)")
    if strict and not (type(got) is np.ndarray  # pylint: disable=unidiomatic-typecheck
                       or (scalar and type(got) in (float, int, np.float64, np.float32))):
        return None, Mismatch(name, "has type %s, expected %s" % (
            _type_name(got), "a float" if scalar else "numpy.ndarray"),
            hint="return a plain numpy array (not a subclass, list or custom object)")
    try:
        arr = np.asarray(got)
    except Exception:  # pylint: disable=broad-except
        return None, Mismatch(name, "cannot be converted to a numpy array (type %s)"
                              % _type_name(got))
    if arr.dtype.kind not in "fiu" or (strict and arr.dtype.kind != "f" and not scalar):
        return None, Mismatch(name, "has dtype %s, expected a float array" % arr.dtype,
                              hint="build it with numpy float operations (np.zeros, @, np.outer, ...)")
    return arr.astype(float, copy=False), None


def _shape_hint(arr: np.ndarray, expected: np.ndarray) -> Optional[str]:
    if arr.size == 1 and expected.ndim == 0:
        return "return a scalar, not an array of one element."
    if arr.ndim == 2 and arr.shape == expected.shape[::-1]:
        return "the shape is transposed: check which axis is which."
    if arr.size == expected.size:
        return "right number of entries, wrong shape: check for a missing reshape or an extra axis."
    return None


def diagnose(got, expected, *, name: str = "output", tol: Tolerance = Tolerance(),
             strict: bool = False, hints: Iterable[Hint] = ()) -> Optional[Mismatch]:
    """None when got matches expected (same shape, all close), else a Mismatch.

    strict -- require an exact numpy.ndarray of float dtype (the grader's rule);
              otherwise any numeric array-like of the right shape is accepted.
    hints -- known-mistake detectors, tried in order when values differ.
    """
    expected = np.asarray(expected, dtype=float)
    arr, problem = _as_array(got, expected, name, strict)
    if problem is not None:
        return problem
    if arr.shape != expected.shape:
        return Mismatch(name, "has shape %s, expected %s" % (arr.shape, expected.shape),
                        hint=_shape_hint(arr, expected))
    finite = np.isfinite(arr)
    if not np.all(finite):
        ix = tuple(int(i) for i in np.argwhere(~finite)[0])
        return Mismatch(name, "contains %d non-finite values (NaN or inf)" % np.count_nonzero(~finite),
                        index=ix, expected_value=float(expected[ix]), got_value=float(arr[ix]),
                        hint="an exp or log overflowed: use a numerically stable form "
                             "(subtract the max before exp; never exp a large positive number).")
    wrong = ~np.isclose(arr, expected, rtol=tol.rtol, atol=tol.atol)
    if not np.any(wrong):
        return None
    ix = tuple(int(i) for i in np.argwhere(wrong)[0]) if arr.ndim else ()
    found = next((h for h in (detect(arr, expected, wrong, tol) for detect in hints) if h), None)
    return Mismatch(name, "%d of %d entries differ (tolerance rtol=%g, atol=%g)" % (
        np.count_nonzero(wrong), wrong.size, tol.rtol, tol.atol),
        index=ix, expected_value=float(expected[ix]), got_value=float(arr[ix]), hint=found)


# ---------------------------------------------------------------- generic judges

def named(value, names: Sequence[str]) -> dict:
    """A returned tuple as named outputs; anything else under "returned"."""
    if not isinstance(value, tuple) or len(value) != len(names):
        return {"returned": value}
    return dict(zip(names, value))


def judge_arrays(got: dict, expected: dict, keys: Sequence[str], tol: Tolerance,
                 function: str, hints: Iterable[Hint] = ()) -> Judgement:
    """The share of outputs (keys) that match numerically, with one message per wrong one."""
    if "returned" in got:
        returned = got["returned"]
        return Judgement(0.0, ["%s returned %s instead of a tuple of %d values" % (
            function, returned.type_name if isinstance(returned, Opaque) else _type_name(returned),
            len(keys))])
    judgement, passed, hints = Judgement(0.0), 0, list(hints)
    for key in keys:
        mismatch = diagnose(got.get(key), expected[key], name=key, tol=tol, strict=True,
                            hints=hints)
        if mismatch is None:
            passed += 1
        else:
            judgement.add("%s: %s" % (function, mismatch.format()), mismatch.hint)
    judgement.fraction = passed / len(keys)
    return judgement


def judge_equal(got, expected, what: str) -> Judgement:
    """All or nothing for values compared exactly: strings, lists, dicts, integers."""
    if got == expected and type(got) is type(expected):  # pylint: disable=unidiomatic-typecheck
        return Judgement(1.0)
    shown = got.type_name if isinstance(got, Opaque) else repr(got)
    return Judgement(0.0, ["%s: expected %r, got %s" % (what, expected, shown[:300])])


def judge_consistent(got: dict, pairs: Sequence[Tuple[str, str]], function: str,
                     tol: Tolerance, advice: str = "") -> Judgement:
    """Do returned gradients agree with centred differences of the student's own function?

    pairs -- (returned gradient key, numerical gradient key). A gradient of the
    wrong shape but the right number of entries is compared reshaped: its shape
    is one problem (reported by the value comparison), its values another.
    """
    reshaped = []
    for key, numeric in pairs:
        value, target = got.get(key), got[numeric]
        if isinstance(value, np.ndarray) and value.shape != target.shape \
                and value.size == target.size:
            value = value.reshape(target.shape)
            reshaped.append(key)
        if diagnose(value, target, tol=tol, strict=True) is not None:
            return Judgement(0.0, ["%s: your gradients disagree with centred differences of "
                                   "your own loss%s" % (function, advice)])
    if reshaped:
        return Judgement(1.0, ["%s: once reshaped, %s agree%s with centred differences of your "
                               "own loss: only the shape is wrong" % (
                                   function, " and ".join(reshaped), "" if len(reshaped) > 1
                                   else "s")])
    return Judgement(1.0)


def numeric_gradient(function: Callable[[np.ndarray], float], x: np.ndarray,
                     h: float = 1e-5) -> np.ndarray:
    """Centred differences of function(x) -> float, one entry at a time."""
    numeric = np.zeros(x.shape)
    for ix in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[ix] += h
        minus[ix] -= h
        numeric[ix] = (float(function(plus)) - float(function(minus))) / (2 * h)
    return numeric


def combine(*parts: Tuple[float, Judgement]) -> Judgement:
    """A weighted sum of judgements (weights sum to 1), messages and hints concatenated."""
    total = Judgement(sum(weight * part.fraction for weight, part in parts))
    for _, part in parts:
        total.messages += part.messages
        total.hints += part.hints
    return total


# ---------------------------------------------------------------- one probe, judged

def where_suffix(record: dict) -> str:
    """Where an error record's exception came from, as a suffix such as " (a.py line 40)"."""
    return " (%s)" % record["where"] if record.get("where") else ""


def judge_record(check: Check, record: dict, expected, case: dict, tol: Tolerance) -> Judgement:
    """The verdict on what one probe reported: its outputs judged, or its error explained."""
    if record.get("status") == "error":
        where = where_suffix(record)
        if record.get("error") == "NotImplementedError":
            return Judgement(0.0, ["not implemented yet" + where])
        message = str(record.get("message"))
        parts = message.split("'")
        if record.get("error") == "AttributeError" and not where and len(parts) == 5 \
                and parts[0] == "module " and parts[1] == check.module \
                and parts[2] == " has no attribute ":
            return Judgement(0.0, ["%s.py no longer defines %s at module level as the handout "
                                   "does: restore the given code" % (parts[1], parts[3])])
        judgement = Judgement(0.0, ["your code raised %s: %s%s" % (
            record.get("error"), message, where)])
        hint = check.explain(record, case) if check.explain else None
        if hint:
            judgement.add("  hint: " + hint, hint)
        return judgement
    judgement = check.judge(record.get("outputs"), expected, case, tol)
    judgement.fraction = min(max(float(judgement.fraction), 0.0), 1.0)
    return judgement
