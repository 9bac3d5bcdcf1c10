#!/usr/bin/env python
"""The public checks: what the autograder tests with visible feedback (given).

Each check has two halves, so that the autograder can run them apart:
`probe` calls the student's functions on fixed inputs and returns their raw
outputs (run in the student's process); `judge` compares those outputs with
the expected ones and explains any difference (run by the grader). The local
`python check.py` runs both halves here. The expected outputs were computed
with the reference solution and ship in `public_expected.npz`; hidden tests
use the same checks on other inputs.
"""

import os
import warnings
from dataclasses import dataclass
from typing import Callable, Dict, List, Tuple

import numpy as np

from utils.compare import diagnose_arrays

# How close a value must be to the expected one (the autograder sets these from
# its config.ini), and how close a gradient to centred differences of the loss.
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}
GRADIENT_CHECK_TOLERANCE = {"rtol": 1e-4, "atol": 1e-6}
EXPECTED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "public_expected.npz")
PUBLIC_SEED = 224


class ScriptedSamples:
    """A dataset whose sampleTokenIdx() hands out a fixed list of samples, in order."""

    def __init__(self, samples):
        self._samples = [int(s) for s in samples]
        self.drawn = 0

    def sampleTokenIdx(self):
        """The next scripted sample."""
        if self.drawn == len(self._samples):
            raise RuntimeError("sampleTokenIdx() was called more often than K times per outside "
                               "word: call getNegativeSamples once and do not draw samples yourself")
        self.drawn += 1
        return self._samples[self.drawn - 1]


def _result(value, names):
    """Split a returned tuple into named outputs; describe anything else."""
    if not isinstance(value, tuple) or len(value) != len(names):
        return {"returned": value}
    return dict(zip(names, value))


# ---------------------------------------------------------------- inputs

# Shapes of the public inputs; hidden seeds draw other shapes (_hiddenShapes).
PUBLIC_SHAPES = {
    "softmax": (7, (4, 6)),                                          # vector, matrix
    "naive_small": (7, 4, 2), "naive_large": (30, 5, 29),          # (|V|, d, outside index)
    "negsamp_distinct": (12, 4, 3, [0, 1, 2, 4, 5, 6, 7, 8, 9, 10]),  # ... and the K samples
    "negsamp_repeated": (9, 3, 5, [1, 1, 4, 4, 4, 2, 7, 1, 0, 8]),
    "skipgram": (6, 3, "c", ["b", "e", "b", "a"]),                   # (|V|, d, center, window)
    "sgd": 3,                                                        # dimension of x
}
K = 10  # negative samples per outside word (the default of negSamplingLossAndGradient)
WORDS = "abcdefghijklmnopqrstuvwxyz"  # the skip-gram check's vocabulary: its first |V| letters


def _hiddenShapes(seed):
    """Other vocabulary sizes, dimensions, windows and samples for a hidden seed."""
    rng = np.random.default_rng([seed, 1])

    def samples(V, o, distinct):
        others = np.array([w for w in range(V) if w != o])
        return rng.choice(others, size=K, replace=not distinct).tolist()

    shapes = {"softmax": (int(rng.integers(3, 12)), (int(rng.integers(2, 7)),
                                                     int(rng.integers(2, 9)))),
              "naive_small": (int(rng.integers(4, 10)), int(rng.integers(2, 7)))}
    shapes["naive_small"] += (int(rng.integers(0, shapes["naive_small"][0])),)
    V = int(rng.integers(25, 60))
    shapes["naive_large"] = (V, int(rng.integers(3, 9)), V - 1)
    for name, (low, high, distinct) in {"negsamp_distinct": (K + 1, 20, True),
                                        "negsamp_repeated": (4, K, False)}.items():
        V = int(rng.integers(low, high + 1))  # |V| <= K guarantees repeated samples
        o = int(rng.integers(0, V))
        shapes[name] = (V, int(rng.integers(2, 7)), o, samples(V, o, distinct))
    V = int(rng.integers(4, 10))
    vocabulary = list(WORDS[:V])
    window = rng.choice(vocabulary, size=int(rng.integers(3, 7))).tolist()
    shapes["skipgram"] = (V, int(rng.integers(2, 6)), vocabulary[int(rng.integers(0, V))], window)
    shapes["sgd"] = int(rng.integers(2, 6))
    return shapes


def publicInputs(seed=PUBLIC_SEED):
    """The inputs of the checks: with the public seed, those of the public tests.

    The autograder's hidden tests use the same checks with another seed, which
    also changes the shapes (vocabulary sizes, dimensions, windows).
    """
    shapes = PUBLIC_SHAPES if seed == PUBLIC_SEED else _hiddenShapes(seed)
    rng = np.random.default_rng(seed)
    inputs = {
        "sigmoid": {"x": np.concatenate([[-3.0, -1.0, 0.0, 0.5, 2.0, 7.0],
                                         rng.standard_normal(10) * 4])},
        "sigmoid_large": {"x": np.array([-1000.0, -60.0, 60.0, 1000.0])},
        "softmax_vector": {"x": rng.standard_normal(shapes["softmax"][0]) * 3},
        "softmax_matrix": {"x": rng.standard_normal(shapes["softmax"][1]) * 3},
        "softmax_large": {"x": np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -1002.0]])},
    }
    for name in ("naive_small", "naive_large"):
        V, d, o = shapes[name]
        inputs[name] = {"centerWordVec": rng.standard_normal(d), "outsideWordIdx": o,
                        "outsideVectors": rng.standard_normal((V, d)) * 0.5}
    for name in ("negsamp_distinct", "negsamp_repeated"):
        V, d, o, samples = shapes[name]
        inputs[name] = {"centerWordVec": rng.standard_normal(d), "outsideWordIdx": o,
                        "outsideVectors": rng.standard_normal((V, d)) * 0.5,
                        "samples": np.array(samples)}
    V, d, center, outside = shapes["skipgram"]
    inputs["skipgram"] = {
        "centerWord": center, "outsideWords": outside,
        "word2Ind": {w: i for i, w in enumerate(WORDS[:V])},
        "centerWordVectors": rng.standard_normal((V, d)),
        "outsideVectors": rng.standard_normal((V, d)),
        "scriptedLoss": rng.standard_normal(len(outside)),
        "scriptedGradCenter": rng.standard_normal((len(outside), d)),
        "scriptedGradOutside": rng.standard_normal((len(outside), V, d)),
    }
    n = shapes["sgd"]
    if seed == PUBLIC_SEED:
        target, weights = np.array([1.5, -2.0, 0.5]), np.array([1.0, 2.0, 0.5])
    else:  # one coordinate's optimum lies below the postprocessing clip at -1.8
        target = np.concatenate([[-2.0 - rng.random()], rng.uniform(-1.5, 3.0, n - 1)])
        weights = rng.uniform(0.5, 2.0, n)
    inputs["sgd"] = {"x0": rng.standard_normal(n), "target": target, "weights": weights,
                     "step": 0.1, "iterations": 30, "annealEvery": 10}
    return inputs


# ---------------------------------------------------------------- probes

def probeSigmoid(word2vec, inputs):
    """sigmoid on ordinary and on huge inputs, recording warnings."""
    out = {"values": word2vec.sigmoid(inputs["sigmoid"]["x"].copy()),
           "scalar": word2vec.sigmoid(0.5)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out["large"] = word2vec.sigmoid(inputs["sigmoid_large"]["x"].copy())
    out["warnings"] = [str(w.message) for w in caught]
    return out


def probeSoftmax(word2vec, inputs):
    """softmax on a vector, a matrix and huge values; is the input left alone?"""
    out, modified = {}, []
    for name in ("softmax_vector", "softmax_matrix", "softmax_large"):
        x = inputs[name]["x"].copy()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out[name] = word2vec.softmax(x)
        out[name + "_warnings"] = [str(w.message) for w in caught]
        if not np.array_equal(x, inputs[name]["x"]):
            modified.append(name)
    out["modified"] = modified
    return out


def _gradientCheck(loss, x, h=1e-5):
    """Centred differences of loss(x) -> float, one entry at a time."""
    numeric = np.zeros(x.shape)
    for ix in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[ix] += h
        minus[ix] -= h
        numeric[ix] = (float(loss(plus)) - float(loss(minus))) / (2 * h)
    return numeric


def probeLoss(function, case):
    """Call a loss function once, then gradient-check it against its own loss."""
    samples = case.get("samples")

    def call(center, outside):
        dataset = ScriptedSamples(samples) if samples is not None else None
        return function(center, case["outsideWordIdx"], outside, dataset)

    center, outside = case["centerWordVec"].copy(), case["outsideVectors"].copy()
    out = _result(call(center, outside), ("loss", "gradCenterVec", "gradOutsideVecs"))
    out["inputsModified"] = not (np.array_equal(center, case["centerWordVec"])
                                 and np.array_equal(outside, case["outsideVectors"]))
    if "returned" not in out:
        out["numericGradCenterVec"] = _gradientCheck(
            lambda c: call(c, case["outsideVectors"].copy())[0], case["centerWordVec"])
        out["numericGradOutsideVecs"] = _gradientCheck(
            lambda u: call(case["centerWordVec"].copy(), u)[0], case["outsideVectors"])
    return out


def probeSkipgram(word2vec, case):
    """skipgram with a scripted loss function: tests skipgram alone."""
    calls = []

    def scriptedLoss(centerWordVec, outsideWordIdx, outsideVectors, dataset):
        i = len(calls)
        calls.append((np.array(centerWordVec, dtype=float), int(outsideWordIdx)))
        if i >= len(case["scriptedLoss"]):
            raise RuntimeError("the loss function was called more than once per outside word")
        return (float(case["scriptedLoss"][i]), case["scriptedGradCenter"][i].copy(),
                case["scriptedGradOutside"][i].copy())

    out = _result(word2vec.skipgram(
        case["centerWord"], 2, list(case["outsideWords"]), dict(case["word2Ind"]),
        case["centerWordVectors"].copy(), case["outsideVectors"].copy(), None, scriptedLoss),
        ("loss", "gradCenterVecs", "gradOutsideVectors"))
    out["calledWith"] = [idx for _, idx in calls]
    out["centerVectorsPassed"] = np.array([vec for vec, _ in calls]) if calls else np.zeros(0)
    return out


def probeSgd(sgd, case):
    """sgd on a weighted quadratic whose optimum is not zero."""
    counts = {"f": 0, "post": 0}

    def f(x):
        counts["f"] += 1
        diff = x - case["target"]
        return float(np.sum(case["weights"] * diff ** 2)), 2 * case["weights"] * diff

    def postprocessing(x):
        counts["post"] += 1
        return np.clip(x, -1.8, 10.0)

    saved = sgd.ANNEAL_EVERY
    sgd.ANNEAL_EVERY = case["annealEvery"]
    try:
        x = sgd.sgd(f, case["x0"].copy(), case["step"], case["iterations"], postprocessing,
                    PRINT_EVERY=10 ** 9)
    finally:
        sgd.ANNEAL_EVERY = saved
    return {"x": x, "fCalls": counts["f"], "postCalls": counts["post"]}


# ---------------------------------------------------------------- judges

Judgement = Tuple[float, List[str]]


def _compare(outputs, expected, pairs, function, **hints) -> Judgement:
    """Fraction of (output, expected key) pairs that match, and the messages."""
    messages = []
    if "returned" in outputs:
        return 0.0, ["%s returned %s instead of a tuple of %d values"
                     % (function, type(outputs["returned"]).__name__, len(pairs))]
    passed = 0
    for name, key in pairs:
        mismatch = diagnose_arrays(outputs.get(name), expected[key], name=name, strict=True,
                                   **TOLERANCE, **hints)
        if mismatch is None:
            passed += 1
        else:
            messages.append("%s: %s" % (function, mismatch.format()))
    return passed / len(pairs), messages


def judgeSigmoid(outputs, expected) -> Judgement:
    """Values, the scalar case and huge inputs; a warning costs a third."""
    fraction, messages = _compare(outputs, expected, [("values", "sigmoid"),
                                                      ("scalar", "sigmoid_scalar"),
                                                      ("large", "sigmoid_large")], "sigmoid")
    if outputs["warnings"]:
        messages.append("sigmoid: warned %r on x = [-1000, -60, 60, 1000]; hint: exp(-x) "
                        "overflows for very negative x: build the result from exp(-|x|)."
                        % outputs["warnings"][0])
        fraction = min(fraction, 2 / 3)
    return fraction, messages


def judgeSoftmax(outputs, expected) -> Judgement:
    """Values; a warning or a modified input each cost a third."""
    fraction, messages = _compare(outputs, expected, [(k, k) for k in (
        "softmax_vector", "softmax_matrix", "softmax_large")], "softmax")
    for name in ("softmax_vector", "softmax_matrix", "softmax_large"):
        if outputs[name + "_warnings"]:
            messages.append("softmax: warned %r on %s; hint: subtract the (row) maximum "
                            "before exponentiating." % (outputs[name + "_warnings"][0], name))
    if outputs["modified"]:
        messages.append("softmax: modified its input x (%s); hint: `x -= ...` changes the "
                        "caller's array; write `x = x - ...`." % ", ".join(outputs["modified"]))
    penalties = bool(outputs["modified"]) + any(outputs[n + "_warnings"] for n in (
        "softmax_vector", "softmax_matrix", "softmax_large"))
    return fraction * (1 - penalties / 3), messages


def judgeLoss(function, case):
    """A judge for one loss case: values against expected, then the gradient check."""
    def judge(outputs, expected) -> Judgement:
        duplicates = []
        if case + "_samples" in expected:
            counts = np.bincount(expected[case + "_samples"].astype(int))
            duplicates = [int(w) for w in np.flatnonzero(counts > 1)]
        fraction, messages = _compare(
            outputs, expected, [("loss", case + "_loss"), ("gradCenterVec", case + "_gradCenterVec"),
                                ("gradOutsideVecs", case + "_gradOutsideVecs")],
            function, duplicate_rows=duplicates)
        if "returned" in outputs:
            return fraction, messages
        consistent = all(
            diagnose_arrays(outputs[name], outputs["numeric" + name[0].upper() + name[1:]],
                            strict=True, **GRADIENT_CHECK_TOLERANCE) is None
            for name in ("gradCenterVec", "gradOutsideVecs"))
        if not consistent:
            messages.append("%s: your gradients disagree with centred differences of your own "
                            "loss: run `python word2vec.py %s` for the first wrong entry."
                            % (function, function))
        if outputs["inputsModified"]:
            messages.append("%s: modified its input arrays; work on copies." % function)
        # values count 3/4, a gradient consistent with the loss 1/4; modifying inputs costs all
        score = 0.75 * fraction + 0.25 * consistent
        return (0.0 if outputs["inputsModified"] else score), messages
    return judge


def judgeSkipgram(outputs, expected) -> Judgement:
    """Values, and the loss called once per outside word with v_c."""
    fraction, messages = _compare(outputs, expected, [
        ("loss", "skipgram_loss"), ("gradCenterVecs", "skipgram_gradCenterVecs"),
        ("gradOutsideVectors", "skipgram_gradOutsideVectors")], "skipgram",
        window=len(expected["skipgram_calledWith"]))
    if list(outputs["calledWith"]) != expected["skipgram_calledWith"].tolist():
        messages.append("skipgram: called the loss function for outside word indices %s; "
                        "expected %s (once per outside word, in order)"
                        % (list(outputs["calledWith"]), expected["skipgram_calledWith"].tolist()))
        fraction = min(fraction, 0.5)
    elif diagnose_arrays(outputs["centerVectorsPassed"], expected["skipgram_centerVectorsPassed"],
                         strict=True) is not None:
        messages.append("skipgram: passed the wrong center word vector to the loss function")
        fraction = min(fraction, 0.5)
    return fraction, messages


def judgeSgd(outputs, expected) -> Judgement:
    """The final x, and f and postprocessing called once per iteration."""
    fraction, messages = _compare(outputs, expected, [("x", "sgd_x")], "sgd")
    n = int(expected["sgd_iterations"])
    for key, what in (("fCalls", "f"), ("postCalls", "postprocessing")):
        if outputs[key] != n:
            messages.append("sgd: called %s %d times in %d iterations; expected once per "
                            "iteration" % (what, outputs[key], n))
            fraction = 0.0
    if fraction < 1 and not messages[1:]:
        messages.append("sgd: hint: x = x - step * grad, then postprocessing, and the step "
                        "halves every ANNEAL_EVERY iterations (given code).")
    return fraction, messages


# ---------------------------------------------------------------- the checks

@dataclass
class Check:
    """One public check: its name, points and two halves."""

    name: str
    points: float
    module: str                      # "word2vec" or "sgd"
    probe: Callable[..., Dict]
    judge: Callable[[Dict, Dict], Judgement]


def _lossCheck(name, function, case, points):
    return Check(name, points, "word2vec",
                 lambda w2v, inputs: probeLoss(getattr(w2v, function), inputs[case]),
                 judgeLoss(function, case))


# Points as in the autograder's config.ini [public] section (a test keeps them in sync).
CHECKS = [
    Check("sigmoid", 1.5, "word2vec", probeSigmoid, judgeSigmoid),
    Check("softmax", 1.5, "word2vec", probeSoftmax, judgeSoftmax),
    _lossCheck("naiveSoftmaxLossAndGradient (small)", "naiveSoftmaxLossAndGradient",
               "naive_small", 1.5),
    _lossCheck("naiveSoftmaxLossAndGradient (larger)", "naiveSoftmaxLossAndGradient",
               "naive_large", 1.5),
    _lossCheck("negSamplingLossAndGradient (distinct samples)", "negSamplingLossAndGradient",
               "negsamp_distinct", 2),
    _lossCheck("negSamplingLossAndGradient (repeated samples)", "negSamplingLossAndGradient",
               "negsamp_repeated", 2),
    Check("skipgram", 3, "word2vec", lambda w2v, inputs: probeSkipgram(w2v, inputs["skipgram"]),
          judgeSkipgram),
    Check("sgd", 2, "sgd", lambda sgd, inputs: probeSgd(sgd, inputs["sgd"]), judgeSgd),
]


def computeExpected(word2vec, sgd, inputs=None):
    """The expected outputs of the checks, from a (reference) implementation."""
    inputs = publicInputs() if inputs is None else inputs
    expected = {}
    sig = probeSigmoid(word2vec, inputs)
    expected.update(sigmoid=sig["values"], sigmoid_scalar=sig["scalar"], sigmoid_large=sig["large"])
    soft = probeSoftmax(word2vec, inputs)
    expected.update({k: soft[k] for k in ("softmax_vector", "softmax_matrix", "softmax_large")})
    for case, function in (("naive_small", "naiveSoftmaxLossAndGradient"),
                           ("naive_large", "naiveSoftmaxLossAndGradient"),
                           ("negsamp_distinct", "negSamplingLossAndGradient"),
                           ("negsamp_repeated", "negSamplingLossAndGradient")):
        out = probeLoss(getattr(word2vec, function), inputs[case])
        for name in ("loss", "gradCenterVec", "gradOutsideVecs"):
            expected[case + "_" + name] = out[name]
        if "samples" in inputs[case]:
            expected[case + "_samples"] = inputs[case]["samples"]
    skip = probeSkipgram(word2vec, inputs["skipgram"])
    for name in ("loss", "gradCenterVecs", "gradOutsideVectors", "calledWith",
                 "centerVectorsPassed"):
        expected["skipgram_" + name] = np.asarray(skip[name])
    expected["sgd_x"] = probeSgd(sgd, inputs["sgd"])["x"]
    expected["sgd_iterations"] = np.array(inputs["sgd"]["iterations"])
    return {k: np.asarray(v, dtype=float) if k != "skipgram_calledWith" else np.asarray(v)
            for k, v in expected.items()}


def loadExpected(path=EXPECTED_FILE):
    """The shipped expected outputs."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
