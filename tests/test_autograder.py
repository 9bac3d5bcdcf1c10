"""The autograder: full marks for the reference, zero for the skeleton, and hostile
submissions that cannot crash it, hang it, or earn a point they did not."""

import codecs
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from checklib import PUBLIC_SEED, Tolerance

from autograder import assignment, config, costs, grader, graded_tests, results
from autograder.submission import stage_submission
from tests.conftest import ASSIGNMENT, ROOT, SOLUTIONS
from tests.variants import NAIVE as NAIVE_F
from tests.variants import NEG as NEG_F
from tests.variants import about, reference_with

SIGMOID = "    x = np.asarray(x, dtype=float)\n    z = np.exp(-np.abs(x))"
SOFTMAX = "    e = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
NAIVE = "    yHat = softmax(outsideVectors @ centerWordVec)"
SGD_STEP = "        loss, grad = f(x)\n"
SKIPGRAM = "    centerIdx = word2Ind[currentCenterWord]\n"
CONFIG = SOLUTIONS / "config.ini"
WHOLE_MODULE = ["every test of word2vec.py"]


def _load_config(path=CONFIG):
    return assignment.load().load_config(path)


@pytest.fixture(scope="module")
def cfg():
    """Short limits, and no timing tests: tests/test_timing.py covers those."""
    return dataclasses.replace(_load_config(), timeout=4.0, timing={}, pylint_report=False)


def _submission(tmp_path, **kwargs):
    return reference_with(tmp_path / "submission", **kwargs)


def _grade(path, tmp_path, cfg):
    staged = stage_submission(path, tmp_path / "staging")
    tests = grader.grade(staged, cfg)
    built = results.build(tests, 1.0, staged.messages())
    results.validate(built)
    return {t.name: t for t in tests}, built


def _score(tests, prefix):
    return sum(t.score for name, t in tests.items() if name.startswith(prefix))


def test_reference_gets_full_marks(tmp_path, cfg):
    tests, built = _grade(SOLUTIONS, tmp_path, cfg)
    assert built["score"] == cfg.total  # timing tests are off in this file
    assert all(t.status == "passed" for t in tests.values() if "artefact" not in t.tags)
    kinds = {name: t.extra_data["kind"] for name, t in tests.items()}
    assert {kinds[name] for name in cfg.public} == {"public"}
    assert {kinds[name + " (hidden inputs)"] for name in cfg.hidden} == {"hidden"}
    assert all(t.extra_data["hints"] == [] for t in tests.values())
    plot = tests["word_vectors.png is in the submission (informational)"]
    assert plot.status == "passed" and plot.output.startswith("not in the submission")
    assert plot.extra_data["finding"] is False
    assert tests["style: pylint report (informational)"].output == (
        "pylint report turned off in config.ini")


def test_skeleton_gets_zero_with_clear_messages(tmp_path, cfg):
    tests, built = _grade(ASSIGNMENT, tmp_path, cfg)
    assert built["score"] == 0
    graded = [t for t in tests.values() if not {"style", "artefact", "written"} & set(t.tags)]
    assert len(graded) == len(cfg.public) + len(cfg.hidden)
    assert all(t.output.startswith("not implemented yet") for t in graded)
    finals = tests["written part: final answers (informational)"]  # tests/test_final_answers.py
    assert finals.status == "passed" and finals.extra_data["finding"] == "not submitted"


def test_pylint_reports_only_what_the_student_wrote(tmp_path, cfg):
    """... and leaves the modules it imports unmodelled (random.nope is no E1101): modelling
    numpy, the standard library and the given code was most of pylint's time."""
    cfg = dataclasses.replace(cfg, pylint_report=True)
    unused = "    centerIdx = word2Ind[currentCenterWord]\n"
    folder = _submission(tmp_path, edits=[(unused, unused + "    unusedHere = random.nope()\n")])
    tests = grader.grade(stage_submission(folder, tmp_path / "staging"), cfg)
    report = next(t for t in tests if "pylint" in t.name)
    assert report.output.startswith("pylint, on the ") and report.status == "passed"
    lines = report.output.splitlines()[1:]
    assert len(lines) == 1 and "W0612 Unused variable 'unusedHere'" in lines[0], report.output
    assert 0 < report.extra_data["finding"] < 10
    # the untouched skeleton: the given code is not the student's to answer for
    tests = grader.grade(stage_submission(ASSIGNMENT, tmp_path / "staging-skeleton"), cfg)
    report = next(t for t in tests if "pylint" in t.name)
    assert report.output == "pylint: nothing of yours to report on yet", report.output


def test_cli_writes_valid_results_and_a_table(tmp_path):
    target = tmp_path / "out" / "results.json"
    target.parent.mkdir()
    target.write_text('{"score": 1000}')  # whatever was there is replaced
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SOLUTIONS),
                             "--results", str(target)], cwd=ROOT, capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    written = json.loads(target.read_text())
    results.validate(written)
    total = _load_config().total
    assert written["score"] == total and "Total: %g / %g" % (total, total) in result.stdout


@pytest.mark.parametrize("name, kwargs, lost, message", [
    ("os._exit in a function", {"edits": [(SKIPGRAM, "    import os; os._exit(0)\n" + SKIPGRAM)]},
     ["skipgram"], "exited (status 0)"),
    ("sys.exit at import", {"prefix": "import sys\nsys.exit(3)\n"},
     WHOLE_MODULE, "could not be imported (SystemExit: 3)"),
    ("KeyboardInterrupt in a function",
     {"edits": [(NAIVE, "    raise KeyboardInterrupt\n" + NAIVE)]},
     [NAIVE_F], "raised KeyboardInterrupt"),
    ("infinite loop", {"edits": [(NAIVE, "    while True:\n        pass\n" + NAIVE)]},
     [NAIVE_F], "time limit"),
    ("sleep ignoring SIGALRM", {"sgd_edits": [(SGD_STEP, "        import signal as sig, time as t\n"
                                               "        sig.signal(sig.SIGALRM, sig.SIG_IGN)\n"
                                               "        t.sleep(100)\n" + SGD_STEP)]},
     ["sgd"], "time limit"),
    ("gigabytes printed", {"edits": [(SKIPGRAM, "    while True:\n        print('x' * 100000)\n"
                                      + SKIPGRAM)]},
     ["skipgram"], "output limit"),
    ("huge allocation", {"edits": [(NAIVE, "    big = np.ones((10**5, 10**5))\n" + NAIVE)]},
     [NAIVE_F], "MemoryError"),
    ("ndarray subclass returned", {"edits": [(
        "    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]\n",
        "    s = np.asmatrix(np.where(x >= 0, 1.0, z) / (1.0 + z))\n")]},
     ["sigmoid", NEG_F], "has type"),
    ("object whose == is always True", {"prefix": "class Liar:\n    def __eq__(self, other):\n"
                                                  "        return True\n    __hash__ = None\n",
                                        "edits": [(
                                            "    s = (np.where(x >= 0, 1.0, z) / (1.0 + z))[()]\n",
                                            "    s = Liar()\n")]},
     ["sigmoid", NEG_F], "has type word2vec.Liar"),
    ("NaN returned", {"edits": [("    return loss, gradCenterVec, gradOutsideVecs\n\n\n"
                                 "def getNegativeSamples",
                                 "    return float('nan'), gradCenterVec, gradOutsideVecs\n\n\n"
                                 "def getNegativeSamples")]},
     [NAIVE_F], "non-finite"),
    ("endless loop at import", {"prefix": "while True:\n    pass\n"},
     WHOLE_MODULE, "could not be imported (importing it took longer than"),
    ("import error", {"prefix": "import no_such_module_here\n"},
     WHOLE_MODULE, "ModuleNotFoundError"),
    ("reseeding and patching unittest at import",
     {"prefix": "import random, unittest, numpy\nrandom.seed(0)\nnumpy.random.seed(0)\n"
                "unittest.TestCase.run = lambda *a, **k: None\n",
      "edits": [(NAIVE, "    return 1.0, np.zeros(1), np.zeros(1)\n" + NAIVE)]},
     [NAIVE_F], "has shape"),
    ("np.seterr(all='raise') at import", {"prefix": "import numpy\nnumpy.seterr(all='raise')\n"
                                                    "def sigmoid(x):\n    return 0.0\n",
                                          "edits": [(SIGMOID, "    return np.exp(-x)\n" + SIGMOID)]},
     ["sigmoid", NEG_F], "FloatingPointError"),
    ("object array returned", {"edits": [(
        "    gradOutsideVecs = np.outer(delta, centerWordVec)      # (|V|, d)",
        "    gradOutsideVecs = np.outer(delta, centerWordVec).astype(object)")]},
     [NAIVE_F], "gradOutsideVecs"),
    ("broadcastable shape returned", {"edits": [(
        "    gradCenterVec = delta @ outsideVectors                # U (yHat - y), (d,)",
        "    gradCenterVec = (delta @ outsideVectors)[None, :]")]},
     [NAIVE_F], "has shape (1,"),
    ("answers cached between calls", {"prefix": "_CACHE = {}\n", "edits": [(
        "    return loss, gradCenterVec, gradOutsideVecs\n\n\ndef getNegativeSamples",
        "    return _CACHE.setdefault('naive', (loss, gradCenterVec, gradOutsideVecs))\n\n\n"
        "def getNegativeSamples")]},
     [NAIVE_F], "differ"),
    ("patching numpy.allclose and json", {"prefix": "import json, numpy\n"
                                                    "numpy.allclose = lambda *a, **k: True\n"
                                                    "json.dump = lambda *a, **k: None\n",
                                          "edits": [(SIGMOID, "    return 0.0\n" + SIGMOID)]},
     ["sigmoid", NEG_F], "differ"),
])
def test_hostile_submission_loses_only_its_own_tests(tmp_path, cfg, name, kwargs, lost, message):
    start = time.monotonic()
    tests, built = _grade(_submission(tmp_path, **kwargs), tmp_path, cfg)
    for test_name, test in tests.items():
        hit = "word2vec" in test.tags if lost is WHOLE_MODULE else about(test_name, lost)
        assert (test.score < test.max_score) == hit, (name, test_name, test.output)
        if hit and "public" in test.tags and (lost is WHOLE_MODULE or about(test_name, lost[:1])):
            assert message in test.output, (test_name, test.output)
    assert built["score"] == sum(t.score for t in tests.values())
    assert time.monotonic() - start < 60


def test_daemon_writing_results_later_is_killed(tmp_path, cfg):
    target = tmp_path / "results.json"
    daemon = ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
              "        time.sleep(3)\n        open(%r, 'w').write('{\"score\": 1000}')\n"
              "        os._exit(0)\n    os._exit(0)\n" % str(target))
    _, built = _grade(_submission(tmp_path, prefix=daemon), tmp_path, cfg)
    results.write(built, target)
    time.sleep(4)
    assert json.loads(target.read_text())["score"] == built["score"] == cfg.total


def test_zip_with_nested_folders_and_a_notebook(tmp_path, cfg):
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(SOLUTIONS / "word2vec.py", "deep/er/word2vec.py")
        zipped.write(SOLUTIONS / "sgd.py", "deep/sgd.py")
        zipped.writestr("deep/word_vectors.png", b"\x89PNG\r\n\x1a\n")
    tests, built = _grade(archive, tmp_path, cfg)
    assert built["score"] == cfg.total
    assert tests["word_vectors.png is in the submission (informational)"].status == "passed"

    import nbformat
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell((SOLUTIONS / "word2vec.py").read_text()),
                      nbformat.v4.new_code_cell("run_everything()\nplt.show()")]
    folder = tmp_path / "nb"
    folder.mkdir()
    nbformat.write(notebook, str(folder / "a2.ipynb"))
    shutil.copy(SOLUTIONS / "sgd.py", folder / "sgd.py")
    staged = stage_submission(folder, tmp_path / "staging-nb")
    assert "graded the code cells of a2.ipynb as word2vec.py" in staged.notes
    tests = grader.grade(staged, cfg)
    assert sum(t.score for t in tests) == cfg.total


def test_missing_file_syntax_error_and_broken_zip(tmp_path, cfg):
    folder = tmp_path / "partial"
    folder.mkdir()
    (folder / "word2vec.py").write_text("def sigmoid(x:\n    pass\n")
    tests, built = _grade(folder, tmp_path, cfg)
    assert built["score"] == 0
    outputs = {t.output.split(" ")[0] + " " + t.output.split(" ")[1] for t in tests.values()}
    assert any(t.output.startswith("word2vec.py has a syntax error at line 1")
               for t in tests.values())
    assert any(t.output.startswith("sgd.py is missing from the submission")
               for t in tests.values()), outputs
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    staged = stage_submission(broken, tmp_path / "staging-broken")
    assert any("not a valid zip file" in note for note in staged.notes)


def test_an_import_failure_is_one_line_on_top_and_a_pointer_in_each_test(tmp_path, cfg):
    folder = _submission(tmp_path, prefix="from utils.utils import softmax\n")
    tests, built = _grade(folder, tmp_path, cfg)
    top = built["output"]
    assert "word2vec.py could not be imported: ImportError: cannot import name 'softmax' from " \
           "'utils.utils'" in top and "another version of the assignment" in top, top
    assert "grader-child" not in top and "staging" not in top  # no sandbox paths
    broken = [t for t in tests.values() if "word2vec" in t.tags]
    assert broken and all(t.score == 0 and t.output.startswith(
        "word2vec.py could not be imported (ImportError") and "see the message at the top"
        in t.output and "Traceback" not in t.output for t in broken)
    assert all(t.score == t.max_score for t in tests.values() if "sgd" in t.tags)


@pytest.mark.parametrize("encode, full, message", [
    (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), True, None),
    (lambda text: text.encode("utf-16"), False, "word2vec.py is saved in UTF-16, not UTF-8"),
    (lambda text: text.replace("Arguments", "Arguménts", 1).encode("cp1252", "replace"), False,
     "in another encoding (byte"),
])
def test_files_in_utf8_with_a_byte_order_mark_are_read_others_named(tmp_path, cfg, encode,
                                                                    full, message):
    folder = _submission(tmp_path)
    (folder / "word2vec.py").write_bytes(encode((folder / "word2vec.py").read_text()))
    tests, built = _grade(folder, tmp_path, cfg)
    if full:
        assert built["score"] == cfg.total
    else:
        assert message in built["output"] and "save the file as UTF-8" in built["output"]
        assert all(t.score == 0 for t in tests.values() if "word2vec" in t.tags)


def test_a_zip_inside_the_submission_is_unpacked(tmp_path, cfg):
    inner = tmp_path / "code.zip"
    with zipfile.ZipFile(inner, "w") as zipped:
        for name in ("word2vec.py", "sgd.py"):
            zipped.write(SOLUTIONS / name, "a2/" + name)
    outer = tmp_path / "upload.zip"
    with zipfile.ZipFile(outer, "w") as zipped:
        zipped.write(inner, "submission/code.zip")
    _, built = _grade(outer, tmp_path, cfg)
    assert built["score"] == cfg.total and "unpacked code.zip" in built["output"]


def test_a_grader_bug_is_a_neutral_row_and_a_hidden_traceback(tmp_path, cfg, monkeypatch):
    work = assignment.load()
    check = work.checks["softmax"]

    def broken_judge(got, expected, case, tol):
        raise KeyError("a bug in the judge")

    monkeypatch.setitem(work.checks, "softmax", dataclasses.replace(check, judge=broken_judge))
    tests, built = _grade(SOLUTIONS, tmp_path, cfg)
    softmax = tests["softmax"]
    assert softmax.score == 0 and "internal error" in softmax.output
    assert "your code" in softmax.output and "KeyError" not in softmax.output
    hidden = tests["autograder internal errors (instructors only)"]
    assert hidden.visibility == "hidden" and hidden.max_score == 0
    assert "KeyError: 'a bug in the judge'" in hidden.output
    assert built["score"] == cfg.total - cfg.public["softmax"] - cfg.hidden["softmax"]


def test_config_rejects_typos_and_negative_points(tmp_path):
    text = CONFIG.read_text()
    bad = tmp_path / "config.ini"
    bad.write_text(text.replace("sigmoid = 1.5", "sigmoidd = 1.5", 1))
    with pytest.raises(config.ConfigError, match=r"\[public\] sigmoidd: no such test"):
        _load_config(bad)
    bad.write_text(text.replace("softmax = 1.5", "softmax = -1", 1))
    with pytest.raises(config.ConfigError, match="softmax: must be at least 0"):
        _load_config(bad)


@pytest.mark.parametrize("old, new, message", [
    ("naiveSoftmaxLossAndGradient = 4", "naiveSoftmaxLossAndGradent = 4",
     r"\[timing_factors\] naiveSoftmaxLossAndGradent: no such test"),
    ("naiveSoftmaxLossAndGradient = 4", "naiveSoftmaxLossAndGradient = 0",
     r"\[timing_factors\] naiveSoftmaxLossAndGradient: must be positive \(got 0\)"),
    ("negSamplingLossAndGradient cheaper = 3", "",
     r"\[timing_factors\] negSamplingLossAndGradient cheaper is missing"),
    ("rtol = 1e-5", "rtol = 0", r"\[tolerances\] rtol: must be positive"),
    ("hidden = visible", "hidden = after_publish", "not one of visible"),
    ("parallel = auto", "parallel = two", r"\[limits\] parallel: 'two' is not an integer"),
    ("seed = 8675309", "", r"\[hidden_inputs\] seed is missing"),
])
def test_config_rejects_bad_values(tmp_path, old, new, message):
    text = CONFIG.read_text()
    assert text.count(old) == 1
    bad = tmp_path / "config.ini"
    bad.write_text(text.replace(old, new))
    with pytest.raises(config.ConfigError, match=message):
        _load_config(bad)


def test_children_at_once_follow_the_cpu_quota(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("50000 100000\n")  # Gradescope's default: half a CPU
    assert config.available_cpus(cpu_max) == 0.5
    cpu_max.write_text("max 100000\n")
    assert config.available_cpus(cpu_max) == len(os.sched_getaffinity(0))
    assert config.available_cpus(tmp_path / "absent") == len(os.sched_getaffinity(0))
    text = CONFIG.read_text()
    assert "parallel = auto" in text and "memory_mb = 256" in text
    fixed = tmp_path / "config.ini"
    fixed.write_text(text.replace("parallel = auto", "parallel = 3"))
    assert _load_config(fixed).parallel == 3
    assert _load_config().parallel == max(1, int(config.available_cpus()))


def test_config_settings_reach_the_tests(tmp_path):
    """Visibility, tolerances, factors and skipped timing tests come from config.ini."""
    text = CONFIG.read_text()
    custom = tmp_path / "config.ini"
    custom.write_text(text.replace("hidden = visible", "hidden = hidden")
                      .replace("negSamplingLossAndGradient = 2\n", "")
                      .replace("negSamplingLossAndGradient = 5\n", "")
                      .replace("negSamplingLossAndGradient cheaper = 3\n", "")
                      .replace("atol = 1e-7", "atol = 0.5")
                      .replace("naiveSoftmaxLossAndGradient = 4", "naiveSoftmaxLossAndGradient = 0.5"))
    cfg = _load_config(custom)
    work = assignment.load()
    assert list(cfg.timing) == ["naiveSoftmaxLossAndGradient"] and cfg.atol == 0.5
    tests = graded_tests.collect(cfg, work, PUBLIC_SEED)
    assert {t.__visibility__ for t in tests if "hidden" in t.__tags__} == {"hidden"}
    assert [t.__doc__ for t in tests if "timing" in t.__tags__] == [
        "timing: naiveSoftmaxLossAndGradient"]
    naive = work.costs["naiveSoftmaxLossAndGradient"]
    same = costs.Measurement({(naive.name, s): 1e-4 for s in naive.sizes}, {})
    assert not costs.judge(naive, same, same, cfg.factors[naive.name]).passed  # 1x > 0.5x
    assert costs.judge(naive, same, same, 1.0).passed
    # a loose atol lets a wrong value through: the judge applies the tolerance it is given
    check = work.checks["sigmoid"]
    got = {"values": np.full(16, 0.3), "scalar": 0.5, "large": np.zeros(4), "warnings": []}
    expected = {"values": np.full(16, 0.5), "scalar": np.array(0.6), "large": np.zeros(4)}
    case = check.case(PUBLIC_SEED, False)
    assert check.judge(got, expected, case, Tolerance(cfg.rtol, cfg.atol)).fraction == 1.0
    assert check.judge(got, expected, case, Tolerance()).fraction < 1.0


def test_results_validation_catches_bad_rows():
    with pytest.raises(results.ResultsError, match="outside"):
        results.validate({"score": 5, "tests": [{"name": "a", "score": 5, "max_score": 1}]})
    with pytest.raises(results.ResultsError, match="sum"):
        results.validate({"score": 5, "tests": [{"name": "a", "score": 1, "max_score": 1}]})
    assert Path(results.__file__).is_file()


def test_hidden_inputs_change_shapes_not_only_values():
    checks = assignment.load().checks
    losses = [name for name in checks if "LossAndGradient" in name]

    def case(name, seed, hidden=True):
        return checks[name].case(seed, hidden)

    for seed in (_load_config().hidden_seed, 1, 2, 3):
        changed = sum(case(n, seed)["outsideVectors"].shape
                      != case(n, PUBLIC_SEED, False)["outsideVectors"].shape for n in losses)
        assert changed >= 3, seed
        for name in [n for n in losses if "samples" in n]:
            samples, o = case(name, seed)["samples"], case(name, seed)["outsideWordIdx"]
            assert len(samples) == 10 and o not in samples
            assert (len(set(samples.tolist())) == 10) == ("distinct" in name)
        large = case("naiveSoftmaxLossAndGradient (larger)", seed)
        assert large["outsideWordIdx"] == large["outsideVectors"].shape[0] - 1
        assert case("skipgram", seed)["centerWord"] in case("skipgram", seed)["word2Ind"]
        sgd = case("sgd", seed)  # the optimum lies outside the ball postprocessing projects onto
        assert np.linalg.norm(sgd["target"]) > sgd["radius"]


def test_tests_carry_gradescope_utils_metadata():
    cfg = _load_config()
    tests = graded_tests.collect(cfg, assignment.load(), PUBLIC_SEED)
    numbers = [t.__number__ for t in tests]
    extra = len(cfg.timing) + 1 + len(assignment.load().manifest.artefacts) + 1  # + final answers
    assert len(set(numbers)) == len(numbers) == len(cfg.public) + len(cfg.hidden) + extra
    assert numbers[-1] == "5.1" and tests[-1].__doc__ == "written part: final answers (informational)"
    assert sum(t.__weight__ for t in tests) == cfg.total
    hidden = [t for t in tests if "hidden" in t.__tags__]
    assert len(hidden) == len(cfg.hidden)
    assert {t.__visibility__ for t in hidden} == {cfg.visibility["hidden"]} == {"visible"}
    assert tests[0].__doc__ == "sigmoid" and tests[0].__weight__ == cfg.public["sigmoid"]


def test_run_test_reads_results_as_gradescope_utils_does():
    # pylint: disable=import-outside-toplevel
    from gradescope_utils.autograder_utils.decorators import number, partial_credit, weight

    @partial_credit(3)
    @number("9.1")
    def partial(context, set_score=None):
        """partial"""
        set_score(1.25)
        raise AssertionError("one of three")

    @weight(2)
    @number("9.2")
    def failing(context):
        """failing"""
        raise AssertionError("wrong")

    @weight(2)
    @number("9.3")
    def passing(context):
        """passing"""
        return "fine"

    rows = [grader.run_test(test, None) for test in (partial, failing, passing)]
    assert [(r.score, r.max_score, r.status, r.output) for r in rows] == [
        (1.25, 3.0, "failed", "one of three"), (0.0, 2.0, "failed", "wrong"),
        (2.0, 2.0, "passed", "fine")]
