"""The written part's final answers: a student's boxed results, checked at random points.

When the manifest names a final-answers file ([submission] final_answers), a
student may submit it with the code: one boxed result a line, `ID: expression`
(exprlib's syntax, documented in the written part's README). One row of the
results lists every answer: agrees, or how it disagrees (shape, transposed,
sign, a constant factor, values), never the reference. Its points are
config.ini's [final_answers] points (default 0: informational, never failed,
since the derivations are graded by hand); a missing file is "not submitted".

Design: evaluated in the sandbox, judged here. Student-controlled things never
run in the grader's process, and an answer is not even parsed here: this
process only splits the file into `ID: expression` lines (exprlib.read_finals:
string operations, bounded by the file's size and line count) and refuses a
line that is not one, with one message each. The expressions go to a sandboxed
child (the harness's "finals" request, exprlib shipped in the staging folder),
which parses each against exprlib's whitelist and size limits and evaluates it
at the result's random points, built by the assignment's FINALS from the
hidden seed (students do not know it); it sends back arrays (pickle-free) or a
message. The reference statements never leave this process: they are evaluated
here at the same points, and the values judged here (exprlib.judge_output), so
a child decides no verdict and nothing the student sees quotes the reference.
This costs one child per submission (a few tenths of a second) and needs no
proof that the worst answer under the limits is cheap: a child that hangs or
dies costs this row only, with its time and memory limits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import exprlib

from autograder.assignment import Assignment
from autograder.config import Config
from autograder.layout import Layout
from autograder.sandbox import run_child
from autograder.submission import StagedSubmission

UNCHECKED = "could not be checked: the process evaluating the answers stopped (%s)"
# The typeset parts of a result: the reference's, never sent to a child nor shipped.
TYPESET = ("expr", "lhs", "condition")


@dataclass(frozen=True)
class Reference:
    """The boxed results of the written part: their notation and statements (never shown)."""

    notation: exprlib.Notation
    results: tuple[dict[str, Any], ...]   # the results with a statement ("expr"), in order

    def public(self) -> list[dict[str, Any]]:
        """Each result without its typeset parts: what may reach a child or a student."""
        return [{key: value for key, value in result.items() if key not in TYPESET}
                for result in self.results]

    def statement(self, ident: str) -> str:
        """The statement of a result."""
        return next(result["expr"] for result in self.results if result["id"] == ident)


@lru_cache(maxsize=8)
def _read(path: Path) -> Reference:
    notation, items = exprlib.read_statements(json.loads(path.read_text(encoding="utf-8")))
    return Reference(notation, tuple(item for item in items if "expr" in item))


def reference(layout: Layout) -> Reference:
    """The layout's boxed results (the manifest's [written] results file)."""
    return _read(layout.written_path("results"))


def reference_values(assignment: Assignment, ref: Reference, result: dict, seed: int) -> list:
    """The reference's values at a result's points for seed (trusted code and data only)."""
    return exprlib.evaluate_final(ref.statement(result["id"]),
                                  assignment.finals.environments(result, seed), ref.notation)


@dataclass
class Outcome:
    """The row's feedback, the share of the results answered right, what batch reports show."""

    output: str
    fraction: float
    finding: str


def _evaluate_in_child(staged: StagedSubmission, assignment: Assignment, cfg: Config,
                       ref: Reference):
    def evaluate(items: list[tuple[dict, str]]) -> list:
        request = {"kind": "finals", "checks_module": assignment.manifest.checks,
                   "notation": ref.notation.to_json(), "seed": cfg.hidden_seed,
                   "answers": [{"result": result, "answer": answer} for result, answer in items]}
        child = run_child(staged.folder, request, cfg.timeout, cfg.memory_mb)
        record = child.records[0] if child.records else {}
        outputs = record.get("outputs")
        if record.get("status") == "ok" and isinstance(outputs, list) and len(outputs) == len(items):
            return outputs
        why = child.status if child.status != "ok" else record.get("error", "no record")
        return [{"error": UNCHECKED % why}] * len(items)
    return evaluate


def grade(staged: StagedSubmission, assignment: Assignment, cfg: Config) -> Outcome:
    """Check the submitted final answers; the feedback for the row."""
    name = assignment.manifest.final_answers
    if staged.final_answers is None:
        return Outcome("%s is not in the submission (optional): write your boxed results "
                       "there, one `ID: expression` a line, to have them checked; the written "
                       "part's README.md gives the syntax and the ids" % name, 0.0, "not submitted")
    text, problem = exprlib.decode_text(staged.final_answers)
    if text is None:
        return Outcome("%s: %s" % (name, problem), 0.0, "unreadable")
    ref = reference(assignment.layout)
    checked = exprlib.check_answers(
        text, ref.public(), _evaluate_in_child(staged, assignment, cfg, ref),
        lambda result: reference_values(assignment, ref, result, cfg.hidden_seed))
    return Outcome("\n".join(checked.report(name)), checked.fraction(),
                   "%d/%d" % (checked.agree, len(ref.results)))
