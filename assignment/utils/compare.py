#!/usr/bin/env python
"""Compare an output with its expected value and explain the difference.

Shared by the sanity checks in the handout and by the autograder, so that a
student sees the same diagnosis locally and on Gradescope: which output, the
shape expected versus got, the first wrong index with both values, and a hint
when the pattern matches a known mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

import numpy as np


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


def _type_name(value) -> str:
    return type(value).__module__.replace("builtins", "") + "." + type(value).__name__ \
        if type(value).__module__ != "builtins" else type(value).__name__


def _as_array(got, expected: np.ndarray, name: str, strict: bool):
    """Return (array, None) when got is a usable numeric array, else (None, Mismatch)."""
    if got is None:
        return None, Mismatch(name, "is None", hint="did you forget to assign it or to return it?")
    scalar_expected = expected.ndim == 0
    if strict:
        ok_type = type(got) is np.ndarray or (  # pylint: disable=unidiomatic-typecheck
            scalar_expected and type(got) in (float, int, np.float64, np.float32))
        if not ok_type:
            return None, Mismatch(name, "has type %s, expected %s" % (
                _type_name(got), "a float" if scalar_expected else "numpy.ndarray"),
                hint="return a plain numpy array (not a subclass, list or custom object)")
    try:
        arr = np.asarray(got)
    except Exception:  # pylint: disable=broad-except
        return None, Mismatch(name, "cannot be converted to a numpy array (type %s)" % _type_name(got))
    if arr.dtype.kind not in "fiu" or (strict and arr.dtype.kind != "f" and not scalar_expected):
        return None, Mismatch(name, "has dtype %s, expected a float array" % arr.dtype,
                              hint="build it with numpy float operations (np.zeros, @, np.outer, ...)")
    return arr.astype(float, copy=False), None


def _hint(got: np.ndarray, expected: np.ndarray, wrong: np.ndarray, rtol: float, atol: float,
          duplicate_rows: Sequence[int], window: Optional[int]) -> Optional[str]:
    """Name the known mistake that explains the difference, if one does."""
    # pylint: disable=too-many-return-statements
    def close(a, b):
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))

    if np.any(np.abs(expected) > atol) and close(got, np.zeros_like(expected)):
        return ("it is all zeros: is the result computed but never accumulated "
                "or returned?")
    if close(got, -expected):
        return "it has the opposite sign everywhere: check the sign of your derivative (ŷ - y, σ - 1)."
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and close(got, expected.T):
        return "it is the transpose of the expected array: check which axis holds the words."
    if window and window > 1 and close(got * window, expected):
        return ("it is 1/%d of the expected value: the skip-gram loss and gradients are "
                "summed over the outside words, not averaged." % window)
    if len(duplicate_rows) and expected.ndim == 2:
        wrong_rows = set(int(i) for i in np.unique(np.argwhere(wrong)[:, 0]))
        if wrong_rows and wrong_rows <= set(int(r) for r in duplicate_rows):
            return ("only rows of words sampled more than once are wrong: a negative sample "
                    "drawn twice must count twice (note that `a[idx] += b` adds only once "
                    "per repeated index; use a loop or np.add.at).")
    if expected.ndim == 2 and expected.shape[0] > 1:
        rows = np.flatnonzero(np.any(np.abs(expected) > atol, axis=1))
        if len(rows) == 1 and close(got[rows], expected[rows]):
            return ("only row %d (the center word's) should be non-zero: add the center "
                    "gradient to that row alone." % rows[0])
    nonzero = np.abs(expected) > 1e-8
    if np.count_nonzero(nonzero) >= 2 and np.all(np.abs(got[~nonzero]) <= atol):
        ratio = got[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and abs(ratio.flat[0] - 1) > rtol:
            return "it is the expected value times %.6g: a constant factor is off." % ratio.flat[0]
    return None


def diagnose_arrays(got, expected, *, name: str = "output", rtol: float = 1e-5,
                    atol: float = 1e-8, strict: bool = False,
                    duplicate_rows: Iterable[int] = (), window: Optional[int] = None
                    ) -> Optional[Mismatch]:
    """Return None when got matches expected (same shape, all close), else a Mismatch.

    strict -- require an exact numpy.ndarray of float dtype (the grader's rule);
              otherwise any numeric array-like of the right shape is accepted.
    duplicate_rows -- rows of words that were sampled more than once (for the hint)
    window -- number of outside words in the window (for the averaging hint)
    """
    expected = np.asarray(expected, dtype=float)
    arr, problem = _as_array(got, expected, name, strict)
    if problem is not None:
        return problem
    if arr.shape != expected.shape:
        hint = None
        if arr.ndim == 2 and arr.shape == expected.shape[::-1]:
            hint = "the shape is transposed: word vectors are rows, so this is (|V|, d)."
        elif arr.size == expected.size:
            hint = "right number of entries, wrong shape: check for a missing reshape or an extra axis."
        elif arr.size == 1 and expected.ndim == 0:
            hint = "return a scalar, not an array of one element."
        return Mismatch(name, "has shape %s, expected %s" % (arr.shape, expected.shape), hint=hint)
    finite = np.isfinite(arr)
    if not np.all(finite):
        ix = tuple(int(i) for i in np.argwhere(~finite)[0])
        return Mismatch(name, "contains %d non-finite values (NaN or inf)" % np.count_nonzero(~finite),
                        index=ix, expected_value=float(expected[ix]), got_value=float(arr[ix]),
                        hint="an exp or log overflowed: use a numerically stable form "
                             "(subtract the max before exp; never exp a large positive number).")
    wrong = ~np.isclose(arr, expected, rtol=rtol, atol=atol)
    if not np.any(wrong):
        return None
    ix = tuple(int(i) for i in np.argwhere(wrong)[0]) if arr.ndim else ()
    return Mismatch(
        name, "%d of %d entries differ (tolerance rtol=%g, atol=%g)" % (
            np.count_nonzero(wrong), wrong.size, rtol, atol),
        index=ix, expected_value=float(expected[ix]), got_value=float(arr[ix]),
        hint=_hint(arr, expected, wrong, rtol, atol, list(duplicate_rows), window))
