"""The statement language of the written part's results: typeset and evaluate one expression.

A boxed result is written once, in Python syntax (vectors are (n, 1) columns,
@ is the matrix product, .T the transpose), e.g. `U @ (yhat - y)`. to_latex
typesets it for the reference answers; Evaluator computes it with numpy for
the tests, so the formula shown and the formula checked are the same text.
"""

from __future__ import annotations

import ast
from typing import Any, Callable

import numpy as np


class StatementError(Exception):
    """A result statement uses something outside the statement language."""



# How names print; indexed names take the index (a one-letter name) as %s.
SYMBOLS = {"U": "U", "V": "V", "v_c": "v_c", "u_o": "u_o", "y": "y", "yhat": r"\hat{y}",
           "x": "x", "alpha": r"\alpha", "Uow": r"U_{o,\{w_1,\dots,w_K\}}",
           "ones": r"\mathbf{1}", "K": "K"}
INDEXED = {"y": "y_{%s}", "yhat": r"\hat{y}_{%s}", "u": "u_{%s}", "u_neg": "u_{w_{%s}}",
           "dJ_dU": r"\frac{\partial J(v_c, w_{t+%s}, U)}{\partial U}",
           "dJ_dvc": r"\frac{\partial J(v_c, w_{t+%s}, U)}{\partial v_c}"}
# Sums bind one index; the evaluator's environment says what they range over.
SUMS = {"Sum_w": ("w", r"\sum_{w \in \mathrm{Vocab}}"),
        "Sum_s": ("s", r"\sum_{s=1}^{K}"),
        "Sum_same": ("t", r"\sum_{\substack{t = 1 \\ w_t = w_s}}^{K}"),
        "Sum_j": ("j", r"\sum_{\substack{-m \le j \le m \\ j \neq 0}}")}
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


def _factor(node: ast.expr) -> str:
    text = to_latex(node)
    return "(%s)" % text if _needs_parens(node) else text


def to_latex(node: ast.expr | str) -> str:  # pylint: disable=too-many-return-statements,too-many-branches
    """Typeset a result statement."""
    if isinstance(node, str):
        node = parse_expr(node)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return "%g" % node.value
    if isinstance(node, ast.Name) and node.id in SYMBOLS:
        return SYMBOLS[node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
            and node.value.id in INDEXED and isinstance(node.slice, ast.Name):
        return INDEXED[node.value.id] % node.slice.id
    if isinstance(node, ast.Attribute) and node.attr == "T":
        base = to_latex(node.value)
        return ("(%s)" % base if isinstance(node.value, ast.BinOp) else base) + r"^{\top}"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return "-" + _factor(node.operand)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add):
            return "%s + %s" % (to_latex(node.left), to_latex(node.right))
        if isinstance(node.op, ast.Sub):
            return "%s - %s" % (to_latex(node.left), _factor(node.right))
        if isinstance(node.op, (ast.Mult, ast.MatMult)):
            return "%s %s" % (_factor(node.left), _factor(node.right))
        if isinstance(node.op, ast.Div):
            return r"\frac{%s}{%s}" % (to_latex(node.left), to_latex(node.right))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return "%s %s %s" % (to_latex(node.left), _COMPARE[type(node.ops[0])],
                             to_latex(node.comparators[0]))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name, args = node.func.id, node.args
        if name in FUNCTIONS and len(args) == 1:
            return r"%s(%s)" % (FUNCTIONS[name], to_latex(args[0]))
        if name in SUMS and len(args) == 1:
            return "%s %s" % (SUMS[name][1], _factor(args[0]))
        if name == "cases" and len(args) % 2 == 0:
            rows = [r"%s & \text{if } %s" % (to_latex(args[i]), to_latex(args[i + 1]))
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
    to functions of the index, and "range_w", "range_s", "range_t", "range_j"
    to functions giving the values a sum's index takes (given the env).
    """

    def __init__(self, env: dict[str, Any]):
        self.env = dict(env)
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
        if name in SUMS:
            index = SUMS[name][0]
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
