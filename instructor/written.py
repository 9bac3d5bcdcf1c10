"""The written part: one question source, generated templates, checked reference answers.

    python -m instructor.written templates OUT_DIR   student files (Markdown, LaTeX, notebook)
    python -m instructor.written solutions [OUT_DIR] reference answers + rubric (instructor only)
    python -m instructor.written check               committed files equal a fresh generation
    python -m instructor.written pdf TEX --out PDF   compile with pdflatex (see instructor.tex)

The questions live in docs/written/questions.txt. The reference answers live in
solutions/written/answers.txt (derivations, rubric) and results.json (every
boxed result as an expression): the same expression is typeset in the
solutions and evaluated numerically by the tests, so the two cannot drift.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from instructor.written_math import Evaluator, StatementError, parse_expr, to_latex

__all__ = ["Evaluator", "StatementError", "parse_expr", "to_latex", "generate_templates",
           "generate_solutions", "leaked_reference_answers", "notebook_answers"]

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "docs" / "written" / "questions.txt"
ANSWERS_DIR = ROOT / "solutions" / "written"
ANSWERS = ANSWERS_DIR / "answers.txt"
RESULTS = ANSWERS_DIR / "results.json"
TEMPLATES_DIR = ROOT / "assignment" / "written"
# The first line of every generated reference-answer file: what the handout checks look for.
INSTRUCTOR_MARK = "REFERENCE ANSWERS, INSTRUCTORS ONLY: never ship this file to students."


class WrittenError(Exception):
    """The question or answer source is malformed; the message says where."""


# ---------------------------------------------------------------------------
# The block format shared by questions.txt and answers.txt


@dataclass
class Block:
    """One `@kind ident key=value ...` header and the prose below it."""

    kind: str
    ident: str
    attrs: dict[str, str]
    body: str
    line: int


def parse_blocks(text: str, name: str) -> list[Block]:
    """Split a source into blocks; the text before the first block is a comment."""
    blocks: list[Block] = []
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("@"):
            if blocks:
                blocks[-1].body = "\n".join(body).strip("\n")
            if line.startswith("@title "):
                blocks.append(Block("title", line[len("@title "):].strip(), {}, "", number))
                body = []
                continue
            try:
                words = shlex.split(line[1:])
            except ValueError as error:
                raise WrittenError("%s:%d: %s" % (name, number, error)) from None
            if not words:
                raise WrittenError("%s:%d: a block needs a kind after @" % (name, number))
            kind, rest = words[0], words[1:]
            ident = rest[0] if rest and "=" not in rest[0] else ""
            attrs = {}
            for word in rest[1 if ident else 0:]:
                key, sep, value = word.partition("=")
                if not sep:
                    raise WrittenError("%s:%d: expected key=value, got %r" % (name, number, word))
                attrs[key] = value
            blocks.append(Block(kind, ident, attrs, "", number))
            body = []
        else:
            body.append(line)
    if blocks:
        blocks[-1].body = "\n".join(body).strip("\n")
    return blocks


@dataclass
class Question:
    """A question or sub-question of the written part."""

    ident: str
    title: str
    points: float
    body: str
    parts: list["Question"] = field(default_factory=list)
    figure: str = ""
    submit: str = "pdf"

    @property
    def label(self) -> str:
        """How students see the identifier: (b)(ii), Coding (c)."""
        head, _, sub = self.ident.partition("-")
        if head == "coding":
            return "Coding (%s)" % sub
        return "(%s)" % head + ("(%s)" % sub if sub else "")

    def answerable(self) -> list["Question"]:
        """The questions that get an answer area: the parts, or the question itself."""
        if self.submit == "code":
            return []
        return self.parts or [self]


@dataclass
class Macro:
    """A \\newcommand of the course's notation."""

    name: str
    nargs: int
    body: str
    source: str


@dataclass
class Source:
    """The parsed question source."""

    title: str
    macros: list[Macro]
    intro: str
    questions: list[Question]

    def find(self, ident: str) -> Question:
        """The question or part with this identifier."""
        for question in self.questions:
            for candidate in [question] + question.parts:
                if candidate.ident == ident:
                    return candidate
        raise WrittenError("no question %r in %s" % (ident, QUESTIONS.name))

    def answer_ids(self) -> list[str]:
        """Identifiers of every answer area, in order."""
        return [q.ident for question in self.questions for q in question.answerable()]


_NEWCOMMAND = re.compile(r"^\\newcommand\{\\([A-Za-z]+)\}(?:\[(\d)\])?\{(.*)\}\s*$")


def _points(block: Block, name: str) -> float:
    try:
        return float(block.attrs.get("points", "0"))
    except ValueError:
        raise WrittenError("%s:%d: points must be a number, got %r"
                           % (name, block.line, block.attrs["points"])) from None


def _parse_macros(block: Block, name: str) -> list[Macro]:
    macros = []
    for line in block.body.splitlines():
        match = _NEWCOMMAND.match(line.strip())
        if not match:
            raise WrittenError("%s:%d: in @macros, not a one-line \\newcommand: %r"
                               % (name, block.line, line))
        macros.append(Macro(match.group(1), int(match.group(2) or 0), match.group(3), line.strip()))
    return macros


def _add_question(block: Block, name: str, questions: list[Question], seen: set[str]) -> None:
    if not block.ident or block.ident in seen:
        raise WrittenError("%s:%d: a %s needs a new identifier" % (name, block.line, block.kind))
    seen.add(block.ident)
    question = Question(block.ident, block.attrs.get("title", ""), _points(block, name),
                        block.body, submit=block.attrs.get("submit", "pdf"))
    if block.kind == "question":
        questions.append(question)
    elif not questions:
        raise WrittenError("%s:%d: a part before any question" % (name, block.line))
    else:
        questions[-1].parts.append(question)


def _add_up_points(questions: list[Question], name: str) -> None:
    for question in questions:
        if question.parts:
            total = sum(part.points for part in question.parts)
            if question.points and question.points != total:
                raise WrittenError("%s: question %s has points=%g but its parts add to %g"
                                   % (name, question.ident, question.points, total))
            question.points = total


def load_source(path: Path = QUESTIONS) -> Source:
    """Parse and validate the question source."""
    if not path.is_file():
        raise WrittenError("the question source %s does not exist" % path)
    name = path.name
    title, intro = "", ""
    macros: list[Macro] = []
    questions: list[Question] = []
    seen: set[str] = set()
    for block in parse_blocks(path.read_text(encoding="utf-8"), name):
        if block.kind == "title":
            title = block.ident
        elif block.kind == "macros":
            macros += _parse_macros(block, name)
        elif block.kind == "intro":
            intro = block.body
        elif block.kind in ("question", "part"):
            _add_question(block, name, questions, seen)
        elif block.kind == "figure":
            if not questions:
                raise WrittenError("%s:%d: a figure before any question" % (name, block.line))
            questions[-1].figure = block.ident
        else:
            raise WrittenError("%s:%d: unknown block @%s" % (name, block.line, block.kind))
    _add_up_points(questions, name)
    if not title or not questions:
        raise WrittenError("%s needs a @title and at least one @question" % name)
    return Source(title, macros, intro, questions)


# ---------------------------------------------------------------------------
# Prose: one light markup, rendered to LaTeX and to Markdown


def expand_macros(math: str, macros: list[Macro]) -> str:
    """Replace the course's macros by their definitions (for Markdown and Jupyter)."""
    for _ in range(20):
        before = math
        for macro in macros:
            pattern = re.compile(r"\\%s(?![A-Za-z])" % macro.name)
            while True:
                match = pattern.search(math)
                if not match:
                    break
                args, end = [], match.end()
                for _ in range(macro.nargs):
                    end, arg = _brace_group(math, end, macro.name)
                    args.append(arg)
                body = macro.body
                for index, arg in enumerate(args, 1):
                    body = body.replace("#%d" % index, arg)
                math = math[:match.start()] + body + math[end:]
        if math == before:
            return math
    raise WrittenError("macro expansion does not terminate in %r" % math[:80])


def _brace_group(text: str, start: int, name: str) -> tuple[int, str]:
    while start < len(text) and text[start] == " ":
        start += 1
    if start >= len(text) or text[start] != "{":
        raise WrittenError("macro \\%s needs a {argument} in %r" % (name, text[:80]))
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index + 1, text[start + 1:index]
    raise WrittenError("unbalanced braces after \\%s in %r" % (name, text[:80]))


_MATH = re.compile(r"(\$\$.+?\$\$|\$.+?\$)", re.S)
_TEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _escape(text: str) -> str:
    return "".join(_TEX_ESCAPES.get(char, char) for char in text)


def _text_to_latex(text: str) -> str:
    pieces = re.split(r"(`[^`]*`)", text)
    out = []
    for piece in pieces:
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(r"\texttt{%s}" % _escape(piece[1:-1]))
            continue
        piece = _escape(piece)
        piece = re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", piece)
        piece = re.sub(r"\*(.+?)\*", r"\\emph{\1}", piece)
        piece = re.sub(r'"([^"]*)"', r"``\1''", piece)
        out.append(piece)
    return "".join(out)


def _inline_latex(text: str) -> str:
    out = []
    for piece in _MATH.split(text):
        if piece.startswith("$$"):
            out.append("\n\\[\n%s\n\\]\n" % piece[2:-2].strip())
        elif piece.startswith("$"):
            out.append(piece)
        else:
            out.append(_text_to_latex(piece))
    return "".join(out)


def _paragraphs(prose: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", prose.strip()) if p.strip()]


def _is_list(paragraph: str) -> bool:
    return all(line.startswith("- ") or line.startswith("  ") for line in paragraph.splitlines())


def _items(paragraph: str) -> list[str]:
    items: list[str] = []
    for line in paragraph.splitlines():
        if line.startswith("- "):
            items.append(line[2:])
        else:
            items[-1] += " " + line.strip()
    return items


def prose_to_latex(prose: str) -> str:
    """LaTeX for a piece of prose: paragraphs, lists, math kept as written."""
    out: list[str] = []
    for paragraph in _paragraphs(prose):
        if out and (paragraph.startswith("$$") or (out[-1].endswith("\\]")
                                                     and paragraph[:1].islower())):
            # a display belongs to the sentence around it: no paragraph break
            out[-1] += "\n" + _inline_latex(paragraph).strip("\n")
        elif _is_list(paragraph):
            out.append("\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(
                "  \\item " + _inline_latex(item) for item in _items(paragraph)))
        else:
            out.append(_inline_latex(paragraph))
    return "\n\n".join(out)


def prose_to_markdown(prose: str, macros: list[Macro]) -> str:
    """Markdown for a piece of prose, with the macros expanded inside the math."""
    out = []
    for piece in _MATH.split(prose.strip()):
        if piece.startswith("$$"):
            out.append("\n$$\n%s\n$$\n" % expand_macros(piece[2:-2].strip(), macros))
        elif piece.startswith("$"):
            out.append("$%s$" % expand_macros(piece[1:-1], macros))
        else:
            out.append(piece)
    text = "".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def load_results(path: Path = RESULTS) -> list[dict[str, Any]]:
    """The machine-readable reference results, validated (every one typesets)."""
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise WrittenError("cannot read %s: %s" % (path, error)) from None
    seen = set()
    for result in results:
        for key in ("id", "question", "kind", "lhs"):
            if key not in result:
                raise WrittenError("%s: result %r lacks %r" % (path.name, result, key))
        if result["id"] in seen:
            raise WrittenError("%s: result id %r twice" % (path.name, result["id"]))
        seen.add(result["id"])
        if result["kind"] != "cost":
            to_latex(result["expr"])
    return results


def result_latex(result: dict[str, Any]) -> str:
    """The boxed display of one result, as it appears in the reference answers."""
    if result["kind"] == "cost":
        body = result["lhs"]
    else:
        body = "%s = %s" % (result["lhs"], to_latex(result["expr"]))
    if result.get("condition"):
        body += r" \quad \text{%s}" % result["condition"]
    return "\\[\n\\boxed{%s}\n\\]" % body


# ---------------------------------------------------------------------------
# Student templates

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\graphicspath{{./}{../}}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def points_text(points: float) -> str:
    """'1 point', '2.5 points'."""
    return "%g point%s" % (points, "" if points == 1 else "s")


def _banner(generator: str) -> str:
    return ("%% Generated by `python -m instructor.written %s` from docs/written/questions.txt.\n"
            "%% Do not edit the generated copy in the repository: edit the source and regenerate.\n"
            % generator)


def _tex_heading(question: Question, part: Question | None = None) -> str:
    if part is None:
        return "\\section*{%s %s \\hfill {\\normalsize [%s]}}\n" % (
            question.label, _text_to_latex(question.title), points_text(question.points))
    return "\\subsection*{%s \\hfill {\\normalsize [%s]}}\n" % (part.label, points_text(part.points))


def latex_template(source: Source) -> str:
    """The answer template: one page per answer area, the prompt above it."""
    out = [_banner("templates"), _PREAMBLE]
    out += [m.source + "\n" for m in source.macros]
    out.append("\\newenvironment{answer}{\\par\\medskip\\hrule\\medskip\\textbf{Answer.}\\par}{}\n")
    out.append("\\title{%s}\n\\author{Your name and student ID}\n\\date{}\n" % _text_to_latex(source.title))
    out.append("\n\\begin{document}\n\\maketitle\n\n%s\n" % prose_to_latex(source.intro))
    for question in source.questions:
        if question.submit == "code":
            continue
        for index, part in enumerate(question.answerable()):
            out.append("\n\\clearpage\n")
            if index == 0:
                out.append(_tex_heading(question))
                if question.parts:
                    out.append(prose_to_latex(question.body) + "\n")
            if question.parts:
                out.append(_tex_heading(question, part))
            out.append(prose_to_latex(part.body) + "\n")
            out.append("\n\\begin{answer}\n%% Write your answer to %s here.\n" % part.label)
            if question.figure:
                out.append("\\begin{center}\n\\IfFileExists{%s}{\\includegraphics[width=0.8\\textwidth]"
                           "{%s}}{\\fbox{\\parbox{0.8\\textwidth}{\\centering\\vspace{2cm}"
                           "Put %s next to this file (run.py writes it).\\vspace{2cm}}}}\n"
                           "\\end{center}\n" % (question.figure, question.figure,
                                                _escape(question.figure)))
            out.append("\\end{answer}\n")
    out.append("\n\\end{document}\n")
    return "".join(out)


def markdown_questions(source: Source) -> str:
    """The handout text of the written part."""
    lines = ["# %s" % source.title, "",
             prose_to_markdown(source.intro, source.macros), ""]
    for question in source.questions:
        points = ("(graded by the autograder)" if question.submit == "code"
                  else "[%s]" % points_text(question.points))
        lines += ["## %s %s %s" % (question.label, question.title, points), ""]
        if question.body:
            lines += [prose_to_markdown(question.body, source.macros), ""]
        for part in question.parts:
            lines += ["**%s** [%s] %s" % (part.label, points_text(part.points),
                                                  prose_to_markdown(part.body, source.macros)), ""]
    total = sum(q.points for q in source.questions if q.submit != "code")
    lines += ["Total of the written submission: %g points." % total, ""]
    return "\n".join(lines)


ANSWER_PLACEHOLDER = "*Write your answer here (Markdown, with $math$ in dollars).*"


def notebook_template(source: Source) -> Any:
    """The Jupyter/Colab alternative: a prompt cell and an answer cell per answer area."""
    import nbformat  # pylint: disable=import-outside-toplevel

    notebook = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell(
        "# %s\n\nWrite each answer in the cell below its question (double-click to edit). "
        "Do not delete or reorder the answer cells. When done, print the notebook to PDF "
        "and upload that PDF to the written assignment on Gradescope, selecting the pages "
        "of each question.\n\n%s" % (source.title, prose_to_markdown(source.intro, source.macros)))]
    for question in source.questions:
        if question.submit == "code":
            continue
        header = "## %s %s [%s]" % (question.label, question.title, points_text(question.points))
        for index, part in enumerate(question.answerable()):
            prompt = []
            if index == 0:
                prompt.append(header)
                if question.parts and question.body:
                    prompt.append(prose_to_markdown(question.body, source.macros))
            if question.parts:
                prompt.append("**%s** [%s]" % (part.label, points_text(part.points)))
            prompt.append(prose_to_markdown(part.body, source.macros))
            cells.append(nbformat.v4.new_markdown_cell("\n\n".join(prompt),
                                                       metadata={"written": {"prompt": part.ident}}))
            answer = "**Answer %s.**\n\n%s" % (part.label, ANSWER_PLACEHOLDER)
            if question.figure:
                answer += "\n\n![%s](%s)" % (question.figure, question.figure)
            cells.append(nbformat.v4.new_markdown_cell(answer,
                                                       metadata={"written": {"answer": part.ident}}))
    notebook.cells = cells
    notebook.metadata["language_info"] = {"name": "python"}
    # Stable ids keep the generated file byte-for-byte reproducible.
    for number, cell in enumerate(notebook.cells):
        cell["id"] = "written-%02d" % number
    return notebook


def notebook_answers(notebook: Any) -> dict[str, str]:
    """Answer text by question identifier; found by metadata, else by the cell's heading."""
    answers: dict[str, str] = {}
    label_to_id: dict[str, str] = {}
    for cell in notebook.cells:
        prompt = cell.get("metadata", {}).get("written", {}).get("prompt")
        if prompt:
            match = re.search(r"^\*\*(\([^*]*\))\*\*|^## (\S+(?: \(\w\))?)", cell.source, re.M)
            if match:
                label_to_id[match.group(1) or match.group(2)] = prompt
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        ident = cell.get("metadata", {}).get("written", {}).get("answer")
        match = re.match(r"\*\*Answer (.+?)\.\*\*\s*", cell.source)
        if not ident and match:
            ident = _label_to_ident(match.group(1))
        if ident:
            answers[ident] = cell.source[match.end():] if match else cell.source
    return answers


def _label_to_ident(label: str) -> str:
    coding = re.fullmatch(r"Coding \((\w)\)", label)
    if coding:
        return "coding-" + coding.group(1)
    parts = re.findall(r"\((\w+)\)", label)
    return "-".join(parts)


STUDENT_README = """# Written part

The questions are in `written_questions.md` (and in the templates). Submit one
PDF to the **written** assignment on Gradescope; the code goes to the
programming assignment as `submission.zip` (see the main README).

## With LaTeX (recommended)

Open `written.tex`, write each answer between `\\begin{answer}` and
`\\end{answer}` under its question, and leave the rest of the file as it is:
every question starts on a new page, which makes Gradescope's page matching
quick. The course's notation is defined at the top (`\\yhat`, `\\Jnaive`,
`\\Jneg`, `\\Jsg`, `\\pd{f}{x}` for a partial derivative, ...). Build with

    pdflatex written.tex

(any TeX distribution; on Debian or Ubuntu `sudo apt-get install
texlive-latex-base` is enough), or upload `written.tex` to Overleaf. For
coding (c), put `word_vectors.png` (written by `run.py`) next to `written.tex`
or leave it one folder up where `run.py` writes it: the template finds it in
either place.

## On Gradescope

Upload the PDF, then for each question select the page(s) of its answer.
Answers without selected pages cannot be graded. One page per answer area is
expected; a long answer may run onto a second page: select both.

## With Jupyter or Colab

If you prefer notebooks, open `written.ipynb` (Jupyter, VS Code, or upload it
to Colab). Each question has a prompt cell and, below it, an answer cell that
starts with **Answer (x).**: write there in Markdown with `$math$`, keep the
answer cells in place, and put `word_vectors.png` next to the notebook so the
last answer shows it. Then print the notebook to PDF (File > Print, or
File > Download as PDF) and upload it as above, selecting each question's
page(s).
"""


def generate_templates(out_dir: Path, source_path: Path = QUESTIONS) -> list[Path]:
    """Write the student-facing written files into out_dir; return them."""
    import nbformat  # pylint: disable=import-outside-toplevel

    source = load_source(source_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"README.md": STUDENT_README,
             "written_questions.md": markdown_questions(source),
             "written.tex": latex_template(source),
             "written.ipynb": nbformat.writes(notebook_template(source)) + "\n"}
    written = []
    for name, text in files.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------
# Reference answers and rubric (instructor only)


@dataclass
class Rubric:
    """Grading guide of one question: steps with points, deductions, partial credit."""

    steps: list[tuple[float, str]]
    mistakes: list[tuple[float, str]]
    partial: list[str]


_RUBRIC_LINE = re.compile(r"^(step|mistake|partial)\s*([-+]?\d+(?:\.\d+)?)?\s*:\s*(.+)$")


def parse_rubric(body: str, where: str) -> Rubric:
    """Parse `step N: ...`, `mistake -N: ...` and `partial: ...` lines (indented lines continue)."""
    rubric = Rubric([], [], [])
    last: list[Any] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith("  ") and last:
            entry = last[-1]
            last[-1] = (entry + " " + line.strip() if isinstance(entry, str)
                        else (entry[0], entry[1] + " " + line.strip()))
            continue
        match = _RUBRIC_LINE.match(line)
        if not match:
            raise WrittenError("%s: not a rubric line: %r" % (where, line))
        kind, points, text = match.groups()
        if kind == "partial":
            last = rubric.partial
            last.append(text)
        elif points is None:
            raise WrittenError("%s: %s needs points: %r" % (where, kind, line))
        else:
            last = rubric.steps if kind == "step" else rubric.mistakes
            last.append((float(points), text))
    return rubric


@dataclass
class Answers:
    """The parsed reference answers: derivation prose and rubric per question."""

    text: dict[str, str]
    rubrics: dict[str, Rubric]


def load_answers(path: Path = ANSWERS) -> Answers:
    """Parse solutions/written/answers.txt."""
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


_RESULT_REF = re.compile(r"\\result\{([\w-]+)\}")


def _with_results(prose: str, results: dict[str, dict[str, Any]], render: Callable[[dict], str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1) not in results:
            raise WrittenError("\\result{%s}: no such result in results.json" % match.group(1))
        return render(results[match.group(1)])
    return _RESULT_REF.sub(replace, prose)


def check_answers(source: Source, answers: Answers, results: list[dict[str, Any]]) -> list[str]:
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
        total = sum(points for points, _ in rubric.steps)
        if abs(total - question.points) > 1e-9:
            problems.append("rubric %s: steps add to %g, the question is worth %g"
                            % (ident, total, question.points))
        if not rubric.mistakes or not rubric.partial:
            problems.append("rubric %s needs common mistakes and partial credit" % ident)
        if any(points >= 0 for points, _ in rubric.mistakes):
            problems.append("rubric %s: mistakes must deduct (negative points)" % ident)
    for result in results:
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
    out += ["  \\item $+%g$: %s" % (p, _inline_latex(t)) for p, t in rubric.steps]
    out += ["\\end{itemize}", "\\textbf{Common mistakes.}", "\\begin{itemize}"]
    out += ["  \\item $%g$: %s" % (p, _inline_latex(t)) for p, t in rubric.mistakes]
    out += ["\\end{itemize}", "\\textbf{Partial credit.}", "\\begin{itemize}"]
    out += ["  \\item %s" % _inline_latex(t) for t in rubric.partial]
    out.append("\\end{itemize}")
    return "\n".join(out)


def solutions_latex(source: Source, answers: Answers, results: list[dict[str, Any]]) -> str:
    """The reference answers with rubric, one page per answer area."""
    by_id = {r["id"]: r for r in results}
    out = ["%% " + INSTRUCTOR_MARK + "\n", _banner("solutions"), _PREAMBLE]
    out += [m.source + "\n" for m in source.macros]
    out.append("\\title{%s\\\\[0.3em]\\large Reference answers and rubric (instructors only)}\n"
               "\\date{}\n\\begin{document}\n\\maketitle\n\n" % _text_to_latex(source.title))
    out.append("Every boxed result is stated once in \\texttt{solutions/written/results.json}; "
               "the same statement is typeset here and checked against centred finite "
               "differences by \\texttt{tests/test\\_written\\_results.py}.\n")
    for question in source.questions:
        for index, part in enumerate(question.answerable()):
            out.append("\n\\clearpage\n")
            if index == 0:
                out.append(_tex_heading(question))
            if question.parts:
                out.append(_tex_heading(question, part))
            out.append("{\\small %s}\n\n\\paragraph{Answer.}\n" % prose_to_latex(part.body))
            prose = _with_results(answers.text.get(part.ident, ""), by_id,
                                  lambda r: "$$%s$$" % result_latex(r)[3:-3].strip())
            out.append(prose_to_latex(prose) + "\n\n")
            if part.ident in answers.rubrics:
                out.append(_rubric_latex(answers.rubrics[part.ident]) + "\n")
    out.append("\n\\end{document}\n")
    return "".join(out)


def rubric_markdown(source: Source, answers: Answers, results: list[dict[str, Any]]) -> str:
    """The rubric as Markdown, ready to enter into Gradescope's rubric editor."""
    by_id = {r["id"]: r for r in results}
    lines = ["<!-- %s -->" % INSTRUCTOR_MARK, "",
             "# Rubric: %s" % source.title, "",
             "Generated by `python -m instructor.written solutions`; the final results are "
             "checked numerically by `tests/test_written_results.py`.", ""]
    for ident in source.answer_ids():
        question = source.find(ident)
        rubric = answers.rubrics.get(ident, Rubric([], [], []))
        lines += ["## %s [%s]" % (question.label, points_text(question.points)), ""]
        shown = [by_id[r] for r in _RESULT_REF.findall(answers.text.get(ident, ""))]
        for result in shown:
            body = result_latex(result)[3:-3].strip()
            lines += ["$$%s$$" % expand_macros(body, source.macros), ""]
        lines += ["- +%g: %s" % (p, prose_to_markdown(t, source.macros)) for p, t in rubric.steps]
        lines += ["- %g: %s" % (p, prose_to_markdown(t, source.macros)) for p, t in rubric.mistakes]
        lines += ["- Partial credit: %s" % prose_to_markdown(t, source.macros) for t in rubric.partial]
        lines.append("")
    return "\n".join(lines)


def generate_solutions(out_dir: Path = ANSWERS_DIR, source_path: Path = QUESTIONS,
                       answers_path: Path = ANSWERS, results_path: Path = RESULTS) -> list[Path]:
    """Write solutions.tex and rubric.md; refuse when the answers are incomplete."""
    source, answers = load_source(source_path), load_answers(answers_path)
    results = load_results(results_path)
    problems = check_answers(source, answers, results)
    if problems:
        raise WrittenError("the reference answers are incomplete:\n  " + "\n  ".join(problems))
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"solutions.tex": solutions_latex(source, answers, results),
             "rubric.md": rubric_markdown(source, answers, results)}
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    return [out_dir / name for name in files]


def out_of_sync() -> list[str]:
    """Committed generated files that differ from a fresh generation."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        pairs = [(TEMPLATES_DIR, generate_templates(Path(tmp) / "templates")),
                 (ANSWERS_DIR, generate_solutions(Path(tmp) / "solutions"))]
        for committed_dir, fresh_files in pairs:
            for fresh in fresh_files:
                committed = committed_dir / fresh.name
                if not committed.is_file() or committed.read_bytes() != fresh.read_bytes():
                    stale.append(str(committed.relative_to(ROOT)))
    return stale


def leaked_reference_answers(texts: dict[str, str]) -> list[str]:
    """Names of handout files (name -> content) that carry the reference answers.

    Looks for the instructor mark, the reference files' names, and the typeset
    form of every non-trivial boxed result.
    """
    names = {p.name for p in ANSWERS_DIR.glob("*") if p.is_file()}
    boxed = [to_latex(r["expr"]) for r in load_results() if r["kind"] != "cost"]
    boxed = [b for b in boxed if len(b) > 20]
    return sorted(name for name, text in texts.items()
                  if INSTRUCTOR_MARK in text or Path(name).name in names
                  or any(b in text for b in boxed))


def main(argv: list[str] | None = None) -> int:
    """Command line; returns a process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    templates = commands.add_parser("templates", help="write the student templates")
    templates.add_argument("out_dir", type=Path, nargs="?", default=TEMPLATES_DIR)
    solutions = commands.add_parser("solutions", help="write the reference answers and rubric")
    solutions.add_argument("out_dir", type=Path, nargs="?", default=ANSWERS_DIR)
    commands.add_parser("check", help="fail when committed generated files are stale")
    pdf = commands.add_parser("pdf", help="compile a .tex file to PDF with pdflatex")
    pdf.add_argument("tex", type=Path)
    pdf.add_argument("--out", type=Path, required=True, help="the PDF to write")
    args = parser.parse_args(argv)
    try:
        if args.command == "templates":
            files = generate_templates(args.out_dir)
        elif args.command == "solutions":
            files = generate_solutions(args.out_dir)
        elif args.command == "check":
            stale = out_of_sync()
            for path in stale:
                print("out of sync: %s (run `python -m instructor.written templates` "
                      "and `... solutions`)" % path)
            return 1 if stale else 0
        else:
            from instructor import tex  # pylint: disable=import-outside-toplevel
            tex.ensure_tex()
            pages = tex.compile_pdf(args.tex, args.out)
            print("wrote %s (%d pages)" % (args.out, pages))
            return 0
    except (WrittenError, StatementError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    except RuntimeError as error:
        print("error: %s" % error, file=sys.stderr)
        return 1
    for path in files:
        print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
