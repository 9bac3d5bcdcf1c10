#!/usr/bin/env python
"""word2vec: skip-gram with the naive-softmax and the negative-sampling losses.

Fill in every `### YOUR CODE HERE` region, then run the sanity checks:

    python word2vec.py                              # everything
    python word2vec.py sigmoid                      # or one of: softmax,
    python word2vec.py naiveSoftmaxLossAndGradient  #   negSamplingLossAndGradient, skipgram

Conventions (as in the handout, with one twist): word vectors are ROWS here.
`outsideVectors` has shape (|V|, d), so it is U transposed; `centerWordVectors`
has shape (|V|, d) too. Every gradient has the shape of what it differentiates.
"""

import argparse
import random
import sys

import numpy as np

from utils.gradcheck import gradcheck_naive
from utils import sanity


def sigmoid(x):
    """Compute the sigmoid function 1 / (1 + exp(-x)) elementwise.

    Must be numerically stable: no overflow warning and no NaN for large |x|
    (for example x = -1000 or x = 1000).

    Arguments:
    x -- a scalar or a numpy array of any shape

    Return:
    s -- sigmoid(x), a scalar for a scalar x, else an array of x's shape
    """
    ### YOUR CODE HERE (~3 Lines)
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))                  # in (0, 1]: never overflows
    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]
    ### END SOLUTION
    ### END YOUR CODE

    return s


def softmax(x):
    """Compute the softmax of a vector, or of every row of a matrix.

    Must be numerically stable (softmax(x) == softmax(x + c) for any constant c,
    even when x holds values like 1000) and must not modify x.

    Arguments:
    x -- a numpy array of shape (N,) or (M, N)

    Return:
    s -- an array of x's shape; each vector (each row of a matrix) sums to 1
    """
    ### YOUR CODE HERE (~4 Lines)
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    ### END SOLUTION
    ### END YOUR CODE

    return s


def naiveSoftmaxLossAndGradient(
    centerWordVec,
    outsideWordIdx,
    outsideVectors,
    dataset
):
    """Naive softmax loss and gradients for one (center word, outside word) pair.

    Implement J_naive-softmax(v_c, o, U) = -log softmax(U^T v_c)_o and its
    gradients. Use your softmax function.

    Arguments:
    centerWordVec -- numpy array of shape (d,): the center word vector v_c
    outsideWordIdx -- int: the index o of the outside word
    outsideVectors -- numpy array of shape (|V|, d): the outside vectors as rows
                      (U^T in the handout)
    dataset -- the dataset object; not needed for this loss

    Return:
    loss -- float: the naive-softmax loss
    gradCenterVec -- numpy array of shape (d,): dJ/dv_c
    gradOutsideVecs -- numpy array of shape (|V|, d): dJ/dU, row w being dJ/du_w
    """
    ### YOUR CODE HERE (~6-8 Lines)
    ### BEGIN SOLUTION
    yHat = softmax(outsideVectors @ centerWordVec)        # (|V|,)
    loss = -np.log(yHat[outsideWordIdx])
    delta = yHat.copy()
    delta[outsideWordIdx] -= 1.0                          # yHat - y
    gradCenterVec = delta @ outsideVectors                # U (yHat - y), (d,)
    gradOutsideVecs = np.outer(delta, centerWordVec)      # (|V|, d)
    ### END SOLUTION
    ### END YOUR CODE

    return loss, gradCenterVec, gradOutsideVecs


def getNegativeSamples(outsideWordIdx, dataset, K):
    """Draw K word indices from the dataset, none equal to outsideWordIdx.

    Given code: do not modify it. A word may be drawn more than once; each draw
    counts as a separate negative sample.

    Arguments:
    outsideWordIdx -- int: the index that must not be drawn
    dataset -- an object with a method sampleTokenIdx() returning an int
    K -- int: the number of negative samples

    Return:
    negSampleWordIndices -- a list of K ints
    """
    negSampleWordIndices = []
    while len(negSampleWordIndices) < K:
        idx = dataset.sampleTokenIdx()
        if idx != outsideWordIdx:
            negSampleWordIndices.append(idx)
    return negSampleWordIndices


def negSamplingLossAndGradient(
    centerWordVec,
    outsideWordIdx,
    outsideVectors,
    dataset,
    K=10
):
    """Negative-sampling loss and gradients for one (center word, outside word) pair.

    J_neg-sample(v_c, o, U) = -log σ(u_o^T v_c) - Σ_{s=1..K} log σ(-u_{w_s}^T v_c).
    The same word may be drawn several times: it then counts once per draw, in
    the loss and in the gradient (twice if drawn twice, and so on).
    Use your sigmoid function. A loop over the K samples is fine; a loop over
    the vocabulary is not.

    Arguments:
    centerWordVec -- numpy array of shape (d,): the center word vector v_c
    outsideWordIdx -- int: the index o of the outside word
    outsideVectors -- numpy array of shape (|V|, d): the outside vectors as rows
    dataset -- the dataset object, used (only) by getNegativeSamples
    K -- int: the number of negative samples

    Return:
    loss -- float: the negative-sampling loss
    gradCenterVec -- numpy array of shape (d,): dJ/dv_c
    gradOutsideVecs -- numpy array of shape (|V|, d): dJ/dU, row w being dJ/du_w
    """
    # Negative sampling is done for you: keep this call as it is, so that your
    # samples are the ones the sanity checks and the autograder expect.
    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)
    indices = [outsideWordIdx] + negSampleWordIndices

    ### YOUR CODE HERE (~10 Lines)
    ### BEGIN SOLUTION
    rows = np.asarray(indices, dtype=np.intp)
    u = outsideVectors[rows]                              # (K+1, d): u_o, then the samples
    z = u @ centerWordVec
    z[1:] *= -1.0                                         # u_o^T v_c, then -u_s^T v_c
    sig = sigmoid(z)
    loss = -np.log(sig).sum()
    coef = sig - 1.0
    coef[1:] *= -1.0                                      # σ(z_o) - 1, then 1 - σ(z_s)
    gradCenterVec = coef @ u
    gradOutsideVecs = np.zeros(outsideVectors.shape)
    np.add.at(gradOutsideVecs, rows, coef[:, None] * centerWordVec)
    ### END SOLUTION
    ### END YOUR CODE

    return loss, gradCenterVec, gradOutsideVecs


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind,
             centerWordVectors, outsideVectors, dataset,
             word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """Skip-gram loss and gradients for one window.

    The loss of the window is the SUM of word2vecLossAndGradient over the
    outside words (a word listed twice counts twice).

    Arguments:
    currentCenterWord -- str: the center word
    windowSize -- int: the context window size m (outsideWords has at most 2m words)
    outsideWords -- list of str: the outside words of the window
    word2Ind -- dict mapping every word to its index in the vocabulary
    centerWordVectors -- numpy array of shape (|V|, d): center vectors as rows (V)
    outsideVectors -- numpy array of shape (|V|, d): outside vectors as rows (U^T)
    dataset -- the dataset object, passed on to word2vecLossAndGradient
    word2vecLossAndGradient -- the loss function for one pair: one of the two above

    Return:
    loss -- float: the skip-gram loss of the window
    gradCenterVecs -- numpy array of shape (|V|, d): dJ/dV (only the center
                      word's row is non-zero)
    gradOutsideVectors -- numpy array of shape (|V|, d): dJ/dU
    """
    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)

    ### YOUR CODE HERE (~8 Lines)
    ### BEGIN SOLUTION
    centerIdx = word2Ind[currentCenterWord]
    centerWordVec = centerWordVectors[centerIdx]
    for outsideWord in outsideWords:
        pairLoss, gradCenter, gradOutside = word2vecLossAndGradient(
            centerWordVec, word2Ind[outsideWord], outsideVectors, dataset)
        loss += pairLoss
        gradCenterVecs[centerIdx] += gradCenter
        gradOutsideVectors += gradOutside
    ### END SOLUTION
    ### END YOUR CODE

    return loss, gradCenterVecs, gradOutsideVectors


#############################################
# Given code below: do not modify.          #
#############################################

class _WindowSamples:
    """Serves negative samples drawn in advance, renumbered into a sub-vocabulary.

    sampleTokenIdx raises StopIteration when the samples run out.
    """

    def __init__(self, localSamples):
        self.sampleTokenIdx = iter(localSamples.tolist()).__next__


def _compactWindow(word2vecModel, word2Ind, centerWordVectors, outsideVectors,
                   dataset, centerWord, windowSize, context, lossFunction):
    """Run word2vecModel on the rows one window touches, not on the whole vocabulary.

    With negative sampling a window touches only its center word, its outside
    words and the sampled words, yet the API returns dense (|V|, d) gradients;
    building and adding those dominates the cost of training on a real corpus.
    Here the samples are drawn in advance, the words renumbered into a small
    sub-vocabulary, and the model runs on those rows only: same mathematics,
    same students' functions, a fraction of the memory traffic.

    Return (loss, rows, gradCenterRows, gradOutsideRows), or None when the
    window needed more samples than were drawn (rare; the caller then runs it
    on the full vocabulary).
    """
    centerIdx = word2Ind[centerWord]
    contextIdx = [word2Ind[w] for w in context]
    # K = 10 samples per outside word, plus room for redraws of the outside word
    samples = dataset.sampleTokenIndices(11 * len(context) + 20)
    rows, inverse = np.unique(
        np.concatenate(([centerIdx], contextIdx, samples)).astype(np.intp),
        return_inverse=True)
    localIdx = dict(zip([centerWord] + list(context), inverse[:1 + len(context)].tolist()))
    windowDataset = _WindowSamples(inverse[1 + len(context):])
    try:
        loss, gradCenter, gradOutside = word2vecModel(
            centerWord, windowSize, context, localIdx, centerWordVectors[rows],
            outsideVectors[rows], windowDataset, lossFunction)
    except StopIteration:
        return None
    return loss, rows, gradCenter, gradOutside


def word2vec_sgd_wrapper(word2vecModel, word2Ind, wordVectors, dataset,
                         windowSize,
                         word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """Average loss and gradient of word2vecModel over a batch of 50 random windows.

    wordVectors stacks the center vectors (first half of the rows) on the
    outside vectors (second half). With negative sampling and a dataset that
    can draw samples in bulk (the Stanford Sentiment Treebank class), each
    window runs on the rows it touches only (see _compactWindow); otherwise,
    as with the dummy dataset of the sanity checks, on the whole vocabulary.
    """
    batchsize = 50
    loss = 0.0
    grad = np.zeros(wordVectors.shape)
    N = wordVectors.shape[0]
    half = N // 2
    centerWordVectors = wordVectors[:half, :]
    outsideVectors = wordVectors[half:, :]
    compact = (word2vecLossAndGradient is negSamplingLossAndGradient
               and hasattr(dataset, "sampleTokenIndices"))
    for _ in range(batchsize):
        windowSize1 = random.randint(1, windowSize)
        centerWord, context = dataset.getRandomContext(windowSize1)

        result = None
        if compact:
            result = _compactWindow(word2vecModel, word2Ind, centerWordVectors,
                                    outsideVectors, dataset, centerWord, windowSize1,
                                    context, word2vecLossAndGradient)
        if result is not None:
            c, rows, gin, gout = result
            loss += c / batchsize
            grad[rows] += gin / batchsize
            grad[half + rows] += gout / batchsize
        else:
            c, gin, gout = word2vecModel(
                centerWord, windowSize1, context, word2Ind, centerWordVectors,
                outsideVectors, dataset, word2vecLossAndGradient)
            loss += c / batchsize
            grad[:half, :] += gin / batchsize
            grad[half:, :] += gout / batchsize

    return loss, grad


#############################################
# Sanity checks: run `python word2vec.py`   #
#############################################

def test_sigmoid():
    """Check sigmoid on CS224N's values and on large inputs."""
    print("\n=== Sanity check for sigmoid ===")
    return sanity.check_sigmoid(sigmoid)


def test_softmax():
    """Check softmax on vectors, matrices and large inputs."""
    print("\n=== Sanity check for softmax ===")
    return sanity.check_softmax(softmax)


def test_naiveSoftmaxLossAndGradient():
    """Gradient-check naiveSoftmaxLossAndGradient on the dummy dataset."""
    dataset, dummy_vectors, _ = sanity.getDummyObjects()

    print("\n==== Gradient check for naiveSoftmaxLossAndGradient ====")

    def lossOfCenter(vec):
        loss, gradCenterVec, _ = naiveSoftmaxLossAndGradient(vec, 1, dummy_vectors, dataset)
        return loss, gradCenterVec
    ok = gradcheck_naive(lossOfCenter, np.random.randn(3),
                         "naiveSoftmaxLossAndGradient gradCenterVec")

    centerVec = np.random.randn(3)

    def lossOfOutside(vec):
        loss, _, gradOutsideVecs = naiveSoftmaxLossAndGradient(centerVec, 1, vec, dataset)
        return loss, gradOutsideVecs
    return gradcheck_naive(lossOfOutside, dummy_vectors,
                           "naiveSoftmaxLossAndGradient gradOutsideVecs") and ok


def test_negSamplingLossAndGradient():
    """Gradient-check negSamplingLossAndGradient on the dummy dataset."""
    dataset, dummy_vectors, _ = sanity.getDummyObjects()

    print("\n==== Gradient check for negSamplingLossAndGradient ====")

    def lossOfCenter(vec):
        loss, gradCenterVec, _ = negSamplingLossAndGradient(vec, 1, dummy_vectors, dataset)
        return loss, gradCenterVec
    ok = gradcheck_naive(lossOfCenter, np.random.randn(3),
                         "negSamplingLossAndGradient gradCenterVec")

    centerVec = np.random.randn(3)

    def lossOfOutside(vec):
        loss, _, gradOutsideVecs = negSamplingLossAndGradient(centerVec, 1, vec, dataset)
        return loss, gradOutsideVecs
    return gradcheck_naive(lossOfOutside, dummy_vectors,
                           "negSamplingLossAndGradient gradOutsideVecs") and ok


def test_skipgram():
    """Gradient-check skipgram with both losses and compare with CS224N's values."""
    dataset, dummy_vectors, dummy_tokens = sanity.getDummyObjects()

    print("\n==== Gradient check for skip-gram with naiveSoftmaxLossAndGradient ====")
    ok = gradcheck_naive(lambda vec: word2vec_sgd_wrapper(
        skipgram, dummy_tokens, vec, dataset, 5, naiveSoftmaxLossAndGradient),
        dummy_vectors, "naiveSoftmaxLossAndGradient Gradient")
    ok = sanity.grad_tests_softmax(skipgram, dummy_tokens, dummy_vectors, dataset) and ok

    print("\n==== Gradient check for skip-gram with negSamplingLossAndGradient ====")
    ok = gradcheck_naive(lambda vec: word2vec_sgd_wrapper(
        skipgram, dummy_tokens, vec, dataset, 5, negSamplingLossAndGradient),
        dummy_vectors, "negSamplingLossAndGradient Gradient") and ok
    return sanity.grad_tests_negsamp(skipgram, dummy_tokens, dummy_vectors, dataset,
                                     negSamplingLossAndGradient) and ok


def test_word2vec():
    """Run every sanity check."""
    results = [test_sigmoid(), test_softmax(), test_naiveSoftmaxLossAndGradient(),
               test_negSamplingLossAndGradient(), test_skipgram()]
    return all(results)


TESTS = {
    "sigmoid": test_sigmoid,
    "softmax": test_softmax,
    "naiveSoftmaxLossAndGradient": test_naiveSoftmaxLossAndGradient,
    "negSamplingLossAndGradient": test_negSamplingLossAndGradient,
    "skipgram": test_skipgram,
    "all": test_word2vec,
}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Sanity checks for word2vec.py")
    parser.add_argument("test", nargs="?", default="all", choices=sorted(TESTS),
                        help="which function to check (default: all)")
    sys.exit(sanity.run(TESTS[parser.parse_args().test]))
