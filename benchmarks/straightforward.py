"""A straightforward word2vec, as a first correct solution is often written.

The baseline of bench_training.py: per-sample Python loops, a dense (|V|, d)
array per call, CS224N-style given code (dense batch wrapper, one Python call
per negative sample). Correct, and what "about 145 ms per iteration" measures.
"""

from __future__ import annotations

import random

import numpy as np


def sigmoid(x):
    """The textbook formula (overflows for very negative x; fine here)."""
    return 1.0 / (1.0 + np.exp(-x))


def neg_sampling_loss_and_gradient(center_vec, outside_idx, outside_vectors, dataset, k=10):
    """Loss and gradients of negative sampling, one sample at a time."""
    negatives = []
    for _ in range(k):
        idx = dataset.sampleTokenIdx()
        while idx == outside_idx:
            idx = dataset.sampleTokenIdx()
        negatives.append(idx)
    grad_outside = np.zeros(outside_vectors.shape)
    score = sigmoid(outside_vectors[outside_idx] @ center_vec)
    loss = -np.log(score)
    grad_center = (score - 1.0) * outside_vectors[outside_idx]
    grad_outside[outside_idx] += (score - 1.0) * center_vec
    for idx in negatives:
        neg_score = sigmoid(-outside_vectors[idx] @ center_vec)
        loss -= np.log(neg_score)
        grad_center += (1.0 - neg_score) * outside_vectors[idx]
        grad_outside[idx] += (1.0 - neg_score) * center_vec
    return loss, grad_center, grad_outside


def skipgram(center_word, outside_words, word2ind, center_vectors, outside_vectors, dataset):
    """Sum of the pair losses over the window, dense gradients."""
    loss = 0.0
    grad_center = np.zeros(center_vectors.shape)
    grad_outside = np.zeros(outside_vectors.shape)
    center_idx = word2ind[center_word]
    for word in outside_words:
        pair_loss, g_center, g_outside = neg_sampling_loss_and_gradient(
            center_vectors[center_idx], word2ind[word], outside_vectors, dataset)
        loss += pair_loss
        grad_center[center_idx] += g_center
        grad_outside += g_outside
    return loss, grad_center, grad_outside


class TableSampler:
    """CS224N-style sampling: one Python call and one random.randint per sample."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._table = [int(i) for i in dataset.sampleTable()]

    def sampleTokenIdx(self):  # pylint: disable=invalid-name
        """One table entry, drawn with random.randint."""
        return self._table[random.randint(0, len(self._table) - 1)]

    def getRandomContext(self, window):  # pylint: disable=invalid-name
        """Delegate to the real dataset."""
        return self._dataset.getRandomContext(window)


def sgd_wrapper(word2ind, word_vectors, dataset, window_size, batch_size=50):
    """CS224N-style batch: dense gradients added window by window."""
    loss = 0.0
    grad = np.zeros(word_vectors.shape)
    half = word_vectors.shape[0] // 2
    for _ in range(batch_size):
        window = random.randint(1, window_size)
        center, context = dataset.getRandomContext(window)
        c, g_in, g_out = skipgram(center, context, word2ind, word_vectors[:half],
                                  word_vectors[half:], dataset)
        loss += c / batch_size
        grad[:half, :] += g_in / batch_size
        grad[half:, :] += g_out / batch_size
    return loss, grad
