"""The statement language of a written part's boxed results, and final answers written in it.

Given code (do not modify). The framework ships this module next to the
student's code (in the handout, for `python check.py`, and in the autograder's
sandboxed children); the grader and the instructor's tools use the same copy.
It needs numpy and the standard library only.

Statements. A boxed result is one expression in Python syntax: vectors are
(n, 1) columns, @ is the matrix product, .T (or ^T) the transpose, e.g.
`W @ (phat - p)`. The language: numbers, + - * / @, .T, comparisons, the
functions sigma, log, exp and softmax, and cases(value, condition, ...). An
assignment's names come from its Notation, the "notation" object of its
results file:

    "symbols": {"phat": "\\hat{p}", ...}        a name and how it prints
    "indexed": {"u": "u_{%s}", ...}             name[i]: %s stands for the index
    "sums": {"Sum_w": {"index": "w",            Sum_w(expr) binds the index w; it
             "latex": "\\sum_{w}"}, ...}        prints as latex followed by expr

Evaluator computes a statement with numpy at one point, an environment: plain
names are arrays (or numbers), indexed names functions of the index (or arrays
whose rows are indexed), and "range_" + index, for each sum's index, a function
of the environment giving the values the index takes.

Final answers. A final-answers file holds one answer a line, `ID: expression`,
where ID is a result's id; `#` starts a comment and `ID:` with nothing after it
is not an answer (a template's blank). Nothing of the text is executed:
parse_final parses an answer into a syntax tree and checks every node against a
whitelist (node kinds, operators, the names of the environment, the functions,
the sums it has) and size limits; only then does Evaluator walk the tree.
judge_final compares an answer's values with the reference's at the same
random points and says how they disagree (shape, transposed, sign, a constant
factor, values) without showing the reference; check_answers does a whole file
and its report. The autograder evaluates a student's answers in a sandboxed
child and the reference in its own process, on points from a seed students do
not know; `python check.py` evaluates them here, against the reference's values
at a few public points.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

MAX_LENGTH = 400       # characters of one expression
MAX_NODES = 200        # syntax-tree nodes of one expression
MAX_SUMS = 2           # sums nested in one another
MAX_LINES = 200        # lines of a final-answers file
MAX_BYTES = 64 * 1024  # bytes of a final-answers file
RTOL, ATOL = 1e-6, 1e-9  # how close an answer's values must be to the reference's


class StatementError(Exception):
    """A statement uses something outside the statement language."""


class FinalError(Exception):
    """An answer that cannot be read or evaluated; the message says why, never the reference."""


# ---------------------------------------------------------------- the notation

@dataclass(frozen=True)
class Sum:
    """A sum over one bound index, e.g. Sum_w: index w, printed \\sum_{w \\in V}."""

    index: str
    latex: str


@dataclass(frozen=True)
class Notation:
    """How an assignment's names print: plain symbols, indexed names and sums."""

    symbols: Dict[str, str] = field(default_factory=dict)
    indexed: Dict[str, str] = field(default_factory=dict)
    sums: Dict[str, Sum] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> "Notation":
        """The notation of a results file's "notation" object; StatementError when malformed."""
        if not isinstance(data, dict) or set(data) - {"symbols", "indexed", "sums"}:
            raise StatementError('"notation" takes the objects "symbols", "indexed" and "sums"')

        def table(key: str, kind: type, what: str) -> Dict[str, Any]:
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

    def to_json(self) -> Dict[str, Any]:
        """The "notation" object this notation was read from."""
        return {"symbols": dict(self.symbols), "indexed": dict(self.indexed),
                "sums": {name: {"index": s.index, "latex": s.latex} for name, s in self.sums.items()}}


def read_statements(data: Any) -> Tuple[Notation, List[Dict[str, Any]]]:
    """The notation and the results of a results file's JSON; StatementError when malformed.

    {"notation": {...}, "results": [{"id": ..., "kind": ..., "expr": ..., ...}, ...]}
    """
    if not isinstance(data, dict) or not isinstance(data.get("results"), list) \
            or not all(isinstance(result, dict) for result in data["results"]):
        raise StatementError('expected {"notation": {...}, "results": [{...}, ...]}')
    return Notation.from_json(data.get("notation", {})), data["results"]


# ---------------------------------------------------------------- evaluating a statement

# Functions every statement may call, and how they print.
FUNCTIONS = {"sigma": r"\sigma", "log": r"\log", "exp": r"\exp", "softmax": r"\mathrm{softmax}"}


def parse_expr(text: str) -> ast.expr:
    """Parse a statement (Python syntax, vectors are columns, @ is the matrix product)."""
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise StatementError("result %r does not parse: %s" % (text, error.msg)) from None


def _sigma(value: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-value))


def _softmax(value: np.ndarray) -> np.ndarray:
    shifted = np.exp(value - value.max(axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


_NUMPY = {"sigma": _sigma, "log": np.log, "exp": np.exp, "softmax": _softmax}
_OPERATORS: Dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
_COMPARISONS: Dict[type, Callable[[Any, Any], Any]] = {
    ast.Gt: np.greater, ast.Lt: np.less, ast.Eq: np.equal, ast.GtE: np.greater_equal,
    ast.LtE: np.less_equal}


class Evaluator:
    """Evaluate a statement with numpy at one environment; count multiply-adds on the way."""

    def __init__(self, env: Dict[str, Any], notation: Optional[Notation] = None):
        self.env = dict(env)
        self.sums = notation.sums if notation is not None else {}
        self.flops = 0

    def __call__(self, node) -> Any:
        if isinstance(node, str):
            node = parse_expr(node)
        return self._eval(node)

    def _eval(self, node: ast.expr) -> Any:  # pylint: disable=too-many-return-statements
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
        if isinstance(node, ast.BinOp) and (isinstance(node.op, ast.MatMult)
                                            or type(node.op) in _OPERATORS):
            left, right = self._eval(node.left), self._eval(node.right)
            if isinstance(node.op, ast.MatMult):
                self.flops += int(np.prod(np.shape(left))) * int(np.shape(right)[-1])
                return left @ right
            self.flops += max(np.size(left), np.size(right))
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
            left, right = self._eval(node.left), self._eval(node.comparators[0])
            return _COMPARISONS[type(node.ops[0])](left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node.func.id, node.args)
        raise StatementError("cannot evaluate %r" % ast.unparse(node))

    def _call(self, name: str, args: List[ast.expr]) -> Any:
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


# ---------------------------------------------------------------- reading final answers

_TRANSPOSE = re.compile(r"\^\s*(?:T\b|\{\s*T\s*\}|\\top\b|\{\s*\\top\s*\})")
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Subscript,
                  ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult, ast.USub, ast.Load,
                  ast.Gt, ast.Lt, ast.GtE, ast.LtE)


@dataclass
class Verdict:
    """The outcome of one answer: whether it agrees, and a message for the student."""

    ident: str
    ok: bool
    message: str


def _lines(text: str):
    """(line number, id, colon, expression) of each line that is not blank or a comment."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            ident, sep, expr = (part.strip() for part in line.partition(":"))
            yield number, ident, sep, expr


def read_finals(text: str, known: Optional[Sequence[str]] = None
                ) -> Tuple[Dict[str, str], List[str]]:
    """The answers by id, and one message per line that is not an answer.

    known: the results' ids, when given: an answer to anything else is such a line.
    A line is split at its first colon only; its expression is not parsed here.
    """
    answers: Dict[str, str] = {}
    problems = []
    count = len(text.splitlines())
    if count > MAX_LINES:
        return {}, ["the file has %d lines; at most %d are read" % (count, MAX_LINES)]
    for number, ident, sep, expr in _lines(text):
        if not sep or not re.fullmatch(r"[A-Za-z_][\w-]*", ident):
            problems.append("line %d: expected `ID: expression`, an answer's id, a colon and "
                            "the expression" % number)
        elif len(expr) > MAX_LENGTH:
            problems.append("line %d: %s: the expression is longer than %d characters"
                            % (number, ident, MAX_LENGTH))
        elif known is not None and ident not in known:
            problems.append("line %d: %s is not the id of a result (the ids: %s)"
                            % (number, ident, ", ".join(known)))
        elif ident in answers:
            problems.append("line %d: a second answer for %s (one answer per result)"
                            % (number, ident))
        elif expr:
            answers[ident] = expr
    return answers, problems


def _allowed_names(envs: Sequence[Dict[str, Any]], notation: Notation) -> Tuple[set, set]:
    """(names, functions) an answer may use at these points: the sums are those they range."""
    names = {name for env in envs for name in env if not name.startswith("range_")}
    sums = {name for name, total in notation.sums.items()
            if all("range_" + total.index in env for env in envs)}
    indices = {notation.sums[name].index for name in sums}
    return names | indices, set(FUNCTIONS) | sums | {"cases"}


def parse_final(text: str, envs: Sequence[Dict[str, Any]], notation: Notation) -> ast.expr:
    """The syntax tree of an answer, checked against the whitelist; FinalError otherwise."""
    if len(text) > MAX_LENGTH:
        raise FinalError("the expression is longer than %d characters" % MAX_LENGTH)
    try:
        tree = ast.parse(_TRANSPOSE.sub(".T", text), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise FinalError("cannot read the expression near character %s: check brackets and "
                         "operators (* for products, @ for matrix products)"
                         % (getattr(error, "offset", None) or "?")) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FinalError("the expression is too long (more than %d parts)" % MAX_NODES)
    names, functions = _allowed_names(envs, notation)
    for node in nodes:
        _check_node(node, names, functions)
    if _sum_depth(tree.body, notation) > MAX_SUMS:
        raise FinalError("at most %d sums may be nested" % MAX_SUMS)
    return tree.body


def _check_node(node: ast.AST, names: set, functions: set) -> None:  # pylint: disable=too-many-branches
    if isinstance(node, _ALLOWED_NODES):
        if isinstance(node, ast.Compare) and len(node.ops) != 1:
            raise FinalError("one comparison at a time, e.g. x > 0")
        return
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float) or abs(node.value) > 1e6:
            raise FinalError("only numbers up to 1e6 may appear as constants, not %r"
                             % (node.value,))
    elif isinstance(node, ast.Name):
        _known(node.id, names, functions)
    elif isinstance(node, ast.Attribute):
        if node.attr != "T":
            raise FinalError("only .T (the transpose) may follow a name, not .%s" % node.attr)
    elif isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            _known(node.func.id, names, functions)
        if (not isinstance(node.func, ast.Name) or node.keywords
                or any(isinstance(arg, ast.Starred) for arg in node.args)):
            raise FinalError("call functions by name with plain arguments, e.g. sigma(x)")
        if node.func.id not in functions:
            raise FinalError("%s is not a function" % node.func.id)
        if node.func.id != "cases" and len(node.args) != 1:
            raise FinalError("%s takes one argument" % node.func.id)
        if node.func.id == "cases" and (not node.args or len(node.args) % 2):
            raise FinalError("cases takes pairs: cases(value, condition, value, condition, ...)")
    elif isinstance(node, (ast.Pow, ast.BitXor)):
        raise FinalError("there are no powers: write x * x (^ only in ^T, the transpose)")
    else:
        raise FinalError("%s is not allowed in an answer" % type(node).__name__)


def _known(name: str, names: set, functions: set) -> None:
    if name not in names | functions:
        raise FinalError("unknown name %r; the names are %s"
                         % (name, ", ".join(sorted(names | functions, key=str.lower))))


def _sum_depth(node: ast.AST, notation: Notation) -> int:
    inner = max((_sum_depth(child, notation) for child in ast.iter_child_nodes(node)), default=0)
    is_sum = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in notation.sums)
    return inner + 1 if is_sum else inner


def evaluate_final(text: str, envs: Sequence[Dict[str, Any]], notation: Notation
                   ) -> List[np.ndarray]:
    """An answer's values at each point (float arrays), once parsed; FinalError otherwise."""
    node = parse_final(text, envs, notation)
    values = []
    for env in envs:
        try:
            with np.errstate(all="ignore"):
                values.append(np.asarray(Evaluator(env, notation)(node), dtype=float))
        except ValueError:
            raise FinalError("wrong shape: two shapes do not fit in a product or a sum "
                             "(check the transposes; vectors are columns)") from None
        except (TypeError, IndexError, KeyError, ZeroDivisionError, OverflowError,
                AttributeError, StatementError) as error:
            raise FinalError("does not evaluate: %s" % str(error).split("\n", 1)[0][:160]) \
                from None
    return values


def evaluate_answers(finals, notation: Notation, seed: int,
                     items: Sequence[Tuple[Dict[str, Any], str]]) -> List[Dict[str, Any]]:
    """Each (result, answer)'s values at the result's points for seed, or why there are none.

    finals: the assignment's checklib.Finals; result: a result's id, kind and other
    keys (never its expression). One {"values": [arrays]} or {"error": message} each.
    """
    outputs = []
    for result, answer in items:
        try:
            outputs.append({"values": evaluate_final(answer, finals.environments(result, seed),
                                                     notation)})
        except FinalError as error:
            outputs.append({"error": str(error)})
    return outputs


# ---------------------------------------------------------------- judging the values

def _close(got: np.ndarray, want: np.ndarray) -> bool:
    if want.ndim == 0 and got.ndim:  # a scalar result (0) stands for any shape
        want = np.broadcast_to(want, got.shape)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def _shape(value: np.ndarray) -> str:
    return " x ".join(str(n) for n in value.shape) or "a scalar"


def _factor(pairs: List[Tuple[np.ndarray, np.ndarray]]) -> Optional[float]:
    """The constant c with got = c * want at every point, when there is one."""
    ratios = [g / w for got, want in pairs for g, w in zip(got.ravel(), want.ravel())
              if abs(w) > 1e-9]
    if not ratios or not np.all(np.isfinite(ratios)) or not np.allclose(ratios, ratios[0],
                                                                         rtol=RTOL):
        return None
    return float(ratios[0])


def judge_final(ident: str, got: Sequence[np.ndarray], want: Sequence[np.ndarray],
                kind: str = "") -> Verdict:
    """Compare an answer's values with the reference's at the same points."""
    pairs = list(zip(got, want))
    if all(_close(g, w) for g, w in pairs):
        return Verdict(ident, True, "%s: agrees with the reference at %d random points"
                       % (ident, len(pairs)))
    agree = sum(_close(g, w) for g, w in pairs)
    if agree:
        return Verdict(ident, False, "%s: right at %d of %d random points, wrong at the others: "
                       "does it hold in every case the question allows?"
                       % (ident, agree, len(pairs)))
    shapes = [(g, w) for g, w in pairs if g.shape != w.shape and not (w.ndim == 0 and g.ndim)]
    if shapes:
        return Verdict(ident, False, "%s: %s: your answer is %s, the result must be %s" % (
            ident, "transposed" if all(_close(g.T, w) for g, w in pairs) else "wrong shape",
            _shape(shapes[0][0]), _shape(shapes[0][1])))
    if all(_close(-g, w) for g, w in pairs):
        return Verdict(ident, False, "%s: right up to the sign: check the signs of your "
                       "derivation" % ident)
    factor = _factor([(g, np.broadcast_to(w, g.shape)) for g, w in pairs])
    if factor is not None:
        return Verdict(ident, False, "%s: right up to a constant factor (%.3g times the result)"
                       % (ident, factor))
    hint = " (is it the derivative, not the function itself?)" if kind == "derivative" else ""
    return Verdict(ident, False, "%s: the values disagree with the reference at random points%s"
                   % (ident, hint))


def judge_output(ident: str, output: Any, want: Sequence[np.ndarray], kind: str = "") -> Verdict:
    """The verdict on one output of evaluate_answers (read back from elsewhere: checked)."""
    if isinstance(output, dict) and isinstance(output.get("error"), str):
        return Verdict(ident, False, "%s: %s" % (ident, output["error"][:300]))
    values = output.get("values") if isinstance(output, dict) else None
    if not isinstance(values, list) or len(values) != len(want) or not all(
            type(v) is np.ndarray and v.dtype.kind == "f" for v in values):  # pylint: disable=unidiomatic-typecheck
        return Verdict(ident, False, "%s: could not be checked" % ident)
    return judge_final(ident, values, want, kind)


def check(ident: str, answer: str, reference: str, envs: Sequence[Dict[str, Any]],
          notation: Notation, kind: str = "") -> Verdict:
    """Compare one answer with the reference statement at every environment (random points)."""
    want = evaluate_final(reference, envs, notation)
    try:
        got = evaluate_final(answer, envs, notation)
    except FinalError as error:
        return Verdict(ident, False, "%s: %s" % (ident, error))
    return judge_final(ident, got, want, kind)


# ---------------------------------------------------------------- a whole file

@dataclass
class Checked:
    """The verdicts on a final-answers file, the lines that are not answers, the blanks."""

    verdicts: List[Verdict]
    problems: List[str]
    unanswered: List[str]
    total: int        # results in all
    points: int = 0   # random points per result

    @property
    def agree(self) -> int:
        """How many answers agree with the reference."""
        return sum(verdict.ok for verdict in self.verdicts)

    def fraction(self) -> float:
        """The share of the results answered right."""
        return self.agree / self.total if self.total else 0.0

    def report(self, filename: str) -> List[str]:
        """What a student reads: the count, each disagreement and unread line, the rest."""
        answered = len(self.verdicts)
        summary = "%s: %d of %d results answered" % (filename, answered, self.total)
        if answered:
            summary += "; %d %s with the reference at %d random points each" % (
                self.agree, "agrees" if self.agree == 1 else "agree", self.points)
            wrong = answered - self.agree
            if wrong:
                summary += ", %d %s not" % (wrong, "does" if wrong == 1 else "do")
        lines = [summary + "."]
        lines += [verdict.message for verdict in self.verdicts if not verdict.ok]
        lines += self.problems
        agreed = [verdict.ident for verdict in self.verdicts if verdict.ok]
        if agreed:
            lines.append("agree: " + ", ".join(agreed))
        if self.unanswered:
            lines.append("not answered: " + ", ".join(self.unanswered))
        return lines


def check_answers(text: str, results: Sequence[Dict[str, Any]],
                  evaluate: Callable[[List[Tuple[Dict[str, Any], str]]], List[Any]],
                  expected: Callable[[Dict[str, Any]], Sequence[np.ndarray]]) -> Checked:
    """Read a final-answers file and judge every answer.

    results: each result's id, kind and other keys (never its expression), in order;
    evaluate: the outputs of evaluate_answers for (result, answer) pairs, wherever they
    are computed; expected(result): the reference's values at the same points.
    """
    answers, problems = read_finals(text, [result["id"] for result in results])
    items = [(result, answers[result["id"]]) for result in results if result["id"] in answers]
    outputs = evaluate(items) if items else []
    verdicts, points = [], 0
    for (result, _), output in zip(items, outputs):
        want = expected(result)
        points = max(points, len(want))
        verdicts.append(judge_output(result["id"], output, want, result.get("kind", "")))
    written = {ident for _, ident, _, expr in _lines(text) if expr}  # answered, read or not
    return Checked(verdicts, problems,
                   [result["id"] for result in results if result["id"] not in written],
                   len(results), points)


def decode_text(data: bytes) -> Tuple[Optional[str], Optional[str]]:
    """(the text of a final-answers file, None) or (None, why it is not read)."""
    if len(data) > MAX_BYTES:
        return None, "the file is larger than %d kB: it is not read" % (MAX_BYTES // 1024)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, "the file is not saved as UTF-8: save it as UTF-8 and submit it again"
