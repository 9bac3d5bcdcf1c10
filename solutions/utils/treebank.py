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
    """

    def __init__(self, path=None, tablesize=1000000, sentences=None):
        self.tablesize = tablesize
        if sentences is None:
            if path is None:
                path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "datasets", "stanfordSentimentTreebank")
            self.path = path
            sentences = readSentences(path)
        else:
            self.path = None
        self._sentences = [list(s) for s in sentences]
        self._buildVocabulary()
        self._sampleTable = None
        # Subsample now, with the draws that follow the caller's random.seed, so
        # that the corpus does not depend on when the first context is drawn.
        self._allsentences = self._subsample()

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

        Returned as (flat token indices, start offsets, end offsets) of the
        sentences: a list of lists would cost gigabytes of Python objects.
        """
        return self._allsentences

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
        return np.concatenate(flat), starts, starts + sizes

    def getRandomContext(self, C=5):
        """A random center word and up to C words on each side (center word removed).

        Return:
        centerword -- str
        context -- list of str, non-empty
        """
        flat, starts, ends = self.allSentences()
        while True:
            sentID = random.randint(0, len(starts) - 1)
            start, end = int(starts[sentID]), int(ends[sentID])
            wordID = random.randint(start, end - 1)
            center = flat[wordID]
            window = flat[max(start, wordID - C):min(end, wordID + C + 1)]
            context = [self._revtokens[i] for i in window.tolist() if i != center]
            if context:
                return self._revtokens[int(center)], context

    def sampleTable(self):
        """Array of tablesize token indices; token i fills a share proportional to freq_i^0.75."""
        if self._sampleTable is None:
            weights = self._tokenfreq ** 0.75
            cumulative = np.cumsum(weights / weights.sum()) * self.tablesize
            self._sampleTable = np.minimum(
                np.searchsorted(cumulative, np.arange(self.tablesize), side="left"),
                len(weights) - 1)
        return self._sampleTable

    def sampleTokenIdx(self):
        """One negative sample: an int token index."""
        return int(self.sampleTable()[random.randint(0, self.tablesize - 1)])

    def sampleTokenIndices(self, n):
        """n independent negative samples at once: an int64 array of token indices."""
        table = self.sampleTable()
        raw = np.frombuffer(random.getrandbits(32 * n).to_bytes(4 * n, "little"), dtype=np.uint32)
        return table[raw % self.tablesize]


def readSentences(path):
    """Read datasetSentences.txt: a header line, then `index<TAB>sentence` per line."""
    filename = os.path.join(path, SENTENCES_FILE)
    if not os.path.isfile(filename):
        raise FileNotFoundError(
            "no %s in %s: the Stanford Sentiment Treebank is expected there. Get it with "
            "`python utils/get_dataset.py` (or `make data` in the instructor repository)."
            % (SENTENCES_FILE, os.path.abspath(path)))
    sentences = []
    with open(filename, encoding="utf-8", errors="replace") as f:
        next(f, None)
        for line in f:
            words = line.strip().split()[1:]
            sentences.append([w.lower() for w in words])
    return sentences
