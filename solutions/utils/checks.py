#!/usr/bin/env python
"""The graded checks, cost tests and final-answer points of word2vec (given; do not modify).

Each check declares, side by side, its inputs (public ones, and on a hidden
seed other values and shapes), its probe (calls your functions; runs in your
process) and its judge (compares your outputs with the reference's on the same
inputs; runs in the grader). `python check.py` runs the public ones here.
Points, visibility and tolerances are the autograder's configuration. FINALS
gives the random points where the boxed results of the written part, in
final_answers.txt, are checked against the reference's (see exprlib.py).
"""

import warnings

import numpy as np

from checklib import (Check, Cost, Finals, Tolerance, combine, judge_arrays, judge_consistent,
                      named, numeric_gradient)
from utils.compare import hints, sigmoidDerivative, softmaxAxis

NAIVE, NEGSAMP = "naiveSoftmaxLossAndGradient", "negSamplingLossAndGradient"
K = 10  # negative samples per outside word (the default of negSamplingLossAndGradient)
WORDS = "abcdefghijklmnopqrstuvwxyz"  # the skip-gram check's vocabulary: its first |V| letters
# How close a returned gradient must be to centred differences of the returned loss.
GRADIENT_CHECK = Tolerance(rtol=1e-4, atol=1e-6)


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


def _warnings(function, x):
    """function(x) and the messages of the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = function(x)
    return value, [str(w.message) for w in caught]


# ---------------------------------------------------------------- sigmoid

def sigmoidInputs(rng, hidden):
    """Ordinary values and huge ones."""
    return {"x": np.concatenate([[-3.0, -1.0, 0.0, 0.5, 2.0, 7.0], rng.standard_normal(10) * 4]),
            "large": np.array([-1000.0, -60.0, 60.0, 1000.0])}


def probeSigmoid(word2vec, case):
    """sigmoid on an array, a scalar and huge inputs, recording warnings."""
    out = {"values": word2vec.sigmoid(case["x"].copy()), "scalar": word2vec.sigmoid(0.5)}
    out["large"], out["warnings"] = _warnings(word2vec.sigmoid, case["large"].copy())
    return out


def judgeSigmoid(got, expected, case, tol):
    """Values, the scalar case and huge inputs; a warning costs a third."""
    judgement = judge_arrays(got, expected, ["values", "scalar", "large"], tol, "sigmoid",
                             hints(first=[sigmoidDerivative]))
    if got.get("warnings"):
        judgement.add("sigmoid: warned %r on x = [-1000, -60, 60, 1000]; hint: exp(-x) "
                      "overflows for very negative x: build the result from exp(-|x|)."
                      % got["warnings"][0], "exp(-x) overflows for very negative x")
        judgement.fraction = min(judgement.fraction, 2 / 3)
    return judgement


# ---------------------------------------------------------------- softmax

SOFTMAX_CASES = ("vector", "matrix", "large")


def softmaxInputs(rng, hidden):
    """A vector, a matrix (other shapes when hidden) and huge values."""
    n, shape = (int(rng.integers(3, 12)), (int(rng.integers(2, 7)), int(rng.integers(2, 9)))) \
        if hidden else (7, (4, 6))
    return {"vector": rng.standard_normal(n) * 3, "matrix": rng.standard_normal(shape) * 3,
            "large": np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -1002.0]])}


def probeSoftmax(word2vec, case):
    """softmax on each input; warnings; is the input left alone?"""
    out = {"modified": []}
    for name in SOFTMAX_CASES:
        x = case[name].copy()
        out[name], out[name + "Warnings"] = _warnings(word2vec.softmax, x)
        if not np.array_equal(x, case[name]):
            out["modified"].append(name)
    return out


def judgeSoftmax(got, expected, case, tol):
    """Values; a warning or a modified input each cost a third."""
    judgement = judge_arrays(got, expected, SOFTMAX_CASES, tol, "softmax",
                             hints(first=[softmaxAxis]))
    warned = [name for name in SOFTMAX_CASES if got.get(name + "Warnings")]
    for name in warned:
        judgement.add("softmax: warned %r on the %s input; hint: subtract the (row) maximum "
                      "before exponentiating." % (got[name + "Warnings"][0], name),
                      "subtract the (row) maximum before exponentiating")
    if got.get("modified"):
        judgement.add("softmax: modified its input x (%s); hint: `x -= ...` changes the "
                      "caller's array; write `x = x - ...`." % ", ".join(got["modified"]),
                      "`x -= ...` changes the caller's array")
    penalties = bool(got.get("modified")) + bool(warned)
    judgement.fraction *= 1 - penalties / 3
    return judgement


# ---------------------------------------------------------------- the two losses

LOSS_OUTPUTS = ("loss", "gradCenterVec", "gradOutsideVecs")


def lossInputs(public, hidden):
    """Inputs of one loss case: public (|V|, d, o[, samples]); hidden(rng) -> the same."""
    def inputs(rng, isHidden):
        shape = hidden(rng) if isHidden else public
        V, d, o = shape[:3]
        case = {"centerWordVec": rng.standard_normal(d), "outsideWordIdx": o,
                "outsideVectors": rng.standard_normal((V, d)) * 0.5}
        if len(shape) > 3:
            case["samples"] = np.array(shape[3])
        return case
    return inputs


def _naiveShape(low, high, last):
    def draw(rng):
        V = int(rng.integers(low, high))
        return V, int(rng.integers(3, 9) if last else rng.integers(2, 7)), \
            V - 1 if last else int(rng.integers(0, V))
    return draw


def _negSamplingShape(low, high, distinct):
    """|V| <= K with replacement makes repeated samples certain; never the outside word."""
    def draw(rng):
        V = int(rng.integers(low, high + 1))
        o = int(rng.integers(0, V))
        others = np.array([w for w in range(V) if w != o])
        return V, int(rng.integers(2, 7)), o, rng.choice(others, size=K, replace=not distinct).tolist()
    return draw


def probeLoss(function):
    """Call a loss once, then gradient-check it against its own loss."""
    def probe(word2vec, case):
        loss = getattr(word2vec, function)

        def call(center, outside):
            dataset = ScriptedSamples(case["samples"]) if "samples" in case else None
            return loss(center, case["outsideWordIdx"], outside, dataset)

        center, outside = case["centerWordVec"].copy(), case["outsideVectors"].copy()
        out = named(call(center, outside), LOSS_OUTPUTS)
        out["inputsModified"] = not (np.array_equal(center, case["centerWordVec"])
                                     and np.array_equal(outside, case["outsideVectors"]))
        if "returned" not in out:
            out["numericGradCenterVec"] = numeric_gradient(
                lambda c: call(c, case["outsideVectors"].copy())[0], case["centerWordVec"])
            out["numericGradOutsideVecs"] = numeric_gradient(
                lambda u: call(case["centerWordVec"].copy(), u)[0], case["outsideVectors"])
        return out
    return probe


def judgeLoss(function):
    """Values count 3/4, gradients consistent with the student's own loss 1/4."""
    def judge(got, expected, case, tol):
        samples = case.get("samples")
        duplicates = np.flatnonzero(np.bincount(samples) > 1) if samples is not None else ()
        values = judge_arrays(got, expected, LOSS_OUTPUTS, tol, function,
                              hints(duplicate_rows=duplicates))
        if "returned" in got:
            return values
        consistent = judge_consistent(
            got, [("gradCenterVec", "numericGradCenterVec"),
                  ("gradOutsideVecs", "numericGradOutsideVecs")], function, GRADIENT_CHECK,
            ": run `python word2vec.py %s` for the first wrong entry." % function)
        judgement = combine((0.75, values), (0.25, consistent))
        if got.get("inputsModified"):
            judgement.add("%s: modified its input arrays; work on copies." % function)
            judgement.fraction = 0.0
        return judgement
    return judge


def explainLossError(record, case):
    """The orientation slip: a product of U (words as rows) with a vector over the vocabulary."""
    message = str(record.get("message", ""))
    if record.get("error") == "ValueError" and ("matmul" in message or "not aligned" in message):
        return ("a matrix product's shapes do not match: outsideVectors holds one word per row, "
                "shape (|V|, d), while the math's U has one word per column; U (ŷ - y) is "
                "outsideVectors.T @ (yHat - y), or (yHat - y) @ outsideVectors")
    return None


def lossCheck(name, function, public, hidden):
    """A check of one loss function on one case."""
    return Check(name, "word2vec", lossInputs(public, hidden), probeLoss(function),
                 judgeLoss(function), explainLossError)


# ---------------------------------------------------------------- skipgram

SKIPGRAM_OUTPUTS = ("loss", "gradCenterVecs", "gradOutsideVectors")


def skipgramInputs(rng, hidden):
    """A window, and the scripted results of the loss function skipgram calls."""
    if hidden:
        V, d = int(rng.integers(4, 10)), int(rng.integers(2, 6))
        center = WORDS[int(rng.integers(0, V))]
        outside = rng.choice(list(WORDS[:V]), size=int(rng.integers(3, 7))).tolist()
    else:
        V, d, center, outside = 6, 3, "c", ["b", "e", "b", "a"]
    return {"centerWord": center, "outsideWords": outside,
            "word2Ind": {w: i for i, w in enumerate(WORDS[:V])},
            "centerWordVectors": rng.standard_normal((V, d)),
            "outsideVectors": rng.standard_normal((V, d)),
            "scriptedLoss": rng.standard_normal(len(outside)),
            "scriptedGradCenter": rng.standard_normal((len(outside), d)),
            "scriptedGradOutside": rng.standard_normal((len(outside), V, d))}


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

    out = named(word2vec.skipgram(
        case["centerWord"], 2, list(case["outsideWords"]), dict(case["word2Ind"]),
        case["centerWordVectors"].copy(), case["outsideVectors"].copy(), None, scriptedLoss),
        SKIPGRAM_OUTPUTS)
    out["calledWith"] = [idx for _, idx in calls]
    out["centerVectorsPassed"] = np.array([vec for vec, _ in calls]) if calls else np.zeros(0)
    return out


def judgeSkipgram(got, expected, case, tol):
    """Values, and the loss called once per outside word with v_c."""
    judgement = judge_arrays(got, expected, SKIPGRAM_OUTPUTS, tol, "skipgram",
                             hints(window=len(case["outsideWords"])))
    if "returned" in got:
        return judgement
    if got.get("calledWith") != expected["calledWith"]:
        judgement.add("skipgram: called the loss function for outside word indices %s; "
                      "expected %s (once per outside word, in order)"
                      % (got.get("calledWith"), expected["calledWith"]))
        judgement.fraction = min(judgement.fraction, 0.5)
    elif judge_arrays(got, expected, ["centerVectorsPassed"], Tolerance(), "skipgram").fraction < 1:
        judgement.add("skipgram: passed the wrong center word vector to the loss function")
        judgement.fraction = min(judgement.fraction, 0.5)
    return judgement


# ---------------------------------------------------------------- sgd

def sgdInputs(rng, hidden):
    """A weighted quadratic whose optimum lies outside the ball postprocessing projects onto."""
    n = int(rng.integers(2, 6)) if hidden else 3
    if hidden:
        target = rng.uniform(-3.0, 3.0, n)
        target *= rng.uniform(2.2, 3.0) / np.linalg.norm(target)
        weights = rng.uniform(0.5, 2.0, n)
    else:
        target, weights = np.array([1.5, -2.0, 0.5]), np.array([1.0, 2.0, 0.5])
    return {"x0": rng.standard_normal(n) * 0.3, "target": target, "weights": weights,
            "step": 0.1, "iterations": 30, "radius": 1.5}


def probeSgd(sgd, case):
    """sgd on the quadratic, with a projection onto a ball as postprocessing.

    The projection is active at every step, and with unequal weights the
    projected iterates differ from projections of unprojected ones: an update
    that starts from the value before postprocessing ends elsewhere. Counts the
    calls of f and of postprocessing.
    """
    counts = {"f": 0, "post": 0}

    def f(x):
        counts["f"] += 1
        diff = x - case["target"]
        return float(np.sum(case["weights"] * diff ** 2)), 2 * case["weights"] * diff

    def postprocessing(x):
        counts["post"] += 1
        return x / max(1.0, float(np.linalg.norm(x)) / case["radius"])

    x = sgd.sgd(f, case["x0"].copy(), case["step"], case["iterations"], postprocessing,
                PRINT_EVERY=10 ** 9)
    return {"x": x, "fCalls": counts["f"], "postCalls": counts["post"]}


def judgeSgd(got, expected, case, tol):
    """The final x, and f and postprocessing called once per iteration."""
    judgement = judge_arrays(got, expected, ["x"], tol, "sgd", hints())
    n = case["iterations"]
    for key, what in (("fCalls", "f"), ("postCalls", "postprocessing")):
        if got.get(key) != n:
            judgement.add("sgd: called %s %s times in %d iterations; expected once per "
                          "iteration" % (what, got.get(key), n))
            judgement.fraction = 0.0
    if judgement.fraction < 1 and not judgement.messages[1:]:
        judgement.add("sgd: hint: x = x - step * grad, and the next step starts from the "
                      "postprocessed x (given code applies postprocessing after your update).",
                      "x = x - step * grad, and the next step starts from the postprocessed x")
    return judgement


# ---------------------------------------------------------------- the checks

CHECKS = [
    Check("sigmoid", "word2vec", sigmoidInputs, probeSigmoid, judgeSigmoid),
    Check("softmax", "word2vec", softmaxInputs, probeSoftmax, judgeSoftmax),
    lossCheck("naiveSoftmaxLossAndGradient (small)", NAIVE, (7, 4, 2), _naiveShape(4, 10, False)),
    lossCheck("naiveSoftmaxLossAndGradient (larger)", NAIVE, (30, 5, 29), _naiveShape(25, 60, True)),
    lossCheck("negSamplingLossAndGradient (distinct samples)", NEGSAMP,
              (12, 4, 3, [0, 1, 2, 4, 5, 6, 7, 8, 9, 10]), _negSamplingShape(K + 1, 20, True)),
    lossCheck("negSamplingLossAndGradient (repeated samples)", NEGSAMP,
              (9, 3, 5, [1, 1, 4, 4, 4, 2, 7, 1, 0, 8]), _negSamplingShape(4, K, False)),
    Check("skipgram", "word2vec", skipgramInputs, probeSkipgram, judgeSkipgram),
    Check("sgd", "sgd", sgdInputs, probeSgd, judgeSgd),
]


# ---------------------------------------------------------------- cost tests

class UniformSamples:
    """Negative samples uniform over the vocabulary, drawn in advance."""

    def __init__(self, size, rng):
        self._draws = rng.integers(0, size, 1 << 16).tolist()
        self._next = 0

    def sampleTokenIdx(self):
        """The next pre-drawn sample (cycling)."""
        self._next = (self._next + 1) % len(self._draws)
        return self._draws[self._next]


def lossCall(function, dim=10):
    """Build one call of a loss on a vocabulary of `size` words (d = 10)."""
    def setup(word2vec, size, rng):
        outside = rng.standard_normal((size, dim)) * 0.1
        center = rng.standard_normal(dim) * 0.1
        dataset, loss = UniformSamples(size, rng), getattr(word2vec, function)
        return lambda i: loss(center, i % size, outside, dataset)
    return setup


# Calls per measurement: about a tenth of a second of the reference's CPU time (CPU time
# read from the kernel, so this is plenty for factors of 3 to 5).
COSTS = [
    Cost(NAIVE, "word2vec", lossCall(NAIVE), repeat={2000: 1200, 100000: 25}, size_name="|V|",
         advice="a Python loop over the vocabulary? Use one matrix-vector product and a "
                "vectorised softmax."),
    # Judged at the largest |V| only: at small |V| a correct loop over the K samples costs a
    # few times the vectorised reference.
    Cost(NEGSAMP, "word2vec", lossCall(NEGSAMP), repeat={2000: 3000, 100000: 800},
         judged=(100000,), cheaper_than=NAIVE, size_name="|V|",
         advice="work proportional to |V| beyond allocating the gradient? Touch only the "
                "K + 1 rows involved."),
]


# ---------------------------------------------------------------- the written part's final answers

# Every point of a result has these sizes (d != |V|, so that a transposed product cannot fit),
# so that a missing factor or a transpose reads the same at each point.
FINAL_DIM, FINAL_VOCAB, FINAL_K, FINAL_OFFSETS, FINAL_POINTS = 4, 7, 5, (-2, -1, 1, 2), 3


def _finalSoftmax(scores):
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def _finalSamples(rng, others, repeated, askRepeated):
    """K negative samples and the index s of the one asked about: distinct samples, or a word
    drawn three times and two drawn once (s on the first when askRepeated, else on a second)."""
    if not repeated:
        samples = [int(w) for w in rng.choice(others, FINAL_K, replace=False)]
        return samples, int(rng.integers(FINAL_K))
    a, b, c = (int(w) for w in rng.choice(others, 3, replace=False))
    samples = [int(w) for w in rng.permutation([a, a, a, b, c])]
    return samples, samples.index(a if askRepeated else b)


def _finalPairPoint(result, rng, point):
    """One center word c, outside word o (and K samples, for negative sampling)."""
    U = rng.standard_normal((FINAL_DIM, FINAL_VOCAB))
    v_c = rng.standard_normal((FINAL_DIM, 1))
    o = int(rng.integers(FINAL_VOCAB))
    others = [w for w in range(FINAL_VOCAB) if w != o]
    env = {"U": U, "v_c": v_c, "o": o, "u_o": U[:, [o]], "u": lambda w: U[:, [w]]}
    if result.get("wrt") == "u[w]":  # the word asked about; "all": o at the first point
        words = result.get("words")
        env["w"] = o if words == "o" or (words == "all" and point == 0) else int(rng.choice(others))
    if "neg" not in (result.get("loss"), result.get("value")):
        y = np.zeros((FINAL_VOCAB, 1))
        y[o] = 1.0
        env.update(y=y, yhat=_finalSoftmax(U.T @ v_c), range_w=lambda env: range(FINAL_VOCAB))
        return env
    # repeated samples: the word asked about repeats at two points of three, not at the other
    samples, s = _finalSamples(rng, others, result.get("samples") == "repeated", point != 1)
    env.update(u_neg=lambda i: U[:, [samples[i]]], K=FINAL_K, ones=np.ones((FINAL_K + 1, 1)),
               Uow=np.hstack([U[:, [o]], -U[:, samples]]), range_s=lambda env: range(FINAL_K))
    if result.get("wrt") == "u_neg[s]":
        env.update(s=s, range_t=lambda env: [t for t in range(FINAL_K)
                                             if samples[t] == samples[env["s"]]])
    return env


def _finalWindowPoint(rng):
    """A window: the gradients of each pair J(v_c, w_{t+j}, U), random (their sum is asked)."""
    U, V = rng.standard_normal((FINAL_DIM, FINAL_VOCAB)), rng.standard_normal((FINAL_DIM, FINAL_VOCAB))
    dU = {j: rng.standard_normal((FINAL_DIM, FINAL_VOCAB)) for j in FINAL_OFFSETS}
    dv = {j: rng.standard_normal((FINAL_DIM, 1)) for j in FINAL_OFFSETS}
    return {"U": U, "V": V, "v_c": V[:, [1]], "dJ_dU": dU.__getitem__, "dJ_dvc": dv.__getitem__,
            "range_j": lambda env: FINAL_OFFSETS}


def finalAnswerPoints(result, rng):
    """The random points where one boxed result of the written part is checked.

    Vectors are (n, 1) columns; U is d x |V| with the outside vectors u_w as its
    columns, y is one-hot at o and yhat = softmax(U^T v_c); u[w] is column w of
    U and u_neg[s] the s-th negative sample's; the sums run over the vocabulary
    (w), the K samples (s), the samples equal to the s-th (t) and the window (j).
    """
    if result["kind"] == "derivative":
        signs = np.array([[1.0], [-1.0]] * 3)  # both sides of 0, never 0 itself
        return [dict({"x": rng.uniform(0.1, 3.0, (6, 1)) * signs},
                     **({"alpha": rng.uniform(0.05, 0.5)} if result.get("function") != "sigma"
                        else {}))
                for _ in range(FINAL_POINTS)]
    if result.get("loss") == "skipgram":
        return [_finalWindowPoint(rng) for _ in range(FINAL_POINTS)]
    return [_finalPairPoint(result, rng, point) for point in range(FINAL_POINTS)]


FINALS = Finals(finalAnswerPoints)
