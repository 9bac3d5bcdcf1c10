"""What the release and the tests ask of the written part: generated files in sync, leak markers, points."""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.layout import Layout
from instructor.written.answers import load_results
from instructor.written.solutions import INSTRUCTOR_MARK, SOLUTION_FILES, generate_solutions
from instructor.written.source import (load_source, resolve_layout, solutions_dir, templates_dir,
                                       written_file)
from instructor.written.templates import generate_templates

# A typeset result this short is too common a formula to betray the reference answers.
MARKER_LENGTH = 20


def out_of_sync(layout: Layout | None = None) -> list[str]:
    """Committed generated files (templates, solutions, rubric) that differ from a fresh generation.

    Paths as Layout.show gives them: relative to the repository when inside it.
    """
    layout = resolve_layout(layout)
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        pairs = [(templates_dir(layout), generate_templates(layout, Path(tmp) / "templates")),
                 (solutions_dir(layout), generate_solutions(layout, Path(tmp) / "solutions"))]
        for committed_dir, fresh_files in pairs:
            for fresh in fresh_files:
                committed = committed_dir / fresh.name
                if not committed.is_file() or committed.read_bytes() != fresh.read_bytes():
                    stale.append(layout.show(committed))
    return stale


def written_points(layout: Layout | None = None) -> float:
    """Total points of the written questions (those not answered by the code)."""
    return load_source(layout).written_points()


def reference_markers(layout: Layout | None = None) -> list[str]:
    """Strings whose presence in a student file means a reference answer leaked.

    The instructor mark (first line of every generated reference file) and the
    typeset form of every boxed result longer than MARKER_LENGTH characters.
    """
    results = load_results(layout)
    boxed = [results.latex(result["expr"]) for result in results.items if result["kind"] != "cost"]
    return [INSTRUCTOR_MARK] + [text for text in boxed if len(text) > MARKER_LENGTH]


def reference_file_names(layout: Layout | None = None) -> set[str]:
    """Names of the files holding reference answers: the answers, the results, the generated ones."""
    layout = resolve_layout(layout)
    return {written_file(layout, "answers").name, written_file(layout, "results").name,
            *SOLUTION_FILES}
