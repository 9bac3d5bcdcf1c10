"""The final-answer checker (instructor/written/finals.py): safe parsing, numeric verdicts.

Answers are compared with the statements of results.json at random points
built as tests/test_written_results.py builds them; the reference answers get
full agreement, the known slips the right message, and hostile or malformed
text a clear refusal without evaluation.
"""

import numpy as np
import pytest

from instructor.written import finals
from tests.test_written_results import LOADED, RESULTS, Setting

NOTATION = LOADED.notation


def _envs(result_id, seeds=(0, 1, 2)):
    """Random points for one result: the pair (or window) environment of each seed."""
    result = RESULTS[result_id]
    envs = []
    for seed in seeds:
        if result["kind"] == "derivative":
            x = np.random.default_rng(seed).uniform(0.1, 3, (6, 1)) * np.array([[1], [-1]] * 3)
            envs.append({"x": x, "alpha": 0.2})
            continue
        setting = Setting(seed, result.get("samples", "distinct"))
        env = setting.env()
        env.update(w={"o": setting.o, "others": (setting.o + 1) % 7}.get(result.get("words"), 2),
                   s=seed % len(setting.samples))  # repeated samples: multiplicities 3, 1, 3
        if result.get("loss") == "skipgram":
            grads = {j: setting.pair_gradients("naive", setting.U, setting.v_c, j)
                     for j in setting.offsets}
            env.update(dJ_dU=lambda j, g=grads: g[j][0], dJ_dvc=lambda j, g=grads: g[j][1],
                       range_j=lambda env, s=setting: s.offsets)
        envs.append(env)
    return envs


def _check(result_id, answer):
    result = RESULTS[result_id]
    return finals.check(result_id, answer, result["expr"], _envs(result_id), NOTATION,
                        result["kind"])


CHECKED = sorted(r["id"] for r in RESULTS.values() if r["kind"] != "cost")


@pytest.mark.parametrize("result_id", CHECKED)
def test_the_reference_statements_agree(result_id):
    verdict = _check(result_id, RESULTS[result_id]["expr"])
    assert verdict.ok, verdict.message


@pytest.mark.parametrize("result_id, answer, words", [
    ("naive_vc", "U^T @ (yhat - y)", "wrong shape: two shapes do not fit"),  # U^T(yhat - y)
    ("naive_U", "(yhat - y) @ v_c^T", "transposed"),
    ("naive_vc", "U @ (y - yhat)", "right up to the sign"),
    ("neg_uo", "(1 - sigma(u_o^T @ v_c)) * v_c", "right up to the sign"),
    ("sigmoid", "sigma(x)", "is it the derivative, not the function itself?"),   # f for f'
    ("leaky", "cases(x, x > 0, alpha * x, x < 0)", "is it the derivative"),
    ("sg_vc", "Sum_j(dJ_dvc[j]) / 4", "constant factor (0.25 times"),   # averaged over the window
    ("neg_repeated", "(1 - sigma(-u_neg[s].T @ v_c)) * v_c", "right at 1 of 3 random points"),
])
def test_known_slips_get_the_right_message(result_id, answer, words):
    verdict = _check(result_id, answer)
    assert not verdict.ok and words in verdict.message, verdict.message
    assert RESULTS[result_id]["expr"] not in verdict.message  # the reference is never shown


def test_the_alternative_forms_of_a_result_agree():
    assert _check("naive_U", "v_c * (yhat - y)^T").ok
    assert _check("naive_vc", "Sum_w(yhat[w] * u[w]) - u_o").ok
    assert _check("sigmoid", "sigma(x) * sigma(-x)").ok


@pytest.mark.parametrize("answer, words", [
    ("__import__('os')", "unknown name '__import__'"),
    ("__import__('os').system('true')", "call functions by name"),
    ("open", "unknown name 'open'"),
    ("U.__class__", "only .T"),
    ("'text'", "only numbers"),
    ("sigma(x=U)", "plain arguments"),
    ("[U for U in U]", "is not allowed"),
    ("lambda: 0", "is not allowed"),
    ("U @ (yhat - y", "cannot read the expression"),
    ("10 ** 10 ** 10", "is not allowed"),
    ("1" * 500, "longer than 400"),
    ("+".join(["U"] * 150), "too long"),
    ("Sum_w(Sum_w(Sum_w(yhat[w])))", "at most 2 sums"),
])
def test_hostile_or_malformed_answers_are_refused_without_evaluation(answer, words):
    verdict = _check("naive_vc", answer)
    assert not verdict.ok and words in verdict.message, verdict.message


def test_reading_a_final_answers_file():
    text = ("# my answers\nnaive_vc: U @ (yhat - y)   # (b)(i)\n\nsigmoid sigma(x)\n"
            "naive_vc: U @ yhat\n")
    answers, problems = finals.read_finals(text)
    assert answers == {"naive_vc": "U @ (yhat - y)"}
    assert problems == ["line 4: expected `ID: expression`, an answer's id, a colon and the "
                        "expression",
                        "line 5: a second answer for naive_vc (one answer per result)"]
    assert finals.read_finals("a: 1\n" * 201)[1] == ["the file has 201 lines; at most 200 are read"]
