"""Wall time of grading, and how trustworthy the timing tests are under load.

    python -m benchmarks.bench_grading [--repeat 20]

1. Grades the reference, the untouched skeleton and a submission that hangs in
   every function, and prints the wall time of each.
2. Grades the reference --repeat times while two busy-loop processes keep both
   cores loaded, and counts timing-test failures (should be 0).
3. Grades a naive softmax with a Python loop over the vocabulary and an O(|V|)
   negative sampling --repeat // 4 times each, and counts how often their
   timing test fails (should be every time).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

from autograder import assignment, grader
from autograder.submission import stage_submission
from benchmarks.common import ROOT, SOLUTIONS

HANG = "    while True:\n        pass\n"


def _variant(folder: Path, edits: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True)
    text = (SOLUTIONS / "word2vec.py").read_text(encoding="utf-8")
    for old, new in edits:
        text = text.replace(old, new)
    (folder / "word2vec.py").write_text(text, encoding="utf-8")
    (folder / "sgd.py").write_text((SOLUTIONS / "sgd.py").read_text(encoding="utf-8"))
    return folder


def _grade(path: Path, cfg) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as work:
        start = time.monotonic()
        tests = grader.grade(stage_submission(path, Path(work) / "staging"), cfg)
        return time.monotonic() - start, {t.name: t for t in tests}


def _busy() -> None:
    while True:
        pass


def main() -> None:
    """Print grading times and timing-test failure counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    cfg = assignment.load().load_config()
    with tempfile.TemporaryDirectory() as tmp:
        # an endless loop at the start of every solution region
        hanging = _variant(Path(tmp) / "hang", [("    ### BEGIN SOLUTION\n",
                                                  "    ### BEGIN SOLUTION\n" + HANG)])
        for name, path in (("reference", SOLUTIONS), ("skeleton", ROOT / "assignment"),
                           ("hangs in every function", hanging)):
            seconds, tests = _grade(path, cfg)
            print("%-26s %6.1f s  score %g / %g" % (name, seconds, sum(
                t.score for t in tests.values()), cfg.total))

        busy = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(2)]
        for process in busy:
            process.start()
        try:
            failures, times = 0, []
            for _ in range(args.repeat):
                seconds, tests = _grade(SOLUTIONS, cfg)
                times.append(seconds)
                failures += sum(t.status == "failed" for n, t in tests.items()
                                if n.startswith("timing"))
            print("reference under load: %d gradings, %d timing-test failures, %.1f s each "
                  "on average" % (args.repeat, failures, sum(times) / len(times)))
            slow = {
                "Python loop over the vocabulary": ("timing: naiveSoftmaxLossAndGradient", [(
                    "    yHat = softmax(outsideVectors @ centerWordVec)",
                    "    yHat = softmax(np.array([outsideVectors[w] @ centerWordVec "
                    "for w in range(len(outsideVectors))]))")]),
                "O(|V|) negative sampling": ("timing: negSamplingLossAndGradient", [(
                    "    z = u @ centerWordVec\n",
                    "    allScores = sigmoid(outsideVectors @ centerWordVec)\n"
                    "    z = u @ centerWordVec\n")]),
            }
            for number, (name, (test, edits)) in enumerate(slow.items()):
                path = _variant(Path(tmp) / ("slow%d" % number), edits)
                runs = max(1, args.repeat // 4)
                caught = sum(_grade(path, cfg)[1][test].status == "failed" for _ in range(runs))
                print("%s: its timing test failed %d of %d times (under load)" % (
                    name, caught, runs))
        finally:
            for process in busy:
                process.terminate()


if __name__ == "__main__":
    main()
