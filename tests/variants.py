"""Submissions built from the reference by one explicit edit each.

BUGGY: one mistake each, with the tests it must lose (name prefixes) and the
hint the feedback must give. CORRECT: differently written right answers.
"""

import re

from tests.conftest import SOLUTIONS


def edited(edits, filename="word2vec.py"):
    """The reference file with (old, new) substitutions, each matching exactly once."""
    text = (SOLUTIONS / filename).read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def reference_with(folder, edits=(), sgd_edits=(), prefix=""):
    """A submission folder: the reference with edits (and a prefix to word2vec.py)."""
    folder.mkdir(parents=True)
    (folder / "word2vec.py").write_text(prefix + edited(edits), encoding="utf-8")
    (folder / "sgd.py").write_text(edited(sgd_edits, "sgd.py"), encoding="utf-8")
    return folder


def with_region(function, body, filename="word2vec.py"):
    """The reference file with the solution region of `function` replaced by body."""
    text = (SOLUTIONS / filename).read_text(encoding="utf-8")
    pattern = re.compile(r"(def %s\(.*?### BEGIN SOLUTION\n).*?(\s*### END SOLUTION)" % function,
                         re.S)
    assert len(pattern.findall(text)) == 1
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + m.group(2), text, count=1)


NAIVE = "naiveSoftmaxLossAndGradient"
NEG = "negSamplingLossAndGradient"

# name: (file, edits, lost test prefixes, text the feedback must contain)
BUGGY = {
    "sign flipped": ("word2vec.py", [("gradOutsideVecs = np.outer(delta, centerWordVec)",
                                      "gradOutsideVecs = -np.outer(delta, centerWordVec)")],
                     [NAIVE], "opposite sign"),
    "transposed gradient": ("word2vec.py", [("gradOutsideVecs = np.outer(delta, centerWordVec)",
                                             "gradOutsideVecs = np.outer(centerWordVec, delta)")],
                            [NAIVE], "the shape is transposed"),
    "duplicate sample counted once": (
        "word2vec.py", [("np.add.at(gradOutsideVecs, rows, coef[:, None] * centerWordVec)",
                         "gradOutsideVecs[rows] += coef[:, None] * centerWordVec")],
        [NEG + " (repeated"], "drawn twice must count twice"),
    "window averaged": ("word2vec.py", [("        loss += pairLoss\n",
                                         "        loss += pairLoss / len(outsideWords)\n")],
                        ["skipgram"], "not averaged"),
    "y not subtracted": ("word2vec.py", [("    delta[outsideWordIdx] -= 1.0", "    pass")],
                         [NAIVE], "entries differ"),
    "unstable sigmoid": ("word2vec.py", [(
        "    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]\n",
        "    s = 1.0 / (1.0 + np.exp(-x))\n")], ["sigmoid"], "overflow"),
    "softmax modifies its input": ("word2vec.py", [(
        "    x = np.asarray(x, dtype=float)\n    e = np.exp(x - np.max(x, axis=-1, keepdims=True))",
        "    x -= np.max(x, axis=-1, keepdims=True)\n    e = np.exp(x)")],
        ["softmax"], "modified its input"),
    "unstable softmax": ("word2vec.py", [("e = np.exp(x - np.max(x, axis=-1, keepdims=True))",
                                          "e = np.exp(x)")], ["softmax"], "softmax"),
    "sgd uphill": ("sgd.py", [("x -= step * grad", "x += step * grad")], ["sgd"], "entries differ"),
    "sgd without postprocessing": ("sgd.py", [("        x = postprocessing(x)\n", "")], ["sgd"],
                                   "called postprocessing 0 times"),
    "sgd steps from the value before postprocessing": ("sgd.py", [(
        "        loss, grad = f(x)\n        x -= step * grad\n",
        "        if iteration == start_iter + 1:\n            raw = np.array(x, dtype=float)\n"
        "        loss, grad = f(raw)\n        raw = raw - step * grad\n        x = raw.copy()\n")],
        ["sgd"], "from the postprocessed x"),
    "center gradient on every row": ("word2vec.py", [(
        "        gradCenterVecs[centerIdx] += gradCenter",
        "        gradCenterVecs += gradCenter")], ["skipgram"], "the center word's"),
    "gradient returned as a column": ("word2vec.py", [(
        "    gradCenterVec = delta @ outsideVectors                # U (yHat - y), (d,)",
        "    gradCenterVec = (delta @ outsideVectors).reshape(-1, 1)")],
        [NAIVE], "only the shape is wrong"),
    "U where the math has U transposed": ("word2vec.py", [(
        "    gradCenterVec = delta @ outsideVectors                # U (yHat - y), (d,)",
        "    gradCenterVec = outsideVectors @ delta")], [NAIVE], "one word per row"),
    "given sgd() renamed": ("sgd.py", [("def sgd(f, x0,", "def stochasticGradientDescent(f, x0,")],
                            ["sgd"], "sgd.py no longer defines sgd at module level"),
    "sigmoid returns its derivative": ("word2vec.py", [(
        "    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]\n",
        "    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]\n    s = s * (1 - s)\n")],
        ["sigmoid", NEG], "the sigmoid's derivative"),
    "negative samples with the wrong sign": ("word2vec.py", [("    coef[1:] *= -1.0", "    pass")],
                                             [NEG], "entries differ"),
}

CORRECT = {
    "np.dot, one-hot y and broadcasting": with_region(NAIVE, """
    scores = np.dot(outsideVectors, centerWordVec)
    yHat = softmax(scores)
    y = np.zeros_like(yHat)
    y[outsideWordIdx] = 1
    loss = -np.log(np.dot(y, yHat))
    gradCenterVec = np.dot(outsideVectors.T, yHat - y)
    gradOutsideVecs = (yHat - y)[:, None] * centerWordVec[None, :]
"""),
    "one-hot y in float32": with_region(NAIVE, """
    yHat = softmax(outsideVectors @ centerWordVec)
    y = np.zeros(outsideVectors.shape[0], dtype=np.float32)
    y[outsideWordIdx] = 1.0
    loss = -np.sum(y * np.log(yHat))
    gradCenterVec = (yHat - y) @ outsideVectors
    gradOutsideVecs = np.outer(yHat - y, centerWordVec)
"""),
    "list comprehensions over the samples": with_region(NEG, """
    uO = outsideVectors[outsideWordIdx]
    sigO = sigmoid(np.dot(uO, centerWordVec))
    negSig = [sigmoid(-np.dot(outsideVectors[k], centerWordVec)) for k in negSampleWordIndices]
    loss = -np.log(sigO) - sum(np.log(s) for s in negSig)
    gradCenterVec = (sigO - 1) * uO + sum((1 - s) * outsideVectors[k]
                                          for s, k in zip(negSig, negSampleWordIndices))
    gradOutsideVecs = np.zeros(outsideVectors.shape)
    gradOutsideVecs[outsideWordIdx] += (sigO - 1) * centerWordVec
    for s, k in zip(negSig, negSampleWordIndices):
        gradOutsideVecs[k] += (1 - s) * centerWordVec
"""),
    "bincount-free scatter with a loop over unique samples": with_region(NEG, """
    z = outsideVectors[indices] @ centerWordVec
    signs = np.array([1.0] + [-1.0] * len(negSampleWordIndices))
    sig = sigmoid(signs * z)
    loss = -np.sum(np.log(sig))
    coef = signs * (sig - 1.0)
    gradCenterVec = coef @ outsideVectors[indices]
    gradOutsideVecs = np.zeros_like(outsideVectors)
    for word in set(indices):
        total = sum(c for c, i in zip(coef, indices) if i == word)
        gradOutsideVecs[word] = total * centerWordVec
"""),
    "skipgram accumulating in locals, assigned at the end": with_region("skipgram", """
    c = word2Ind[currentCenterWord]
    totalCenter = np.zeros(centerWordVectors.shape[1])
    totalOutside = np.zeros(outsideVectors.shape)
    for w in outsideWords:
        l, gc, go = word2vecLossAndGradient(centerWordVectors[c], word2Ind[w], outsideVectors,
                                            dataset)
        loss = loss + l
        totalCenter = totalCenter + gc
        totalOutside = totalOutside + go
    gradCenterVecs[c] = totalCenter
    gradOutsideVectors = totalOutside
"""),
    "sigmoid with np.where on both branches": with_region("sigmoid", """
    x = np.array(x, dtype=float)
    pos = 1.0 / (1.0 + np.exp(-np.clip(x, 0, None)))
    neg = np.exp(np.clip(x, None, 0)) / (1.0 + np.exp(np.clip(x, None, 0)))
    s = np.where(x >= 0, pos, neg)
    if s.ndim == 0:
        s = float(s)
"""),
    "softmax with keepdims-free reshaping": with_region("softmax", """
    x = np.array(x, dtype=float)
    if x.ndim == 1:
        e = np.exp(x - x.max())
        s = e / e.sum()
    else:
        e = np.exp(x - x.max(axis=1).reshape(-1, 1))
        s = e / e.sum(axis=1).reshape(-1, 1)
"""),
    "in-place += on fresh arrays": with_region(NAIVE, """
    yHat = softmax(outsideVectors @ centerWordVec)
    loss = -np.log(yHat[outsideWordIdx])
    gradCenterVec = np.zeros_like(centerWordVec)
    gradOutsideVecs = np.zeros_like(outsideVectors)
    gradCenterVec += outsideVectors.T @ yHat
    gradCenterVec -= outsideVectors[outsideWordIdx]
    gradOutsideVecs += np.outer(yHat, centerWordVec)
    gradOutsideVecs[outsideWordIdx] -= centerWordVec
"""),
    "log-sum-exp by hand": with_region(NAIVE, """
    scores = outsideVectors @ centerWordVec
    m = np.max(scores)
    logZ = m + np.log(np.sum(np.exp(scores - m)))
    loss = logZ - scores[outsideWordIdx]
    p = np.exp(scores - logZ)
    p[outsideWordIdx] -= 1
    gradCenterVec = p @ outsideVectors
    gradOutsideVecs = p[:, np.newaxis] * centerWordVec
"""),
    "loop over K": with_region(NEG, """
    uO = outsideVectors[outsideWordIdx]
    sigO = sigmoid(uO @ centerWordVec)
    loss = -np.log(sigO)
    gradCenterVec = (sigO - 1.0) * uO
    gradOutsideVecs = np.zeros_like(outsideVectors)
    gradOutsideVecs[outsideWordIdx] += (sigO - 1.0) * centerWordVec
    for k in negSampleWordIndices:
        sigK = sigmoid(-(outsideVectors[k] @ centerWordVec))
        loss -= np.log(sigK)
        gradCenterVec += (1.0 - sigK) * outsideVectors[k]
        gradOutsideVecs[k] += (1.0 - sigK) * centerWordVec
"""),
    "einsum and logsumexp": with_region(NAIVE, """
    scores = np.einsum("vd,d->v", outsideVectors, centerWordVec)
    top = scores.max()
    logNorm = top + np.log(np.exp(scores - top).sum())
    loss = logNorm - scores[outsideWordIdx]
    yHat = np.exp(scores - logNorm)
    yHat[outsideWordIdx] -= 1.0
    gradCenterVec = np.einsum("v,vd->d", yHat, outsideVectors)
    gradOutsideVecs = np.einsum("v,d->vd", yHat, centerWordVec)
"""),
    "pair results summed as a list": with_region("skipgram", """
    c = word2Ind[currentCenterWord]
    results = [word2vecLossAndGradient(centerWordVectors[c], word2Ind[w], outsideVectors, dataset)
               for w in outsideWords]
    if results:
        loss = float(sum(r[0] for r in results))
        gradCenterVecs[c] = np.sum([r[1] for r in results], axis=0)
        gradOutsideVectors = np.sum([r[2] for r in results], axis=0)
"""),
}


def about(test_name, entries):
    """Is a test (public or hidden) about one of entries: a check name or a whole-word prefix?"""
    base = test_name.removesuffix(" (hidden inputs)")
    return any(base.startswith(entry) and (len(base) == len(entry) or not base[len(entry)].isalnum())
               for entry in entries)


CORRECT_SGD = {
    "ANNEAL_EVERY kept in the function, as CS224N's given code does": edited([
        ("# Halve the step size every this many iterations.\nANNEAL_EVERY = 20000\n", ""),
        ("    if useSaved:\n", "    ANNEAL_EVERY = 20000\n    if useSaved:\n")], "sgd.py"),
}


def write_variant(folder, variant):
    """A submission folder: a BUGGY entry, or the word2vec.py text of a CORRECT one."""
    if not isinstance(variant, str):
        filename, edits = variant[:2]
        return reference_with(folder, **{"edits" if filename == "word2vec.py" else "sgd_edits":
                                         edits})
    reference_with(folder)
    (folder / "word2vec.py").write_text(variant, encoding="utf-8")
    return folder
