#!/usr/bin/env python
"""Build submission.zip for Gradescope's coding assignment.

    python collect_submission.py

It contains word2vec.py, sgd.py and, if present, word_vectors.png and
final_answers.txt (your boxed results, see written/README.md). It refuses to
build when a file is missing, does not parse, or still has a stub.
"""

import ast
import os
import sys
import zipfile

REQUIRED = ["word2vec.py", "sgd.py"]
OPTIONAL = ["word_vectors.png", "final_answers.txt"]
STUB_MARK = "fill in the ### YOUR CODE HERE region"


def problems(folder):
    """Return a list of messages; empty when the files are ready to submit."""
    found = []
    for name in REQUIRED:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            found.append("%s is missing: it must be in %s." % (name, folder))
            continue
        try:  # UTF-8, with or without the byte-order mark some editors write
            with open(path, encoding="utf-8-sig") as f:
                source = f.read()
        except UnicodeDecodeError:
            found.append("%s is not saved as UTF-8: save it as UTF-8 (your editor's \"Save with "
                         "encoding\"), then run this again." % name)
            continue
        try:
            ast.parse(source, filename=name)
        except SyntaxError as error:
            found.append("%s does not parse: line %s: %s" % (name, error.lineno, error.msg))
            continue
        for number, line in enumerate(source.splitlines(), 1):
            if STUB_MARK in line:
                found.append("%s line %d is still a stub: %s" % (name, number, line.strip()))
    return found


def main():
    """Check the files, then write submission.zip; return a process exit status."""
    folder = os.path.dirname(os.path.abspath(__file__))
    found = problems(folder)
    if found:
        print("Not building submission.zip:")
        for message in found:
            print("  - " + message)
        print("Fill in every ### YOUR CODE HERE region, check with `python word2vec.py` and "
              "`python sgd.py`, then run this again.")
        return 1
    target = os.path.join(folder, "submission.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in REQUIRED + OPTIONAL:
            if os.path.isfile(os.path.join(folder, name)):
                archive.write(os.path.join(folder, name), name)
    if not os.path.isfile(os.path.join(folder, "word_vectors.png")):
        print("note: word_vectors.png is not there yet: run `python run.py` to make it.")
    print("wrote %s: upload it to the coding assignment on Gradescope." % target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
