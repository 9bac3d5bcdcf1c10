"""Build dist/autograder.zip for Gradescope: setup.sh and run_autograder at its root.

The zip holds the grading package, the reference solution (without the written
answers) and the pinned runtime requirements; `make autograder` validates the
configuration first and prints the total points.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from autograder import config
from autograder.grader import reference

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
RUNTIME = ("numpy", "nbformat", "pylint")
SKIP_DIRS = {"__pycache__", "written", "datasets", "saved", "tests"}


def runtime_requirements() -> str:
    """The pinned lines of requirements.txt the grader needs at run time."""
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.split("==")[0] in RUNTIME) + "\n"


def _files(folder: Path):
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(ROOT)
        if path.is_file() and not SKIP_DIRS & set(rel.parts) and path.suffix != ".pyc" \
                and path.name not in ("word_vectors.png", "submission.zip"):
            yield path, rel.as_posix()


def build(target: Path = DIST / "autograder.zip") -> tuple[Path, float]:
    """Write the zip; return its path and the total points."""
    checks, _, _ = reference()
    cfg = config.load(check_names=[c.name for c in checks.CHECKS])
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, (ROOT / "autograder" / "gradescope" / name).read_bytes())
        archive.writestr("requirements-autograder.txt", runtime_requirements())
        for folder in (ROOT / "autograder", ROOT / "solutions"):
            for path, name in _files(folder):
                archive.write(path, name)
    return target, cfg.total


def main() -> int:
    """Command line: build, print the total points."""
    try:
        target, total = build()
    except config.ConfigError as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    print("wrote %s: %g points in all (public + hidden)" % (target.relative_to(ROOT), total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
