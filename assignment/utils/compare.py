#!/usr/bin/env python
"""Compare an output with its expected value and name word2vec's known mistakes.

Given code (do not modify). Shared by the sanity checks (`python word2vec.py`)
and by the graded checks, so that a student sees the same diagnosis locally and
on Gradescope: which output, the shape expected versus got, the first wrong
index with both values, and a hint when the pattern matches a known slip.
"""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from checklib import Mismatch, Tolerance, diagnose


def _close(a, b, tol):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol.rtol, atol=tol.atol))


def sigmoidDerivative(got, expected, wrong, tol):
    """σ(x)(1 − σ(x)) returned for σ(x): the derivative, not the function."""
    if _close(got, expected * (1.0 - expected), tol):
        return "it is σ(x)(1 - σ(x)), the sigmoid's derivative: return σ(x) itself."
    return None


def softmaxAxis(got, expected, wrong, tol):
    """A softmax normalised over the columns, or over the whole array, instead of each row."""
    if expected.ndim != 2 or got.shape != expected.shape:
        return None
    if np.allclose(got.sum(axis=0), 1.0) and not np.allclose(got.sum(axis=1), 1.0):
        return ("each column sums to 1: normalise each row instead (axis=-1, keepdims=True): "
                "a row is one vector of scores.")
    if np.isclose(got.sum(), 1.0) and expected.shape[0] > 1:
        return ("the whole array sums to 1: normalise each row separately (axis=-1, "
                "keepdims=True).")
    return None


def allZeros(got, expected, wrong, tol):
    """A result computed but never accumulated or returned."""
    if np.any(np.abs(expected) > tol.atol) and _close(got, np.zeros_like(expected), tol):
        return "it is all zeros: is the result computed but never accumulated or returned?"
    return None


def oppositeSign(got, expected, wrong, tol):
    """The derivative's sign."""
    if _close(got, -expected, tol):
        return "it has the opposite sign everywhere: check the sign of your derivative (ŷ - y, σ - 1)."
    return None


def transposed(got, expected, wrong, tol):
    """A square array with its axes swapped."""
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and _close(got, expected.T, tol):
        return "it is the transpose of the expected array: check which axis holds the words."
    return None


def averagedOver(window):
    """The skip-gram sums over the outside words; dividing by their number is a slip."""
    def hint(got, expected, wrong, tol):
        if window and window > 1 and _close(got * window, expected, tol):
            return ("it is 1/%d of the expected value: the skip-gram loss and gradients are "
                    "summed over the outside words, not averaged." % window)
        return None
    return hint


def duplicatesCountedOnce(rows):
    """Only rows of words sampled twice are wrong: `a[idx] += b` adds once per index."""
    rows = set(int(r) for r in rows)

    def hint(got, expected, wrong, tol):
        if rows and expected.ndim == 2:
            wrongRows = set(int(i) for i in np.unique(np.argwhere(wrong)[:, 0]))
            if wrongRows and wrongRows <= rows:
                return ("only rows of words sampled more than once are wrong: a negative sample "
                        "drawn twice must count twice (note that `a[idx] += b` adds only once "
                        "per repeated index; use a loop or np.add.at).")
        return None
    return hint


def centerRowOnly(got, expected, wrong, tol):
    """The center gradient belongs to the center word's row alone."""
    if expected.ndim == 2 and expected.shape[0] > 1:
        rows = np.flatnonzero(np.any(np.abs(expected) > tol.atol, axis=1))
        if len(rows) == 1 and _close(got[rows], expected[rows], tol):
            return ("only row %d (the center word's) should be non-zero: add the center "
                    "gradient to that row alone." % rows[0])
    return None


def constantFactor(got, expected, wrong, tol):
    """Right pattern, scaled."""
    nonzero = np.abs(expected) > 1e-8
    if np.count_nonzero(nonzero) >= 2 and np.all(np.abs(got[~nonzero]) <= tol.atol):
        ratio = got[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and abs(ratio.flat[0] - 1) > tol.rtol:
            return "it is the expected value times %.6g: a constant factor is off." % ratio.flat[0]
    return None


def hints(duplicate_rows: Iterable[int] = (), window: Optional[int] = None,
          first: Iterable = ()) -> list:
    """The known-mistake detectors, in the order they are tried (first: a check's own)."""
    return [*first, allZeros, oppositeSign, transposed, averagedOver(window),
            duplicatesCountedOnce(duplicate_rows), centerRowOnly, constantFactor]


def diagnose_arrays(got, expected, *, name: str = "output", rtol: float = 1e-5,
                    atol: float = 1e-8, strict: bool = False,
                    duplicate_rows: Iterable[int] = (), window: Optional[int] = None
                    ) -> Optional[Mismatch]:
    """None when got matches expected (same shape, all close), else a Mismatch with a hint.

    duplicate_rows -- rows of words that were sampled more than once (for the hint)
    window -- number of outside words in the window (for the averaging hint)
    """
    return diagnose(got, expected, name=name, tol=Tolerance(rtol, atol), strict=strict,
                    hints=hints(duplicate_rows, window))
