"""An informational check that runs no student code: a pylint report on what the student wrote.

pylint reads the student's files as text (never imports them). Its messages
are kept only on lines the student wrote: lines matched, in order, to the
given code of the source (everything outside solution regions) are the
handout's, and the handout's style is not the student's to answer for. The
score is recomputed on the student's lines with pylint's own formula.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

from autograder.layout import SOLUTION_BEGIN, SOLUTION_END, SOLUTION_STUB
from autograder.submission import StagedSubmission

PYLINT_TIMEOUT = 120
MAX_IGNORED = 300  # modules left unmodelled, at most
# Course APIs are often camelCase, and given signatures leave some arguments unused.
PYLINT_OPTIONS = ["--disable=invalid-name,unused-argument,missing-module-docstring,"
                  "too-many-arguments,too-many-positional-arguments,too-many-locals,"
                  "import-error,consider-using-f-string", "--score=n", "--jobs=1",
                  "--msg-template={path}:{line}: {msg_id} {msg}"]
MESSAGE = re.compile(r"(\S+\.py):(\d+): ([CRWEF])\d{4} ")  # pylint's own output format
FROM_IMPORT = re.compile(r"\s*from\s+([\w.]+)\s+import\s+\(?\s*([\w\s,]*)")
IMPORT = re.compile(r"\s*import\s+([\w.\s,]+)")


def imported_modules(text: str) -> set[str]:
    """Every module a file's import statements may name, and their parents (read as text).

    pylint is told to leave them unmodelled (--ignored-modules): building astroid's
    models of numpy, the standard library and the given code was two thirds of its
    run, and at Gradescope's half CPU three seconds of every grading. The report is
    about the student's own lines; a misspelt library function is the tests' to catch.
    """
    names = set()
    for line in text.splitlines():
        found = FROM_IMPORT.match(line)
        if found:
            module = found.group(1)
            names.add(module)
            names.update("%s.%s" % (module, name.split()[0])
                         for name in found.group(2).split(",") if name.split())
            continue
        found = IMPORT.match(line)
        if found:
            names.update(part.split()[0] for part in found.group(1).split(",") if part.split())
    return {".".join(name.split(".")[:end]) for name in names
            for end in range(1, name.count(".") + 2)}


def given_lines(source: str) -> list[str]:
    """The handout's lines of a source file: everything outside its solution regions, and
    the prompts kept from inside them (`#: text` becomes `# text`)."""
    given, inside = [], False
    for line in source.splitlines():
        text = line.strip()
        if text == SOLUTION_BEGIN:
            inside = True
        elif text == SOLUTION_END:
            inside = False
        elif not inside:
            given.append(text)
        elif text.startswith("#: "):
            given.append("# " + text[3:])
    return given


def written_lines(student: str, given: list[str]) -> set[int]:
    """Line numbers (from 1) of the student's file that are neither given code nor a stub."""
    lines = [line.strip() for line in student.splitlines()]
    matched = set()
    for block in difflib.SequenceMatcher(None, given, lines, autojunk=False).get_matching_blocks():
        matched.update(range(block.b, block.b + block.size))
    return {n + 1 for n, text in enumerate(lines) if n not in matched and SOLUTION_STUB not in text}


def pylint_report(staged: StagedSubmission, required: list[str],
                  source: Path) -> tuple[float | None, str]:
    """(score out of 10 or None, report) on the lines the student wrote in their files."""
    files = [name for name in required if name.endswith(".py") and staged.usable(name)]
    if not files:
        return None, "no file to lint"
    texts = {name: (staged.folder / name).read_text(encoding="utf-8") for name in files}
    ignored = set().union(*map(imported_modules, texts.values())) - {name[:-3] for name in files}
    options = list(PYLINT_OPTIONS)
    if ignored:  # (a bounded command line, whatever the files hold)
        options.append("--ignored-modules=" + ",".join(sorted(ignored)[:MAX_IGNORED]))
    try:
        result = subprocess.run([sys.executable, "-m", "pylint", *options, *files],
                                cwd=staged.folder, capture_output=True, text=True,
                                timeout=PYLINT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None, "pylint took more than %d s" % PYLINT_TIMEOUT
    written, statements = {}, 0
    for name, text in texts.items():
        given = given_lines((source / name).read_text(encoding="utf-8")) \
            if (source / name).is_file() else []
        written[name] = written_lines(text, given)
        lines = text.splitlines()
        statements += sum(1 for n in written[name]
                          if lines[n - 1].strip() and not lines[n - 1].strip().startswith("#"))
    messages, weights = [], 0
    for line in result.stdout.splitlines():
        match = MESSAGE.match(line)
        if match and int(match.group(2)) in written.get(match.group(1), ()):
            messages.append(line)
            weights += 5 if match.group(3) in "EF" else 1
    if not statements:
        return None, "pylint: nothing of yours to report on yet"
    score = round(max(0.0, 10.0 - 10.0 * weights / statements), 2)
    shown = "\n".join(messages[:25]) + ("\n... and %d more" % (len(messages) - 25)
                                         if len(messages) > 25 else "")
    return score, "pylint, on the %d lines you wrote: %g/10" % (statements, score) + (
        "\n" + shown if shown else "")
