"""Generate the student tree `assignment/` from the reference solution `solutions/`.

Every `### BEGIN SOLUTION` ... `### END SOLUTION` region in a Python file becomes
a `raise NotImplementedError(...)` naming the enclosing function; lines in a
region that start with `#: ` are a prompt kept as comments for the student.
Everything else is copied verbatim, except instructor-only files (EXCLUDED).
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
ASSIGNMENT = ROOT / "assignment"

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
PROMPT = "#: "

# Never shipped to students: reference written answers, caches, data, outputs.
EXCLUDED_DIRS = {"__pycache__", "datasets", ".pytest_cache"}
# Top-level folders of solutions/ that never reach students (the reference answers).
INSTRUCTOR_ONLY = {"written"}
EXCLUDED_PATTERNS = ("*.pyc", "saved_params_*", "saved_state_*", "word_vectors.png",
                     "submission.zip")

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
            out.append('%sraise NotImplementedError("%s: fill in the ### YOUR CODE HERE '
                       'region of %s in %s")\n' % (pad, function, function, filename))
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


def _excluded(path: Path) -> bool:
    return any(part in EXCLUDED_DIRS for part in path.parts) or any(
        path.match(pattern) for pattern in EXCLUDED_PATTERNS)


def shipped_files(src: Path = SOLUTIONS) -> list[Path]:
    """The files of src (relative paths) that students receive.

    From the solutions tree, its instructor-only folders are left out; the
    generated tree holds only student files (and its written/ templates).
    """
    skip = INSTRUCTOR_ONLY if src.name == SOLUTIONS.name else set()
    return sorted(p.relative_to(src) for p in src.rglob("*")
                  if p.is_file() and not _excluded(p.relative_to(src))
                  and p.relative_to(src).parts[0] not in skip)


def generate(dest: Path = ASSIGNMENT, src: Path = SOLUTIONS) -> list[Path]:
    """Write the student tree into dest (replacing it); return the files written."""
    if dest.exists():
        shutil.rmtree(dest)
    written = []
    for rel in shipped_files(src):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.suffix == ".py":
            text = (src / rel).read_text(encoding="utf-8")
            target.write_text(strip_solutions(text, rel.name), encoding="utf-8")
            shutil.copymode(src / rel, target)
        else:
            shutil.copy2(src / rel, target)
        written.append(target)
    from instructor.written import generate_templates  # pylint: disable=import-outside-toplevel
    written += generate_templates(dest / "written")
    return written


def solution_lines(src: Path = SOLUTIONS) -> list[tuple[str, str]]:
    """(file, line) for every substantial code line inside a solution region.

    What must never reach a student artefact; used by the leak checks.
    """
    found = []
    for path in sorted(src.rglob("*.py")):
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


def leaked_lines(texts: dict[str, str], src: Path = SOLUTIONS) -> list[str]:
    """Names of texts (file name -> content) that contain solution code or markers."""
    lines = solution_lines(src)
    return sorted(name for name, text in texts.items()
                  if BEGIN in text or END in text or any(line in text for _, line in lines))


def differences(dest: Path = ASSIGNMENT, src: Path = SOLUTIONS) -> list[str]:
    """Relative paths where dest differs from a fresh generation (empty: in sync)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "assignment"
        generate(fresh, src)
        expected = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
        actual = {p.relative_to(dest) for p in dest.rglob("*")
                  if p.is_file() and not _excluded(p.relative_to(dest))} if dest.exists() else set()
        diff = sorted(str(p) + " (missing)" for p in expected - actual)
        diff += sorted(str(p) + " (not generated from solutions/)" for p in actual - expected)
        diff += sorted(str(p) for p in expected & actual
                       if not filecmp.cmp(fresh / p, dest / p, shallow=False))
    return diff


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (or --check) assignment/; return a process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report whether assignment/ equals a fresh generation")
    args = parser.parse_args(argv)
    try:
        if args.check:
            diff = differences()
            for line in diff:
                print("out of sync: assignment/" + line)
            if diff:
                print("assignment/ is generated: edit solutions/ and run `make assignment`.")
            return 1 if diff else 0
        from instructor.expected import write_expected  # pylint: disable=import-outside-toplevel
        write_expected()
        files = generate()
    except AssignError as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    print("wrote %d files to %s" % (len(files), ASSIGNMENT.relative_to(ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
