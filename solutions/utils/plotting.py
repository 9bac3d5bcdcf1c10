#!/usr/bin/env python
"""Plot word vectors in two dimensions (given)."""

import matplotlib
matplotlib.use("Agg")  # write files; never needs a display
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position
import numpy as np  # noqa: E402  pylint: disable=wrong-import-position

# Label positions tried around each point, as (dx, dy) in units of the label's height,
# nearest first; a label goes to the first that overlaps no other label, point or edge.
_DIRECTIONS = [(0.4, 0.2), (0.4, -1.2), (None, 0.2), (None, -1.2), ("centre", 0.6),
               ("centre", -1.9), (0.4, -0.5), (None, -0.5)]
_RINGS = (1.0, 2.0, 3.0, 4.5, 6.0)


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


def _overlaps(box, boxes):
    """Does box (x0, y0, x1, y1) intersect any of boxes?"""
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def placeLabels(points, sizes, frame, pointRadius=4.0):
    """Boxes (x0, y0, x1, y1) for labels of the given sizes next to their points, none
    overlapping another label or any point, inside frame where possible (display units).

    Arguments:
    points -- (n, 2) display coordinates of the points
    sizes -- n (width, height) of the labels
    frame -- (x0, y0, x1, y1) the area labels should stay in
    """
    dots = [(x - pointRadius, y - pointRadius, x + pointRadius, y + pointRadius)
            for x, y in points]
    placed = []
    for (x, y), (w, h) in zip(points, sizes):
        choice, fallback = None, None
        for ring in _RINGS:
            for dx, dy in _DIRECTIONS:
                if dx is None:
                    left = x - w - 0.4 * h * ring
                elif dx == "centre":
                    left = x - w / 2
                else:
                    left = x + dx * h * ring
                bottom = y + dy * h * ring
                box = (left, bottom, left + w, bottom + h)
                if _overlaps(box, placed) or _overlaps(box, dots):
                    continue
                inside = box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] \
                    and box[3] <= frame[3]
                if inside:
                    choice = box
                    break
                fallback = fallback or box
            if choice:
                break
        placed.append(choice or fallback or (x + 0.4 * h, y, x + 0.4 * h + w, y + h))
    return placed


def plotWordVectors(words, vectors, path, title=None):
    """Write a PNG with each word placed at its 2-D projection, labels never overlapping.

    Arguments:
    words -- list of n strings
    vectors -- numpy array of shape (n, d): the vectors of those words
    path -- where to write the PNG
    title -- optional title

    Return:
    boxes -- the labels' boxes in pixels, (x0, y0, x1, y1) each, as drawn
    """
    coords = project2d(np.asarray(vectors, dtype=float))
    fig, ax = plt.subplots(figsize=(9, 7), dpi=100)
    ax.scatter(coords[:, 0], coords[:, 1], s=12, color="tab:green", zorder=3)
    pad = 0.12 * (np.ptp(coords, axis=0) + 1e-12)
    ax.set_xlim(coords[:, 0].min() - pad[0], coords[:, 0].max() + pad[0])
    ax.set_ylim(coords[:, 1].min() - pad[1], coords[:, 1].max() + pad[1])
    if title:
        ax.set_title(title, fontsize=12)
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    style = {"fontsize": 11, "bbox": {"facecolor": "green", "alpha": 0.1, "pad": 1.5,
                                      "edgecolor": "none"}}
    texts = [ax.text(0, 0, word, **style) for word in words]
    sizes = []
    for text in texts:
        extent = text.get_window_extent(renderer)
        sizes.append((extent.width + 4, extent.height + 4))  # with the box's padding
    points = ax.transData.transform(coords)
    frame = ax.get_window_extent(renderer).extents
    boxes = placeLabels(points, sizes, frame)
    inverse = ax.transData.inverted()
    for text, box in zip(texts, boxes):
        text.set_position(inverse.transform((box[0] + 2, box[1] + 2)))
        text.set_verticalalignment("bottom")
    fig.savefig(path)
    drawn = [tuple(t.get_window_extent(renderer).extents) for t in texts]
    plt.close(fig)
    return drawn
