#!/usr/bin/env python
"""Plot word vectors in two dimensions (given)."""

import matplotlib
matplotlib.use("Agg")  # write files; never needs a display
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position
import numpy as np  # noqa: E402  pylint: disable=wrong-import-position


def project2d(vectors):
    """Project the rows of vectors onto their first two principal components.

    Arguments:
    vectors -- numpy array of shape (n, d), n >= 2

    Return:
    coords -- numpy array of shape (n, 2)
    """
    centered = vectors - np.mean(vectors, axis=0)
    covariance = centered.T @ centered / len(vectors)
    U, _, _ = np.linalg.svd(covariance)
    return centered @ U[:, :2]


def plotWordVectors(words, vectors, path, title=None):
    """Write a PNG with each word placed at its 2-D projection.

    Arguments:
    words -- list of n strings
    vectors -- numpy array of shape (n, d): the vectors of those words
    path -- where to write the PNG
    title -- optional title
    """
    coords = project2d(np.asarray(vectors, dtype=float))
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
    for word, (x, y) in zip(words, coords):
        ax.scatter(x, y, s=8, color="tab:green")
        ax.text(x, y, word, fontsize=11, bbox={"facecolor": "green", "alpha": 0.1})
    pad = 0.05 * (np.ptp(coords, axis=0) + 1e-12)
    ax.set_xlim(coords[:, 0].min() - pad[0], coords[:, 0].max() + 4 * pad[0])
    ax.set_ylim(coords[:, 1].min() - pad[1], coords[:, 1].max() + pad[1])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
