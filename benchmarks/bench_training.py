"""Milliseconds per training iteration: the reference versus a straightforward solution.

    python benchmarks/bench_training.py [--corpus SST_FOLDER] [--iterations 20] [--rounds 5]

Both train skip-gram with negative sampling on the same corpus, from the same
vectors, with the same hyperparameters as run.py (batches of 50 windows,
window 5, d = 10, K = 10, step 0.3). They run side by side in one process,
interleaved round by round, and the script prints the median of each and their
ratio, so that a noisy machine affects both alike.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import numpy as np

from benchmarks import straightforward
from benchmarks.common import SHARED_SST, use_solutions

STEP = 0.3


def iteration_ms(step_fn, vectors: np.ndarray, iterations: int) -> float:
    """Mean milliseconds of one SGD iteration (loss, gradient, update)."""
    start = time.perf_counter()
    for _ in range(iterations):
        _, grad = step_fn(vectors)
        vectors -= STEP * grad
    return (time.perf_counter() - start) * 1000 / iterations


def main() -> int:
    """Load the corpus, time both solutions round by round, print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(SHARED_SST), help="SST folder")
    parser.add_argument("--iterations", type=int, default=20, help="iterations per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    args = parser.parse_args()
    use_solutions()
    # pylint: disable=import-outside-toplevel,import-error
    from utils.treebank import StanfordSentiment
    from word2vec import negSamplingLossAndGradient, skipgram, word2vec_sgd_wrapper

    random.seed(314)
    start = time.perf_counter()
    try:
        dataset = StanfordSentiment(path=args.corpus)
        tokens = dataset.tokens()
    except FileNotFoundError as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    load_seconds = time.perf_counter() - start
    baseline_dataset = straightforward.TableSampler(dataset)
    n_words = len(tokens)
    print("corpus: %s, %d word types, loaded in %.1f s" % (args.corpus, n_words, load_seconds))

    np.random.seed(9265)
    initial = np.concatenate(((np.random.rand(n_words, 10) - 0.5) / 10, np.zeros((n_words, 10))))
    runs = {
        "straightforward": (lambda v: straightforward.sgd_wrapper(tokens, v, baseline_dataset, 5),
                            initial.copy(), []),
        "reference": (lambda v: word2vec_sgd_wrapper(skipgram, tokens, v, dataset, 5,
                                                     negSamplingLossAndGradient),
                      initial.copy(), []),
    }
    random.seed(31415)
    for _ in range(args.rounds):
        for step_fn, vectors, times in runs.values():
            times.append(iteration_ms(step_fn, vectors, args.iterations))
    for name, (_, _, times) in runs.items():
        print("%-16s %8.2f ms/iteration (median of %d rounds of %d; min %.2f, max %.2f)" % (
            name, statistics.median(times), args.rounds, args.iterations, min(times), max(times)))
    ratio = statistics.median(runs["straightforward"][2]) / statistics.median(runs["reference"][2])
    print("speed-up of the reference over the straightforward solution: %.1fx" % ratio)
    full_run = statistics.median(runs["reference"][2]) * 40000 / 1000
    print("projected full run (40,000 iterations) with the reference: %.0f s" % full_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
