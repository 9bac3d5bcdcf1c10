"""The rubric of a written question: its lines, the one rule that combines them, and that rule applied.

A rubric block of the answers file (see answers.py) holds these lines, one
entry each (indented lines continue the entry above):

    step N: ...       a step of a complete answer, worth N points (the steps add
                      up to the question's points)
    mistake -N: ...   a mistake made within the step above it, and what it costs
                      (at most that step's points)
    note: ...         a slip that does not change the mathematics: point it out,
                      deduct nothing
    partial N: ...    the score of an answer that takes another route than the
                      steps and is incomplete (0 < N < the question's points)

RULE states how the lines combine; score() applies it to one answer profile,
so that a test can check every outcome stays within [0, points].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from instructor.written.source import WrittenError

# The one rubric rule, stated at the top of the rubric and of the solutions PDF.
RULE = [
    "Each question starts from its points and is graded step by step.",
    "A step that is missing or wrong loses its points.",
    "A step with a listed mistake loses that mistake's points instead; each listed mistake "
    "counts at most once, and a step never loses more than its own points, so a question "
    "never goes below 0.",
    "A mistake carried forward from an earlier question is deducted only where it is made: "
    "later work that is right given it loses nothing.",
    "A note is a slip that does not change the mathematics (a renamed symbol, a dropped prime "
    "or transpose whose meaning is clear): point it out, deduct nothing.",
    "A correct answer by another route than the steps earns full points. An incomplete answer "
    "by another route scores the highest partial-credit line it matches, instead of the "
    "step-by-step score.",
]


@dataclass
class Step:
    """A step of a complete answer and the listed mistakes made within it."""

    points: float
    text: str
    mistakes: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Rubric:
    """Grading guide of one question."""

    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    partial: list[tuple[float, str]] = field(default_factory=list)

    @property
    def mistakes(self) -> list[tuple[float, str]]:
        """Every listed mistake, in order."""
        return [mistake for step in self.steps for mistake in step.mistakes]

    def points(self) -> float:
        """What the steps add up to."""
        return sum(step.points for step in self.steps)


_LINE = re.compile(r"^(step|mistake|note|partial)\s*([-+]?\d+(?:\.\d+)?)?\s*:\s*(.+)$")


def _continue(rubric: Rubric, kind: str, text: str) -> None:
    if kind == "step":
        rubric.steps[-1].text += " " + text
    elif kind == "mistake":
        points, before = rubric.steps[-1].mistakes[-1]
        rubric.steps[-1].mistakes[-1] = (points, before + " " + text)
    elif kind == "note":
        rubric.notes[-1] += " " + text
    else:
        points, before = rubric.partial[-1]
        rubric.partial[-1] = (points, before + " " + text)


def parse_rubric(body: str, where: str) -> Rubric:
    """Parse a rubric block; a mistake belongs to the step above it."""
    rubric = Rubric()
    last = ""
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith("  ") and last:
            _continue(rubric, last, line.strip())
            continue
        match = _LINE.match(line)
        if not match:
            raise WrittenError("%s: not a rubric line: %r" % (where, line))
        kind, points, text = match.groups()
        if (kind == "note") != (points is None):
            raise WrittenError("%s: %s" % (where, "a note has no points" if kind == "note"
                                          else "%s needs points: %r" % (kind, line)))
        last = kind
        if kind == "step":
            rubric.steps.append(Step(float(points), text))
        elif kind == "mistake":
            if not rubric.steps:
                raise WrittenError("%s: a mistake belongs to a step: put it under one: %r"
                                  % (where, line))
            rubric.steps[-1].mistakes.append((float(points), text))
        elif kind == "note":
            rubric.notes.append(text)
        else:
            rubric.partial.append((float(points), text))
    return rubric


def rubric_problems(rubric: Rubric, points: float) -> list[str]:
    """Where the lines contradict the rule or the question's points (empty when consistent)."""
    problems = []
    if abs(rubric.points() - points) > 1e-9:
        problems.append("steps add to %g, the question is worth %g" % (rubric.points(), points))
    if not rubric.mistakes or not rubric.partial:
        problems.append("needs common mistakes and partial credit")
    for step in rubric.steps:
        if step.points <= 0:
            problems.append("a step must be worth points: %r" % step.text[:60])
        for cost, text in step.mistakes:
            if not -step.points <= cost < 0:
                problems.append("mistake %g must deduct, at most its step's %g points: %r"
                                % (cost, step.points, text[:60]))
    for value, text in rubric.partial:
        if not 0 < value < points:
            problems.append("partial %g must lie strictly between 0 and %g: %r"
                            % (value, points, text[:60]))
    return problems


@dataclass(frozen=True)
class Profile:
    """What a TA found in one answer.

    missing: indices of the steps missing or wrong in a way no mistake lists;
    mistakes: (step index, mistake index) of the listed mistakes made;
    partial: index of the partial-credit line matched (another route), or None.
    """

    missing: frozenset[int] = frozenset()
    mistakes: frozenset[tuple[int, int]] = frozenset()
    partial: int | None = None

    @classmethod
    def of(cls, missing: Iterable[int] = (), mistakes: Iterable[tuple[int, int]] = (),
           partial: int | None = None) -> "Profile":
        """A profile from any iterables."""
        return cls(frozenset(missing), frozenset(mistakes), partial)


def score(rubric: Rubric, points: float, profile: Profile) -> float:
    """The question's score under RULE for one answer profile."""
    if profile.partial is not None:
        return rubric.partial[profile.partial][0]
    total = points
    for index, step in enumerate(rubric.steps):
        if index in profile.missing:
            total -= step.points
            continue
        lost = sum(-cost for number, (cost, _) in enumerate(step.mistakes)
                   if (index, number) in profile.mistakes)
        total -= min(step.points, lost)
    return max(0.0, total)


def find_mistake(rubric: Rubric, words: str) -> tuple[int, int]:
    """(step index, mistake index) of the first listed mistake whose text contains words."""
    for index, step in enumerate(rubric.steps):
        for number, (_, text) in enumerate(step.mistakes):
            if words in text:
                return index, number
    raise KeyError("no listed mistake mentions %r" % words)
