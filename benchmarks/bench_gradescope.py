"""Grading under Gradescope-like limits: half a CPU, the built zip, memory of the whole tree.

    python -m benchmarks.bench_gradescope [--repeat 20]

Builds dist/autograder.zip, then grades through it (a root laid out as
Gradescope's, run_autograder as root) the reference, a memory hog and a
submission that busy-loops in every function, pinned to one core beside a
busy loop on that same core (half a CPU, as Gradescope's default; no process
is moved between this machine's control groups). While each runs, the summed
RSS of the whole process tree is sampled. Prints wall time, CPU time and peak
memory of each, then the reference's false timing failures over --repeat
gradings under the same half CPU.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import package
from autograder.layout import Layout
from benchmarks.common import SOLUTIONS
from tests.variants import reference_with

HOG = "import numpy\n_HOG = []\n"
HOG_EDIT = ("    yHat = softmax(outsideVectors @ centerWordVec)",  # 8 MB at a time, until refused
            "    while True:\n        _HOG.append(numpy.ones(10 ** 6))\n"
            "    yHat = softmax(outsideVectors @ centerWordVec)")
LOOP = "    ### BEGIN SOLUTION\n"


def _tree_rss(root: int) -> int:
    """Summed resident memory (bytes) of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def grade_half_cpu(zip_path: Path, submission: Path, core: int) -> dict:
    """Grade through the zip pinned to `core` (shared with a busy loop); figures and results."""
    with tempfile.TemporaryDirectory(prefix="bench-gradescope-") as tmp:
        root = package.gradescope_root(zip_path, submission, Path(tmp))
        env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
        start, peak = time.monotonic(), 0
        process = subprocess.Popen(["taskset", "-c", str(core), "bash",  # pylint: disable=consider-using-with
                                    str(root / "source" / "run_autograder")], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)
        wall = time.monotonic() - start
        results = package.read_results(root)
    return {"wall": wall, "peak_mb": peak / 2 ** 20, "results": results}


def _cpu_of_children() -> float:
    """CPU seconds of every reaped descendant (each parent in the tree reaps its children)."""
    return sum(os.times()[2:4])


def main() -> None:
    """Print wall, CPU and peak memory per submission, then false timing failures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--core", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        zip_path, _ = package.build(Layout(), Path(tmp) / "autograder.zip")
        submissions = {
            "reference": SOLUTIONS,
            "memory hog": reference_with(Path(tmp) / "hog", edits=[HOG_EDIT], prefix=HOG),
            "busy loop in every function": reference_with(Path(tmp) / "loop"),
        }
        looping = submissions["busy loop in every function"] / "word2vec.py"
        looping.write_text(looping.read_text().replace(LOOP, LOOP + "    while True:\n        pass\n"))
        busy = subprocess.Popen(["taskset", "-c", str(args.core), sys.executable, "-c",  # pylint: disable=consider-using-with
                                 "while True: pass"])
        try:
            print("%-28s %8s %8s %9s  %s" % ("submission", "wall s", "CPU s", "peak MB",
                                             "score / notes"))
            for name, path in submissions.items():
                before = _cpu_of_children()
                figures = grade_half_cpu(zip_path, path, args.core)
                results = figures["results"]
                memory = [t["name"] for t in results["tests"] if "out of memory" in t["output"]]
                print("%-28s %8.1f %8.1f %9.0f  %g / %g%s" % (
                    name, figures["wall"], _cpu_of_children() - before, figures["peak_mb"],
                    results["score"], sum(t["max_score"] for t in results["tests"]),
                    "; told 'memory' in %d tests" % len(memory) if memory else ""))
            failures, walls = 0, []
            for _ in range(args.repeat):
                figures = grade_half_cpu(zip_path, SOLUTIONS, args.core)
                walls.append(figures["wall"])
                failures += sum(t["status"] == "failed" for t in figures["results"]["tests"]
                                if "timing" in t.get("tags", []))
            print("reference at half a CPU, %d gradings: %d false timing failures, %.1f s wall "
                  "on average (max %.1f)" % (args.repeat, failures, sum(walls) / len(walls),
                                             max(walls)))
        finally:
            busy.kill()


if __name__ == "__main__":
    main()
