"""Generate the student tree (assignment/) from the instructor's source (solutions/).

Every `### BEGIN SOLUTION` ... `### END SOLUTION` region in a Python file becomes
a `raise NotImplementedError(...)` naming the enclosing function; lines in a
region that start with `#: ` are a prompt kept as comments for the student.
Everything else is copied verbatim, except what the manifest keeps back; the
framework adds checklib.py, check.py (and exprlib.py, when the written part has
final answers) and the public tests (public_tests.json).
"""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
from pathlib import Path

from autograder.layout import (CHECK_SCRIPT, CHECKLIB, CONFIG, EXPRLIB, MANIFEST, PUBLIC_TESTS,
                               SOLUTION_BEGIN, SOLUTION_END, SOLUTION_STUB, Layout)

BEGIN, END = SOLUTION_BEGIN, SOLUTION_END
PROMPT = "#: "

_DEF = re.compile(r"^(\s*)def\s+(\w+)\s*\(")


class AssignError(Exception):
    """The solution source has malformed solution markers."""


def _enclosing_function(lines: list[str], index: int, indent: int) -> str:
    for line in reversed(lines[:index]):
        match = _DEF.match(line)
        if match and len(match.group(1)) < indent:
            return match.group(2)
    return "this part"


def strip_solutions(source: str, filename: str) -> str:
    """Return source with every solution region replaced by a stub."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    region_start = None
    prompt: list[str] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if region_start is not None:
                raise AssignError("%s:%d: %s inside the region opened at line %d"
                                  % (filename, number, BEGIN, region_start))
            region_start, prompt = number, []
            indent = len(line) - len(line.lstrip())
        elif stripped == END:
            if region_start is None:
                raise AssignError("%s:%d: %s without a %s before it" % (filename, number, END, BEGIN))
            function = _enclosing_function(lines, region_start - 1, indent)
            pad = " " * indent
            out.extend(pad + "# " + text + "\n" for text in prompt)
            out.append('%sraise NotImplementedError("%s: %s of %s in %s")\n'
                       % (pad, function, SOLUTION_STUB, function, filename))
            region_start = None
        elif region_start is not None:
            if stripped.startswith(PROMPT):
                prompt.append(stripped[len(PROMPT):])
        elif BEGIN in line or END in line:
            raise AssignError("%s:%d: a solution marker must stand alone on its line"
                              % (filename, number))
        else:
            out.append(line)
    if region_start is not None:
        raise AssignError("%s:%d: %s is never closed" % (filename, region_start, BEGIN))
    return "".join(out)


def _excluded(rel: Path, layout: Layout) -> bool:
    return any(part in layout.manifest.exclude or any(Path(part).match(p)
                                                      for p in layout.manifest.exclude)
               for part in rel.parts)


def shipped_files(layout: Layout) -> list[Path]:
    """The files of the source tree (relative paths) that reach students, before stripping.

    The manifest's instructor-only entries, the manifest, the configuration and
    excluded patterns (outputs, caches, data) never do.
    """
    never = set(layout.manifest.instructor_only) | {MANIFEST, CONFIG}
    return sorted(p.relative_to(layout.source) for p in layout.source.rglob("*")
                  if p.is_file() and p.relative_to(layout.source).parts[0] not in never
                  and not _excluded(p.relative_to(layout.source), layout))


def generate(layout: Layout | None = None, dest: Path | None = None,
             previous: bytes | None = None) -> list[Path]:
    """Write the student tree into dest (default: layout.student, replaced); return its files.

    Stripped sources and given files, checklib and check.py (and exprlib, when the
    written part has final answers), the public tests (public_tests.json) and, when
    the assignment has a written part, its templates.
    previous: an earlier public_tests.json (default: dest's own), whose bytes are kept
    when they say the same and whose cost calibration is reused.
    """
    # pylint: disable=import-outside-toplevel  # written and expected need the full framework
    from instructor import expected, written
    layout = layout or Layout()
    dest = Path(dest or layout.student)
    if previous is None and (dest / PUBLIC_TESTS).is_file():
        previous = (dest / PUBLIC_TESTS).read_bytes()
    if dest.exists():
        shutil.rmtree(dest)
    written_files = []
    for rel in shipped_files(layout):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.suffix == ".py":
            text = (layout.source / rel).read_text(encoding="utf-8")
            target.write_text(strip_solutions(text, rel.name), encoding="utf-8")
            shutil.copymode(layout.source / rel, target)
        else:
            shutil.copy2(layout.source / rel, target)
        written_files.append(target)
    for module in (CHECKLIB, CHECK_SCRIPT) + ((EXPRLIB,) if layout.manifest.final_answers else ()):
        shutil.copy2(module, dest / module.name)
        written_files.append(dest / module.name)
    written_files.append(expected.write_public_tests(layout, dest / PUBLIC_TESTS, previous))
    if layout.manifest.written:
        written_files += written.generate_templates(layout, dest / "written")
    return written_files


def solution_lines(layout: Layout) -> list[tuple[str, str]]:
    """(file, line) for every substantial code line inside a solution region.

    What must never reach a student artefact; used by the leak checks.
    """
    found = []
    for path in sorted(layout.source.rglob("*.py")):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text == BEGIN:
                inside = True
            elif text == END:
                inside = False
            elif inside and len(text) > 8 and not text.startswith("#"):
                found.append((path.name, text))
    return found


def differences(layout: Layout | None = None, tree: Path | None = None) -> list[str]:
    """Relative paths where the student tree differs from a fresh generation (empty: in sync)."""
    from instructor import expected  # pylint: disable=import-outside-toplevel
    layout = layout or Layout()
    tree = Path(tree or layout.student)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "student"
        committed = tree / PUBLIC_TESTS  # its cost calibration is reused, not measured again
        generate(layout, fresh, committed.read_bytes() if committed.is_file() else None)
        wanted = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
        actual = {p.relative_to(tree) for p in tree.rglob("*")
                  if p.is_file() and not _excluded(p.relative_to(tree), layout)} \
            if tree.exists() else set()
        diff = sorted(str(p) + " (missing)" for p in wanted - actual)
        diff += sorted(str(p) + " (not generated from the source)" for p in actual - wanted)
        diff += sorted(str(p) for p in wanted & actual
                       if not (expected.same_file(fresh / p, tree / p) if p.name == PUBLIC_TESTS
                               else filecmp.cmp(fresh / p, tree / p, shallow=False)))
    return diff
