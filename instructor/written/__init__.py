"""The written part of an assignment: one question source, generated templates, checked reference answers.

The files come from the Layout's manifest ([written] questions, answers,
results). The questions (source.py) become the student templates
(templates.py) in layout.student / "written"; the reference answers and rubric
(answers.py; the rubric's lines and the rule combining them in rubric.py) with
the boxed results, each a statement typeset by expressions.py and evaluated by
exprlib (the runtime module that also checks students' final answers), become
solutions.tex and rubric.md next to the answers (solutions.py); finals_guide.py
documents the final answers for students (README section, notebook cell);
pdf.py compiles LaTeX; checks.py says what is stale or would leak and gives the
Gradescope outline. Every function taking a layout uses Layout() when it is None.
"""

from instructor.written.answers import Answers, Results, load_answers, load_results
from instructor.written.checks import (gradescope_outline, out_of_sync, reference_file_names,
                                       reference_markers, written_points)
from instructor.written.expressions import Evaluator, Notation, StatementError, parse_expr, to_latex
from instructor.written.pdf import build_pdf
from instructor.written.rubric import RULE, Profile, Rubric, rubric_problems, score
from instructor.written.solutions import INSTRUCTOR_MARK, check_answers, generate_solutions
from instructor.written.source import Source, WrittenError, load_source
from instructor.written.templates import ANSWER_PLACEHOLDER, generate_templates, notebook_answers

__all__ = ["ANSWER_PLACEHOLDER", "INSTRUCTOR_MARK", "RULE", "Answers", "Evaluator", "Notation",
           "Profile", "Results", "Rubric", "Source", "StatementError", "WrittenError", "build_pdf",
           "check_answers", "generate_solutions", "generate_templates", "gradescope_outline",
           "load_answers", "load_results", "load_source", "notebook_answers", "out_of_sync",
           "parse_expr", "reference_file_names", "reference_markers", "rubric_problems", "score",
           "to_latex", "written_points"]
