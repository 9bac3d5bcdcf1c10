"""The instructor's batch report: built from a hand-made batch folder, checked for content."""

import base64
import csv
import json
import re
from pathlib import Path

import pytest
from matplotlib.axes import Axes

from autograder import report

NAIVE, NEGSAMP = "naiveSoftmaxLossAndGradient", "negSamplingLossAndGradient"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGN_HINT = ("it has the opposite sign everywhere: check the sign of your derivative "
             "(ŷ - y, σ - 1).")
TEXT_ONLY_HINT = "advice that only the feedback text gives"
INJECTION = "<script>alert('x')</script>"


def _test(name, number, score, max_score, output="passed", visibility="visible", tags=(),
          status=None, kind="public", check=None, hints=(), extra=None):
    """A results row; kind=None: an older row without extra_data."""
    row = {"name": name, "number": number, "score": score, "max_score": max_score,
           "status": status or ("passed" if score >= max_score else "failed"), "output": output,
           "visibility": visibility, "tags": list(tags) or ["word2vec", "public"]}
    if kind is not None:
        row["extra_data"] = {"kind": kind, "check": check or name, "hints": list(hints),
                             **(extra or {})}
    return row


def _cost(function, number, ratio, passed=True, allowed=4.0):
    output = "%s costs %.1fx the reference at |V| = 100000 (allowed: %sx)" % (function, ratio,
                                                                              allowed)
    extra = {"ratio": ratio, "allowed": allowed, "per_call_us": {"2000": 58.0, "100000": 2500.0},
             "reference_us": {"2000": 70.0, "100000": 3500.0}, "growth": 0.98}
    return _test("timing: " + function, number, 2.0 if passed else 0.0, 2.0, output,
                 tags=["word2vec", "timing"], kind="cost", check=function, extra=extra)


def _sign_output(case, got):
    """The feedback a sign slip gets; its hint is in the text and in extra_data."""
    return ("naiveSoftmaxLossAndGradient: gradOutsideVecs: 28 of 28 entries differ (tolerance "
            "rtol=1e-05, atol=1e-07)\n  first wrong entry at index (0, 0): expected -%s, got %s\n"
            "  hint: %s\nnaiveSoftmaxLossAndGradient: your gradients disagree with centred "
            "differences of your own loss: run `python word2vec.py %s` for the first wrong "
            "entry." % (got, got, SIGN_HINT, case))


def _results(small=1.5, small_out="passed", larger=1.5, larger_out="passed", naive_ratio=1.4,
             negsamp_ratio=1.1, negsamp_extra=True, sgd_out="passed", sgd=2.0, sgd_hints=()):
    """A results.json shaped like the grader's: public, hidden, cost, informational tests."""
    small_hints = [SIGN_HINT] if small_out != "passed" else []
    tests = [
        _test("sigmoid", "1.1", 1.5, 1.5),
        _test(NAIVE + " (small)", "1.2", small, 1.5, small_out, hints=small_hints),
        _test(NAIVE + " (larger)", "1.3", larger, 1.5, larger_out,
              hints=[SIGN_HINT] if larger_out != "passed" else []),
        _test("sgd", "1.4", sgd, 2.0, sgd_out, hints=sgd_hints),
        _test(NAIVE + " (small) (hidden inputs)", "2.1", small, 1.5,
              small_out.replace("0.06", "0.28"), visibility="after_published",
              tags=["word2vec", "hidden"], kind="hidden", check=NAIVE + " (small)",
              hints=small_hints),
        _cost(NAIVE, "3.1", naive_ratio, passed=naive_ratio <= 4),
        _cost(NEGSAMP, "3.2", negsamp_ratio, allowed=5.0),
        _test("style: pylint report (informational)", "4.1", 0.0, 0.0, "pylint: 9.9/10",
              tags=["style"], status="passed", kind="informational", check="pylint"),
        _test("word_vectors.png is in the submission (informational)", "4.2", 0.0, 0.0,
              "word_vectors.png is not in the submission", tags=["plot"], status="failed",
              kind="informational", check="word_vectors.png"),
    ]
    if not negsamp_extra:  # an older row: no kind, no ratio, whatever its text says
        del tests[6]["extra_data"]
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
    "alice": _results(sgd_out="passed\n  hint: %s." % TEXT_ONLY_HINT),
    "bob": _results(small=0.75, small_out=_sign_output("small", "0.06")),
    "erin": _results(larger=0.75, larger_out=_sign_output("larger", "0.011"), naive_ratio=0.8),
    "carol": _results(naive_ratio=30.0, negsamp_ratio=1.0, negsamp_extra=False, sgd=0.0,
                      sgd_out="your code raised ValueError: hint: %s & more" % INJECTION,
                      sgd_hints=["%s & more" % INJECTION]),
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
    small = stats[NAIVE + " (small)"]
    assert (small.submissions, small.passed, small.kind) == (4, 3, "public")
    assert small.pass_rate == pytest.approx(0.75)
    assert small.mean_points == pytest.approx((1.5 * 3 + 0.75) / 4)
    assert stats[NAIVE + " (small) (hidden inputs)"].kind == "hidden"
    assert stats["timing: " + NAIVE].pass_rate == pytest.approx(0.75)
    assert stats["timing: " + NAIVE].kind == "cost"
    assert stats["style: pylint report (informational)"].kind == "informational"
    assert [s.number for s in report.pass_rates(BATCH)][:3] == ["1.1", "1.2", "1.3"]
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    row = _md_row(markdown, "1.2")
    assert row[1:] == [NAIVE + " (small)", "public", "4", "3", "75%", "1.31 / 1.5"]
    assert _md_row(markdown, "1.4")[5] == "75%"      # sgd: carol scored 0
    assert _md_row(markdown, "3.1")[2] == "cost" and _md_row(markdown, "4.1")[2] == "informational"
    assert set(report.KIND_COLOURS) == set(report.KINDS)


def test_kinds_come_from_extra_data_not_names():
    """A row's kind is what the grader recorded, whatever its name, tags or visibility."""
    assert report.test_kind(_test("timing: x", "1.1", 1, 1, tags=["timing"])) == "public"
    assert report.test_kind(_test("x", "1.1", 1, 1, kind="cost")) == "cost"
    assert report.test_kind(_test("x", "1.1", 0, 0, kind="hidden")) == "hidden"
    assert report.test_kind(_test("x", "1.1", 1, 1, kind="something else")) == "public"


def test_rows_without_extra_data_are_public_or_informational():
    """An older results file: kinds from max_score only, no hints, no cost ratios."""
    rows = [_test("sgd", "1.4", 0.0, 2.0, "  hint: %s." % TEXT_ONLY_HINT, kind=None),
            _test("timing: " + NAIVE, "3.1", 0.0, 2.0, "%s costs 30.0x the reference" % NAIVE,
                  tags=["timing"], kind=None),
            _test("x (hidden inputs)", "2.1", 1.0, 1.0, visibility="after_published", kind=None),
            _test("style: pylint report (informational)", "4.1", 0.0, 0.0, kind=None)]
    assert [report.test_kind(r) for r in rows] == ["public", "public", "public", "informational"]
    results = {"old": {"tests": rows}}
    assert not report.frequent_hints(results) and not report.cost_stats(results)
    assert report.check_name(rows[2]) == "x (hidden inputs)"  # no check recorded: its name


def test_frequent_hints_group_and_count_submissions(built):
    """Identical advice groups across checks and public/hidden rows; each submission counts once."""
    folder, _, text = built
    hints = report.frequent_hints(BATCH)
    sign = [h for h in hints if h.hint.startswith("it has the opposite sign")]
    assert len(sign) == 1      # public and hidden, small and larger, bob and erin: one advice
    assert sign[0].submissions == {"bob", "erin"}
    assert sign[0].checks == {NAIVE + " (small)", NAIVE + " (larger)"}  # the hidden row: its check
    assert hints[0] is sign[0]
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert "| submissions | hint | checks |" in markdown
    row = _md_row(markdown, "2")
    assert row[1].startswith("it has the opposite sign everywhere")
    assert "(small)" in row[2] and "(larger)" in row[2] and "hidden" not in row[2]
    assert "it has the opposite sign everywhere" in text


def test_a_hint_only_in_the_feedback_text_is_not_counted(built):
    """alice's sgd feedback says 'hint: ...' but its extra_data lists no hint: not in the report."""
    folder, _, text = built
    alice_sgd = BATCH["alice"]["tests"][3]
    assert "hint: " + TEXT_ONLY_HINT in alice_sgd["output"] and not report.hints_of(alice_sgd)
    assert all(TEXT_ONLY_HINT not in h.hint for h in report.frequent_hints(BATCH))
    assert TEXT_ONLY_HINT not in text
    assert TEXT_ONLY_HINT not in (folder / "report" / "report.md").read_text(encoding="utf-8")
    only_text = {"x": {"tests": [_test("sgd", "1.4", 0.0, 2.0, "wrong\n  hint: %s." % TEXT_ONLY_HINT)]}}
    assert report.frequent_hints(only_text) == []


def test_hint_normalisation_groups_numbers():
    """Whitespace folded, numbers replaced, a final period dropped; digits in names kept."""
    one = _test("x", "1.1", 0, 1, hints=["only row 3 (the center word's)\n should be non-zero: add it."])
    two = _test("y", "2.1", 0, 1, hints=["only row 12 (the center word's) should be non-zero: add it"])
    assert report.hints_of(one) == report.hints_of(two) == [
        "only row N (the center word's) should be non-zero: add it"]
    assert report.normalise_hint("word2vec.py: use 1e-5, not 0.5.") == "word2vec.py: use N, not N"
    odd = _test("z", "1.1", 0, 1, hints=["", "  ", 7, None, "use np.add.at)."])
    assert report.hints_of(odd) == ["use np.add.at)"]
    odd["extra_data"]["hints"] = "not a list"
    assert not report.hints_of(odd)
    counted = {"a": {"tests": [one, two]}, "b": {"tests": [two]}}
    (stat,) = report.frequent_hints(counted)
    assert stat.submissions == {"a", "b"} and stat.checks == {"x", "y"}


def test_submission_text_is_escaped(built):
    """Student names and hints cannot inject markup into either page."""
    folder, _, text = built
    assert INJECTION not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert INJECTION not in markdown and "<img src=x" not in markdown


def test_cost_ratios_come_from_extra_data_only(built):
    """Ratios and allowances from extra_data; a row without it has none, a failed run no ratio."""
    folder, _, _ = built
    costs = {c.name: c for c in report.cost_stats(BATCH)}
    assert list(costs) == [NAIVE, NEGSAMP]
    assert sorted(costs[NAIVE].ratios) == [0.8, 1.4, 1.4, 30.0]
    assert sorted(costs[NEGSAMP].ratios) == [1.1, 1.1, 1.1]   # carol's row has no extra_data
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert _md_row(markdown, NAIVE)[1:] == ["4", "0", "1.4x", "30.0x", "4x", "1"]
    assert _md_row(markdown, NEGSAMP)[1:] == ["3", "0", "1.1x", "1.1x", "5x", "0"]
    failed = _results()
    failed["tests"][5]["extra_data"].update(ratio=None, per_call_us={}, growth=None)
    failed["tests"][5]["output"] = NAIVE + " raised ValueError: no (costs 2.0x the reference)"
    costs = report.cost_stats({"x": failed})
    naive, negsamp = costs[0], costs[1]
    assert (naive.ratios, naive.allowed, negsamp.ratios) == ([None], [4.0], [1.1])
    assert report.timing_table([naive])[1][1:] == ["0", "1", "-", "-", "4x", "0"]


def test_any_number_of_cost_tests(tmp_path):
    """One subplot and one table row per cost test found, whatever their names; none: a note."""
    names = ["alpha", "beta", "gamma"]
    tests = [_cost(name, "3.%d" % n, ratio, allowed=allowed) for n, (name, ratio, allowed)
             in enumerate(zip(names, (1.0, 2.0, 9.0), (4.0, 5.0, 3.0)), 1)]
    results = {"s": {"score": sum(t["score"] for t in tests), "tests": tests}}
    costs = report.cost_stats(results)
    assert [c.name for c in costs] == names
    figure = report.timing_figure(costs)
    assert [a.get_title().split(" (")[0] for a in figure.findobj(Axes)] == names  # 3 subplots
    table = report.timing_table(costs)
    assert [row[0] for row in table[1:]] == names
    assert [row[5:] for row in table[1:]] == [["4x", "0"], ["5x", "0"], ["3x", "1"]]
    folder = _write_batch(tmp_path, results)
    report.build_report(folder)
    markdown = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert [_md_row(markdown, name)[1] for name in names] == ["1", "1", "1"]
    assert (folder / "report" / "timing.png").read_bytes().startswith(PNG_MAGIC)
    notes = report.timing_figure([]).findobj(Axes)
    assert len(notes) == 1 and [t.get_text() for t in notes[0].texts] == ["no cost tests"]
    assert report.timing_table([]) == table[:1]


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


def test_thresholds_follow_what_each_grading_applied():
    """Each ratio is held against the factor its own grading allowed (config.ini)."""
    rows = {name: _cost(NAIVE, "3.1", 3.0, allowed=allowed)
            for name, allowed in (("a", 2.5), ("b", 4.0), ("c", None))}
    cost = report.cost_stats({name: {"tests": [row]} for name, row in rows.items()})[0]
    assert cost.thresholds == [2.5, 4.0] and cost.allowed == [2.5, 4.0, None]
    assert report.timing_table([cost])[1][5:] == ["2.5x, 4x", "1"]  # only a's 3.0x is over
    assert len(report.timing_figure([cost]).findobj(Axes)[0].lines) == 2  # a line per allowance
    unknown = report.cost_stats({"c": {"tests": [rows["c"]]}})[0]
    assert report.timing_table([unknown])[1][5:] == ["-", "-"]
