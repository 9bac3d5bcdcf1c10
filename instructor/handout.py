"""Build the student handout zip from the generated tree `assignment/`.

The zip holds exactly what `make assignment` generated (skeleton, given
utilities, sanity checks, local check, written templates, README), under one
top-level folder, and nothing of the reference solution.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from instructor.assign import ASSIGNMENT, ROOT, differences, shipped_files

DIST = ROOT / "dist"
FOLDER = "a2"


def handout_files(tree: Path = ASSIGNMENT) -> list[Path]:
    """Files of the generated tree that go into the handout (relative paths)."""
    return shipped_files(tree)


def build(target: Path = DIST / "handout.zip", tree: Path = ASSIGNMENT) -> Path:
    """Write the handout zip; refuse when assignment/ is out of date."""
    stale = differences(tree)
    if stale:
        raise RuntimeError("assignment/ is out of date with solutions/ (%s ...): run "
                           "`make assignment` first." % ", ".join(stale[:3]))
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in handout_files(tree):
            archive.write(tree / rel, "%s/%s" % (FOLDER, rel.as_posix()))
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: build the handout zip; return a process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DIST / "handout.zip")
    args = parser.parse_args(argv)
    try:
        target = build(args.out)
    except RuntimeError as error:
        print("error: %s" % error, file=sys.stderr)
        return 1
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print("wrote %s (%d files)" % (target.relative_to(ROOT) if target.is_relative_to(ROOT)
                                   else target, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
