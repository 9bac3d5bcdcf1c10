"""Typeset the written part's statements: the LaTeX of one boxed result.

A boxed result is written once, in Python syntax (vectors are (n, 1) columns,
@ is the matrix product, .T the transpose), e.g. `W @ (phat - p)`. to_latex
typesets it in an assignment's notation for the reference answers; the
language itself, the notation and the evaluator that computes a statement with
numpy for the tests and the final-answer checks are in exprlib (the runtime
module shipped with checklib), so the formula shown and the formula checked
are the same text.
"""

from __future__ import annotations

import ast

from exprlib import FUNCTIONS, Evaluator, Notation, StatementError, Sum, parse_expr

__all__ = ["Evaluator", "Notation", "StatementError", "Sum", "parse_expr", "to_latex"]

_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.Eq: "=", ast.GtE: r"\ge", ast.LtE: r"\le"}


def _needs_parens(node: ast.expr) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub))


def _factor(node: ast.expr, notation: Notation) -> str:
    text = to_latex(node, notation)
    return "(%s)" % text if _needs_parens(node) else text


def to_latex(node: ast.expr | str,  # pylint: disable=too-many-return-statements,too-many-branches
             notation: Notation) -> str:
    """Typeset a result statement in an assignment's notation."""
    if isinstance(node, str):
        node = parse_expr(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return "%g" % node.value
    if isinstance(node, ast.Name) and node.id in notation.symbols:
        return notation.symbols[node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
            and node.value.id in notation.indexed and isinstance(node.slice, ast.Name):
        return notation.indexed[node.value.id].replace("%s", node.slice.id)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        base = to_latex(node.value, notation)
        return ("(%s)" % base if isinstance(node.value, ast.BinOp) else base) + r"^{\top}"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return "-" + _factor(node.operand, notation)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add):
            return "%s + %s" % (to_latex(node.left, notation), to_latex(node.right, notation))
        if isinstance(node.op, ast.Sub):
            return "%s - %s" % (to_latex(node.left, notation), _factor(node.right, notation))
        if isinstance(node.op, (ast.Mult, ast.MatMult)):
            return "%s %s" % (_factor(node.left, notation), _factor(node.right, notation))
        if isinstance(node.op, ast.Div):
            return r"\frac{%s}{%s}" % (to_latex(node.left, notation), to_latex(node.right, notation))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return "%s %s %s" % (to_latex(node.left, notation), _COMPARE[type(node.ops[0])],
                             to_latex(node.comparators[0], notation))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name, args = node.func.id, node.args
        if name in FUNCTIONS and len(args) == 1:
            return r"%s(%s)" % (FUNCTIONS[name], to_latex(args[0], notation))
        if name in notation.sums and len(args) == 1:
            return "%s %s" % (notation.sums[name].latex, _factor(args[0], notation))
        if name == "cases" and len(args) % 2 == 0:
            rows = [r"%s & \text{if } %s" % (to_latex(args[i], notation), to_latex(args[i + 1], notation))
                    for i in range(0, len(args), 2)]
            return r"\begin{cases} %s \end{cases}" % r" \\ ".join(rows)
    raise StatementError("cannot typeset %r: not in the statement language" % ast.unparse(node))
