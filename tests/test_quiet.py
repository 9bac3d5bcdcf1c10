"""Quiet output: each distinct sanity hint once, with a count of the failures that gave it."""

import subprocess
import sys

from tests.conftest import ASSIGNMENT
from tests.variants import reference_with

AVERAGED = [("        loss += pairLoss\n        gradCenterVecs[centerIdx] += gradCenter\n"
             "        gradOutsideVectors += gradOutside\n",
             "        loss += pairLoss / len(outsideWords)\n"
             "        gradCenterVecs[centerIdx] += gradCenter / len(outsideWords)\n"
             "        gradOutsideVectors += gradOutside / len(outsideWords)\n")]


def test_a_repeated_hint_is_printed_once_with_its_count(tmp_path):
    folder = reference_with(tmp_path / "a2", edits=AVERAGED)
    (folder / "utils").symlink_to(ASSIGNMENT / "utils")
    (folder / "checklib.py").symlink_to(ASSIGNMENT / "checklib.py")
    result = subprocess.run([sys.executable, "word2vec.py", "skipgram"], cwd=folder,
                            capture_output=True, text=True, check=False, timeout=300)
    out = result.stdout
    assert result.returncode == 1 and out.count("FAILED skipgram") == 18, out
    hints = [line.strip() for line in out.splitlines() if line.strip().startswith("hint: ")]
    assert len(hints) == len(set(hints)) == 3, hints
    assert "hint given for 12 failures (shown once above): it is 1/6 of the expected value" in out
