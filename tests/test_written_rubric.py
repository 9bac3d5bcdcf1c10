"""The rubric's one rule, applied mechanically to answer profiles of every written question.

Every outcome (all right, each single mistake, each step missing or wrong, all
listed mistakes at once, every partial-credit line, random mixtures) must stay
within [0, points]; the rule is printed at the top of the rubric and of the
solutions; the rubric prices mistakes, not a particular answer sheet.
"""

import itertools
import random
import re

import pytest

from autograder.layout import Layout
from instructor import written
from instructor.written.rubric import RULE, Profile, find_mistake, parse_rubric, score
from instructor.written.source import WrittenError

LAYOUT = Layout()
SOURCE = written.load_source()
ANSWERS = written.load_answers()
SOLUTIONS_DIR = LAYOUT.written_path("answers").parent
IDS = SOURCE.answer_ids()


def _points(ident):
    return SOURCE.find(ident).points


def _profiles(rubric):
    """Every single-line profile, all lines at once, and some random mixtures."""
    steps = range(len(rubric.steps))
    listed = [(index, number) for index in steps for number in range(len(rubric.steps[index].mistakes))]
    yield "all right", Profile()
    for index in steps:
        yield "step %d missing" % (index + 1), Profile.of(missing=[index])
    for pair in listed:
        yield "mistake %s" % (pair,), Profile.of(mistakes=[pair])
    yield "every listed mistake", Profile.of(mistakes=listed)
    yield "every step missing", Profile.of(missing=steps)
    yield "every step missing and every mistake", Profile.of(missing=steps, mistakes=listed)
    for number in range(len(rubric.partial)):
        yield "partial %d" % number, Profile.of(partial=number)
    rng = random.Random(13)
    for draw in range(50):
        yield "mixture %d" % draw, Profile.of(
            missing=[i for i in steps if rng.random() < 0.3],
            mistakes=[pair for pair in listed if rng.random() < 0.5])


@pytest.mark.parametrize("ident", IDS)
def test_every_profile_scores_within_zero_and_the_points(ident):
    rubric, points = ANSWERS.rubrics[ident], _points(ident)
    for name, profile in _profiles(rubric):
        value = score(rubric, points, profile)
        assert 0 <= value <= points, (ident, name, value)
    assert score(rubric, points, Profile()) == points
    assert score(rubric, points, Profile.of(missing=range(len(rubric.steps)))) == 0


@pytest.mark.parametrize("ident", IDS)
def test_each_line_is_consistent_with_the_rule(ident):
    rubric, points = ANSWERS.rubrics[ident], _points(ident)
    assert not written.check_answers(SOURCE, ANSWERS, written.load_results())
    assert rubric.steps and rubric.mistakes and rubric.partial
    for index, step in enumerate(rubric.steps):
        # a step missing costs exactly its points; each of its mistakes alone exactly its price
        assert score(rubric, points, Profile.of(missing=[index])) == points - step.points
        for number, (cost, _) in enumerate(step.mistakes):
            assert -step.points <= cost < 0
            assert score(rubric, points, Profile.of(mistakes=[(index, number)])) == points + cost
        # several mistakes in one step never cost more than the step
        every = [(index, number) for number in range(len(step.mistakes))]
        assert score(rubric, points, Profile.of(mistakes=every)) >= points - step.points
    for value, _ in rubric.partial:
        assert 0 < value < points


def test_the_rule_heads_the_rubric_and_the_solutions():
    rubric = (SOLUTIONS_DIR / "rubric.md").read_text(encoding="utf-8")
    solutions = (SOLUTIONS_DIR / "solutions.tex").read_text(encoding="utf-8")
    first_question = "## %s [" % SOURCE.find(IDS[0]).label
    assert rubric.index("How to apply it:") < rubric.index(first_question)
    for number, line in enumerate(RULE, 1):
        assert "%d. %s" % (number, line) in rubric
    assert solutions.index("How to apply the rubric.") < solutions.index("\\clearpage")
    assert solutions.count("\\item Step ") == sum(len(r.steps) for r in ANSWERS.rubrics.values())


def test_the_rubric_talks_about_mistakes_not_about_a_student():
    files = [SOLUTIONS_DIR / name for name in ("answers.txt", "questions.txt", "rubric.md",
                                               "solutions.tex")]
    files += sorted((LAYOUT.student / "written").iterdir())
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.findall(r"\bseed\b", text, re.I), path
        assert "student's answers" not in text and "one student" not in text, path


def test_notational_slips_are_notes_that_deduct_nothing():
    notes = {ident: " ".join(rubric.notes) for ident, rubric in ANSWERS.rubrics.items()}
    assert "$\\mu_w$" in notes["b-i"] and "$v_o$" in notes["b-i"]    # renamed vectors
    assert "$0$ (zero) for the index $o$" in notes["c"]             # 0 for o
    assert "$f(x)$ where $f'(x)$ is meant" in notes["e"]            # f for f'
    assert "(e.g. $v$)" in notes["i"]                               # v for U
    every_mistake = " ".join(text for rubric in ANSWERS.rubrics.values() for _, text in rubric.mistakes)
    for slip in ("\\mu", "another symbol"):
        assert slip not in every_mistake


def test_prompts_and_rubric_agree():
    # (e) asks about x = 0 and a step grades it
    assert "x = 0" in SOURCE.find("e").body
    assert any("$x = 0$" in step.text for step in ANSWERS.rubrics["e"].steps)
    # (d) asks for the column form only, and the column form alone earns its point
    assert "in terms of" in SOURCE.find("d").body and "shape" not in SOURCE.find("d").body
    assert [step.points for step in ANSWERS.rubrics["d"].steps] == [_points("d")]
    # (b)(iv): both readings of the alpha < 0 case earn the point when argued
    reading = ANSWERS.rubrics["b-iv"].steps[1].text
    assert "Either reading earns the point" in reading
    assert "polarity survives (not lost)" in reading and "cancel exactly" in reading


def _sheet(*slips):
    """Scores of a whole answer sheet with the named (question, words of a mistake) slips."""
    found = {}
    for ident, words in slips:
        found.setdefault(ident, []).append(find_mistake(ANSWERS.rubrics[ident], words))
    return {ident: score(ANSWERS.rubrics[ident], _points(ident), Profile.of(mistakes=found.get(ident, ())))
            for ident in IDS}


def test_three_answer_sheets():
    total = SOURCE.written_points()
    assert sum(_sheet().values()) == total
    slipped = _sheet(("b-i", "$U^\\top(\\yhat - y)$"), ("g-i", "$(1 - \\sigma(u_o^\\top v_c)) v_c$"))
    assert slipped["b-i"] == 2 and slipped["g-i"] == 3.5 and sum(slipped.values()) == total - 1.5
    # U^T and a sign flip in the same step: the step loses its point once, not 1.5
    both = _sheet(("b-i", "$U^\\top(\\yhat - y)$"), ("b-i", "Sign flipped"))
    assert both["b-i"] == 2
    # f for f' on a line that is clearly the derivative is a note: no deduction;
    # the values presented as f itself, with nothing saying they are f', is a mistake
    assert sum(_sheet().values()) == total
    assert _sheet(("e", "as $f(x)$ with nothing saying"))["e"] == _points("e") - 0.5


@pytest.mark.parametrize("body, message", [
    ("mistake -1: before any step\nstep 1: x\npartial 0.5: y\n", "a mistake belongs to a step"),
    ("step 1: x\nnote 1: a note with points\n", "a note has no points"),
    ("step: no points\n", "step needs points"),
    ("steps 1: x\n", "not a rubric line"),
])
def test_malformed_rubric_lines_are_refused(body, message):
    with pytest.raises(WrittenError, match=message):
        parse_rubric(body, "answers.txt:1")


def test_lines_that_break_the_rule_are_reported():
    rubric = parse_rubric("step 1: a\nmistake -2: costs more than its step\nstep 1: b\n"
                          "partial 2: as much as the question\n", "x")
    problems = written.rubric_problems(rubric, 2)
    assert any("at most its step's 1 points" in p for p in problems)
    assert any("partial 2 must lie strictly between 0 and 2" in p for p in problems)
    assert all(0 <= score(rubric, 2, Profile.of(missing=m, mistakes=k))
               for m, k in itertools.product([(), (0,), (0, 1)], [(), ((0, 0),)]))
