"""Every known-mistake hint is reachable: the mistake it names produces it, through the
same comparison the judges and the sanity checks use."""

import numpy as np
import pytest

import autograder  # noqa: F401  pylint: disable=unused-import  # puts checklib on the path


@pytest.fixture(name="diagnose")
def fixture_diagnose(solutions_on_path):
    from utils.compare import diagnose_arrays
    return diagnose_arrays


RNG = np.random.default_rng(0)
MATRIX = RNG.standard_normal((4, 3))
SQUARE = RNG.standard_normal((3, 3))
SIGMA = 1 / (1 + np.exp(-RNG.standard_normal(6)))
ROWS = np.exp(MATRIX) / np.exp(MATRIX).sum(axis=1, keepdims=True)
CENTER = np.zeros((4, 3))
CENTER[2] = [1.0, -2.0, 0.5]


@pytest.mark.parametrize("got, expected, kwargs, hint", [
    (np.zeros(3), np.ones(3), {}, "all zeros"),
    (-MATRIX, MATRIX, {}, "opposite sign"),
    (SQUARE.T, SQUARE, {}, "transpose of the expected"),
    (MATRIX / 4, MATRIX, {"window": 4}, "1/4 of the expected value"),
    (np.where(np.arange(4)[:, None] == 1, 0.0, MATRIX), MATRIX, {"duplicate_rows": [1]},
     "sampled more than once"),
    (np.tile(CENTER[2], (4, 1)), CENTER, {}, "only row 2"),
    (MATRIX * 2, MATRIX, {}, "times 2"),
    (MATRIX.T.copy(), MATRIX, {}, "the shape is transposed"),
    (MATRIX.reshape(2, 6), MATRIX, {}, "right number of entries, wrong shape"),
    (np.array([1.5]), np.array(1.5), {"strict": True}, "return a scalar, not an array of one"),
    (MATRIX.view(type("Subclass", (np.ndarray,), {})), MATRIX, {"strict": True},
     "return a plain numpy array"),
    (MATRIX.astype(object), MATRIX, {"strict": True}, "float operations"),
    (np.full(3, np.nan), np.ones(3), {}, "numerically stable"),
    (None, np.ones(3), {}, "forget to assign it"),
])
def test_each_mistake_gets_its_hint(diagnose, got, expected, kwargs, hint):
    mismatch = diagnose(got, expected, **kwargs)
    assert mismatch is not None and hint in mismatch.format(), mismatch and mismatch.format()


def test_check_specific_hints(solutions_on_path):
    from checklib import Tolerance, diagnose
    from utils.compare import hints, sigmoidDerivative, softmaxAxis
    columns = np.exp(MATRIX) / np.exp(MATRIX).sum(axis=0, keepdims=True)
    whole = np.exp(MATRIX) / np.exp(MATRIX).sum()
    for got, expected, first, hint in [
            (SIGMA * (1 - SIGMA), SIGMA, sigmoidDerivative, "the sigmoid's derivative"),
            (np.zeros(4), np.array([0.0, 1e-26, 1.0, 1.0]), sigmoidDerivative,
             "the sigmoid's derivative"),  # huge inputs: the derivative is all zeros
            (columns, ROWS, softmaxAxis, "each column sums to 1"),
            (whole, ROWS, softmaxAxis, "the whole array sums to 1")]:
        mismatch = diagnose(got, expected, tol=Tolerance(), hints=hints(first=[first]))
        assert mismatch is not None and hint in (mismatch.hint or ""), (hint, mismatch)
