#!/usr/bin/env python
"""smoothing: the moving average of a series, for example of word lengths along a text.

Fill in the `### YOUR CODE HERE` region, then run

    python smoothing.py

The autograder also times movingAverage on long series with wide windows.
"""

import numpy as np


def movingAverage(values, window):
    """The mean of every run of `window` consecutive values.

    Entry i of the result is values[i:i + window].mean(). Do not modify values.
    Vectorise it, without a Python loop: the autograder times it on long
    series with wide windows, where its cost may be at most a few times the
    reference's, whose cost does not grow with the window (hint: np.cumsum).

    Arguments:
    values -- numpy array of shape (n,), of floats
    window -- int: the number of values averaged, 1 <= window <= n

    Return:
    averages -- numpy array of shape (n - window + 1,), of floats
    """
    ### YOUR CODE HERE (~3 Lines)
    ### BEGIN SOLUTION
    sums = np.cumsum(np.concatenate([[0.0], np.asarray(values, dtype=float)]))
    averages = (sums[window:] - sums[:-window]) / window
    ### END SOLUTION
    ### END YOUR CODE

    return averages


if __name__ == "__main__":
    from textkit.sample import SAMPLE

    lengths = np.array([len(word.strip(",.")) for word in SAMPLE.split()], dtype=float)
    print("word lengths:          ", lengths[:12])
    print("moving average (3 words):", np.round(movingAverage(lengths, 3)[:10], 2))
