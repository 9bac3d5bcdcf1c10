"""Final answers through the real grader and the handout's check.py.

The built autograder.zip grades submissions in a root laid out like
Gradescope's (with a configuration that gives the row points, so that full
marks mean something): the reference statements get them; the known slips and
hostile lines each get their one message; a missing file is an informational
"not submitted". The handout's `python check.py` says the same verdicts (at
other, public points). The zip holds the results file and nothing else of the
written part, and the leak rules say so.
"""

import configparser
import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import assignment, config, final_answers, package
from autograder.assignment import AssignmentError
from autograder.graded_tests import INTERNAL_ERROR
from autograder.grader import grade_path
from autograder.layout import Layout, ManifestError
from instructor import handout, leaks
from instructor.release import _ship_config
from tests.conftest import ASSIGNMENT, SOLUTIONS

ROW = "written part: final answers"
POINTS = 6.0
RESULTS = json.loads((SOLUTIONS / "written" / "results.json").read_text(encoding="utf-8"))["results"]
STATEMENTS = {result["id"]: result["expr"] for result in RESULTS if "expr" in result}

# Three real-looking answer sets (each result written as a student would, not copied).
ALL_RIGHT = """\
# (a) to (i): my boxed results
ce: -log(yhat[o])
naive_vc: U @ (yhat - y)
naive_vc_expected: Sum_w(yhat[w] * u[w]) - u_o
naive_uo: (yhat[o] - 1) * v_c
naive_uw: yhat[w] * v_c
naive_uw_all: (yhat[w] - y[w]) * v_c
naive_U: v_c * (yhat - y)^T
leaky: cases(1, x > 0, alpha, x < 0)
sigmoid: sigma(x) * sigma(-x)
neg_vc: (sigma(u_o^T @ v_c) - 1) * u_o + Sum_s(sigma(u_neg[s]^T @ v_c) * u_neg[s])
neg_uo: (sigma(u_o^T @ v_c) - 1) * v_c
neg_uws: sigma(u_neg[s]^T @ v_c) * v_c
neg_loss_matrix: -ones^T @ log(sigma(Uow^T @ v_c))
neg_vc_matrix: Uow @ (sigma(Uow^T @ v_c) - 1)
neg_repeated: Sum_same(sigma(u_neg[t]^T @ v_c)) * v_c
sg_U: Sum_j(dJ_dU[j])
sg_vc: Sum_j(dJ_dvc[j])
sg_vw: 0
"""
TRANSPOSE_AND_SIGN = ALL_RIGHT.replace("naive_vc: U @ (yhat - y)", "naive_vc: U^T @ (yhat - y)") \
    .replace("neg_uo: (sigma(u_o^T @ v_c) - 1) * v_c", "neg_uo: (1 - sigma(u_o^T @ v_c)) * v_c")
F_FOR_F_PRIME = ALL_RIGHT.replace("sigmoid: sigma(x) * sigma(-x)", "sigmoid: sigma(x)")
SLIPS = """\
# the known slips
naive_vc: U^T @ (yhat - y)
neg_uo: (1 - sigma(u_o^T @ v_c)) * v_c
sigmoid: sigma(x)
neg_repeated: (1 - sigma(-u_neg[s]^T @ v_c)) * v_c
sg_vc: Sum_j(dJ_dvc[j]) / 4
# and lines that are not answers
sigmoid sigma(x)
naive_uo: __import__('os').system('id')
neg_vc: %s
naive_uw: %s
neg_uws: Sum_s(Sum_s(Sum_s(u_neg[s])))
""" % ("-" * 300 + "v_c", "yhat[w] + " * 1000 + "0")
SLIP_LINES = [
    "final_answers.txt: 8 of 18 results answered; 0 agree with the reference at 3 random "
    "points each, 8 do not.",
    "naive_vc: wrong shape: two shapes do not fit in a product or a sum (check the transposes; "
    "vectors are columns)",
    "naive_uo: call functions by name with plain arguments, e.g. sigma(x)",
    "sigmoid: the values disagree with the reference at random points (is it the derivative, "
    "not the function itself?)",
    "neg_vc: the expression is too long (more than 200 parts)",
    "neg_uo: right up to the sign: check the signs of your derivation",
    "neg_uws: at most 2 sums may be nested",
    "neg_repeated: right at 1 of 3 random points, wrong at the others: does it hold in every "
    "case the question allows?",
    "sg_vc: right up to a constant factor (0.25 times the result)",
    "line 8: expected `ID: expression`, an answer's id, a colon and the expression",
    "line 11: naive_uw: the expression is longer than 400 characters",
    "not answered: ce, naive_vc_expected, naive_uw_all, naive_U, leaky, neg_loss_matrix, "
    "neg_vc_matrix, sg_U, sg_vw",
]


def _config(points=POINTS):
    """config.ini with points for the row; no timing tests nor pylint (not what is tested)."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
    parser.optionxform = str
    parser.read(SOLUTIONS / "config.ini", encoding="utf-8")
    for name in [n for n in parser["timing"] if n != "timeout"]:
        parser.remove_option("timing", name)
    parser.remove_section("timing_factors")
    parser["style"]["report"] = "no"
    parser["final_answers"]["points"] = str(points)
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """autograder.zip with the row worth POINTS: (zip, the configuration's total)."""
    work = tmp_path_factory.mktemp("finals")
    with open(work / "config.ini", "w", encoding="utf-8") as handle:
        _config().write(handle)
    target, _ = package.build(Layout(), work / "autograder.zip")
    _ship_config(target, work / "config.ini")
    return target, assignment.load().load_config(work / "config.ini").total


def _submission(folder, answers=None):
    folder.mkdir()
    for name in ("word2vec.py", "sgd.py"):
        shutil.copy2(SOLUTIONS / name, folder / name)
    if answers is not None:
        (folder / "final_answers.txt").write_text(answers, encoding="utf-8")
    return folder


def _row(results):
    (row,) = [test for test in results["tests"] if test["name"].startswith(ROW)]
    return row


def _through_zip(built, tmp_path, answers):
    zip_path, _ = built
    results = package.run_in_gradescope_root(zip_path, _submission(tmp_path / "upload", answers),
                                             tmp_path / "root")
    return results, _row(results)


def test_the_right_answers_get_full_marks_through_the_zip(built, tmp_path):
    results, row = _through_zip(built, tmp_path, ALL_RIGHT)
    assert row["name"] == ROW and row["number"] == "5.1" and row["status"] == "passed"
    assert row["score"] == row["max_score"] == POINTS
    assert results["score"] == built[1]  # full marks
    assert row["output"].splitlines()[0] == ("final_answers.txt: 18 of 18 results answered; 18 "
                                             "agree with the reference at 3 random points each.")
    assert row["extra_data"]["finding"] == "18/18"
    assert row["extra_data"]["kind"] == "written"  # a kind of its own in batch reports


def test_the_reference_statements_themselves_agree_through_the_zip(built, tmp_path):
    _, row = _through_zip(built, tmp_path, "".join("%s: %s\n" % item for item in STATEMENTS.items()))
    assert row["score"] == POINTS, row["output"]


def test_each_slip_and_each_hostile_line_is_one_clear_message_through_the_zip(built, tmp_path):
    results, row = _through_zip(built, tmp_path, SLIPS)
    assert row["status"] == "failed" and row["score"] == 0
    assert row["output"].splitlines() == SLIP_LINES
    assert not [s for s in STATEMENTS.values() if len(s) > 3 and s in row["output"]]
    assert results["score"] == built[1] - POINTS  # the code's tests are untouched


@pytest.mark.parametrize("answers, lost, message", [
    (TRANSPOSE_AND_SIGN, 2, "naive_vc: wrong shape"),
    (F_FOR_F_PRIME, 1, "sigmoid: the values disagree with the reference at random points (is it "
                       "the derivative, not the function itself?)"),
])
def test_a_share_of_the_points_per_result(built, tmp_path, answers, lost, message):
    _, row = _through_zip(built, tmp_path, answers)
    assert row["score"] == pytest.approx(round(POINTS * (18 - lost) / 18, 4))
    assert message in row["output"] and row["extra_data"]["finding"] == "%d/18" % (18 - lost)


def _grade_here(tmp_path, answers):
    """The default configuration (the row is informational), graded in this process."""
    cfg = assignment.load().load_config()
    tests, _, _ = grade_path(_submission(tmp_path / "upload", answers), tmp_path / "work", cfg)
    (row,) = [test for test in tests if test.name.startswith(ROW)]
    return row


def test_a_missing_file_is_informational_not_an_error(tmp_path):
    row = _grade_here(tmp_path, None)
    assert row.name == ROW + " (informational)" and row.max_score == 0 and row.passed
    assert row.output.startswith("final_answers.txt is not in the submission (optional)")
    assert row.extra_data == {"kind": "informational", "check": "final answers", "hints": [],
                              "finding": "not submitted"}


def _check_py(tmp_path, answers):
    """Run the handout's check.py (public tests only) on the reference code and answers."""
    folder = tmp_path / "handout"
    shutil.copytree(ASSIGNMENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("word2vec.py", "sgd.py"):
        shutil.copy2(SOLUTIONS / name, folder / name)
    if answers is not None:
        (folder / "final_answers.txt").write_text(answers, encoding="utf-8")
    run = subprocess.run([sys.executable, "check.py", "--no-costs"], cwd=folder, check=True,
                         capture_output=True, text=True, timeout=300)
    return run.stdout[run.stdout.index("Final answers of the written part"):].splitlines()


def test_the_local_check_says_the_same_verdicts(tmp_path):
    row = _grade_here(tmp_path, SLIPS)
    graded = row.output.splitlines()[:-1]  # less the informational note
    local = _check_py(tmp_path, SLIPS)
    assert local[0].startswith("Final answers of the written part (final_answers.txt), checked "
                               "at public random points")
    assert [line.strip() for line in local[2:]] == graded == SLIP_LINES


def test_the_local_check_of_a_missing_file_and_of_right_answers(tmp_path):
    assert "final_answers.txt is not there (optional)" in _check_py(tmp_path / "a", None)[2]
    (tmp_path / "b").mkdir()
    assert _check_py(tmp_path / "b", ALL_RIGHT)[2].strip() == (
        "final_answers.txt: 18 of 18 results answered; 18 agree with the reference at 3 random "
        "points each.")


def test_the_zip_holds_the_results_file_and_nothing_else_of_the_written_part(built, tmp_path):
    zip_path, _ = built
    with zipfile.ZipFile(zip_path) as archive:
        written = [n for n in archive.namelist() if "/written/" in n]
    assert written == ["solutions/written/results.json"]
    assert leaks.autograder_leaks(zip_path, Layout()) == []

    def planted(name, data):
        target = tmp_path / name.replace("/", "_")
        with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(target, "w") as copy:
            for info in source.infolist():
                copy.writestr(info, data if info.filename == name else source.read(info))
            if name not in source.namelist():
                copy.writestr(name, data)
        return leaks.autograder_leaks(target, Layout())

    answers = (SOLUTIONS / "written" / "answers.txt").read_bytes()
    assert planted("solutions/written/answers.txt", answers) == [
        "solutions_written_answers.txt: solutions/written/answers.txt is a reference written answer"]
    results = (SOLUTIONS / "written" / "results.json").read_bytes()
    assert planted("solutions/written/results.json", results + answers) == [
        "solutions_written_results.json: solutions/written/results.json is not the results file "
        "solutions/written/results.json: it may hold more than the statements"]
    assert planted("solutions/utils/notes.txt", STATEMENTS["neg_vc"].encode()) == [
        "solutions_utils_notes.txt: solutions/utils/notes.txt holds the reference written answers"]


def test_the_handout_ships_the_public_values_never_the_statements(tmp_path):
    target = handout.build(Layout(), tmp_path / "handout.zip")
    assert leaks.handout_leaks(target, Layout()) == []
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        public = json.loads(archive.read("a2/public_tests.json"))
    assert {"a2/exprlib.py", "a2/check.py", "a2/checklib.py"} <= names
    finals = public["finals"]
    assert finals["file"] == "final_answers.txt" and len(finals["results"]) == 18
    for item in finals["results"]:
        assert not {"expr", "lhs", "condition"} & set(item["result"])
        assert len(item["expected"]["__list__"]) == 3  # values at three public points
    with zipfile.ZipFile(target) as source, zipfile.ZipFile(tmp_path / "more.zip", "w") as copy:
        for info in source.infolist():
            copy.writestr(info, source.read(info))
        copy.writestr("a2/written/results.json", b"{}")
        copy.writestr("a2/notes.txt", "neg_vc: %s\n" % STATEMENTS["neg_vc"])
    assert leaks.handout_leaks(tmp_path / "more.zip", Layout()) == [
        "more.zip: a2/notes.txt holds the reference written answers",
        "more.zip: a2/written/results.json holds the reference written answers"]


def test_the_manifest_the_checks_module_and_the_config_must_agree(tmp_path):
    source = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS, source, ignore=shutil.ignore_patterns("__pycache__", "datasets",
                                                                      "saved*"))
    manifest = source / "assignment.ini"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("results = written/results.json\n", ""), encoding="utf-8")
    with pytest.raises(ManifestError, match=r"final_answers = final_answers.txt needs the "
                                            r"written part's boxed results"):
        assert Layout.of(source=source).manifest
    manifest.write_text(text, encoding="utf-8")
    checks = source / "utils" / "checks.py"
    checks.write_text(checks.read_text(encoding="utf-8").replace("FINALS = ", "_FINALS = "),
                      encoding="utf-8")
    with pytest.raises(AssignmentError, match=r"must declare FINALS = checklib.Finals"):
        assignment.load(Layout.of(source=source))
    cfg = assignment.load()
    with pytest.raises(config.ConfigError, match=r"\[final_answers\]: the assignment has no final "
                                                 r"answers"):
        config.load(SOLUTIONS / "config.ini", list(cfg.checks), list(cfg.costs),
                    {c.name: c.cheaper_than for c in cfg.costs.values() if c.cheaper_than})
    bad = tmp_path / "config.ini"
    with open(bad, "w", encoding="utf-8") as handle:
        parser = _config(-1)
        parser.write(handle)
    with pytest.raises(config.ConfigError, match=r"\[final_answers\] points: must be at least 0"):
        cfg.load_config(bad)


def test_a_grader_bug_is_a_neutral_row_and_a_hidden_traceback(tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("a broken reference statement")
    monkeypatch.setattr(final_answers, "reference_values", broken)
    cfg = assignment.load().load_config()
    tests, _, _ = grade_path(_submission(tmp_path / "upload", ALL_RIGHT), tmp_path / "work", cfg)
    row = next(test for test in tests if test.name.startswith(ROW))
    assert row.output == INTERNAL_ERROR and row.extra_data["internal_error"]
    assert "a broken reference statement" in tests[-1].output and tests[-1].visibility == "hidden"
