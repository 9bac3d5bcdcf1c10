"""The written part's question source, its block format, and where the part's files are.

Where the files are comes from the Layout's manifest ([written] questions,
answers, results); the student templates go to layout.student / "written" and
the generated reference files next to the answers.

The questions file (and the answers file, see answers.py) is a list of blocks:
a line starting with @ opens one, `@kind ident key=value ...`, and its body
runs to the next such line; text before the first block is a comment. The
questions' blocks:

    @title TEXT                       the document title
    @macros                           one \\newcommand per line
    @intro                            setup shown before the questions
    @question ID points=N title="T"   a question (submit=code: answered by the code)
    @part ID points=N                 a sub-question of the last question
    @figure FILE note="TEXT"          a figure slot in the last question's answer;
                                      note says where the file comes from
    @credit                           where the questions come from, printed
                                      under the title of every template (optional)
    @readme                           the students' README.md of the written part,
                                      copied verbatim (optional)
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from autograder.layout import Layout


class WrittenError(Exception):
    """The question or answer source is malformed; the message says where."""


def resolve_layout(layout: Layout | None) -> Layout:
    """The given layout, or this repository's."""
    return layout if layout is not None else Layout()


def written_file(layout: Layout, key: str) -> Path:
    """The file of the written part the manifest names under key (questions, answers, results)."""
    path = layout.written_path(key)
    if path is None:
        raise WrittenError("%s has no [written] %s: name the written part's %s file there"
                           % (layout.manifest_path, key, key))
    return path


def templates_dir(layout: Layout) -> Path:
    """Where the student templates of the written part are generated."""
    return layout.student / "written"


def solutions_dir(layout: Layout) -> Path:
    """Where the reference files (solutions, rubric) are generated: next to the answers."""
    return written_file(layout, "answers").parent


def shown(layout: Layout, path: Path) -> str:
    """path as generated files name it: relative to the folder holding the source tree."""
    return path.relative_to(layout.source.parent).as_posix()


# ---------------------------------------------------------------------------
# The block format


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
        if not line.startswith("@"):
            body.append(line)
            continue
        if blocks:
            blocks[-1].body = "\n".join(body).strip("\n")
        body = []
        if line.startswith("@title "):
            blocks.append(Block("title", line[len("@title "):].strip(), {}, "", number))
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
    if blocks:
        blocks[-1].body = "\n".join(body).strip("\n")
    return blocks


# ---------------------------------------------------------------------------
# Questions


@dataclass
class Question:  # pylint: disable=too-many-instance-attributes
    """A question or sub-question of the written part."""

    ident: str
    title: str
    points: float
    body: str
    parts: list["Question"] = field(default_factory=list)
    figure: str = ""
    figure_note: str = ""  # where the figure comes from, e.g. "plot.py writes it"
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
class Source:  # pylint: disable=too-many-instance-attributes
    """The parsed question source."""

    title: str
    macros: list[Macro]
    intro: str
    questions: list[Question]
    readme: str = ""
    name: str = "questions.txt"
    credit: str = ""

    def find(self, ident: str) -> Question:
        """The question or part with this identifier."""
        for question in self.questions:
            for candidate in [question] + question.parts:
                if candidate.ident == ident:
                    return candidate
        raise WrittenError("no question %r in %s" % (ident, self.name))

    def answer_areas(self) -> list[tuple[Question, Question]]:
        """(question, answerable part) of every answer area, in order."""
        return [(question, part) for question in self.questions for part in question.answerable()]

    def answer_ids(self) -> list[str]:
        """Identifiers of every answer area, in order."""
        return [q.ident for question in self.questions for q in question.answerable()]

    def written_points(self) -> float:
        """Total points of the questions answered in the written submission (not in code)."""
        return sum(q.points for q in self.questions if q.submit != "code")


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


def read_questions(path: Path) -> Source:
    """Parse and validate a question source."""
    if not path.is_file():
        raise WrittenError("the question source %s does not exist" % path)
    source = Source("", [], "", [], name=path.name)
    seen: set[str] = set()
    for block in parse_blocks(path.read_text(encoding="utf-8"), path.name):
        if block.kind == "title":
            source.title = block.ident
        elif block.kind == "macros":
            source.macros += _parse_macros(block, path.name)
        elif block.kind in ("intro", "readme", "credit"):
            setattr(source, block.kind, block.body)
        elif block.kind in ("question", "part"):
            _add_question(block, path.name, source.questions, seen)
        elif block.kind == "figure":
            if not source.questions:
                raise WrittenError("%s:%d: a figure before any question" % (path.name, block.line))
            source.questions[-1].figure = block.ident
            source.questions[-1].figure_note = block.attrs.get("note", "")
        else:
            raise WrittenError("%s:%d: unknown block @%s" % (path.name, block.line, block.kind))
    _add_up_points(source.questions, path.name)
    if not source.title or not source.questions:
        raise WrittenError("%s needs a @title and at least one @question" % path.name)
    return source


def load_source(layout: Layout | None = None) -> Source:
    """The layout's question source, parsed and validated."""
    return read_questions(written_file(resolve_layout(layout), "questions"))


def write_files(out_dir: Path, texts: dict[str, str]) -> list[Path]:
    """Write each name -> text into out_dir (created when missing); return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
