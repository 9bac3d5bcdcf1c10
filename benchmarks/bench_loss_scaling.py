"""Cost per call of the two losses as the vocabulary grows: the lesson of the assignment.

    python benchmarks/bench_loss_scaling.py [--out loss_scaling.png]

Times the reference naiveSoftmaxLossAndGradient and negSamplingLossAndGradient
side by side for |V| from 1k to 100k (d = 10, K = 10), fits log(cost) against
log(|V|) and prints the growth exponents: about 1 for naive softmax, O(|V|d),
and close to 0 for negative sampling, O(Kd). Negative sampling still returns a
dense (|V|, d) gradient, so allocating it adds a small |V|-dependent term.
"""

from __future__ import annotations

import argparse
import functools
import random

import numpy as np

from benchmarks.common import median_seconds, use_solutions

SIZES = [2000, 5000, 10000, 20000, 50000, 100000]
# Exponents are fitted where the per-call Python overhead (tens of microseconds)
# no longer hides the growth.
FIT_FROM = 5000
DIM = 10


class _UniformSamples:
    """A dataset whose negative samples are uniform over the vocabulary."""

    def __init__(self, size: int):
        self.size = size

    def sampleTokenIdx(self) -> int:  # pylint: disable=invalid-name
        """One uniform draw."""
        return random.randrange(self.size)


def measure(sizes: list[int]) -> dict[str, list[float]]:
    """Seconds per call of each loss at each vocabulary size."""
    use_solutions()
    import word2vec  # pylint: disable=import-outside-toplevel,import-error
    rng = np.random.default_rng(0)
    costs: dict[str, list[float]] = {"naive softmax": [], "negative sampling": [],
                                     "zeros((|V|, d)) alone": []}
    for size in sizes:
        outside = rng.standard_normal((size, DIM)) * 0.1
        center = rng.standard_normal(DIM) * 0.1
        dataset = _UniformSamples(size)
        number = max(3, 30000 // size)
        calls = {
            "naive softmax": functools.partial(
                word2vec.naiveSoftmaxLossAndGradient, center, 0, outside, dataset),
            "negative sampling": functools.partial(
                word2vec.negSamplingLossAndGradient, center, 0, outside, dataset),
            "zeros((|V|, d)) alone": functools.partial(np.zeros, outside.shape),
        }
        for name, call in calls.items():
            costs[name].append(median_seconds(call, repeat=9, number=number))
    return costs


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Slope of log(seconds) against log(|V|) for |V| >= FIT_FROM: cost grows like |V|**slope."""
    keep = [i for i, size in enumerate(sizes) if size >= FIT_FROM]
    return float(np.polyfit(np.log(np.array(sizes)[keep]), np.log(np.array(seconds)[keep]), 1)[0])


def main() -> None:
    """Measure, print the table and the exponents, write the plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="loss_scaling.png", help="where to write the plot")
    args = parser.parse_args()
    costs = measure(SIZES)
    print("%10s %18s %18s %16s %8s" % ("|V|", "naive (us/call)", "neg-samp (us/call)",
                                        "zeros (us/call)", "ratio"))
    for i, size in enumerate(SIZES):
        naive, neg = costs["naive softmax"][i], costs["negative sampling"][i]
        zeros = costs["zeros((|V|, d)) alone"][i]
        print("%10d %18.1f %18.1f %16.1f %8.1f" % (size, naive * 1e6, neg * 1e6, zeros * 1e6,
                                                   naive / neg))
    for name, seconds in costs.items():
        print("fitted growth exponent (|V| >= %d), %s: %.2f" % (FIT_FROM, name,
                                                            exponent(SIZES, seconds)))
    excess = [max(n - z, 1e-9) for n, z in zip(costs["negative sampling"],
                                              costs["zeros((|V|, d)) alone"])]
    print("fitted growth exponent (|V| >= %d), negative sampling minus its dense output "
          "array: %.2f" % (FIT_FROM,
                           exponent(SIZES, excess)))

    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for name, seconds in costs.items():
        ax.loglog(SIZES, np.array(seconds) * 1e6, "o-",
                  label="%s (exponent %.2f)" % (name, exponent(SIZES, seconds)))
    ax.set_xlabel("vocabulary size |V|")
    ax.set_ylabel("microseconds per call")
    ax.set_title("Cost of one loss-and-gradient call (d = %d, K = 10)" % DIM)
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
