#!/usr/bin/env python
"""An English corpus that needs no download, for training offline (given).

The Lee corpus (news articles from the Australian Broadcasting Corporation,
about 60,000 words) ships inside the wheel of the `gensim` package; this
module only reads that file, it never imports gensim.
"""

import importlib.util
import os
import re

PACKAGE = "gensim==4.4.0"
NAME = "the Lee news corpus (shipped with %s, about 60,000 words)" % PACKAGE
RELATIVE_PATH = os.path.join("test", "test_data", "lee_background.cor")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*|[^\sa-z0-9]")


class OfflineCorpusError(Exception):
    """The offline corpus is not installed; the message says how to get it."""


def corpusPath():
    """Path of the corpus file inside the installed package."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise OfflineCorpusError(
            "the offline corpus is not installed: run `pip install %s`, or get the Stanford "
            "Sentiment Treebank with `python utils/get_dataset.py`." % PACKAGE)
    path = os.path.join(list(spec.submodule_search_locations)[0], RELATIVE_PATH)
    if not os.path.isfile(path):
        raise OfflineCorpusError("%s is missing from the installed gensim: run `pip install %s`."
                                 % (RELATIVE_PATH, PACKAGE))
    return path


def tokenize(text):
    """Split text into sentences of lower-cased tokens, punctuation apart (as in SST)."""
    sentences = []
    for sentence in _SENTENCE_END.split(text.strip()):
        tokens = _TOKEN.findall(sentence.lower())
        if tokens:
            sentences.append(tokens)
    return sentences


def load_offline_corpus():
    """Return (description, sentences): sentences are lists of lower-cased tokens."""
    with open(corpusPath(), encoding="utf-8", errors="replace") as f:
        sentences = [s for line in f for s in tokenize(line)]
    return NAME, sentences
