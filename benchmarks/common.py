"""Helpers shared by the benchmark scripts: import the reference, time calls."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
SHARED_SST = ROOT.parent / "shared" / "data" / "stanfordSentimentTreebank"


def use_solutions() -> None:
    """Make `import word2vec`, `import sgd` and `import utils` load the reference."""
    if str(SOLUTIONS) not in sys.path:
        sys.path.insert(0, str(SOLUTIONS))


def median_seconds(call: Callable[[], object], repeat: int, number: int) -> float:
    """Median over `repeat` runs of the mean time of `number` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            call()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)
