"""Compute the expected outputs of the public checks from the reference solution.

They ship with the handout (solutions/utils/public_expected.npz), so that
`python check.py` scores a student's code as the autograder does without the
reference. Computed in a fresh interpreter inside solutions/, as a student's
check.py imports the modules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"

# np.savez stamps the time into the file: rewrite it only when a value changed,
# so that regenerating the assignment leaves git clean.
_SCRIPT = """
import numpy as np, sgd, word2vec
from utils.checks import EXPECTED_FILE, computeExpected, loadExpected
new = computeExpected(word2vec, sgd)
try:
    old = loadExpected()
except OSError:
    old = {}
if old.keys() != new.keys() or not all(
        old[k].dtype == v.dtype and np.array_equal(old[k], v) for k, v in new.items()):
    np.savez(EXPECTED_FILE, **new)
"""


def write_expected(src: Path = SOLUTIONS) -> Path:
    """(Re)write src/utils/public_expected.npz from the reference in src."""
    subprocess.run([sys.executable, "-c", _SCRIPT], cwd=src, check=True, timeout=300)
    return src / "utils" / "public_expected.npz"
