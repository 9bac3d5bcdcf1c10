"""The leak rules: what of the reference must never reach a student artefact.

One place for every rule: code from the solution regions (and the markers),
the reference written answers (marked, named or copied; a boxed result's
statement or its typeset form is such a marker), compiled Python, data files
other than the public tests, public tests that are not exactly the reference's
outputs on the public inputs, and the hidden seed. The autograder zip may hold
one file of the written part: the results file, when final answers are checked.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from autograder.layout import PUBLIC_TESTS, Layout
from autograder.package import SOURCE_IN_ZIP, shipped_statements
from instructor.assign import BEGIN, END, solution_lines

# Files of these kinds are data; the handout ships only the public tests.
DATA_SUFFIXES = {".npz", ".npy", ".pkl", ".pickle", ".h5", ".hdf5", ".mat", ".pt", ".joblib"}


def _read(archive_path: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    with zipfile.ZipFile(archive_path) as archive:
        raw = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
    return raw, {n: data.decode("utf-8", errors="replace") for n, data in raw.items()}


def solution_code(texts: dict[str, str], layout: Layout) -> list[str]:
    """Files (name -> text) holding a solution region's code or a marker."""
    lines = solution_lines(layout)
    problems = []
    for name, text in sorted(texts.items()):
        found = next((line for _, line in lines if line in text),
                     BEGIN if BEGIN in text else END if END in text else None)
        if found:
            problems.append("%s holds solution code: %r" % (name, found))
    return problems


def written_answers(texts: dict[str, str], raw: dict[str, bytes], layout: Layout) -> list[str]:
    """Files that carry the reference written answers: marked, named or copied."""
    if not layout.manifest.written:
        return []
    from instructor import written  # pylint: disable=import-outside-toplevel
    answers = layout.written_path("answers").parent
    copies = {p.read_bytes(): layout.show(p)
              for p in answers.rglob("*") if p.is_file()}
    markers, names = written.reference_markers(layout), written.reference_file_names(layout)
    flagged = sorted(name for name, text in texts.items()
                     if Path(name).name in names or any(m in text for m in markers))
    return ["%s holds the reference written answers" % name for name in flagged] + [
        "%s is a copy of %s" % (name, copies[data])
        for name, data in sorted(raw.items()) if data in copies and name not in flagged]


def _public_tests_problems(name: str, data: bytes, layout: Layout) -> list[str]:
    """Anything in the shipped public tests but the reference's public outputs."""
    # pylint: disable=import-outside-toplevel  # runs the reference: only when a handout is checked
    import json

    from instructor.expected import public_tests, same
    fresh = json.dumps(public_tests(layout, data))
    if same(data, fresh):
        return []
    return ["%s is not exactly the public tests of the reference (other data, or stale): "
            "run `make assignment`" % name]


def handout_leaks(handout_zip: Path, layout: Layout, hidden_seed: int | None = None) -> list[str]:
    """What of the reference reaches the handout: one line per problem, empty when none."""
    raw, texts = _read(handout_zip)
    found = solution_code(texts, layout) + written_answers(texts, raw, layout)
    for name, data in sorted(raw.items()):
        suffix = Path(name).suffix.lower()
        if suffix in (".pyc", ".pyo") or "__pycache__" in name.split("/"):
            found.append("%s is compiled Python (it may hold the reference)" % name)
        elif name.split("/", 1)[-1] == PUBLIC_TESTS:
            found += _public_tests_problems(name, data, layout)
        elif suffix in DATA_SUFFIXES:
            found.append("%s is a data file the handout does not ship (only %s)"
                         % (name, PUBLIC_TESTS))
    if hidden_seed is not None:
        found += ["%s names the hidden tests' seed %s" % (name, hidden_seed)
                  for name, text in sorted(texts.items())
                  if str(hidden_seed) in text and not name.endswith(PUBLIC_TESTS)]
    return ["%s: %s" % (Path(handout_zip).name, line) for line in found]


def autograder_leaks(autograder_zip: Path, layout: Layout) -> list[str]:
    """The autograder zip holds the reference code by design, and the boxed results'
    statements when it checks final answers (the results file, unchanged); never the written
    answers, their rubric or solutions, nor anything else of the written part."""
    raw, texts = _read(autograder_zip)
    if not layout.manifest.written:
        return []
    folder = SOURCE_IN_ZIP + "/" + layout.written_path("answers").parent.relative_to(
        layout.source).as_posix() + "/"
    statements = shipped_statements(layout)
    allowed = {SOURCE_IN_ZIP + "/" + statements: (layout.source / statements).read_bytes()} \
        if statements else {}
    found = ["%s is not the results file %s: it may hold more than the statements"
             % (name, layout.show(layout.source / statements))
             for name, data in sorted(allowed.items()) if name in raw and raw[name] != data]
    answers = sorted(n for n in raw if n.startswith(folder) and n not in allowed)
    found += ["%s is a reference written answer" % name for name in answers]
    skip = set(answers) | set(allowed)
    found += written_answers({n: t for n, t in texts.items() if n not in skip},
                             {n: d for n, d in raw.items() if n not in skip}, layout)
    return ["%s: %s" % (Path(autograder_zip).name, line) for line in found]
