"""The statement language of the written part's results: typeset and evaluate one expression.

A boxed result is written once, in Python syntax (vectors are (n, 1) columns,
@ is the matrix product, .T the transpose), e.g. `W @ (phat - p)`. to_latex
typesets it for the reference answers; Evaluator computes it with numpy for
the tests, so the formula shown and the formula checked are the same text.

The language itself is generic: numbers, + - * / @, .T, comparisons, the
functions sigma, log, exp and softmax, and cases(value, condition, ...). An
assignment's names come from its Notation, the "notation" object of its
results file (see answers.read_results):

    "symbols": {"phat": "\\hat{p}", ...}        a name and how it prints
    "indexed": {"u": "u_{%s}", ...}             name[i]: %s stands for the index
    "sums": {"Sum_w": {"index": "w",            Sum_w(expr) binds the index w; it
             "latex": "\\sum_{w}"}, ...}        prints as latex followed by expr

The evaluator takes the values of the names from its environment; a sum's
index runs over env["range_" + index](env).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


class StatementError(Exception):
    """A result statement uses something outside the statement language."""


@dataclass(frozen=True)
class Sum:
    """A sum over one bound index, e.g. Sum_w: index w, printed \\sum_{w \\in V}."""

    index: str
    latex: str


@dataclass(frozen=True)
class Notation:
    """How an assignment's names print: plain symbols, indexed names and sums."""

    symbols: dict[str, str] = field(default_factory=dict)
    indexed: dict[str, str] = field(default_factory=dict)
    sums: dict[str, Sum] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> "Notation":
        """The notation of a results file's "notation" object; StatementError when malformed."""
        if not isinstance(data, dict) or set(data) - {"symbols", "indexed", "sums"}:
            raise StatementError('"notation" takes the objects "symbols", "indexed" and "sums"')

        def table(key: str, kind: type, what: str) -> dict[str, Any]:
            value = data.get(key, {})
            if not isinstance(value, dict) or not all(isinstance(v, kind) for v in value.values()):
                raise StatementError('"notation"."%s" maps names to %s' % (key, what))
            return value

        sums = {}
        for name, spec in table("sums", dict, '{"index": ..., "latex": ...}').items():
            if set(spec) != {"index", "latex"}:
                raise StatementError('"notation"."sums"."%s" needs exactly "index" and "latex"' % name)
            sums[name] = Sum(str(spec["index"]), str(spec["latex"]))
        return cls(dict(table("symbols", str, "LaTeX strings")),
                   dict(table("indexed", str, "LaTeX strings with %s for the index")), sums)


# Functions every statement may call: how they print and what they compute.
FUNCTIONS = {"sigma": r"\sigma", "log": r"\log", "exp": r"\exp", "softmax": r"\mathrm{softmax}"}
_COMPARE = {ast.Gt: ">", ast.Lt: "<", ast.Eq: "=", ast.GtE: r"\ge", ast.LtE: r"\le"}


def parse_expr(text: str) -> ast.expr:
    """Parse a result statement (Python syntax, vectors are columns, @ is the matrix product)."""
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise StatementError("result %r does not parse: %s" % (text, error.msg)) from None


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


def _sigma(value: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-value))


def _softmax(value: np.ndarray) -> np.ndarray:
    shifted = np.exp(value - value.max(axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


_NUMPY = {"sigma": _sigma, "log": np.log, "exp": np.exp, "softmax": _softmax}


class Evaluator:
    """Evaluate a result statement with numpy; count multiply-adds on the way.

    env maps plain names to arrays (vectors as (n, 1) columns), indexed names
    to functions of the index, and "range_" + index, for the index of every
    sum of the notation, to a function giving the values it takes (given the env).
    """

    def __init__(self, env: dict[str, Any], notation: Notation | None = None):
        self.env = dict(env)
        self.sums = notation.sums if notation is not None else {}
        self.flops = 0

    def __call__(self, node: ast.expr | str) -> Any:
        if isinstance(node, str):
            node = parse_expr(node)
        return self._eval(node)

    def _eval(self, node: ast.expr) -> Any:  # pylint: disable=too-many-return-statements,too-many-branches
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self.env:
                raise StatementError("unknown name %r in a result statement" % node.id)
            return self.env[node.id]
        if isinstance(node, ast.Subscript):
            base, index = self._eval(node.value), self._eval(node.slice)
            return base(index) if callable(base) else base[[index], :]
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return np.asarray(self._eval(node.value)).T
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = self._eval(node.left), self._eval(node.right)
            if isinstance(node.op, ast.MatMult):
                self.flops += int(np.prod(np.shape(left))) * int(np.shape(right)[-1])
                return left @ right
            self.flops += max(np.size(left), np.size(right))
            operators: dict[type, Callable[[Any, Any], Any]] = {
                ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                ast.Div: np.divide}
            return operators[type(node.op)](left, right)
        if isinstance(node, ast.Compare):
            left, right = self._eval(node.left), self._eval(node.comparators[0])
            return {ast.Gt: np.greater, ast.Lt: np.less, ast.Eq: np.equal, ast.GtE: np.greater_equal,
                    ast.LtE: np.less_equal}[type(node.ops[0])](left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node.func.id, node.args)
        raise StatementError("cannot evaluate %r" % ast.unparse(node))

    def _call(self, name: str, args: list[ast.expr]) -> Any:
        if name in _NUMPY:
            value = self._eval(args[0])
            self.flops += int(np.size(value))
            return _NUMPY[name](value)
        if name in self.sums:
            index = self.sums[name].index
            saved = self.env.get(index)
            total: Any = 0
            for value in self.env["range_" + index](self.env):
                self.env[index] = value
                total = total + self._eval(args[0])
            self.env[index] = saved
            return total
        if name == "cases":
            values = [np.asarray(self._eval(arg), dtype=float) for arg in args]
            choices, conditions = values[0::2], [v.astype(bool) for v in values[1::2]]
            shape = np.broadcast_shapes(*(np.shape(v) for v in values))
            return np.select([np.broadcast_to(c, shape) for c in conditions],
                             [np.broadcast_to(c, shape) for c in choices], default=np.nan)
        raise StatementError("unknown function %r in a result statement" % name)
