#!/usr/bin/env python
"""Numerical gradient checking (given; do not modify)."""

import random

import numpy as np

from utils.compare import diagnose_arrays

H = 1e-4          # step of the centred difference: do not change
THRESHOLD = 1e-5  # largest accepted relative difference


def gradcheck_naive(f, x, gradientText):
    """Check the gradient that f returns against centred finite differences.

    Every evaluation of f starts from the same state of Python's `random`
    module, so a loss that draws random samples (negative sampling, random
    contexts) sees the same draws at x, x + h and x - h.

    Passing only proves that the loss and the gradient agree with each other:
    a wrong loss with its matching gradient passes too (and so do all zeros).

    Arguments:
    f -- function taking one argument (an array shaped like x) and returning
         (loss: float, gradient: array shaped like x)
    x -- numpy float array of any shape: the point to check at; it is perturbed
         in place and restored
    gradientText -- a short text naming what is being checked, used in messages

    Return:
    True when every entry agrees to a relative difference of 1e-5, else False
    (and a message naming the first wrong index, both values and a hint).
    """
    state = random.getstate()
    random.setstate(state)
    _, grad = f(x)
    grad = np.asarray(grad, dtype=float)
    if grad.shape != x.shape:
        print("Gradient check failed for %s: the gradient has shape %s but the "
              "point has shape %s." % (gradientText, grad.shape, x.shape))
        return False

    numgrad = np.zeros(x.shape)
    for ix in np.ndindex(*x.shape):
        original = x[ix]
        x[ix] = original + H
        random.setstate(state)
        lossPlus, _ = f(x)
        x[ix] = original - H
        random.setstate(state)
        lossMinus, _ = f(x)
        x[ix] = original
        numgrad[ix] = (lossPlus - lossMinus) / (2 * H)

    reldiff = np.abs(numgrad - grad) / np.maximum(1.0, np.maximum(np.abs(numgrad), np.abs(grad)))
    bad = np.argwhere(~(reldiff <= THRESHOLD))
    if len(bad) == 0:
        print("Gradient check passed for %s." % gradientText)
        return True

    ix = tuple(int(i) for i in bad[0])
    print("Gradient check failed for %s." % gradientText)
    print("First gradient error found at index %s (of %d wrong entries out of %d)."
          % (ix, len(bad), grad.size))
    print("Your gradient: %f \t Numerical gradient: %f" % (grad[ix], numgrad[ix]))
    report = diagnose_arrays(grad, numgrad, rtol=1e-4, atol=1e-6)
    if report is not None and report.hint:
        print("Hint: " + report.hint)
    return False
