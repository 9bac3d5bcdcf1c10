"""results.json: totals summed exactly and rounded once, every output declared plain text."""

import json
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest

from autograder import assignment, results
from tests.conftest import ROOT, SOLUTIONS

SCRIPT = "<script>alert(1)</script>"


def _row(score, max_score=31.0, name="t"):
    return SimpleNamespace(score=score, max_score=max_score, name=name, number="1.1",
                           output="", visibility="visible", status="failed", tags=[],
                           extra_data={})


def test_results_total_is_the_exact_sum_rounded_once():
    built = results.build([_row(62 / 3), _row(2 / 3), _row(2 / 3), _row(31 / 3)], 1.0, [])
    assert built["score"] == 32.3333  # rounded parts would make 32.3334
    assert [t["score"] for t in built["tests"]] == [20.6667, 0.6667, 0.6667, 10.3333]
    results.validate(built)  # each row rounded on its own still sums to the total
    with pytest.raises(results.ResultsError, match="sum"):
        results.validate(dict(built, score=32.34))


def test_results_declare_every_output_and_name_as_text():
    built = results.build([_row(1.0, name=SCRIPT)], 1.0, [SCRIPT], extra_data={"k": 1})
    assert {built[k] for k in ("output_format", "test_output_format", "test_name_format")} == {
        "text"}
    assert (built["tests"][0]["output_format"], built["tests"][0]["name_format"]) == ("text",
                                                                                      "text")
    assert built["extra_data"] == {"k": 1}
    for bad in ({"output_format": "htm"}, {"extra_data": []},
                {"tests": [dict(built["tests"][0], name_format="HTML")]}):
        with pytest.raises(results.ResultsError):
            results.validate(dict(built, **bad))


def test_results_unusable_reads_the_top_level_extra_data():
    def data(required, unusable):
        return {"extra_data": {"required": required, "unusable": unusable}}
    assert results.unusable(data(["a.py", "b.py"], ["b.py", "a.py"])) == ["a.py", "b.py"]
    assert results.unusable(data(["a.py", "b.py"], ["b.py"])) is None
    for odd in ({}, {"extra_data": []}, data([], []), data("a.py", ["a.py"])):
        assert results.unusable(odd) is None


def test_results_of_a_script_named_submission_are_declared_text(tmp_path):
    """A file name and a source line holding <script>: in the outputs, declared as text."""
    required = assignment.load().manifest.required
    upload = tmp_path / "upload"
    upload.mkdir()
    for name in required[1:]:  # the first required file is missing; a file named <script> is there
        shutil.copy2(SOLUTIONS / name, upload / name)
    (upload / (SCRIPT.replace("/", "") + ".py")).write_text("x = 1\n")
    (upload / required[1]).write_text("def f(: '%s'\n" % SCRIPT)  # a syntax error on that line
    target = tmp_path / "results.json"
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(upload), "--results",
                    str(target)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    written = results.read(target)
    outputs = [written["output"]] + [t["output"] for t in written["tests"]]
    assert "<script>" in written["output"] and any("<script>" in o for o in outputs[1:])
    assert {written[k] for k in ("output_format", "test_output_format", "test_name_format")} == {
        "text"}
    assert {(t["output_format"], t["name_format"]) for t in written["tests"]} == {("text", "text")}
    assert json.loads(target.read_text())["output_format"] == "text"
