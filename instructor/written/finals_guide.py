"""The students' side of final answers: the syntax guide of the written README and the notebook cell.

When the manifest names a final-answers file ([submission] final_answers), the
written part's README.md gets a section documenting the syntax (exprlib's
language) on the assignment's own names (the results file's notation), and one
row per boxed result: its id, its question, what it is (its left-hand side)
and the names an answer may use there (those of its random points, from the
checks module's FINALS). The notebook template gets a last cell that writes
the file from what the student types in it. No statement appears: the examples
of the syntax are on placeholder names, and a result's row never shows its
right-hand side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checklib import PUBLIC_SEED

from autograder import assignment as assignment_module
from autograder import final_answers
from autograder.layout import CHECK_SCRIPT, Layout
from instructor.written.markup import prose_to_markdown
from instructor.written.source import Macro, Source

# The syntax, shown on placeholder names (never on a result's).
SYNTAX = [
    ("`a + b`, `a - b`, `-a`, `a / 2`", "sums, differences, negation, division"),
    ("`2 * a`, `a * b`", "a product by a number, or entry by entry"),
    ("`z * z`", "a square: there is no power (`^` only in `^T`)"),
    ("`A @ b`", "the matrix product $A b$"),
    ("`a.T` (or `a^T`)", "the transpose: `a.T @ b` is $a^\\top b$"),
    ("`sigma(z)`, `log(z)`, `exp(z)`, `softmax(z)`", "functions, entry by entry (softmax of a "
                                                      "column)"),
    ("`cases(a, z > 0, b, z < 0)`", "$a$ where $z > 0$, $b$ where $z < 0$"),
]


@dataclass
class Guide:
    """What students need to write a final-answers file: its name, the names, the results."""

    file: str
    names: list[tuple[str, str]]                    # (a name as written, what it is in math)
    rows: list[tuple[str, str, str, list[str], str]]  # (id, question, result, names, example)
    indexing: str = ""                              # an example of an index, e.g. `u[w]` in a sum


def _written(name: str, value: Any, indexed: dict[str, str]) -> str:
    return "%s[...]" % name if callable(value) and name in indexed else name


def load_guide(layout: Layout, source: Source) -> Guide | None:
    """The layout's guide, or None when its written part has no final answers."""
    if not layout.manifest.final_answers:
        return None
    assignment = assignment_module.load(layout)
    ref = final_answers.reference(layout)
    notation = ref.notation
    shown_as = {result["id"]: " ".join(["$%s$" % result["lhs"]] + (
        [result["note"]] if result.get("note") else [])) for result in ref.results}
    names: dict[str, str] = {}
    rows, indexing = [], ""
    for result in ref.public():
        env = assignment.finals.environments(result, PUBLIC_SEED)[0]
        shown = []
        for name, value in sorted(env.items(), key=lambda item: item[0].lower()):
            if name.startswith("range_"):
                continue
            written = _written(name, value, notation.indexed)
            shown.append("`%s`" % written)
            if written.endswith("[...]"):
                names[written] = "$%s$" % notation.indexed[name].replace("%s", "i") + \
                    " for an index $i$"
            else:
                names[written] = "$%s$" % notation.symbols[name] if name in notation.symbols \
                    else "an index"
        for name, total in notation.sums.items():
            if "range_" + total.index in env:
                shown.append("`%s(...)`" % name)
                names["%s(...)" % name] = "$%s$ of what is in the brackets, over `%s`" % (
                    total.latex, total.index)
                indexed = [n for n in sorted(env) if callable(env[n]) and n in notation.indexed]
                indexing = indexing or (indexed and "`%s[%s]` inside `%s(...)`" % (
                    indexed[0], total.index, name)) or ""
        rows.append((result["id"], source.find(result["question"]).label, shown_as[result["id"]],
                     shown, result.get("example", "")))
    return Guide(layout.manifest.final_answers, sorted(names.items(), key=lambda i: i[0].lower()),
                 rows, indexing)


def guide_markdown(guide: Guide, macros: list[Macro]) -> str:
    """The README section: what the file is for, its syntax, the names, one row per result."""
    def table(head: tuple[str, ...], rows) -> list[str]:
        return ["| %s |" % " | ".join(head), "|" + " --- |" * len(head)] + [
            "| %s |" % " | ".join(prose_to_markdown(cell, macros).replace("|", "\\|")
                                  for cell in row) for row in rows]

    lines = [
        "## Final answers, checked in seconds (optional)", "",
        "Besides the PDF, you may write your boxed results in `%s`, next to your code. "
        "`python %s` checks them at a few random points and tells you which agree with the "
        "reference and how the others differ (their shape, a transpose, the sign, a constant "
        "factor); submit the file with your code and the autograder checks them at other "
        "points, in a row of its own. Neither shows the reference. Your derivations, in the "
        "PDF, are what the written part grades." % (guide.file, CHECK_SCRIPT.name), "",
        "One answer a line, `ID: expression`, with the ids of the table below; `#` starts a "
        "comment and an `ID:` left empty is skipped. The last cell of `written.ipynb` writes "
        "the file from what you type there. Vectors are columns, as in the questions. For "
        "example, with made-up ids and names: `energy: 0.5 * a.T @ B @ a - c.T @ a` or "
        "`bend: cases(2 * z, z > 0, -z, z < 0)`.", "",
    ]
    lines += table(("write", "for"), SYNTAX) + [""]
    lines += ["The names (a name with `[...]` takes an index%s):" % (
        ", e.g. " + guide.indexing if guide.indexing else ""), ""]
    lines += table(("name", "is"), [("`%s`" % name, meaning) for name, meaning in guide.names])
    lines += ["", "The results, the names an answer may use for each, and a line on those "
              "names to show the syntax (never the answer):", ""]
    lines += table(("id", "question", "result", "names", "e.g. (syntax, not the answer)"),
                   [("`%s`" % ident, label, result, ", ".join(names),
                     "`%s: %s`" % (ident, example) if example else "")
                    for ident, label, result, names, example in guide.rows])
    return "\n".join(lines) + "\n"


def notebook_cells(guide: Guide) -> list[tuple[str, str]]:
    """(cell type, source) of the notebook's last cells: what to do, and the cell writing the file."""
    blanks = "\n".join("%s:" % row[0] for row in guide.rows)
    markdown = ("## Final answers (optional)\n\nWrite your boxed results after their ids in the "
                "cell below, in the syntax of `README.md` (section *Final answers*), and run it: "
                "it writes `%s` next to `%s`, where `python %s` checks them. Submit that file "
                "with your code. An id left empty is skipped." % (
                    guide.file, CHECK_SCRIPT.name, CHECK_SCRIPT.name))
    code = ('FINAL_ANSWERS = r"""\n%s\n"""\n\n'
            "from pathlib import Path\n\n"
            "# next to %s: one folder up from written/, else here\n"
            'folder = Path("..") if (Path("..") / "%s").is_file() else Path(".")\n'
            'target = folder / "%s"\n'
            'target.write_text(FINAL_ANSWERS.strip() + "\\n", encoding="utf-8")\n'
            'print("wrote", target.resolve())\n' % (blanks, CHECK_SCRIPT.name, CHECK_SCRIPT.name,
                                                    guide.file))
    return [("markdown", markdown), ("code", code)]
