"""Every boxed result of the reference written answers, checked by computation.

Each statement in solutions/written/results.json (the text the solutions PDF
typesets) is evaluated with numpy on random inputs and compared with centred
finite differences of the loss it differentiates. Conventions as in the
handout: U is d x |V| with the outside vectors u_w as columns, vectors are
columns, y is one-hot, yhat = softmax(U^T v_c).
"""

import os
import re

import numpy as np
import pytest

from autograder.layout import Layout
from instructor import written
from tests.conftest import ROOT

LOADED = written.load_results()
RESULTS = LOADED.by_id()
DIM, VOCAB, K, WINDOW = 4, 7, 5, 2
STEP = 1e-6


def evaluator(env):
    """An evaluator of statements in the assignment's notation (its sums)."""
    return written.Evaluator(env, LOADED.notation)


def sigma(x):
    return 1.0 / (1.0 + np.exp(-x))


def leaky_relu(x, alpha):
    return np.maximum(alpha * x, x)


# The losses as the questions define them (U is d x |V|, v_c a (d, 1) column).
def naive_loss(U, v_c, o):
    scores = (U.T @ v_c).ravel()
    scores = scores - scores.max()
    return float(np.log(np.exp(scores).sum()) - scores[o])


def neg_loss(U, v_c, o, samples):
    loss = -np.log(sigma(U[:, o] @ v_c.ravel()))
    return float(loss - sum(np.log(sigma(-U[:, w] @ v_c.ravel())) for w in samples))


def centred_gradient(f, x):
    """Centred finite differences of a scalar function f at the array x."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += STEP
        minus[index] -= STEP
        grad[index] = (f(plus) - f(minus)) / (2 * STEP)
    return grad


def with_column(U, w, column):
    out = U.copy()
    out[:, w] = column.ravel()
    return out


class Setting:  # pylint: disable=too-many-instance-attributes
    """Random inputs of one pair (or one window) and the statement environment."""

    def __init__(self, seed, samples="distinct"):
        rng = np.random.default_rng(seed)
        self.U = rng.standard_normal((DIM, VOCAB))
        self.V = rng.standard_normal((DIM, VOCAB))
        self.c, self.o = 1, 3
        self.v_c = self.V[:, [self.c]]
        others = [w for w in range(VOCAB) if w != self.o]
        if samples == "distinct":
            self.samples = list(rng.choice(others, size=K, replace=False))
        else:  # repeated: some word drawn three times, another twice
            a, b, c = rng.choice(others, size=3, replace=False)
            self.samples = [a, b, a, c, a][:K]
            assert len(set(self.samples)) < K
        # the window: offsets -m..m without 0, outside words (one repeated), samples per pair
        self.offsets = [j for j in range(-WINDOW, WINDOW + 1) if j != 0]
        self.outside = dict(zip(self.offsets, [3, 0, 3, 5]))
        self.pair_samples = {j: list(rng.choice([w for w in range(VOCAB) if w != o], size=3))
                             for j, o in self.outside.items()}

    def env(self, U=None, v_c=None, o=None, samples=None):
        U = self.U if U is None else U
        v_c = self.v_c if v_c is None else v_c
        o = self.o if o is None else o
        samples = self.samples if samples is None else samples
        y = np.zeros((VOCAB, 1))
        y[o] = 1
        scores = U.T @ v_c
        yhat = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        return {"U": U, "v_c": v_c, "o": o, "y": y, "yhat": yhat, "u_o": U[:, [o]],
                "u": lambda w: U[:, [w]], "u_neg": lambda s: U[:, [samples[s]]],
                "Uow": np.hstack([U[:, [o]], -U[:, samples]]), "ones": np.ones((len(samples) + 1, 1)),
                "range_w": lambda env: range(VOCAB), "range_s": lambda env: range(len(samples)),
                "range_t": lambda env: [t for t in range(len(samples))
                                        if samples[t] == samples[env["s"]]]}

    # -- skip-gram: the pair gradients come from the (checked) closed forms of (b)-(d), (g), (h)
    def pair_gradients(self, inner, U, v_c, j):
        o = self.outside[j]
        if inner == "naive":
            env = self.env(U, v_c, o)
            return (evaluator(env)(RESULTS["naive_U"]["expr"]),
                    evaluator(env)(RESULTS["naive_vc"]["expr"]))
        samples = self.pair_samples[j]
        env = self.env(U, v_c, o, samples)
        grad_U = np.zeros_like(U)
        grad_U[:, [o]] += evaluator(env)(RESULTS["neg_uo"]["expr"])
        for w in set(samples):
            evaluate = evaluator(dict(env, s=samples.index(w)))
            grad_U[:, [w]] += evaluate(RESULTS["neg_repeated"]["expr"])
        return grad_U, evaluator(env)(RESULTS["neg_vc"]["expr"])

    def window_loss(self, inner, U, V):
        v_c = V[:, [self.c]]
        if inner == "naive":
            return sum(naive_loss(U, v_c, o) for o in self.outside.values())
        return sum(neg_loss(U, v_c, self.outside[j], self.pair_samples[j]) for j in self.offsets)


def check_gradient(result, setting, inner="naive"):  # pylint: disable=too-many-branches
    """Compare a gradient statement with centred differences; return the worst error."""
    expr, wrt, loss = result["expr"], result["wrt"], result["loss"]
    pairs = []  # (closed form, finite differences)
    if loss == "skipgram":
        def env_for(U, v_c):
            grads = {j: setting.pair_gradients(inner, U, v_c, j) for j in setting.offsets}
            return {"dJ_dU": lambda j: grads[j][0], "dJ_dvc": lambda j: grads[j][1],
                    "range_j": lambda env: setting.offsets}
        closed = evaluator(env_for(setting.U, setting.v_c))(expr)
        if wrt == "U":
            numeric = centred_gradient(lambda U: setting.window_loss(inner, U, setting.V), setting.U)
            pairs.append((closed, numeric))
        elif wrt == "v_c":
            numeric = centred_gradient(
                lambda v: setting.window_loss(inner, setting.U, with_column(setting.V, setting.c, v)),
                setting.v_c)
            pairs.append((closed, numeric))
        else:  # v[w], every w != c
            for w in range(VOCAB):
                if w != setting.c:
                    numeric = centred_gradient(lambda v, w=w: setting.window_loss(
                        inner, setting.U, with_column(setting.V, w, v)), setting.V[:, [w]])
                    pairs.append((np.broadcast_to(closed, numeric.shape), numeric))
        return _worst(pairs)

    def value(U=setting.U, v_c=setting.v_c):
        if loss == "naive":
            return naive_loss(U, v_c, setting.o)
        return neg_loss(U, v_c, setting.o, setting.samples)

    env = setting.env()
    if wrt == "v_c":
        pairs.append((evaluator(env)(expr), centred_gradient(lambda v: value(v_c=v), setting.v_c)))
    elif wrt == "U":
        pairs.append((evaluator(env)(expr), centred_gradient(lambda U: value(U=U), setting.U)))
    elif wrt == "u[w]":
        words = {"o": [setting.o], "others": [w for w in range(VOCAB) if w != setting.o],
                 "all": range(VOCAB)}[result["words"]]
        for w in words:
            numeric = centred_gradient(lambda col, w=w: value(U=with_column(setting.U, w, col)),
                                       setting.U[:, [w]])
            pairs.append((evaluator(dict(env, w=w))(expr), numeric))
    elif wrt == "u_neg[s]":
        for s, w in enumerate(setting.samples):
            numeric = centred_gradient(lambda col, w=w: value(U=with_column(setting.U, w, col)),
                                       setting.U[:, [w]])
            pairs.append((evaluator(dict(env, s=s))(expr), numeric))
    else:
        raise AssertionError("unknown wrt %r" % wrt)
    return _worst(pairs)


def _worst(pairs):
    worst = 0.0
    for closed, numeric in pairs:
        closed = np.asarray(closed, dtype=float)
        if closed.shape != numeric.shape:
            return np.inf  # wrong orientation or shape: never a match
        worst = max(worst, float(np.max(np.abs(closed - numeric)) / (1 + np.max(np.abs(numeric)))))
    return worst


GRADIENTS = sorted(r["id"] for r in RESULTS.values() if r["kind"] == "gradient")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("result_id", GRADIENTS)
def test_boxed_gradient_matches_centred_differences(result_id, seed):
    result = RESULTS[result_id]
    setting = Setting(seed, result.get("samples", "distinct"))
    inners = ["naive", "neg"] if result["loss"] == "skipgram" else ["naive"]
    for inner in inners:
        assert check_gradient(result, setting, inner) < 1e-6, (result_id, inner, result["expr"])


def test_repeated_samples_really_repeat_and_distinct_formula_fails_there():
    # (h) differs from (g) exactly when samples repeat: the (g) formula is wrong there.
    setting = Setting(0, "repeated")
    wrong = dict(RESULTS["neg_uws"], samples="repeated")
    assert check_gradient(wrong, setting) > 1e-3
    assert check_gradient(RESULTS["neg_repeated"], setting) < 1e-6


@pytest.mark.parametrize("slip, statement", [
    ("v_c gradient with U^T(yhat - y)", dict(RESULTS["naive_vc"], expr="U.T @ (yhat - y)")),
    ("dJ/dU transposed", dict(RESULTS["naive_U"], expr="(yhat - y) @ v_c.T")),
    ("sign of the negative-sample term",
     dict(RESULTS["neg_uws"], expr="(1 - sigma(u_neg[s].T @ v_c)) * v_c")),
    ("skip-gram averaged instead of summed", dict(RESULTS["sg_vc"], expr="0.25 * Sum_j(dJ_dvc[j])")),
])
def test_the_check_catches_known_slips(slip, statement):
    try:
        error = check_gradient(statement, Setting(0))
    except ValueError:  # the shapes do not even multiply (d != |V|)
        error = np.inf
    assert error > 1e-3, slip


@pytest.mark.parametrize("result_id", sorted(r["id"] for r in RESULTS.values() if r["kind"] == "identity"))
def test_boxed_identities_hold(result_id):
    result = RESULTS[result_id]
    for seed in range(3):
        setting = Setting(seed)
        env = setting.env()
        value = evaluator(env)(result["expr"])
        expected = (naive_loss(setting.U, setting.v_c, setting.o) if result["value"] == "naive"
                    else neg_loss(setting.U, setting.v_c, setting.o, setting.samples))
        assert float(np.squeeze(value)) == pytest.approx(expected, rel=1e-10)
        assert expected == pytest.approx(-np.log(env["yhat"][setting.o, 0])) or result["value"] != "naive"


def test_sigmoid_derivative():
    x = np.linspace(-8, 8, 41)
    closed = evaluator({"x": x})(RESULTS["sigmoid"]["expr"])
    numeric = (sigma(x + STEP) - sigma(x - STEP)) / (2 * STEP)
    np.testing.assert_allclose(closed, numeric, atol=1e-9)
    slip = evaluator({"x": x})("sigma(x)")  # the derivative written as the function
    assert np.max(np.abs(slip - numeric)) > 0.1


@pytest.mark.parametrize("alpha", [0.01, 0.2, 0.7])
def test_leaky_relu_derivative_away_from_zero(alpha):
    x = np.concatenate([np.linspace(-5, -1e-3, 30), np.linspace(1e-3, 5, 30)])
    closed = evaluator({"x": x, "alpha": alpha})(RESULTS["leaky"]["expr"])
    numeric = (leaky_relu(x + STEP, alpha) - leaky_relu(x - STEP, alpha)) / (2 * STEP)
    np.testing.assert_allclose(closed, numeric, atol=1e-8)
    # a known slip: f written where f' is meant
    slip = evaluator({"x": x, "alpha": alpha})("cases(x, x > 0, alpha * x, x < 0)")
    assert np.max(np.abs(slip - numeric)) > 0.1


@pytest.mark.parametrize("alpha", [0.01, 0.2, 0.7])
def test_leaky_relu_at_zero_has_no_derivative(alpha):
    # The statement leaves f'(0) undefined; the one-sided slopes differ (alpha and 1),
    # and the centred difference only sees their mean, which is neither.
    at_zero = evaluator({"x": np.array([0.0]), "alpha": alpha})(RESULTS["leaky"]["expr"])
    assert np.isnan(at_zero).all()
    right = (leaky_relu(STEP, alpha) - leaky_relu(0.0, alpha)) / STEP
    left = (leaky_relu(0.0, alpha) - leaky_relu(-STEP, alpha)) / STEP
    centred = (leaky_relu(STEP, alpha) - leaky_relu(-STEP, alpha)) / (2 * STEP)
    assert right == pytest.approx(1.0) and left == pytest.approx(alpha)
    assert centred == pytest.approx((1 + alpha) / 2)
    assert "x = 0" in RESULTS["leaky"]["condition"]


def _flops(statement_ids, vocab, dim=10, samples=10):
    """Multiply-adds of evaluating the statements, yhat = softmax(U^T v_c) included."""
    rng = np.random.default_rng(0)
    U, v_c = rng.standard_normal((dim, vocab)), rng.standard_normal((dim, 1))
    chosen = list(range(1, samples + 1))
    env = Setting(0).env()
    env.update({"U": U, "v_c": v_c, "o": 0, "u_o": U[:, [0]], "y": np.eye(vocab)[:, [0]],
                "u": lambda w: U[:, [w]], "u_neg": lambda s: U[:, [chosen[s]]],
                "range_s": lambda env: range(samples)})
    total = 0
    for ident in statement_ids:
        evaluate = evaluator(env)
        if "yhat" in RESULTS[ident]["expr"]:
            evaluate.env["yhat"] = evaluate("softmax(U.T @ v_c)")
        if "u_neg[s]" == RESULTS[ident]["wrt"]:
            for s in range(samples):
                evaluate.env["s"] = s
                evaluate(RESULTS[ident]["expr"])
        else:
            evaluate(RESULTS[ident]["expr"])
        total += evaluate.flops
    return total


def test_cost_claims_match_the_operation_count_of_the_boxed_formulas():
    cost = RESULTS["cost"]
    sizes = [1000, 2000, 4000, 8000]
    for series, claim in cost["claims"].items():
        counts = [_flops(claim["statements"], size) for size in sizes]
        exponent = np.polyfit(np.log(sizes), np.log(counts), 1)[0]
        assert exponent == pytest.approx(claim["exponent"], abs=0.05), series
    # and negative sampling grows linearly in K at fixed |V|
    statements = cost["claims"]["negative sampling"]["statements"]
    by_k = [_flops(statements, 1000, samples=k) for k in (5, 10, 20, 40)]
    assert np.polyfit(np.log([5, 10, 20, 40]), np.log(by_k), 1)[0] == pytest.approx(1, abs=0.1)


def test_cost_claims_point_at_the_timing_benchmark():
    cost = RESULTS["cost"]
    bench = ROOT / cost["benchmark"]
    assert bench.is_file(), bench
    text = bench.read_text(encoding="utf-8")
    assert "fitted growth exponent" in text and "def exponent" in text
    for series in cost["claims"]:
        assert '"%s"' % series in text, series
    answers = written.load_answers().text["g-iii"]
    assert cost["benchmark"].replace("_", "\\_") in answers or cost["benchmark"] in answers


@pytest.mark.skipif(os.environ.get("WRITTEN_TIMING") != "1",
                    reason="times the losses (about a minute); set WRITTEN_TIMING=1 to run")
def test_cost_claims_agree_with_measured_exponents():
    from benchmarks import bench_loss_scaling as bench
    sizes = [size for size in bench.SIZES if size >= bench.FIT_FROM]
    costs = bench.measure(sizes)
    naive = bench.exponent(sizes, costs["naive softmax"])
    excess = [max(n - z, 1e-9) for n, z in zip(costs["negative sampling"], costs["zeros((|V|, d)) alone"])]
    negative = bench.exponent(sizes, excess)
    # Linear against flat, with room for caches (naive softmax often measures 1.1 to 1.4).
    claims = RESULTS["cost"]["claims"]
    assert claims["naive softmax"]["exponent"] - 0.3 < naive < claims["naive softmax"]["exponent"] + 0.6
    assert abs(negative - claims["negative sampling"]["exponent"]) < 0.35
    assert naive - negative > 0.6


def test_every_question_with_a_formula_has_a_checked_result():
    checked = {r["question"] for r in RESULTS.values()}
    assert {"a", "b-i", "b-ii", "c", "d", "e", "f", "g-i", "g-ii", "g-iii", "h", "i"} <= checked
    solutions = Layout().written_path("answers").parent / "solutions.tex"
    boxed = re.findall(r"\\boxed", solutions.read_text(encoding="utf-8"))
    assert len(boxed) == len(RESULTS)  # nothing boxed by hand, outside results.json
