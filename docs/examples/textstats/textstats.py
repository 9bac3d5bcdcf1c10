#!/usr/bin/env python
"""textstats: the words of a text, how often each occurs, and the longest one.

Fill in every `### YOUR CODE HERE` region, then try your functions on a
sample text and see your score on the public tests:

    python textstats.py
    python check.py
"""

import re

def tokenize(text):
    """Split a text into lowercase words.

    A word is a maximal run of the letters a-z once the text is lowercased:
    everything else (spaces, digits, punctuation, apostrophes) separates words
    and is dropped. For example "Don't stop -- 2 times!" gives
    ["don", "t", "stop", "times"].

    Arguments:
    text -- str: any text, possibly empty

    Return:
    tokens -- list of str: the words of text in order (an empty list when there is none)
    """
    ### YOUR CODE HERE (~1 Line)
    ### BEGIN SOLUTION
    tokens = re.findall(r"[a-z]+", text.lower())
    ### END SOLUTION
    ### END YOUR CODE

    return tokens


def wordCounts(tokens):
    """Count how often each word occurs.

    Arguments:
    tokens -- list of str: words, as tokenize returns them (possibly empty)

    Return:
    counts -- dict from str to int: counts[w] is the number of times w occurs in
              tokens; only words that occur are keys (a collections.Counter is fine)
    """
    ### YOUR CODE HERE (~3 Lines)
    ### BEGIN SOLUTION
    counts = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    ### END SOLUTION
    ### END YOUR CODE

    return counts


def longestWord(tokens):
    """The longest word; when several are equally long, the one that comes first.

    Arguments:
    tokens -- list of str: words, as tokenize returns them (possibly empty)

    Return:
    word -- str: the first of the longest words of tokens ("" when tokens is empty)
    """
    ### YOUR CODE HERE (~2 Lines)
    ### BEGIN SOLUTION
    word = max(tokens, key=len) if tokens else ""
    ### END SOLUTION
    ### END YOUR CODE

    return word


if __name__ == "__main__":
    from textkit.sample import SAMPLE

    sampleTokens = tokenize(SAMPLE)
    sampleCounts = wordCounts(sampleTokens)
    print("%d words, %d distinct" % (len(sampleTokens), len(sampleCounts)))
    print("most frequent:", sorted(sampleCounts.items(), key=lambda item: (-item[1], item[0]))[:5])
    print("longest word:", longestWord(sampleTokens))
