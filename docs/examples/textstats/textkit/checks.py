#!/usr/bin/env python
"""The graded checks and the cost test of the text-statistics assignment (given; do not modify).

Each check declares, side by side, its inputs (public ones, and on a hidden
seed other values and sizes), its probe (calls your functions; runs in your
process) and its judge (compares your outputs with the reference's on the same
inputs; runs in the grader). `python check.py` runs the public ones here.
Points, visibility and tolerances are the autograder's configuration.
"""

import numpy as np

from checklib import Check, Cost, combine, judge_arrays, judge_equal

LETTERS = list("abcdefghijklmnopqrstuvwxyz")
# What separates the words of a random text: spaces, punctuation, digits, apostrophes.
SEPARATORS = (" ", " ", " ", ", ", ". ", "!\n", "\t", " -- ", "'", " 42 ", "3", "?? ")


def randomWords(rng, count, shortest=1, longest=9):
    """count random lowercase words, each of shortest to longest letters."""
    return ["".join(rng.choice(LETTERS, size=int(n)))
            for n in rng.integers(shortest, longest + 1, size=count)]


def randomText(rng, count):
    """count random words, some capitalised or in capitals, between random separators."""
    pieces = [str(rng.choice(SEPARATORS))]
    for word in randomWords(rng, count):
        style = rng.random()
        pieces += [word.upper() if style < 0.1 else word.capitalize() if style < 0.4 else word,
                   str(rng.choice(SEPARATORS))]
    return "".join(pieces)


def shown(value, width=50):
    """A short repr of an argument, for messages."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 4] + " ..."


def judgeEach(function):
    """A judge of one output per case (compared exactly): an equal share of the points each."""
    def judge(got, expected, case, tol):
        return combine(*[(1 / len(expected), judge_equal(g, e, "%s(%s)" % (function, shown(a))))
                         for a, g, e in zip(case["arguments"], got, expected)])
    return judge


# ---------------------------------------------------------------- tokenize

def tokenizeInputs(rng, hidden):
    """Texts with capitals, digits, punctuation and apostrophes; an empty one; no words at all."""
    if hidden:
        texts = [randomText(rng, int(rng.integers(5, 40))) for _ in range(3)]
        texts += ["", "".join(str(s) for s in rng.choice(SEPARATORS, size=int(rng.integers(1, 6))))]
    else:
        texts = ["Don't stop -- 2 times!", "It was the best of times,\nit was the WORST of times.",
                 "tab\tseparated\twords and   spaces", "", "... 42 !?"]
    return {"arguments": texts}


def probeTokenize(textstats, case):
    """tokenize on every text."""
    return [textstats.tokenize(text) for text in case["arguments"]]


# ---------------------------------------------------------------- wordCounts

def wordCountsInputs(rng, hidden):
    """Lists of words with repeats (frequent and rare words), and an empty list."""
    if hidden:
        vocabulary = randomWords(rng, int(rng.integers(3, 15)))
        frequencies = 1 / np.arange(1, len(vocabulary) + 1)
        lists = [[str(w) for w in rng.choice(vocabulary, size=int(rng.integers(10, 80)),
                                             p=frequencies / frequencies.sum())]
                 for _ in range(2)]
    else:
        lists = [["the", "cat", "and", "the", "hat"],
                 "it was the best of times it was the worst of times".split()]
    return {"arguments": lists + [[]]}


def probeWordCounts(textstats, case):
    """wordCounts on every list (on a copy); a Counter or defaultdict is read as a dict."""
    counts = [textstats.wordCounts(list(tokens)) for tokens in case["arguments"]]
    return [dict(c) if isinstance(c, dict) else c for c in counts]


# ---------------------------------------------------------------- longestWord

def longestWordInputs(rng, hidden):
    """Lists where several words share the longest length; one word; no word."""
    if hidden:
        lists = []
        for _ in range(2):
            words = randomWords(rng, int(rng.integers(5, 30)), 1, 8)
            first, second = sorted(rng.choice(len(words), size=2, replace=False))
            words[first], words[second] = randomWords(rng, 2, 9, 9)  # tied longest
            lists.append(words)
        lists.append(randomWords(rng, 1))
    else:
        lists = [["a", "tree", "grows", "in", "every", "field"], ["one", "two", "six", "ten"],
                 ["word"]]
    return {"arguments": lists + [[]]}


def probeLongestWord(textstats, case):
    """longestWord on every list (on a copy)."""
    return [textstats.longestWord(list(tokens)) for tokens in case["arguments"]]


def judgeLongestWord(got, expected, case, tol):
    """An equal share per list; a hint when another of the longest words came back."""
    judgement = judgeEach("longestWord")(got, expected, case, tol)
    if any(isinstance(g, str) and g != e and len(g) == len(e) for g, e in zip(got, expected)):
        judgement.add("longestWord: hint: when several words are equally long, return the "
                      "one that comes first", "return the first of equally long words")
    return judgement


# ---------------------------------------------------------------- movingAverage

AVERAGES = ("averages", "averages (window = 1)", "averages (window = n)")


def movingAverageInputs(rng, hidden):
    """A series and a window (other lengths and windows when hidden)."""
    n = int(rng.integers(20, 300)) if hidden else 12
    window = int(rng.integers(2, n // 2 + 1)) if hidden else 3
    return {"values": rng.standard_normal(n) * 3 + 5, "window": window}


def probeMovingAverage(smoothing, case):
    """movingAverage with the case's window, a window of 1 and of the whole series."""
    values = case["values"].copy()
    out = dict(zip(AVERAGES, (smoothing.movingAverage(values, case["window"]),
                              smoothing.movingAverage(case["values"].copy(), 1),
                              smoothing.movingAverage(case["values"].copy(),
                                                      len(case["values"])))))
    out["modified"] = not np.array_equal(values, case["values"])
    return out


def judgeMovingAverage(got, expected, case, tol):
    """The three results compared numerically; modifying the input costs half."""
    judgement = judge_arrays(got, expected, AVERAGES, tol, "movingAverage")
    if got.get("modified"):
        judgement.add("movingAverage: modified its input values; work on a copy "
                      "(`values -= ...` changes the caller's array).")
        judgement.fraction *= 0.5
    return judgement


# ---------------------------------------------------------------- the checks

CHECKS = [
    Check("tokenize", "textstats", tokenizeInputs, probeTokenize, judgeEach("tokenize")),
    Check("wordCounts", "textstats", wordCountsInputs, probeWordCounts, judgeEach("wordCounts")),
    Check("longestWord", "textstats", longestWordInputs, probeLongestWord, judgeLongestWord),
    Check("movingAverage", "smoothing", movingAverageInputs, probeMovingAverage,
          judgeMovingAverage),
]


# ---------------------------------------------------------------- cost test

def movingAverageCall(smoothing, size, rng):
    """One call of movingAverage on `size` values with a window of a tenth of them."""
    values = rng.standard_normal(size)
    return lambda i: smoothing.movingAverage(values, size // 10)


# Calls per measurement: about 0.15 s of the reference's CPU time at each size.
COSTS = [
    Cost("movingAverage", "smoothing", movingAverageCall, repeat={1000: 12000, 100000: 120},
         advice="does each average add up its window again? Take differences of one "
                "cumulative sum (np.cumsum): the cost must not grow with the window."),
]
