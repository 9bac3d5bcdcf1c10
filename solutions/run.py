#!/usr/bin/env python
"""Train word vectors with skip-gram and negative sampling, then plot them.

    python run.py                      # CS224N's full run: 40,000 iterations on SST
    python run.py --iterations 2000    # a short run, to try things out
    python run.py --corpus PATH        # SST folder (with datasetSentences.txt)

Without SST (see `python utils/get_dataset.py`) the run falls back to an
offline English corpus and says so. Parameters are saved every 5,000
iterations; running the same command again resumes from the latest save.
"""

import argparse
import os
import random
import sys
import time

import numpy as np

import sgd as sgdModule
from sgd import sgd
from utils.corpus import load_offline_corpus, OfflineCorpusError
from utils.plotting import plotWordVectors
from utils.treebank import StanfordSentiment
from word2vec import negSamplingLossAndGradient, skipgram, word2vec_sgd_wrapper

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SST = os.path.join(HERE, "utils", "datasets", "stanfordSentimentTreebank")

# CS224N's hyperparameters.
DIM_VECTORS = 10
WINDOW_SIZE = 5
STEP = 0.3
ITERATIONS = 40000

VISUALIZE_WORDS = [
    "great", "cool", "brilliant", "wonderful", "well", "amazing",
    "worth", "sweet", "enjoyable", "boring", "bad", "dumb",
    "annoying", "female", "male", "queen", "king", "man", "woman", "rain", "snow",
    "hail", "coffee", "tea"]


def loadDataset(corpus):
    """Return (description, dataset) for --corpus, SST by default, else the offline corpus."""
    if corpus:
        return "Stanford Sentiment Treebank at %s" % corpus, StanfordSentiment(path=corpus)
    if os.path.isfile(os.path.join(DEFAULT_SST, "datasetSentences.txt")):
        return "Stanford Sentiment Treebank", StanfordSentiment(path=DEFAULT_SST)
    name, sentences = load_offline_corpus()
    print("The Stanford Sentiment Treebank is not in %s\n(run `python utils/get_dataset.py` "
          "to download it). Training on the offline corpus instead: %s." % (DEFAULT_SST, name))
    return name, StanfordSentiment.fromSentences(sentences)


def main(argv=None):
    """Parse the options, train, plot; return a process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=ITERATIONS,
                        help="number of SGD iterations (default: %(default)s)")
    parser.add_argument("--corpus", help="folder of the Stanford Sentiment Treebank "
                        "(default: utils/datasets/stanfordSentimentTreebank, else the offline corpus)")
    parser.add_argument("--output", default="word_vectors.png",
                        help="where to write the plot (default: %(default)s)")
    parser.add_argument("--save-dir", default=None,
                        help="folder for the saved parameters (default: saved/<corpus>)")
    parser.add_argument("--no-resume", action="store_true",
                        help="start from scratch even if saved parameters exist")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")

    # Seeds as in CS224N's run.py: the dataset's draws, then the initial vectors.
    random.seed(314)
    try:
        description, dataset = loadDataset(args.corpus)
    except (FileNotFoundError, OfflineCorpusError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    tokens = dataset.tokens()
    nWords = len(tokens)
    print("Corpus: %s (%d word types)" % (description, nWords))

    random.seed(31415)
    np.random.seed(9265)
    wordVectors = np.concatenate(
        ((np.random.rand(nWords, DIM_VECTORS) - 0.5) / DIM_VECTORS,
         np.zeros((nWords, DIM_VECTORS))),
        axis=0)

    saveDir = args.save_dir or os.path.join(
        "saved", "sst" if "Treebank" in description else "offline")
    os.makedirs(saveDir, exist_ok=True)
    sgdModule.SAVE_DIR = saveDir
    resume = not args.no_resume
    if resume:
        start, saved, _ = sgdModule.load_saved_params()
        if saved is not None and saved.shape != wordVectors.shape:
            print("error: the parameters saved in %s (iteration %d) have shape %s, not %s: they "
                  "come from another corpus. Use --save-dir or --no-resume." % (
                      saveDir, start, saved.shape, wordVectors.shape), file=sys.stderr)
            return 2

    startTime = time.time()
    wordVectors = sgd(
        lambda vec: word2vec_sgd_wrapper(skipgram, tokens, vec, dataset, WINDOW_SIZE,
                                         negSamplingLossAndGradient),
        wordVectors, STEP, args.iterations, None, resume, PRINT_EVERY=10)
    # Note: this is a sanity check for the full run, not a test to pass.
    print("sanity check: cost at convergence should be around or below 10")
    print("training took %d seconds" % (time.time() - startTime))

    # Each word is represented by the sum of its center and outside vectors.
    wordVectors = wordVectors[:nWords, :] + wordVectors[nWords:, :]
    words = [w for w in VISUALIZE_WORDS if w in tokens]
    missing = [w for w in VISUALIZE_WORDS if w not in tokens]
    if missing:
        print("not in this corpus, left out of the plot: %s" % ", ".join(missing))
    shortName = "Stanford Sentiment Treebank" if "Treebank" in description else description
    plotWordVectors(words, wordVectors[[tokens[w] for w in words], :], args.output,
                    title="%s, %d iterations" % (shortName.split(" (")[0], args.iterations))
    print("wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
