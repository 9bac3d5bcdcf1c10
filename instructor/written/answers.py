"""The reference side of the written part: answers with rubrics, and the boxed results.

The answers file uses the block format of the questions (see source.py):
@answer ID (prose, the questions' markup; \\result{ID} shows a boxed result)
and @rubric ID (its lines and the rule that combines them: see rubric.py).
The results file is JSON:

    {"notation": {"symbols": {...}, "indexed": {...}, "sums": {...}},
     "results": [{"id": ..., "question": ..., "kind": ..., "lhs": ..., "expr": ...}, ...]}

Every statement ("expr") is typeset in the notation (see expressions.py) for
the reference answers and evaluated (exprlib) by the assignment's tests and by
the checks of students' final answers. A result may add "condition" (typeset
after it in the solutions, never shown to students) and "note" (shown next to
its id in the students' guide to final answers, so it must not give the result
away) and "example" (a line in the final-answers syntax on the result's own
names, shown in that guide: the syntax, never the answer, which a test checks);
its other keys are the assignment's, for the points its FINALS builds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exprlib import Notation, StatementError, read_statements

from autograder.layout import Layout
from instructor.written.expressions import to_latex
from instructor.written.rubric import Rubric, parse_rubric
from instructor.written.source import WrittenError, parse_blocks, resolve_layout, written_file


@dataclass
class Answers:
    """The parsed reference answers: derivation prose and rubric per question."""

    text: dict[str, str]
    rubrics: dict[str, Rubric]


def read_answers(path: Path) -> Answers:
    """Parse a reference answers file (@answer and @rubric blocks)."""
    if not path.is_file():
        raise WrittenError("the reference answers %s do not exist" % path)
    answers = Answers({}, {})
    for block in parse_blocks(path.read_text(encoding="utf-8"), path.name):
        if block.kind == "answer":
            answers.text[block.ident] = block.body
        elif block.kind == "rubric":
            answers.rubrics[block.ident] = parse_rubric(block.body, "%s:%d" % (path.name, block.line))
        else:
            raise WrittenError("%s:%d: unknown block @%s" % (path.name, block.line, block.kind))
    return answers


@dataclass
class Results:
    """The machine-readable reference results and the notation they are typeset in."""

    notation: Notation
    items: list[dict[str, Any]]

    def by_id(self) -> dict[str, dict[str, Any]]:
        """The results by identifier."""
        return {result["id"]: result for result in self.items}

    def latex(self, expr: str) -> str:
        """A statement typeset in this notation."""
        return to_latex(expr, self.notation)


def read_results(path: Path) -> Results:
    """The results file, validated (every statement typesets in its notation)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise WrittenError("cannot read %s: %s" % (path, error)) from None
    try:
        results = Results(*read_statements(data))
    except StatementError as error:
        raise WrittenError("%s: %s" % (path.name, error)) from None
    seen = set()
    for result in results.items:
        needed = ("id", "question", "kind", "lhs") + (("expr",) if result.get("kind") != "cost" else ())
        for key in needed:
            if key not in result:
                raise WrittenError("%s: result %r lacks %r" % (path.name, result, key))
        if result["id"] in seen:
            raise WrittenError("%s: result id %r twice" % (path.name, result["id"]))
        seen.add(result["id"])
        if result["kind"] != "cost":
            try:
                results.latex(result["expr"])
            except StatementError as error:
                raise WrittenError("%s: result %s: %s" % (path.name, result["id"], error)) from None
    return results


def load_answers(layout: Layout | None = None) -> Answers:
    """The layout's reference answers and rubrics."""
    return read_answers(written_file(resolve_layout(layout), "answers"))


def load_results(layout: Layout | None = None) -> Results:
    """The layout's boxed results and their notation."""
    return read_results(written_file(resolve_layout(layout), "results"))
