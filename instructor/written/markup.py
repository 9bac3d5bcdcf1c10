"""The prose of the written part: one light markup, rendered to LaTeX and to Markdown.

Paragraphs separated by blank lines, $inline$ and $$display$$ math (kept as
written for LaTeX; the course's macros expanded for Markdown and Jupyter),
**bold**, *emphasis*, `code`, "quotes", and lines starting with "- " for
bullet lists (indented lines continue an item).
"""

from __future__ import annotations

import re

from instructor.written.source import Macro, WrittenError


def points_text(points: float) -> str:
    """'1 point', '2.5 points'."""
    return "%g point%s" % (points, "" if points == 1 else "s")


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


def escape(text: str) -> str:
    """Plain text made safe for LaTeX."""
    return "".join(_TEX_ESCAPES.get(char, char) for char in text)


def code_latex(code: str) -> str:
    """Code escaped for \\texttt, with a line break allowed after each / and _ (no overfull lines)."""
    return re.sub(r"(/|\\_)", r"\1\\allowbreak{}", escape(code))


def text_to_latex(text: str) -> str:
    """LaTeX for text without math: `code`, **bold**, *emphasis*, "quotes"."""
    pieces = re.split(r"(`[^`]*`)", text)
    out = []
    for piece in pieces:
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(r"\texttt{%s}" % code_latex(piece[1:-1]))
            continue
        piece = escape(piece)
        piece = re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", piece)
        piece = re.sub(r"\*(.+?)\*", r"\\emph{\1}", piece)
        piece = re.sub(r'"([^"]*)"', r"``\1''", piece)
        out.append(piece)
    return "".join(out)


def inline_latex(text: str) -> str:
    """LaTeX for one paragraph: inline math kept, display math set apart."""
    out = []
    for piece in _MATH.split(text):
        if piece.startswith("$$"):
            out.append("\n\\[\n%s\n\\]\n" % piece[2:-2].strip())
        elif piece.startswith("$"):
            out.append(piece)
        else:
            out.append(text_to_latex(piece))
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
            out[-1] += "\n" + inline_latex(paragraph).strip("\n")
        elif _is_list(paragraph):
            out.append("\\begin{itemize}\n%s\n\\end{itemize}" % "\n".join(
                "  \\item " + inline_latex(item) for item in _items(paragraph)))
        else:
            out.append(inline_latex(paragraph))
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
