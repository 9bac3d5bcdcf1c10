#!/usr/bin/env python
"""What run.py needs to train honestly (given): fingerprints of a run, the reference's figures.

A save records a fingerprint of what produced it: the code (word2vec.py and
sgd.py), the corpus and the settings. A resume compares it with the current
one and refuses a save made by anything else, in one line.
"""

import glob
import hashlib
import os

# Smoothed loss the reference solution reaches with this run.py (its seeds and settings), by
# (corpus digest, mode), measured by running it: b3f90c0f66b4 is the Stanford Sentiment
# Treebank, 60baeaeaf399 the offline Rotten Tomatoes corpus (see corpusDigest).
REFERENCE_LOSS = {
    ("b3f90c0f66b4", "quick"): 10.72,   # from 20.74 at iteration 10
    ("b3f90c0f66b4", "full"): 9.67,
    ("60baeaeaf399", "quick"): 13.16,   # from 23.03 at iteration 10
}
# Your loss may exceed the reference's by this much before run.py says something is off.
LOSS_SLACK = 0.5

SAVED_FILES = ("saved_params_*.npy", "saved_state_*.pickle", "saved_meta_*.json")


def fileDigest(path):
    """SHA-256 of a file's bytes (12 hex digits), or 'missing'."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()[:12]
    except OSError:
        return "missing"


def corpusDigest(sentences):
    """SHA-256 of the tokenised sentences (12 hex digits)."""
    digest = hashlib.sha256()
    for sentence in sentences:
        digest.update(" ".join(sentence).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:12]


def fingerprint(codeFiles, corpusName, sentences, settings):
    """What produced a run: code file digests, the corpus and the settings (plain JSON)."""
    return {"code": {os.path.basename(path): fileDigest(path) for path in codeFiles},
            "corpus": {"name": corpusName, "digest": corpusDigest(sentences)},
            "settings": dict(settings)}


def difference(saved, current):
    """None when two fingerprints agree, else a few words saying what differs."""
    if not isinstance(saved, dict):
        return "it does not record what produced it (an older run.py)"
    changed = [name for name, digest in current["code"].items()
               if saved.get("code", {}).get(name) != digest]
    if changed:
        return "%s changed since" % " and ".join(changed)
    if saved.get("corpus") != current["corpus"]:
        was = (saved.get("corpus") or {}).get("name", "another corpus")
        return "it was trained on %s" % (
            "another version of " + was if was == current["corpus"]["name"] else was)
    settings = saved.get("settings", {})
    diffs = ["%s %s (now %s)" % (key, settings.get(key), value)
             for key, value in sorted(current["settings"].items()) if settings.get(key) != value]
    if diffs:
        return "it used other settings: %s" % ", ".join(diffs)
    return None


def removeSaves(folder):
    """Delete the saves of a run in folder; return how many files went."""
    removed = 0
    for pattern in SAVED_FILES:
        for path in glob.glob(os.path.join(folder, pattern)):
            os.remove(path)
            removed += 1
    return removed


def referenceLoss(corpusDigestValue, mode):
    """The reference's smoothed loss for this corpus and mode, or None."""
    return REFERENCE_LOSS.get((corpusDigestValue, mode))


def verdict(loss, reference, iterations, full, startLoss=None):
    """One or two lines comparing a loss with the reference's figure in the same setting."""
    if loss is None:
        return ["no loss was recorded (did sgd() run any iteration?)"]
    since = " (from %.2f at the start)" % startLoss if startLoss is not None else ""
    if reference is None:
        return ["your smoothed loss after %d iterations: %.2f%s (no reference figure for this "
                "corpus and setting)" % (iterations, loss, since)]
    lines = ["your smoothed loss after %d iterations: %.2f%s; the reference reaches about %.2f"
             % (iterations, loss, since, reference)]
    if loss > reference + LOSS_SLACK:
        lines.append("that is above the reference: check `python word2vec.py` and "
                     "`python sgd.py` before the %s run." % ("next" if full else "full"))
    elif full:
        lines.append("training converged as expected.")
    else:
        lines.append("training works: the full run (`python run.py`) is worth doing.")
    return lines
