"""Build the student handout zip from the generated student tree.

The zip holds exactly what `assign` generated (skeleton, given code, checklib,
check.py, the public tests, written templates, README), under the manifest's
handout folder, and nothing of the reference solution.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from autograder.layout import Layout
from instructor.assign import differences


class HandoutError(Exception):
    """The handout cannot be built; the message says what to do."""


def handout_files(tree: Path) -> list[Path]:
    """Files of the generated tree that go into the handout (relative paths)."""
    return sorted(p.relative_to(tree) for p in tree.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def build(layout: Layout | None = None, target: Path | None = None) -> Path:
    """Write the handout zip; refuse when the student tree is out of date."""
    layout = layout or Layout()
    target = Path(target or layout.dist / "handout.zip")
    stale = differences(layout)
    if stale:
        raise HandoutError("%s is out of date with %s (%s ...): run `make assignment` first"
                           % (layout.show(layout.student), layout.show(layout.source),
                              ", ".join(stale[:3])))
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in handout_files(layout.student):
            archive.write(layout.student / rel, "%s/%s" % (layout.manifest.handout, rel.as_posix()))
    return target
