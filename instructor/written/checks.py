"""What the release and the tests ask of the written part: generated files in sync, leak markers, points."""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.layout import Layout
from instructor.written.answers import load_results
from instructor.written.markup import points_text
from instructor.written.solutions import INSTRUCTOR_MARK, SOLUTION_FILES, generate_solutions
from instructor.written.source import (load_source, resolve_layout, solutions_dir, templates_dir,
                                       written_file)
from instructor.written.templates import generate_templates

# A result (typeset or statement) this short is too common a formula to betray the answers.
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


def gradescope_outline(layout: Layout | None = None) -> list[str]:
    """The written assignment's outline as Gradescope's Edit Outline asks for it, one row a line.

    A question with parts is a group (its own row, then one row per part: 2, 2.1, 2.2, ...);
    every answer area has its points and its page in the template (page 1 is the title page,
    then one page per answer area, in order).
    """
    source = load_source(layout)
    rows, page = [], 1
    for number, question in enumerate((q for q in source.questions if q.answerable()), 1):
        title = "%s %s" % (question.label, question.title)
        if not question.parts:
            page += 1
            rows.append((str(number), title, points_text(question.points), "page %d" % page))
            continue
        rows.append((str(number), title, points_text(question.points), "group"))
        for sub, part in enumerate(question.parts, 1):
            page += 1
            rows.append(("%d.%d" % (number, sub), part.label, points_text(part.points),
                         "page %d" % page))
    width = max(len(row[1]) for row in rows)
    return ["%-5s %-*s  %-10s %s" % (row[0], width, row[1], row[2], row[3]) for row in rows]


def reference_markers(layout: Layout | None = None) -> list[str]:
    """Strings whose presence in a student file means a reference answer leaked.

    The instructor mark (first line of every generated reference file) and every
    boxed result longer than MARKER_LENGTH characters, typeset and as its statement
    (the syntax of final answers: a statement in a student file is a leak too).
    """
    results = load_results(layout)
    statements = [result["expr"] for result in results.items if result["kind"] != "cost"]
    boxed = [results.latex(statement) for statement in statements]
    return [INSTRUCTOR_MARK] + [text for text in boxed + statements if len(text) > MARKER_LENGTH]


def reference_file_names(layout: Layout | None = None) -> set[str]:
    """Names of the files holding reference answers: the answers, the results, the generated ones."""
    layout = resolve_layout(layout)
    return {written_file(layout, "answers").name, written_file(layout, "results").name,
            *SOLUTION_FILES}
