"""The reference solution and the given code around it (beyond the sanity checks)."""

import random

import numpy as np
import pytest


class StreamDataset:
    """Negative samples from Python's `random`, one by one or in bulk (like the SST class)."""

    def __init__(self, size, bulk=True, contexts=None):
        self.size = size
        self.contexts = contexts
        if bulk:
            self.sampleTokenIndices = self._indices

    def sampleTokenIdx(self):
        return random.randrange(self.size)

    def _indices(self, n):
        return np.array([random.randrange(self.size) for _ in range(n)], dtype=np.int64)

    def getRandomContext(self, C):
        words = sorted(self.contexts)
        center = random.choice(words)
        return center, [random.choice(words) for _ in range(2 * C)]


class ListDataset:
    """Hands out a fixed list of samples, in order."""

    def __init__(self, samples):
        self.samples = list(samples)

    def sampleTokenIdx(self):
        return self.samples.pop(0)


@pytest.fixture
def w2v(solutions_on_path):
    import word2vec  # pylint: disable=import-outside-toplevel,import-error
    return word2vec


def _vectors(size, dim, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((size, dim)) * 0.5, rng.standard_normal((size, dim)) * 0.5


def test_compact_window_equals_the_dense_computation(w2v):
    size, dim = 40, 4
    center_vectors, outside_vectors = _vectors(size, dim)
    word2ind = {"w%d" % i: i for i in range(size)}
    context = ["w3", "w7", "w3", "w39"]
    random.seed(5)
    samples = list(StreamDataset(size)._indices(11 * len(context) + 20))  # pylint: disable=protected-access

    class Replay:
        def sampleTokenIndices(self, n):  # pylint: disable=invalid-name
            assert n == len(samples)
            return np.array(samples)

    loss, rows, gin, gout = w2v._compactWindow(  # pylint: disable=protected-access
        w2v.skipgram, word2ind, center_vectors, outside_vectors, Replay(), "w12", 2, context,
        w2v.negSamplingLossAndGradient)
    dense = w2v.skipgram("w12", 2, context, word2ind, center_vectors, outside_vectors,
                         ListDataset(samples), w2v.negSamplingLossAndGradient)
    full_in, full_out = np.zeros((size, dim)), np.zeros((size, dim))
    full_in[rows], full_out[rows] = gin, gout
    assert loss == pytest.approx(dense[0], rel=1e-12)
    np.testing.assert_allclose(full_in, dense[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(full_out, dense[2], rtol=1e-12, atol=1e-15)


def test_compact_wrapper_passes_a_gradient_check(w2v):
    from utils.gradcheck import gradcheck_naive  # pylint: disable=import-outside-toplevel,import-error
    size = 12
    dataset = StreamDataset(size, contexts={"w%d" % i for i in range(size)})
    word2ind = {"w%d" % i: i for i in range(size)}
    random.seed(1)
    vectors = np.concatenate(_vectors(size, 3, seed=2))
    assert gradcheck_naive(lambda v: w2v.word2vec_sgd_wrapper(
        w2v.skipgram, word2ind, v, dataset, 3, w2v.negSamplingLossAndGradient),
        vectors, "compact wrapper")


def test_window_that_exhausts_its_samples_falls_back_to_the_full_vocabulary(w2v):
    size = 3
    word2ind = {"a": 0, "b": 1, "c": 2}
    center_vectors, outside_vectors = _vectors(size, 2)

    class MostlyOutside:
        """Bulk draws are all the outside word: every pre-drawn sample is rejected."""

        def sampleTokenIndices(self, n):  # pylint: disable=invalid-name
            return np.ones(n, dtype=np.int64)

    assert w2v._compactWindow(  # pylint: disable=protected-access
        w2v.skipgram, word2ind, center_vectors, outside_vectors, MostlyOutside(), "a", 1, ["b"],
        w2v.negSamplingLossAndGradient) is None


def test_repeated_negative_samples_count_each_time(w2v):
    center = np.array([0.3, -0.2])
    outside = np.array([[0.1, 0.4], [-0.5, 0.2], [0.7, 0.1]])
    loss, _, grad = w2v.negSamplingLossAndGradient(center, 0, outside, ListDataset([2, 2, 1]), K=3)
    sig = w2v.sigmoid
    expected_loss = (-np.log(sig(outside[0] @ center)) - 2 * np.log(sig(-outside[2] @ center))
                     - np.log(sig(-outside[1] @ center)))
    assert loss == pytest.approx(expected_loss)
    np.testing.assert_allclose(grad[2], 2 * (1 - sig(-outside[2] @ center)) * center)


def test_softmax_and_sigmoid_are_stable_and_leave_inputs_alone(w2v):
    x = np.array([[1000.0, -1000.0, 0.0], [3.0, 3.0, 3.0]])
    before = x.copy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = w2v.softmax(x)
        g = w2v.sigmoid(np.array([-1e4, 0.0, 1e4]))
    assert np.array_equal(x, before)
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    np.testing.assert_allclose(g, [0.0, 0.5, 1.0])
    assert np.ndim(w2v.sigmoid(0.0)) == 0


def test_sgd_resumes_exactly_and_anneals_at_multiples(solutions_on_path, tmp_path, monkeypatch):
    import sgd  # pylint: disable=import-outside-toplevel,import-error
    monkeypatch.setattr(sgd, "SAVE_DIR", str(tmp_path))
    monkeypatch.setattr(sgd, "SAVE_PARAMS_EVERY", 5)
    monkeypatch.setattr(sgd, "ANNEAL_EVERY", 10)
    target = np.array([1.0, -2.0])

    def noisy(x):
        noise = np.array([random.gauss(0, 0.1), random.gauss(0, 0.1)])
        return float(np.sum((x - target) ** 2)), 2 * (x - target) + noise

    random.seed(0)
    straight = sgd.sgd(noisy, np.zeros(2), 0.1, 30, PRINT_EVERY=100)
    random.seed(0)
    sgd.sgd(noisy, np.zeros(2), 0.1, 15, useSaved=True, PRINT_EVERY=100)
    random.seed(123)  # resuming must restore the saved random state
    resumed = sgd.sgd(noisy, np.zeros(2), 0.1, 30, useSaved=True, PRINT_EVERY=100)
    np.testing.assert_allclose(resumed, straight, rtol=0, atol=1e-15)
