#!/usr/bin/env python
"""Sanity checks behind `python word2vec.py` (given; do not modify).

The dummy dataset, the seeds and the order of random draws are CS224N's, so the
expected values below are the ones CS224N publishes for a correct solution.
"""

import dataclasses
import random
import traceback
import warnings

import numpy as np

from utils.compare import diagnose_arrays
from utils.utils import normalizeRows

# CS224N's published values for skipgram on the dummy dataset, as
# (centerWord, windowSize, outsideWords, loss, gradCenterVecs, gradOutsideVectors).
SOFTMAX_CASES = [
    ("c", 3, ["a", "b", "e", "d", "b", "c"], 11.16610900153398,
     [[0., 0., 0.], [0., 0., 0.], [-1.26947339, -1.36873189, 2.45158957],
      [0., 0., 0.], [0., 0., 0.]],
     [[-0.41045956, 0.18834851, 1.43272264], [0.38202831, -0.17530219, -1.33348241],
      [0.07009355, -0.03216399, -0.24466386], [0.09472154, -0.04346509, -0.33062865],
      [-0.13638384, 0.06258276, 0.47605228]]),
    ("b", 3, ["a", "b", "e", "d", "b", "c"], 9.87714910003414,
     [[0., 0., 0.], [-0.14586705, -1.34158321, -0.29291951], [0., 0., 0.],
      [0., 0., 0.], [0., 0., 0.]],
     [[-0.30342672, 0.19808298, 0.19587419], [-0.41359958, 0.27000601, 0.26699522],
      [-0.08192272, 0.05348078, 0.05288442], [0.6981188, -0.4557458, -0.45066387],
      [0.10083022, -0.06582396, -0.06508997]]),
    ("a", 3, ["a", "b", "e", "d", "b", "c"], 10.810758628593335,
     [[-1.1790274, -1.35861865, 1.53590492], [0., 0., 0.], [0., 0., 0.],
      [0., 0., 0.], [0., 0., 0.]],
     [[-7.96035953e-01, -1.79609012e-02, 2.07761330e-01],
      [1.40175316e+00, 3.16276545e-02, -3.65850437e-01],
      [-1.99691259e-01, -4.50561933e-03, 5.21184016e-02],
      [2.02560028e-02, 4.57034715e-04, -5.28671357e-03],
      [-4.26281954e-01, -9.61816867e-03, 1.11257419e-01]]),
]

NEGSAMP_CASES = [
    ("c", 1, ["a", "b"], 16.15119285363322,
     [[0., 0., 0.], [0., 0., 0.], [-4.54650789, -1.85942252, 0.76397441],
      [0., 0., 0.], [0., 0., 0.]],
     [[-0.69148188, 0.31730185, 2.41364029], [-0.22716495, 0.10423969, 0.79292674],
      [-0.45528438, 0.20891737, 1.58918512], [-0.31602611, 0.14501561, 1.10309954],
      [-0.80620296, 0.36994417, 2.81407799]]),
    ("c", 2, ["a", "b", "c", "a"], 28.653567707668795,
     [[0., 0., 0.], [0., 0., 0.], [-6.42994865, -2.16396482, -1.89240934],
      [0., 0., 0.], [0., 0., 0.]],
     [[-0.80413277, 0.36899421, 2.80685192], [-0.9277269, 0.42570813, 3.23826131],
      [-0.7511534, 0.34468345, 2.62192569], [-0.94807832, 0.43504684, 3.30929863],
      [-1.12868414, 0.51792184, 3.93970919]]),
    ("a", 3, ["a", "b", "e", "d", "b", "c"], 60.648705494891914,
     [[-17.89425315, -7.36940626, -1.23364121], [0., 0., 0.], [0., 0., 0.],
      [0., 0., 0.], [0., 0., 0.]],
     [[-6.4780819, -0.14616449, 1.69074639], [-0.86337952, -0.01948037, 0.22533766],
      [-9.59525734, -0.21649709, 2.5043133], [-6.02261515, -0.13588783, 1.57187189],
      [-9.69010072, -0.21863704, 2.52906694]]),
]

# Published values rounded to 8 digits: np.allclose's default tolerances.
RTOL, ATOL = 1e-5, 1e-8


def getDummyObjects():
    """The dummy dataset, vectors and vocabulary of CS224N's sanity checks.

    Return:
    dataset -- an object with sampleTokenIdx() and getRandomContext(C)
    dummy_vectors -- numpy array of shape (10, 3): 5 center vectors, then 5 outside vectors
    dummy_tokens -- dict mapping the words "a".."e" to 0..4
    """
    def dummySampleTokenIdx():
        return random.randint(0, 4)

    def getRandomContext(C):
        tokens = ["a", "b", "c", "d", "e"]
        return tokens[random.randint(0, 4)], [tokens[random.randint(0, 4)] for _ in range(2 * C)]

    dataset = type("dummy", (), {})()
    dataset.sampleTokenIdx = dummySampleTokenIdx
    dataset.getRandomContext = getRandomContext

    random.seed(31415)
    np.random.seed(9265)
    dummy_vectors = normalizeRows(np.random.randn(10, 3))
    dummy_tokens = {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4}
    return dataset, dummy_vectors, dummy_tokens


# How many failures gave each hint: a hint is printed with its first failure only.
HINTS_GIVEN = {}


def report(mismatch, function):
    """Print a mismatch (or nothing); return True when there was none."""
    if mismatch is None:
        return True
    if mismatch.hint:
        HINTS_GIVEN[mismatch.hint] = HINTS_GIVEN.get(mismatch.hint, 0) + 1
        if HINTS_GIVEN[mismatch.hint] > 1:
            mismatch = dataclasses.replace(mismatch, hint=None)
    print("FAILED %s: %s" % (function, mismatch.format()))
    return False


def hintSummary():
    """One line per hint that more than one failure gave, with the count."""
    return ["hint given for %d failures (shown once above): %s" % (count, hint)
            for hint, count in HINTS_GIVEN.items() if count > 1]


def check_sigmoid(sigmoid):
    """CS224N's sigmoid values, plus large inputs that must not overflow."""
    ok = report(diagnose_arrays(sigmoid(0), 0.5, name="sigmoid(0)"), "sigmoid")
    ok = report(diagnose_arrays(sigmoid(np.array([0])), [0.5], name="sigmoid([0])"), "sigmoid") and ok
    ok = report(diagnose_arrays(sigmoid(np.array([1, 2, 3])), [0.73105858, 0.88079708, 0.95257413],
                                name="sigmoid([1, 2, 3])"), "sigmoid") and ok
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            got = sigmoid(np.array([-1000.0, 1000.0]))
        except RuntimeWarning as warning:
            print("FAILED sigmoid: sigmoid([-1000, 1000]) warns %r\n  hint: exp(-x) overflows "
                  "for x = -1000; compute it from exp(-|x|), which never overflows." % str(warning))
            return False
    ok = report(diagnose_arrays(got, [0.0, 1.0], name="sigmoid([-1000, 1000])"), "sigmoid") and ok
    if ok:
        print("Tests for sigmoid passed!")
    return ok


def check_softmax(softmax):
    """Vector, row-wise matrix, large values; the input must stay unchanged."""
    cases = [
        ("softmax([1, 2])", np.array([1.0, 2.0]), [0.26894142, 0.73105858]),
        ("softmax([[1001, 1002], [3, 4]])", np.array([[1001.0, 1002.0], [3.0, 4.0]]),
         [[0.26894142, 0.73105858], [0.26894142, 0.73105858]]),
        ("softmax([[-1001, -1002]])", np.array([[-1001.0, -1002.0]]), [[0.73105858, 0.26894142]]),
    ]
    ok = True
    for name, x, expected in cases:
        before = x.copy()
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                got = softmax(x)
            except RuntimeWarning as warning:
                print("FAILED softmax: %s warns %r\n  hint: subtract the (row) maximum before "
                      "exponentiating." % (name, str(warning)))
                ok = False
                continue
        ok = report(diagnose_arrays(got, expected, name=name), "softmax") and ok
        if not np.array_equal(x, before):
            print("FAILED softmax: %s modified its input x.\n  hint: `x -= ...` changes the "
                  "caller's array; write `x = x - ...` instead." % name)
            ok = False
    if ok:
        print("Tests for softmax passed!")
    return ok


class _RecordingDataset:
    """Wraps a dataset and records the negative samples it hands out."""

    def __init__(self, dataset):
        self._dataset = dataset
        self.drawn = []

    def sampleTokenIdx(self):
        """Draw from the wrapped dataset and remember the draw."""
        idx = self._dataset.sampleTokenIdx()
        self.drawn.append(idx)
        return idx

    def getRandomContext(self, C):
        """Delegate to the wrapped dataset."""
        return self._dataset.getRandomContext(C)


def _skipgram_cases(title, cases, skipgram, dummy_tokens, dummy_vectors, dataset, lossFunction):
    print("\n====== Skip-gram with %s: CS224N's test cases ======" % title)
    allOk = True
    for number, (center, window, outside, loss, gradCenter, gradOutside) in enumerate(cases, 1):
        recording = _RecordingDataset(dataset)
        args = (center, window, outside, dummy_tokens, dummy_vectors[:5, :], dummy_vectors[5:, :],
                recording)
        got = skipgram(*args) if lossFunction is None else skipgram(*args, lossFunction)
        counts = np.bincount(recording.drawn, minlength=5) if recording.drawn else np.zeros(5)
        duplicates = [int(w) for w in np.flatnonzero(counts > 1)]
        function = "skipgram(%r, %d, %s) with %s" % (center, window, outside, title)
        ok = report(diagnose_arrays(got[0], loss, name="loss", window=len(outside)), function)
        ok = report(diagnose_arrays(got[1], gradCenter, name="gradCenterVecs",
                                    window=len(outside)), function) and ok
        ok = report(diagnose_arrays(got[2], gradOutside, name="gradOutsideVectors",
                                    duplicate_rows=duplicates, window=len(outside)),
                    function) and ok
        if ok:
            print("Test %d passed!" % number)
        allOk = allOk and ok
    if allOk:
        print("All %d tests passed!" % len(cases))
    return allOk


def grad_tests_softmax(skipgram, dummy_tokens, dummy_vectors, dataset):
    """Compare skipgram with naive softmax against CS224N's published values."""
    return _skipgram_cases("naiveSoftmaxLossAndGradient", SOFTMAX_CASES, skipgram, dummy_tokens,
                           dummy_vectors, dataset, None)


def grad_tests_negsamp(skipgram, dummy_tokens, dummy_vectors, dataset, negSamplingLossAndGradient):
    """Compare skipgram with negative sampling against CS224N's published values.

    These values hold only after the gradient checks that precede them in
    test_skipgram, since they consume the same random draws.
    """
    return _skipgram_cases("negSamplingLossAndGradient", NEGSAMP_CASES, skipgram, dummy_tokens,
                           dummy_vectors, dataset, negSamplingLossAndGradient)


def run(test):
    """Run one sanity check; print a verdict; return a process exit status."""
    try:
        ok = test()
    except NotImplementedError as error:
        print("\nNOT IMPLEMENTED: %s" % error)
        return 1
    except Exception:  # pylint: disable=broad-except
        print("\nERROR: your code raised an exception (traceback below).")
        traceback.print_exc()
        return 1
    print("\n" + "-" * 40)
    for line in hintSummary():
        print(line)
    print("ALL SANITY CHECKS PASSED" if ok else "SOME SANITY CHECKS FAILED: see the messages above")
    print("-" * 40)
    return 0 if ok else 1
