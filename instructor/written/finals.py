"""Students' final answers, checked numerically against the boxed results (a library).

A final-answers file holds one answer a line, `ID: expression`, where ID is a
result's id in the results file; `#` starts a comment. An expression reads
like the math, in the statement language of expressions.py: numbers, + - * /,
@ for the matrix product, .T or ^T for the transpose, sigma, log, exp,
softmax, cases(...), the assignment's names and its sums, e.g.

    grad_b: W @ (phat - p)
    grad_W: b @ (phat - p)^T
    deriv:  sigma(x) * (1 - sigma(x))

Nothing of the student's text is executed: it is parsed into a syntax tree,
every node is checked against a whitelist (node kinds, operators, names of
the environment, functions, sums) and a size limit, and only then evaluated
by expressions.Evaluator with numpy. check() compares an answer with the
reference statement at the random points the caller gives (environments, as
for the tests of the results) and says how it disagrees (shape, transposed,
sign, a constant factor, values) without showing the reference.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from instructor.written.expressions import FUNCTIONS, Evaluator, Notation, StatementError

MAX_LENGTH = 400   # characters of one expression
MAX_NODES = 200    # syntax-tree nodes of one expression
MAX_SUMS = 2       # sums nested in one another
MAX_LINES = 200    # lines of a final-answers file
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult, ast.USub, ast.Load,
              ast.Gt, ast.Lt, ast.GtE, ast.LtE)
_TRANSPOSE = re.compile(r"\^\s*(?:T\b|\{\s*T\s*\}|\\top\b|\{\s*\\top\s*\})")


class FinalError(Exception):
    """An answer that cannot be read; the message says why, without the reference."""


@dataclass
class Verdict:
    """The outcome of one answer: whether it agrees, and a message for the student."""

    ident: str
    ok: bool
    message: str


def read_finals(text: str) -> tuple[dict[str, str], list[str]]:
    """The answers by id, and one message per malformed line."""
    answers: dict[str, str] = {}
    problems = []
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        return {}, ["the file has %d lines; at most %d are read" % (len(lines), MAX_LINES)]
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        ident, sep, expr = line.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z_][\w-]*", ident.strip()) or not expr.strip():
            problems.append("line %d: expected `ID: expression`, an answer's id, a colon and "
                            "the expression" % number)
        elif ident.strip() in answers:
            problems.append("line %d: a second answer for %s (one answer per result)"
                            % (number, ident.strip()))
        else:
            answers[ident.strip()] = expr.strip()
    return answers, problems


def parse_final(text: str, names: set[str], notation: Notation) -> ast.expr:
    """The syntax tree of an answer, checked against the whitelist; FinalError otherwise."""
    if len(text) > MAX_LENGTH:
        raise FinalError("the expression is longer than %d characters" % MAX_LENGTH)
    source = _TRANSPOSE.sub(".T", text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise FinalError("cannot read the expression near character %s: check brackets and "
                         "operators (* for products, @ for matrix products)"
                         % (error.offset or "?")) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FinalError("the expression is too long (more than %d parts)" % MAX_NODES)
    functions = set(FUNCTIONS) | set(notation.sums) | {"cases"}
    allowed = names | functions | {total.index for total in notation.sums.values()}
    for node in nodes:
        _check_node(node, allowed, notation)
    if _sum_depth(tree.body, notation) > MAX_SUMS:
        raise FinalError("at most %d sums may be nested" % MAX_SUMS)
    return tree.body


def _check_node(node: ast.AST, allowed: set[str], notation: Notation) -> None:
    if isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Subscript)
                  + _OPERATORS):
        if isinstance(node, ast.Compare) and len(node.ops) != 1:
            raise FinalError("one comparison at a time, e.g. x > 0")
        return
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float) or abs(node.value) > 1e6:
            raise FinalError("only numbers up to 1e6 may appear as constants, not %r"
                             % (node.value,))
    elif isinstance(node, ast.Name):
        if node.id not in allowed:
            raise FinalError("unknown name %r; the names are %s" % (node.id, ", ".join(sorted(allowed))))
    elif isinstance(node, ast.Attribute):
        if node.attr != "T":
            raise FinalError("only .T (the transpose) may follow a name, not .%s" % node.attr)
    elif isinstance(node, ast.Call):
        _check_call(node, allowed, notation)
    else:
        raise FinalError("%s is not allowed in an answer" % type(node).__name__)


def _check_call(node: ast.Call, allowed: set[str], notation: Notation) -> None:
    if isinstance(node.func, ast.Name) and node.func.id not in allowed:
        raise FinalError("unknown name %r" % node.func.id)
    if (not isinstance(node.func, ast.Name) or node.keywords
            or any(isinstance(arg, ast.Starred) for arg in node.args)):
        raise FinalError("call functions by name with plain arguments, e.g. sigma(x)")
    if node.func.id not in set(FUNCTIONS) | set(notation.sums) | {"cases"}:
        raise FinalError("%s is not a function" % node.func.id)
    if node.func.id != "cases" and len(node.args) != 1:
        raise FinalError("%s takes one argument" % node.func.id)


def _sum_depth(node: ast.AST, notation: Notation) -> int:
    inner = max((_sum_depth(child, notation) for child in ast.iter_child_nodes(node)), default=0)
    is_sum = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in notation.sums)
    return inner + 1 if is_sum else inner


def _value(node: ast.expr, env: dict[str, Any], notation: Notation) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.asarray(Evaluator(env, notation)(node), dtype=float)


def _close(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-6, atol=1e-9))


def _shape(value: np.ndarray) -> str:
    return " x ".join(str(n) for n in value.shape) or "a scalar"


def _factor(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float | None:
    """The constant c with got = c * want at every point, when there is one (c != 1, 0, -1)."""
    ratios = [g / w for got, want in pairs for g, w in zip(got.ravel(), want.ravel()) if abs(w) > 1e-9]
    if not ratios or not np.allclose(ratios, ratios[0], rtol=1e-6):
        return None
    return float(ratios[0])


def check(ident: str, answer: str, reference: str, envs: list[dict[str, Any]],
          notation: Notation, kind: str = "") -> Verdict:
    """Compare an answer with the reference statement at every environment (random points)."""
    names = {name for env in envs for name in env if not name.startswith("range_")}
    try:
        node = parse_final(answer, names, notation)
        pairs = []
        for env in envs:
            want = _value(ast.parse(reference, mode="eval").body, env, notation)
            try:
                got = _value(node, env, notation)
            except ValueError:
                raise FinalError("wrong shape: two shapes do not fit in a product or a sum "
                                 "(check the transposes; vectors are columns)") from None
            except (TypeError, IndexError, KeyError, StatementError) as error:
                raise FinalError("does not evaluate: %s" % str(error).split("\n", 1)[0][:160]) \
                    from None
            pairs.append((got, want))
    except FinalError as error:
        return Verdict(ident, False, "%s: %s" % (ident, error))
    return Verdict(ident, *_judge(ident, pairs, kind))


def _judge(ident: str, pairs: list[tuple[np.ndarray, np.ndarray]], kind: str) -> tuple[bool, str]:
    if all(_close(got, want) for got, want in pairs):
        return True, "%s: agrees with the reference at %d random points" % (ident, len(pairs))
    agree = sum(_close(got, want) for got, want in pairs)
    if agree:
        return False, ("%s: right at %d of %d random points, wrong at the others: does it hold in "
                       "every case the question allows?" % (ident, agree, len(pairs)))
    got, want = pairs[0]
    if got.shape != want.shape:
        return False, "%s: %s: your answer is %s, the result must be %s" % (
            ident, "transposed" if all(_close(g.T, w) for g, w in pairs) else "wrong shape",
            _shape(got), _shape(want))
    if all(_close(-g, w) for g, w in pairs):
        return False, "%s: right up to the sign: check the signs of your derivation" % ident
    factor = _factor(pairs)
    if factor is not None:
        return False, "%s: right up to a constant factor (%.3g times the result)" % (ident, factor)
    hint = " (is it the derivative, not the function itself?)" if kind == "derivative" else ""
    return False, "%s: the values disagree with the reference at random points%s" % (ident, hint)
