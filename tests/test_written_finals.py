"""The final-answer checker (autograder/runtime/exprlib.py): safe parsing, numeric verdicts.

Answers are compared with the statements of results.json at the random points
the assignment's FINALS gives (solutions/utils/checks.py), as the autograder
and check.py do; the reference answers get full agreement, the known slips the
right message, and hostile or malformed text a clear refusal without evaluation.
"""

import ast
import time

import exprlib
import numpy as np
import pytest

from autograder import assignment
from autograder.final_answers import TYPESET, reference
from autograder.layout import Layout

FINALS = assignment.load().finals
REFERENCE = reference(Layout())
NOTATION = REFERENCE.notation
PUBLIC = {result["id"]: result for result in REFERENCE.public()}


def _envs(result_id, seed=8):
    return FINALS.environments(PUBLIC[result_id], seed)


def _check(result_id, answer, seed=8):
    return exprlib.check(result_id, answer, REFERENCE.statement(result_id), _envs(result_id, seed),
                         NOTATION, PUBLIC[result_id]["kind"])


CHECKED = sorted(PUBLIC)


def test_every_boxed_result_but_the_cost_is_checked_and_none_is_shipped_with_its_statement():
    assert len(CHECKED) == 18 and "cost" not in CHECKED
    for result in PUBLIC.values():
        assert not set(TYPESET) & set(result), result


@pytest.mark.parametrize("seed", [0, 224, 8675309])
@pytest.mark.parametrize("result_id", CHECKED)
def test_the_reference_statements_agree(result_id, seed):
    verdict = _check(result_id, REFERENCE.statement(result_id), seed)
    assert verdict.ok, verdict.message


def test_the_points_are_the_same_for_a_seed_and_differ_between_seeds():
    first, again, other = _envs("naive_vc", 1), _envs("naive_vc", 1), _envs("naive_vc", 2)
    assert all(np.array_equal(a["U"], b["U"]) for a, b in zip(first, again))
    assert not np.array_equal(first[0]["U"], other[0]["U"])
    assert first[0]["U"].shape[0] != first[0]["U"].shape[1]  # a transposed product cannot fit


@pytest.mark.parametrize("result_id, answer, words", [
    ("naive_vc", "U^T @ (yhat - y)", "wrong shape: two shapes do not fit"),  # U^T(yhat - y)
    ("naive_U", "(yhat - y) @ v_c^T", "transposed: your answer is 7 x 4, the result must be 4 x 7"),
    ("naive_vc", "U @ (y - yhat)", "right up to the sign"),
    ("neg_uo", "(1 - sigma(u_o^T @ v_c)) * v_c", "right up to the sign"),
    ("sigmoid", "sigma(x)", "is it the derivative, not the function itself?"),   # f for f'
    ("leaky", "cases(x, x > 0, alpha * x, x < 0)", "is it the derivative"),
    ("sg_vc", "Sum_j(dJ_dvc[j]) / 4", "constant factor (0.25 times"),   # averaged over the window
    ("neg_repeated", "(1 - sigma(-u_neg[s].T @ v_c)) * v_c", "right at 1 of 3 random points"),
    ("naive_uw_all", "yhat[w] * v_c", "right at 2 of 3 random points"),  # the w != o case only
])
@pytest.mark.parametrize("seed", [224, 8675309])
def test_known_slips_get_the_right_message(result_id, answer, words, seed):
    verdict = _check(result_id, answer, seed)
    assert not verdict.ok and words in verdict.message, verdict.message
    assert REFERENCE.statement(result_id) not in verdict.message  # the reference is never shown


def test_the_alternative_forms_of_a_result_agree():
    assert _check("naive_U", "v_c * (yhat - y)^T").ok
    assert _check("naive_vc", "Sum_w(yhat[w] * u[w]) - u_o").ok
    assert _check("naive_vc_expected", "U @ (yhat - y)").ok
    assert _check("sigmoid", "sigma(x) * sigma(-x)").ok
    assert _check("sg_vw", "0 * v_c").ok  # a zero of any shape is the zero result
    assert _check("neg_uo", "(sigma(u_o^{T} @ v_c) - 1) * v_c").ok


HOSTILE = [
    ("__import__('os')", "unknown name '__import__'"),
    ("__import__('os').system('id')", "call functions by name"),
    ("open", "unknown name 'open'"),
    ("U.__class__", "only .T"),
    ("'text'", "only numbers"),
    ("sigma(x=U)", "plain arguments"),
    ("[U for U in U]", "is not allowed"),
    ("lambda: 0", "is not allowed"),
    ("U @ (yhat - y", "cannot read the expression"),
    ("10 ** 10 ** 10", "there are no powers"),
    ("sigma(x)^2", "there are no powers"),
    ("U.T.__class__", "only .T"),
    ("1e300 * U", "only numbers up to 1e6"),
    ("1" * 500, "longer than 400"),
    ("+".join(["U"] * 150), "too long"),
    ("-" * 300 + "U", "too long"),                  # deep nesting, within the length
    ("(" * 300 + "U" + ")" * 300, "longer than 400"),
    ("Sum_w(Sum_w(Sum_w(yhat[w])))", "at most 2 sums"),
    ("Sum_j(U)", "unknown name 'Sum_j'"),           # a sum this result's points do not have
    ("cases(U)", "cases takes pairs"),
]


@pytest.mark.parametrize("answer, words", HOSTILE)
def test_hostile_or_malformed_answers_are_refused_without_evaluation(answer, words, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("evaluated")
    monkeypatch.setattr(exprlib.Evaluator, "_eval", never)
    with pytest.raises(exprlib.FinalError, match=None) as refused:
        exprlib.parse_final(answer, _envs("naive_vc"), NOTATION)
    assert words in str(refused.value), refused.value
    outputs = exprlib.evaluate_answers(FINALS, NOTATION, 8, [(PUBLIC["naive_vc"], answer)])
    assert outputs == [{"error": str(refused.value)}]


def test_evaluation_errors_are_messages():
    assert "does not evaluate" in _check("naive_vc", "u + 1").message
    assert "does not evaluate" in _check("naive_vc", "u_o[U]").message
    assert "wrong shape" in _check("naive_vc", "U @ U").message


def test_the_worst_answer_under_the_limits_is_cheap():
    """Not needed for safety (answers are evaluated in a sandboxed child), but a bound all
    the same: the largest answer the limits let through evaluates in well under a second."""
    inner = "sigma(u_neg[t].T @ Uow @ Uow.T @ u_neg[s]) * " * 6 + "u_neg[t]"  # 199 nodes
    answer = "Sum_s(Sum_same(%s))" % inner
    node = exprlib.parse_final(answer, _envs("neg_repeated"), NOTATION)
    assert len(list(ast.walk(node))) <= exprlib.MAX_NODES and len(answer) <= exprlib.MAX_LENGTH
    start = time.process_time()
    exprlib.evaluate_final(answer, _envs("neg_repeated"), NOTATION)
    assert time.process_time() - start < 1.0


def test_reading_a_final_answers_file():
    text = ("# my answers\nnaive_vc: U @ (yhat - y)   # (b)(i)\n\nsigmoid sigma(x)\n"
            "naive_vc: U @ yhat\nleaky:\nfoo: 1\nsg_vc: %s\n" % ("U + " * 150))
    answers, problems = exprlib.read_finals(text, CHECKED)
    assert answers == {"naive_vc": "U @ (yhat - y)"}
    assert problems == ["line 4: expected `ID: expression`, an answer's id, a colon and the "
                        "expression",
                        "line 5: a second answer for naive_vc (one answer per result)",
                        "line 7: foo is not the id of a result (the ids: %s)" % ", ".join(CHECKED),
                        "line 8: sg_vc: the expression is longer than 400 characters"]
    assert exprlib.read_finals("a: 1\n" * 201)[1] == ["the file has 201 lines; at most 200 are read"]


def test_a_whole_file_is_one_report():
    text = "naive_vc: U @ (yhat - y)\nneg_uo: (1 - sigma(u_o^T @ v_c)) * v_c\nsigmoid sigma(x)\n" \
           "leaky:\nsg_vc: " + "U + " * 150 + "U\n"
    results = REFERENCE.public()
    checked = exprlib.check_answers(
        text, results, lambda items: exprlib.evaluate_answers(FINALS, NOTATION, 3, items),
        lambda result: exprlib.evaluate_final(REFERENCE.statement(result["id"]),
                                              FINALS.environments(result, 3), NOTATION))
    assert checked.agree == 1 and checked.fraction() == 1 / 18
    report = checked.report("final_answers.txt")
    assert report[0] == ("final_answers.txt: 2 of 18 results answered; 1 agrees with the "
                         "reference at 3 random points each, 1 does not.")
    assert report[1] == "neg_uo: right up to the sign: check the signs of your derivation"
    assert report[2].startswith("line 3: expected `ID: expression`")
    assert report[3] == "line 5: sg_vc: the expression is longer than 400 characters"
    assert report[4] == "agree: naive_vc"
    assert report[5].startswith("not answered: ce, naive_vc_expected, naive_uo,")
    assert "leaky" in report[5] and "sg_vc" not in report[5]  # refused, not missing


@pytest.mark.parametrize("data, words", [
    (b"\xff\xfe n\x00", "not saved as UTF-8"),
    (b"a" * (exprlib.MAX_BYTES + 1), "larger than 64 kB"),
])
def test_an_unreadable_file_is_one_message(data, words):
    text, problem = exprlib.decode_text(data)
    assert text is None and words in problem
    assert exprlib.decode_text("\ufeffnaive_vc: U".encode("utf-8")) == ("naive_vc: U", None)


@pytest.mark.parametrize("result_id", CHECKED)
def test_each_example_of_the_students_guide_shows_the_syntax_never_the_answer(result_id):
    """The guide's example line for a result reads and evaluates on that result's names,
    and disagrees with the reference at every seed's points."""
    example = PUBLIC[result_id].get("example")
    assert example, "results.json: %s has no example for the students' guide" % result_id
    for seed in (224, 8675309):
        assert len(exprlib.evaluate_final(example, _envs(result_id, seed), NOTATION)) == 3
        assert not _check(result_id, example, seed).ok
