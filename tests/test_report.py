"""The instructor's batch report: built from a hand-made batch folder, checked for content."""

import base64
import csv
import json
import re
from pathlib import Path

import pytest

from autograder import report
from autograder.timing import NAIVE, NEGSAMP

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGN_HINT = ("it has the opposite sign everywhere: check the sign of your derivative "
             "(ŷ - y, σ - 1)")
INJECTION = "<script>alert('x')</script>"


def _test(name, number, score, max_score, output="passed", visibility="visible", tags=(),
          status=None, extra_data=None):
    row = {"name": name, "number": number, "score": score, "max_score": max_score,
           "status": status or ("passed" if score >= max_score else "failed"), "output": output,
           "visibility": visibility, "tags": list(tags) or ["word2vec", "public"]}
    if extra_data is not None:
        row["extra_data"] = extra_data
    return row


def _timing(function, number, ratio, passed=True, extra=True):
    output = "%s costs %.1fx the reference at |V| = 100000 (allowed: 4x)" % (function, ratio)
    data = {"function": function, "ratio": ratio, "per_call_us": {"2000": 58.0, "100000": 2500.0},
            "reference_us": {"2000": 70.0, "100000": 3500.0}, "growth": 0.98}
    return _test("timing: " + function, number, 2.0 if passed else 0.0, 2.0, output,
                 tags=["word2vec", "timing"], extra_data=data if extra else None)


def _sign_output(case, got):
    return ("naiveSoftmaxLossAndGradient: gradOutsideVecs: 28 of 28 entries differ (tolerance "
            "rtol=1e-05, atol=1e-07)\n  first wrong entry at index (0, 0): expected -%s, got %s\n"
            "  hint: %s.\nnaiveSoftmaxLossAndGradient: your gradients disagree with centred "
            "differences of your own loss: run `python word2vec.py %s` for the first wrong "
            "entry." % (got, got, SIGN_HINT, case))


def _results(small=1.5, small_out="passed", larger=1.5, larger_out="passed", naive_ratio=1.4,
             negsamp_ratio=1.1, negsamp_extra=True, sgd_out="passed", sgd=2.0):
    """A results.json shaped like the grader's: public, hidden, timing, informational tests."""
    tests = [
        _test("sigmoid", "1.1", 1.5, 1.5),
        _test("naiveSoftmaxLossAndGradient (small)", "1.2", small, 1.5, small_out),
        _test("naiveSoftmaxLossAndGradient (larger)", "1.3", larger, 1.5, larger_out),
        _test("sgd", "1.4", sgd, 2.0, sgd_out),
        _test("naiveSoftmaxLossAndGradient (small) (hidden inputs)", "2.1", small, 1.5,
              small_out.replace("0.06", "0.28"), visibility="after_published",
              tags=["word2vec", "hidden"]),
        _timing(NAIVE, "3.1", naive_ratio, passed=naive_ratio <= 4),
        _timing(NEGSAMP, "3.2", negsamp_ratio, extra=negsamp_extra),
        _test("style: pylint report (informational)", "4.1", 0.0, 0.0, "pylint: 9.9/10",
              tags=["style"], status="passed"),
        _test("word_vectors.png is in the submission (informational)", "4.2", 0.0, 0.0,
              "word_vectors.png is not in the submission", tags=["plot"], status="failed"),
    ]
    return {"score": round(sum(t["score"] for t in tests), 4), "execution_time": 6.0,
            "output": "", "tests": tests}


def _write_batch(folder: Path, results: dict, errors=(), missing=()) -> Path:
    """grades.csv (graded rows, then error rows) and results/<submission>.json."""
    names = [t["name"] for t in next(iter(results.values()))["tests"]] if results else []
    (folder / "results").mkdir(parents=True)
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "name", "email", "sid", "status", "score", "max_score"] + names)
        for submission, data in results.items():
            writer.writerow([submission, submission.title(), submission + "@uni.edu", "123", "graded",
                             data["score"], 14.0] + [t["score"] for t in data["tests"]])
            if submission not in missing:
                (folder / "results" / (submission + ".json")).write_text(json.dumps(data),
                                                                          encoding="utf-8")
        for submission, name in errors:
            writer.writerow([submission, name, "", "", "error", "", ""] + [""] * len(names))
    return folder


BATCH = {
    "alice": _results(),
    "bob": _results(small=0.75, small_out=_sign_output("small", "0.06")),
    "erin": _results(larger=0.75, larger_out=_sign_output("larger", "0.011"), naive_ratio=0.8),
    "carol": _results(naive_ratio=30.0, negsamp_ratio=1.0, negsamp_extra=False, sgd=0.0,
                      sgd_out="your code raised ValueError: hint: %s & more" % INJECTION),
}


@pytest.fixture(name="built", scope="module")
def built_fixture(tmp_path_factory):
    """The report of a batch of four graded submissions and one the grader could not grade."""
    folder = _write_batch(tmp_path_factory.mktemp("batch"), BATCH,
                          errors=[("dave", '<img src=x onerror="alert(1)">')])
    page = report.build_report(folder)
    return folder, page, page.read_text(encoding="utf-8")


def _md_row(markdown: str, first_cells: str) -> list[str]:
    """The cells of the Markdown table row that starts with first_cells."""
    for line in markdown.splitlines():
        if line.startswith("| " + first_cells + " |"):
            return [c.strip() for c in line.strip("|").split(" | ")]
    raise AssertionError("no row %r in report.md" % first_cells)


def test_writes_valid_pngs_and_both_pages(built):
    """The three plots are real PNGs, and report.md links each."""
    folder, page, _ = built
    assert page == folder / "report" / "report.html"
    for name in ("scores.png", "pass_rates.png", "timing.png"):
        data = (folder / "report" / name).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 1000, name
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    for name in ("scores.png", "pass_rates.png", "timing.png"):
        assert re.search(r"!\[[^\]]+\]\(%s\)" % re.escape(name), markdown)


def test_html_is_self_contained_with_embedded_pngs(built):
    """The page carries its plots and style: nothing to fetch."""
    _, _, text = built
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) == 3
    assert all(base64.b64decode(image).startswith(PNG_MAGIC) for image in images)
    assert "<style>" in text
    assert not re.search(r"(src|href)=\"(?!data:)", text)   # no external resources
    assert "<link" not in text and "<script" not in text


def test_counts_and_scores(built):
    """Submissions, graded, errors and the score statistics of grades.csv."""
    folder, _, text = built
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert _md_row(markdown, "submissions")[1] == "5"
    assert _md_row(markdown, "graded")[1] == "4"
    assert _md_row(markdown, "errors (could not grade)")[1] == "1"
    scores = [data["score"] for data in BATCH.values()]
    assert _md_row(markdown, "mean score")[1] == "%.2f" % (sum(scores) / 4)
    assert _md_row(markdown, "highest score")[1] == "%.2f" % max(scores)
    assert "<td>dave</td>" in text


def test_pass_rates_are_right(built):
    """Per-test passes and mean points, in the functions and in report.md."""
    folder, _, _ = built
    stats = {s.name: s for s in report.pass_rates(BATCH)}
    small = stats["naiveSoftmaxLossAndGradient (small)"]
    assert (small.submissions, small.passed, small.kind) == (4, 3, "public")
    assert small.pass_rate == pytest.approx(0.75)
    assert small.mean_points == pytest.approx((1.5 * 3 + 0.75) / 4)
    assert stats["naiveSoftmaxLossAndGradient (small) (hidden inputs)"].kind == "hidden"
    assert stats["timing: " + NAIVE].pass_rate == pytest.approx(0.75)
    assert stats["timing: " + NAIVE].kind == "timing"
    assert stats["style: pylint report (informational)"].kind == "info"
    assert [s.number for s in report.pass_rates(BATCH)][:3] == ["1.1", "1.2", "1.3"]
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    row = _md_row(markdown, "1.2")
    assert row[1:] == ["naiveSoftmaxLossAndGradient (small)", "public", "4", "3", "75%",
                       "1.31 / 1.5"]
    assert _md_row(markdown, "1.4")[5] == "75%"      # sgd: carol scored 0


def test_frequent_hints_group_and_count_submissions(built):
    """Identical advice groups across tests and numbers; each submission counts once."""
    folder, _, text = built
    hints = report.frequent_hints(BATCH)
    sign = [h for h in hints if h.hint.startswith("it has the opposite sign")]
    assert len(sign) == 1      # public and hidden, small and larger, bob and erin: one advice
    assert sign[0].submissions == {"bob", "erin"}
    assert sign[0].tests == {"naiveSoftmaxLossAndGradient (small)",
                             "naiveSoftmaxLossAndGradient (larger)"}
    assert hints[0] is sign[0]
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    row = _md_row(markdown, "2")
    assert row[1].startswith("it has the opposite sign everywhere")
    assert "(small)" in row[2] and "(larger)" in row[2]
    assert "it has the opposite sign everywhere" in text


def test_hint_normalisation_groups_numbers():
    """A hint runs from 'hint:' to the end of its sentence, numbers replaced."""
    one = "x\n  hint: only row 3 (the center word's) should be non-zero: add it. Then more.\n"
    two = "  hint: only row 12 (the center word's) should be non-zero: add it."
    assert report.hints_in(one) == report.hints_in(two) == [
        "only row N (the center word's) should be non-zero: add it"]
    sigmoid = ("sigmoid: warned 'overflow encountered in exp' on x = [-1000, -60, 60, 1000]; "
               "hint: exp(-x) overflows for very negative x: build the result from exp(-|x|).")
    assert report.hints_in(sigmoid) == [
        "exp(-x) overflows for very negative x: build the result from exp(-|x|)"]
    assert report.hints_in("use np.add.at).") == []
    assert report.hints_in("hint: use a loop or np.add.at).") == ["use a loop or np.add.at)"]


def test_submission_text_is_escaped(built):
    """Student names and outputs cannot inject markup into either page."""
    folder, _, text = built
    assert INJECTION not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert INJECTION not in markdown and "<img src=x" not in markdown


def test_timing_ratios_from_extra_data_or_feedback(built):
    """Ratios from extra_data, else from the feedback; none when the run failed."""
    folder, _, _ = built
    ratios = report.timing_ratios(BATCH)
    assert sorted(ratios[NAIVE]) == [0.8, 1.4, 1.4, 30.0]
    assert sorted(ratios[NEGSAMP]) == [1.0, 1.1, 1.1, 1.1]     # carol's read from the feedback
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert _md_row(markdown, NAIVE)[1:] == ["4", "0", "1.4x", "30.0x", "1"]
    failed = _results()
    failed["tests"][5].update(extra_data={"function": NAIVE, "ratio": None, "per_call_us": {},
                                          "reference_us": {}, "growth": None},
                              output="naiveSoftmaxLossAndGradient raised ValueError: no")
    failed["tests"][6].pop("extra_data")
    assert report.timing_ratios({"x": failed}) == {NAIVE: [None], NEGSAMP: [1.1]}


def test_no_graded_submission(tmp_path):
    """Only error rows: a clear page, the errors listed, placeholder plots."""
    folder = _write_batch(tmp_path, {}, errors=[("dave", "Dave"), ("eve", "")])
    text = report.build_report(folder).read_text(encoding="utf-8")
    assert "No submission was graded" in text
    assert "<td>dave</td>" in text and "<td>eve</td>" in text
    assert "data:image/png" not in text
    for name in ("scores.png", "pass_rates.png", "timing.png"):
        assert (folder / "report" / name).read_bytes().startswith(PNG_MAGIC)
    assert "No submission was graded" in (folder / "report" / "report.md").read_text(encoding="utf-8")


def test_graded_row_without_results_file(tmp_path):
    """A graded row whose results file is absent is reported, not fatal."""
    batch = {"alice": _results(), "bob": _results(small=0.75, small_out=_sign_output("small", "1"))}
    folder = _write_batch(tmp_path, batch, missing=["bob"])
    text = report.build_report(folder).read_text(encoding="utf-8")
    assert "results file missing" in text and "<td>bob</td>" in text
    assert "opposite sign" not in text
    assert text.count("data:image/png;base64,") == 3


def test_thresholds_follow_what_the_grader_applied():
    results = {"a": {"tests": [_timing(NAIVE, "3.1", 3.0)]}}
    assert report.thresholds(results)[NAIVE] == 4.0  # no "allowed": the default
    results["a"]["tests"][0]["extra_data"]["allowed"] = 2.5  # config.ini naive_factor = 2.5
    assert report.thresholds(results) == {NAIVE: 2.5, NEGSAMP: 5.0}
    table = report.timing_table(report.timing_ratios(results), report.thresholds(results))
    assert table[1][-1] == "1"  # 3.0x is over 2.5x
