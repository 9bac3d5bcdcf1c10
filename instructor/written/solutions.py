"""The reference side, for instructors only: solutions.tex and rubric.md, checked for completeness.

Both files are generated next to the answers file from the questions, the
answers (derivations and rubrics) and the results (every boxed formula, typeset
from its statement). Their first line is INSTRUCTOR_MARK, which the release's
leak check looks for in student files, along with the typeset results
(see checks.reference_markers).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from autograder.layout import Layout
from instructor.written.answers import Answers, Results, read_answers, read_results
from instructor.written.markup import (escape, expand_macros, inline_latex, points_text,
                                       prose_to_latex, prose_to_markdown, text_to_latex)
from instructor.written.rubric import RULE, Rubric, rubric_problems
from instructor.written.source import (Source, WrittenError, read_questions, resolve_layout, shown,
                                       solutions_dir, write_files, written_file)
from instructor.written.templates import answer_pages, credit_latex, document_head

# The first line of every generated reference-answer file: what the handout checks look for.
INSTRUCTOR_MARK = "REFERENCE ANSWERS, INSTRUCTORS ONLY: never ship this file to students."
# The generated reference files, next to the answers file.
SOLUTION_FILES = ("solutions.tex", "rubric.md")

_RESULT_REF = re.compile(r"\\result\{([\w-]+)\}")


def result_latex(result: dict[str, Any], results: Results) -> str:
    """The boxed display of one result, as it appears in the reference answers."""
    if result["kind"] == "cost":
        body = result["lhs"]
    else:
        body = "%s = %s" % (result["lhs"], results.latex(result["expr"]))
    if result.get("condition"):
        body += r" \quad \text{%s}" % result["condition"]
    return "\\[\n\\boxed{%s}\n\\]" % body


def _result_body(result: dict[str, Any], results: Results) -> str:
    return result_latex(result, results)[3:-3].strip()


def _with_results(prose: str, results: Results, render: Callable[[dict], str]) -> str:
    by_id = results.by_id()

    def replace(match: re.Match) -> str:
        if match.group(1) not in by_id:
            raise WrittenError("\\result{%s}: no such result in the results file" % match.group(1))
        return render(by_id[match.group(1)])
    return _RESULT_REF.sub(replace, prose)


def check_answers(source: Source, answers: Answers, results: Results) -> list[str]:
    """Problems with the reference answers: missing answers or rubrics, points that do not add up."""
    problems = []
    cited = set()
    for ident in source.answer_ids():
        question = source.find(ident)
        if ident not in answers.text:
            problems.append("no @answer %s" % ident)
        else:
            cited |= set(_RESULT_REF.findall(answers.text[ident]))
        rubric = answers.rubrics.get(ident)
        if rubric is None:
            problems.append("no @rubric %s" % ident)
            continue
        problems += ["rubric %s: %s" % (ident, problem)
                     for problem in rubric_problems(rubric, question.points)]
    for result in results.items:
        if result["id"] not in cited:
            problems.append("result %s is never shown in the answers" % result["id"])
        if result["question"] not in source.answer_ids():
            problems.append("result %s: no question %s" % (result["id"], result["question"]))
    for ident in set(answers.text) | set(answers.rubrics):
        if ident not in source.answer_ids():
            problems.append("answer or rubric for unknown question %s" % ident)
    return problems


def _rubric_latex(rubric: Rubric) -> str:
    out = ["\\paragraph{Rubric.}", "\\begin{itemize}"]
    for number, step in enumerate(rubric.steps, 1):
        out.append("  \\item Step %d, $+%g$: %s" % (number, step.points, inline_latex(step.text)))
        if step.mistakes:
            out.append("  \\begin{itemize}")
            out += ["    \\item $%g$: %s" % (p, inline_latex(t)) for p, t in step.mistakes]
            out.append("  \\end{itemize}")
    out += ["  \\item Note (no deduction): %s" % inline_latex(t) for t in rubric.notes]
    out += ["  \\item Partial credit, $%g$ in all: %s" % (p, inline_latex(t)) for p, t in rubric.partial]
    out.append("\\end{itemize}")
    return "\n".join(out)


def _rule_latex() -> str:
    return ("\\paragraph{How to apply the rubric.}\n\\begin{enumerate}\n%s\n\\end{enumerate}\n"
            % "\n".join("  \\item " + text_to_latex(line) for line in RULE))


def solutions_latex(source: Source, answers: Answers, results: Results,
                    shown_paths: tuple[str, str]) -> str:
    """The reference answers with rubric, one page per answer area.

    shown_paths: the questions and results files as the document names them.
    """
    questions_file, results_file = shown_paths
    out = ["%% " + INSTRUCTOR_MARK + "\n", document_head("solutions", questions_file, source)]
    out.append("\\title{%s\\\\[0.3em]\\large Reference answers and rubric (instructors only)}\n"
               "\\date{}\n\\begin{document}\n\\maketitle\n\n%s" % (text_to_latex(source.title),
                                                                credit_latex(source)))
    out.append("Every boxed result is stated once in \\texttt{%s}; "
               "the same statement is typeset here and checked against centred finite "
               "differences by \\texttt{tests/test\\_written\\_results.py}.\n" % escape(results_file))
    out.append(_rule_latex())
    for _, part, start in answer_pages(source, question_body=False):
        out.append(start + "{\\small %s}\n\n\\paragraph{Answer.}\n" % prose_to_latex(part.body))
        prose = _with_results(answers.text.get(part.ident, ""), results,
                              lambda r: "$$%s$$" % _result_body(r, results))
        out.append(prose_to_latex(prose) + "\n\n")
        if part.ident in answers.rubrics:
            out.append(_rubric_latex(answers.rubrics[part.ident]) + "\n")
    out.append("\n\\end{document}\n")
    return "".join(out)


def rubric_markdown(source: Source, answers: Answers, results: Results) -> str:
    """The rubric as Markdown, ready to enter into Gradescope's rubric editor."""
    by_id = results.by_id()
    lines = ["<!-- %s -->" % INSTRUCTOR_MARK, "",
             "# Rubric: %s" % source.title, "",
             "Generated by `python -m autograder written solutions`; the final results are "
             "checked numerically by `tests/test_written_results.py`.", "",
             "How to apply it:", ""] + ["%d. %s" % (n, line) for n, line in enumerate(RULE, 1)] + [""]

    def markdown(text: str) -> str:
        return prose_to_markdown(text, source.macros)

    for ident in source.answer_ids():
        question = source.find(ident)
        rubric = answers.rubrics.get(ident, Rubric())
        lines += ["## %s [%s]" % (question.label, points_text(question.points)), ""]
        for result_id in _RESULT_REF.findall(answers.text.get(ident, "")):
            body = _result_body(by_id[result_id], results)
            lines += ["$$%s$$" % expand_macros(body, source.macros), ""]
        for number, step in enumerate(rubric.steps, 1):
            lines.append("- Step %d, +%g: %s" % (number, step.points, markdown(step.text)))
            lines += ["  - %g: %s" % (p, markdown(t)) for p, t in step.mistakes]
        lines += ["- Note, no deduction: %s" % markdown(t) for t in rubric.notes]
        lines += ["- Partial credit, %g in all: %s" % (p, markdown(t)) for p, t in rubric.partial]
        lines.append("")
    return "\n".join(lines)


def generate_solutions(layout: Layout | None = None, out_dir: Path | None = None) -> list[Path]:
    """Write solutions.tex and rubric.md (default: next to the answers); refuse incomplete answers."""
    layout = resolve_layout(layout)
    questions, results_path = written_file(layout, "questions"), written_file(layout, "results")
    source, results = read_questions(questions), read_results(results_path)
    answers = read_answers(written_file(layout, "answers"))
    problems = check_answers(source, answers, results)
    if problems:
        raise WrittenError("the reference answers are incomplete:\n  " + "\n  ".join(problems))
    shown_paths = (shown(layout, questions), shown(layout, results_path))
    texts = dict(zip(SOLUTION_FILES, (solutions_latex(source, answers, results, shown_paths),
                                      rubric_markdown(source, answers, results))))
    return write_files(out_dir or solutions_dir(layout), texts)
