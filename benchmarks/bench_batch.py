"""Batch throughput: `autograder batch` on all cores versus grading one submission at a time.

    python -m benchmarks.bench_batch [--count 50] [--jobs 2]

Builds a synthetic corpus (reference copies, differently written correct
solutions, one-mistake variants, skeletons, and hostile submissions that hang
in one function or exit at import), grades it one by one with
`python -m autograder grade` (what an instructor would do without the batch
command), then with `python -m autograder batch`, both in this run, and prints
submissions per minute, the speed-up, and how long the hostile submissions
took next to the others.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, SOLUTIONS
from tests.variants import BUGGY, CORRECT, edited, write_variant

ASSIGNMENT = ROOT / "assignment"
HOSTILE = {
    "hangs in sigmoid": [("def sigmoid(x):\n", "def sigmoid(x):\n    while True:\n        pass\n")],
    "exits at import": [("import numpy as np\n", "import numpy as np\nimport os\nos._exit(3)\n")],
}


def corpus(folder: Path, count: int) -> dict[str, str]:
    """count submissions in folder; returns submission -> kind."""
    kinds = {}
    makers = [("hostile", name, edits) for name, edits in HOSTILE.items()] * 2
    makers += [("buggy", name, BUGGY[name]) for name in sorted(BUGGY)]
    makers += [("correct", name, CORRECT[name]) for name in sorted(CORRECT)] * 2
    makers += [("skeleton", "skeleton", None)] * 6
    makers += [("reference", "reference", None)] * max(count - len(makers), 0)
    for n, (kind, name, variant) in enumerate(makers[:count]):
        target = folder / ("%03d_%s" % (n, kind))
        if kind == "hostile":
            target.mkdir(parents=True)
            (target / "word2vec.py").write_text(edited(variant))
            shutil.copy(SOLUTIONS / "sgd.py", target / "sgd.py")
        elif kind in ("skeleton", "reference"):
            target.mkdir(parents=True)
            for file in ("word2vec.py", "sgd.py"):
                shutil.copy((ASSIGNMENT if kind == "skeleton" else SOLUTIONS) / file, target / file)
        else:
            write_variant(target, variant)
        kinds[target.name] = "%s: %s" % (kind, name)
    return kinds


def one_by_one(folder: Path, out: Path) -> float:
    """Grade every submission with its own `autograder grade`, in turn; wall seconds."""
    out.mkdir(parents=True)
    start = time.monotonic()
    for submission in sorted(folder.iterdir()):
        subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission),
                        "--results", str(out / (submission.name + ".json"))], cwd=ROOT,
                       capture_output=True, check=True)
    return time.monotonic() - start


def batched(folder: Path, out: Path, jobs: int) -> float:
    """`autograder batch` on the folder (report included); wall seconds."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "batch", str(folder), "--out", str(out),
                    "--jobs", str(jobs)], cwd=ROOT, capture_output=True, check=True)
    return time.monotonic() - start


def _times(results: Path, kinds: dict[str, str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"hostile": [], "others": []}
    scores = {}
    for path in results.glob("*.json"):
        data = json.loads(path.read_text())
        times["hostile" if kinds[path.stem].startswith("hostile") else "others"].append(
            data["execution_time"])
        scores[path.stem] = data["score"]
    return times, scores


def main() -> None:
    """Build the corpus, grade it both ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only-batch", action="store_true",
                        help="skip grading one by one (for --report-to)")
    parser.add_argument("--report-to", type=Path,
                        help="copy the batch's report (PNGs, report.md) to this folder")
    parser.add_argument("--scores-to", type=Path,
                        help="write the batch's score of every submission (JSON), to compare "
                             "two versions of the grader on the same corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="w2v-bench-batch-") as tmp:
        folder = Path(tmp) / "submissions"
        kinds = corpus(folder, args.count)
        parallel = batched(folder, Path(tmp) / "batch", args.jobs)
        batch_times, batch_scores = _times(Path(tmp) / "batch" / "results", kinds)
        if args.scores_to:
            args.scores_to.write_text(json.dumps(batch_scores, indent=1, sort_keys=True) + "\n")
        if args.report_to:
            shutil.copytree(Path(tmp) / "batch" / "report", args.report_to, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("report.html"))
            print("report copied to %s" % args.report_to)
        if args.only_batch:
            print("batch, %d jobs: %.1f s for %d submissions" % (args.jobs, parallel, len(kinds)))
            return
        serial = one_by_one(folder, Path(tmp) / "serial")
        serial_times, serial_scores = _times(Path(tmp) / "serial", kinds)
    counts = {k: sum(v.startswith(k) for v in kinds.values())
              for k in ("reference", "correct", "buggy", "skeleton", "hostile")}
    print("corpus: %d submissions (%s)" % (len(kinds), ", ".join(
        "%d %s" % (n, k) for k, n in counts.items())))
    print("one by one (autograder grade): %6.1f s  %5.1f submissions/min" % (
        serial, len(kinds) / serial * 60))
    print("batch, %d jobs:                 %6.1f s  %5.1f submissions/min" % (
        args.jobs, parallel, len(kinds) / parallel * 60))
    print("speed-up: %.2fx" % (serial / parallel))
    for label, times in (("one by one", serial_times), ("batch", batch_times)):
        print("%-10s seconds per submission: others median %.1f (max %.1f), hostile median "
              "%.1f (max %.1f)" % (label, statistics.median(times["others"]),
                                   max(times["others"]), statistics.median(times["hostile"]),
                                   max(times["hostile"])))
    one, many = statistics.mean(serial_times["others"]), statistics.mean(batch_times["others"])
    print("non-hostile submissions: %.2f s each one by one, %.2f s each in the batch with %d at "
          "a time: %.2fx the throughput" % (one, many, args.jobs, one / (many / args.jobs)))
    same = serial_scores == batch_scores
    print("scores identical both ways: %s" % ("yes" if same else "NO: %s" % sorted(
        k for k, score in serial_scores.items() if score != batch_scores.get(k))))


if __name__ == "__main__":
    main()
