#!/usr/bin/env python
"""Train word vectors with skip-gram and negative sampling, then plot them.

    python run.py                      # CS224N's full run: 40,000 iterations on SST
    python run.py --quick              # 2,000 iterations at a larger step: does it learn?
    python run.py --no-resume          # start over (replaces the saves)
    python run.py --corpus PATH        # SST folder (with datasetSentences.txt)

Without SST (see `python utils/get_dataset.py`) the run falls back to an
offline English corpus and says so. Parameters are saved every 5,000
iterations; running the same command again resumes from the latest save,
only if that save was made by the same code, corpus and settings.
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
from utils import training
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
# The quick mode: few iterations at a larger step, enough to see the loss fall.
QUICK_STEP = 3.0
QUICK_ITERATIONS = 2000

VISUALIZE_WORDS = [
    "great", "cool", "brilliant", "wonderful", "well", "amazing",
    "worth", "sweet", "enjoyable", "boring", "bad", "dumb",
    "annoying", "female", "male", "queen", "king", "man", "woman", "rain", "snow",
    "hail", "coffee", "tea"]


SST = "Stanford Sentiment Treebank"


def loadDataset(corpus):
    """Return (key, name, dataset): SST (--corpus or the default folder), else the offline corpus.

    key is "sst" or "offline"; name says what the corpus is (never a path).
    """
    if corpus:
        return "sst", SST, StanfordSentiment(path=corpus)
    if os.path.isfile(os.path.join(DEFAULT_SST, "datasetSentences.txt")):
        return "sst", SST, StanfordSentiment(path=DEFAULT_SST)
    name, sentences = load_offline_corpus()
    print("The Stanford Sentiment Treebank is not in utils/datasets (run "
          "`python utils/get_dataset.py` to download it).\nTraining on the offline corpus "
          "instead: %s." % name)
    return "offline", name, StanfordSentiment.fromSentences(sentences)


def parseArguments(argv):
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=None,
                        help="number of SGD iterations (default: %d, or %d with --quick)" % (
                            ITERATIONS, QUICK_ITERATIONS))
    parser.add_argument("--quick", action="store_true",
                        help="%d iterations at step %g (about a tenth of a minute per 1,000 "
                        "iterations): shows whether training works; never saves nor resumes" % (
                            QUICK_ITERATIONS, QUICK_STEP))
    parser.add_argument("--corpus", help="folder of the Stanford Sentiment Treebank "
                        "(default: utils/datasets/stanfordSentimentTreebank, else the offline corpus)")
    parser.add_argument("--output", default="word_vectors.png",
                        help="where to write the plot (default: %(default)s)")
    parser.add_argument("--save-dir", default=None,
                        help="folder for the saved parameters (default: saved/<corpus>)")
    parser.add_argument("--no-resume", action="store_true",
                        help="start from scratch: delete the saves in the save folder first")
    args = parser.parse_args(argv)
    if args.iterations is None:
        args.iterations = QUICK_ITERATIONS if args.quick else ITERATIONS
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")
    return args


def checkResume(saveDir, current, shape, iterations):
    """None when the latest save in saveDir (if any) may be resumed, else the one-line refusal."""
    start = sgdModule.latest_saved_iteration()
    if start == 0:
        return None
    again = "run again with --no-resume to start over (it deletes %s's saves)" % saveDir
    meta = sgdModule.load_saved_meta(start) if hasattr(sgdModule, "load_saved_meta") else None
    why = training.difference((meta or {}).get("fingerprint"), current)
    if why is None:
        saved = np.load(os.path.join(saveDir, "saved_params_%d.npy" % start), mmap_mode="r")
        if saved.shape != shape:
            why = "its parameters have shape %s, not %s" % (saved.shape, shape)
    if why is not None:
        return "error: not resuming from the save at iteration %d in %s: %s; %s." % (
            start, saveDir, why, again)
    if start > iterations:
        return ("error: the save in %s is at iteration %d, past --iterations %d: run with "
                "--iterations %d or more to continue it, or %s." % (
                    saveDir, start, iterations, start, again))
    return None


def main(argv=None):
    """Parse the options, train, plot; return a process exit status."""
    args = parseArguments(argv)

    # Seeds as in CS224N's run.py: the dataset's draws, then the initial vectors.
    random.seed(314)
    try:
        key, name, dataset = loadDataset(args.corpus)
    except (FileNotFoundError, OfflineCorpusError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    tokens = dataset.tokens()
    nWords = len(tokens)
    print("Corpus: %s (%d word types)" % (name, nWords))

    random.seed(31415)
    np.random.seed(9265)
    wordVectors = np.concatenate(
        ((np.random.rand(nWords, DIM_VECTORS) - 0.5) / DIM_VECTORS,
         np.zeros((nWords, DIM_VECTORS))),
        axis=0)

    step = QUICK_STEP if args.quick else STEP
    mode = "quick" if args.quick else "full"
    resume = not args.quick
    saveDir = args.save_dir or os.path.join("saved", key)
    sgdModule.SAVE_DIR = saveDir
    sgdModule.FINGERPRINT = training.fingerprint(
        [os.path.join(HERE, "word2vec.py"), os.path.join(HERE, "sgd.py")], name,
        dataset.sentences(), {"dimension": DIM_VECTORS, "window": WINDOW_SIZE, "step": step})
    if resume:
        os.makedirs(saveDir, exist_ok=True)
        if args.no_resume:
            if training.removeSaves(saveDir):
                print("Starting over: deleted the saves in %s." % saveDir)
        else:
            refusal = checkResume(saveDir, sgdModule.FINGERPRINT, wordVectors.shape,
                                  args.iterations)
            if refusal:
                print(refusal, file=sys.stderr)
                return 2

    startTime = time.time()
    wordVectors = sgd(
        lambda vec: word2vec_sgd_wrapper(skipgram, tokens, vec, dataset, WINDOW_SIZE,
                                         negSamplingLossAndGradient),
        wordVectors, step, args.iterations, None, resume, PRINT_EVERY=10)
    run = getattr(sgdModule, "LAST_RUN", None) or {}
    first, last = run.get("first", 1), run.get("last", args.iterations)
    loss = run.get("loss")
    if last < first:
        print("Nothing to train: the save in %s is already at iteration %d (plotting it; "
              "--no-resume starts over)." % (saveDir, last))
    else:
        print("Trained iterations %d to %d%s in %d seconds." % (
            first, last, " (resumed from the save at %d)" % (first - 1) if first > 1 else "",
            time.time() - startTime))
    # The reference's figure only for the same corpus, mode and number of iterations.
    standard = args.iterations == (QUICK_ITERATIONS if args.quick else ITERATIONS) \
        and last == args.iterations
    reference = training.referenceLoss(sgdModule.FINGERPRINT["corpus"]["digest"], mode) \
        if standard else None
    for line in training.verdict(loss, reference, last, not args.quick,
                                 run.get("startLoss") if first == 1 else None):
        print(line)

    # Each word is represented by the sum of its center and outside vectors.
    wordVectors = wordVectors[:nWords, :] + wordVectors[nWords:, :]
    words = [w for w in VISUALIZE_WORDS if w in tokens]
    missing = [w for w in VISUALIZE_WORDS if w not in tokens]
    if missing:
        print("not in this corpus, left out of the plot: %s" % ", ".join(missing))
    title = "%s: %s iterations%s%s" % (
        name.split(" (", maxsplit=1)[0], format(last, ","), " (quick mode)" if args.quick else "",
        ", smoothed loss %.2f" % loss if loss is not None else "")
    plotWordVectors(words, wordVectors[[tokens[w] for w in words], :], args.output, title=title)
    print("wrote %s" % args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
