"""pylint runs clean over the project's own code."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Student-facing files keep CS224N's camelCase names and API-mandated arguments.
RUNS = {
    "framework": (["instructor", "benchmarks"] + (["autograder"] if (ROOT / "autograder").is_dir()
                                                  else []), []),
    "tests": (["tests"], ["--disable=missing-function-docstring,missing-class-docstring,"
                          "protected-access,import-outside-toplevel,import-error,"
                          "redefined-outer-name,invalid-name,unused-argument"]),
    "student files": (["solutions", "docs/examples/textstats"], ["--disable=invalid-name,unused-argument"]),
}


@pytest.mark.parametrize("run", sorted(RUNS))
def test_pylint_is_clean(run):
    paths, options = RUNS[run]
    result = subprocess.run(
        [sys.executable, "-m", "pylint", "--rcfile", str(ROOT / "pyproject.toml"),
         "--score=n", *options, *paths],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
