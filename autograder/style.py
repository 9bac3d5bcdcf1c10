"""An informational check that runs no student code: a pylint report on the student's files."""

from __future__ import annotations

import re
import subprocess
import sys

from autograder.submission import StagedSubmission

PYLINT_TIMEOUT = 120
# Course APIs are often camelCase, and given signatures leave some arguments unused.
PYLINT_OPTIONS = ["--disable=invalid-name,unused-argument,missing-module-docstring,"
                  "too-many-arguments,too-many-positional-arguments,too-many-locals,"
                  "import-error,consider-using-f-string", "--score=y", "--jobs=1",
                  "--msg-template={path}:{line}: {msg_id} {msg}"]


def pylint_report(staged: StagedSubmission, required: list[str]) -> tuple[float | None, str]:
    """(score out of 10 or None, report) for the student's Python files, read as text only."""
    files = [name for name in required if name.endswith(".py") and staged.present.get(name)]
    if not files:
        return None, "no file to lint"
    try:
        result = subprocess.run([sys.executable, "-m", "pylint", *PYLINT_OPTIONS, *files],
                                cwd=staged.folder, capture_output=True, text=True,
                                timeout=PYLINT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None, "pylint took more than %d s" % PYLINT_TIMEOUT
    match = re.search(r"rated at (-?[\d.]+)/10", result.stdout)
    messages = [line for line in result.stdout.splitlines() if re.match(r"\S+\.py:\d+: ", line)]
    shown = "\n".join(messages[:25]) + ("\n... and %d more" % (len(messages) - 25)
                                         if len(messages) > 25 else "")
    score = float(match.group(1)) if match else None
    head = "pylint: %s/10" % (match.group(1) if match else "no score")
    return score, head + ("\n" + shown if shown else "")
