#!/usr/bin/env python
"""The Stanford Sentiment Treebank as a word2vec training corpus (given).

Reads the corpus as CS224N's starter does (the same tokens, vocabulary order,
frequency subsampling and unigram^0.75 sampling table), but builds it with
numpy and draws in bulk, so that loading takes seconds, not minutes, and a
training iteration is not dominated by Python calls. Every random draw comes
from Python's `random` module, so seeding `random` (and restoring its saved
state when training resumes) makes a run reproducible.
"""

import os
import random

import numpy as np

SENTENCES_FILE = "datasetSentences.txt"
SUBSAMPLING_THRESHOLD = 1e-5
COPIES = 30  # the corpus is repeated (and subsampled anew) this many times


class StanfordSentiment:  # pylint: disable=too-many-instance-attributes
    """Tokens, random contexts and negative samples of a corpus of sentences.

    Arguments:
    path -- folder holding datasetSentences.txt (default: utils/datasets/
            stanfordSentimentTreebank next to this file)
    tablesize -- number of entries of the negative-sampling table
    sentences -- instead of reading path: a list of tokenized sentences (lists
                 of str), e.g. the offline corpus; see fromSentences
    """

    def __init__(self, path=None, tablesize=1000000, sentences=None):
        if isinstance(tablesize, bool) or not isinstance(tablesize, (int, np.integer)) \
                or tablesize < 1:
            raise ValueError("tablesize must be a positive int, got %r" % (tablesize,))
        self.tablesize = int(tablesize)
        if sentences is None:
            if path is None:
                path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "datasets", "stanfordSentimentTreebank")
            self.path = path
            sentences = readSentences(path)
        else:
            self.path = None
            sentences = checkSentences(sentences)
        self._sentences = sentences
        self._buildVocabulary()
        self._sampleTable = None
        self._allsentences = None
        # Subsample now, with the draws that follow the caller's random.seed, so
        # that the corpus does not depend on when the first context is drawn.
        self._subsampled = self._subsample()
        self._bounds = (self._subsampled[1].tolist(), self._subsampled[2].tolist())

    @classmethod
    def fromSentences(cls, sentences, tablesize=1000000):
        """Build the dataset from a list of tokenized sentences (lists of str)."""
        return cls(tablesize=tablesize, sentences=sentences)

    def _buildVocabulary(self):
        tokens, freq, revtokens = {}, [], []
        for sentence in self._sentences:
            for word in sentence:
                idx = tokens.get(word)
                if idx is None:
                    tokens[word] = len(revtokens)
                    revtokens.append(word)
                    freq.append(1)
                else:
                    freq[idx] += 1
        tokens["UNK"] = len(revtokens)
        revtokens.append("UNK")
        freq.append(1)
        self._tokens = tokens
        self._revtokens = revtokens
        self._tokenfreq = np.array(freq, dtype=np.float64)
        self._wordcount = int(self._tokenfreq.sum())

    def tokens(self):
        """Dict mapping every word to its index (order of first appearance, UNK last)."""
        return self._tokens

    def sentences(self):
        """The sentences: lists of lower-cased words."""
        return self._sentences

    def numSentences(self):
        """The number of sentences."""
        return len(self._sentences)

    def rejectProb(self):
        """Per token, the probability that subsampling drops an occurrence (frequent words)."""
        threshold = SUBSAMPLING_THRESHOLD * self._wordcount
        return np.maximum(0.0, 1.0 - np.sqrt(threshold / self._tokenfreq))

    def allSentences(self):
        """The corpus repeated 30 times with frequent words subsampled; sentences of 2+ words.

        A list of lists of words, built on first call (SST: 1.5 million words,
        about a second); getRandomContext uses the arrays of subsampledCorpus().
        """
        if self._allsentences is None:
            flat, starts, ends = self._subsampled
            words = [self._revtokens[i] for i in flat.tolist()]
            self._allsentences = [words[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
        return self._allsentences

    def subsampledCorpus(self):
        """allSentences() as arrays: (flat token indices, start offsets, end offsets)."""
        return self._subsampled

    def _subsample(self):
        ids = np.fromiter((self._tokens[w] for s in self._sentences for w in s), dtype=np.int64)
        lengths = np.array([len(s) for s in self._sentences], dtype=np.int64)
        sentenceOf = np.repeat(np.arange(len(lengths)), lengths)
        reject = self.rejectProb()[ids]
        rng = np.random.default_rng(random.getrandbits(64))
        flat, sizes = [], []
        for _ in range(COPIES):
            keep = rng.random(len(ids)) >= reject
            counts = np.bincount(sentenceOf[keep], minlength=len(lengths))
            longEnough = counts > 1
            flat.append(ids[keep][np.repeat(longEnough, counts)])
            sizes.append(counts[longEnough])
        sizes = np.concatenate(sizes)
        if len(sizes) == 0:
            raise ValueError("the corpus is too small: after subsampling frequent words no "
                             "sentence has two words left (%d words in all)" % self._wordcount)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        flat = np.concatenate(flat)
        # A context needs a word other than the center: without any such
        # sentence getRandomContext would retry forever.
        if np.all(np.maximum.reduceat(flat, starts) == np.minimum.reduceat(flat, starts)):
            raise ValueError("no sentence of the corpus has two different words left after "
                             "subsampling: there is no context to draw")
        return flat, starts, starts + sizes

    def getRandomContext(self, C=5):
        """A random center word and up to C words on each side (center word removed).

        Return:
        centerword -- str
        context -- list of str, non-empty
        """
        flat = self._subsampled[0]
        starts, ends = self._bounds
        words = self._revtokens
        while True:
            sentID = random.randint(0, len(starts) - 1)
            start, end = starts[sentID], ends[sentID]
            wordID = random.randint(start, end - 1)
            window = flat[max(start, wordID - C):min(end, wordID + C + 1)].tolist()
            center = window[min(C, wordID - start)]
            context = [words[i] for i in window if i != center]
            if context:
                return words[center], context

    def sampleTable(self):
        """Array of tablesize token indices; token i fills a share proportional to freq_i^0.75."""
        if self._sampleTable is None:
            weights = self._tokenfreq ** 0.75
            cumulative = np.cumsum(weights / weights.sum()) * self.tablesize
            self._sampleTable = np.minimum(
                np.searchsorted(cumulative, np.arange(self.tablesize), side="left"),
                len(weights) - 1).astype(np.int64)
        return self._sampleTable

    def sampleTokenIdx(self):
        """One negative sample: an int token index."""
        return int(self.sampleTable()[random.randint(0, self.tablesize - 1)])

    def sampleTokenIndices(self, n):
        """n independent negative samples at once: an int64 array of shape (n,).

        Each is a uniform entry of sampleTable(), like sampleTokenIdx(); the
        64 random bits per draw come from Python's `random` (the modulo bias
        is below 1e-13 for a table of a million entries).
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError("n must be a non-negative int, got %r" % (n,))
        n = int(n)
        table = self.sampleTable()
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        raw = np.frombuffer(random.getrandbits(64 * n).to_bytes(8 * n, "little"), dtype=np.uint64)
        return table[raw % np.uint64(self.tablesize)]


def checkSentences(sentences):
    """Copy of sentences as lists of str; a clear error for anything else."""
    if isinstance(sentences, (str, bytes)):
        raise TypeError("sentences must be a list of tokenized sentences (lists of str), "
                        "not a string")
    result = []
    for number, sentence in enumerate(sentences):
        if isinstance(sentence, (str, bytes)) or not all(isinstance(w, str) for w in sentence):
            raise TypeError("sentence %d is not a list of str: %.60r" % (number, sentence))
        result.append(list(sentence))
    return result


def readSentences(path):
    """Read datasetSentences.txt: a header line, then `index<TAB>sentence` per line."""
    filename = os.path.join(path, SENTENCES_FILE)
    howto = ("Get it with `python utils/get_dataset.py` (in the instructor repository: "
             "`make data`).")
    if not os.path.isdir(path):
        raise FileNotFoundError(
            "no %s in %s (no such folder): the Stanford Sentiment Treebank is expected "
            "there. %s" % (SENTENCES_FILE, os.path.abspath(path), howto))
    if not os.path.isfile(filename):
        raise FileNotFoundError(
            "no %s in %s: the Stanford Sentiment Treebank is expected there. %s"
            % (SENTENCES_FILE, os.path.abspath(path), howto))
    sentences = []
    with open(filename, encoding="utf-8", errors="replace") as f:
        next(f, None)
        for line in f:
            words = line.strip().split()[1:]
            sentences.append([w.lower() for w in words])
    return sentences
