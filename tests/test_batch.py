"""Batch grading: finding submissions, resuming, errors, sharding, merging, determinism."""

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from autograder import assignment, batch, sandbox
from autograder import export as export_module
from autograder.report import build_report
from tests.conftest import ASSIGNMENT, ROOT, SOLUTIONS
from tests.variants import BUGGY, write_variant

METADATA = """\
submission_101:
  :submitters:
  - :name: Ada Lovelace
    :sid: '001'
    :email: ada@example.edu
  :created_at: 2026-11-20 10:00:00.000000000 -08:00
submission_102:
  :submitters:
  - :name: '=HYPERLINK("http://evil", "x")'
    :sid: '002'
    :email: mallory@example.edu
  - :name: Carol
    :sid: '003'
    :email: carol@example.edu
"""


def _copy(source, target):
    target.mkdir(parents=True)
    for name in ("word2vec.py", "sgd.py"):
        shutil.copy(source / name, target / name)
    return target


@pytest.fixture(name="cheap_config")
def fixture_cheap_config(tmp_path_factory):
    """No timing tests, no pylint report: the batch machinery, not the grading, is tested."""
    text = (SOLUTIONS / "config.ini").read_text()
    for line in ("naiveSoftmaxLossAndGradient = 2\n", "negSamplingLossAndGradient = 2\n",
                 "naiveSoftmaxLossAndGradient = 4\n", "negSamplingLossAndGradient = 5\n",
                 "negSamplingLossAndGradient cheaper = 3\n"):
        assert text.count(line) == 1  # the timing lines: the checks' names have suffixes
        text = text.replace(line, "")
    path = tmp_path_factory.mktemp("config") / "config.ini"
    path.write_text(text.replace("report = yes", "report = no"))
    return path


@pytest.fixture(name="export")
def fixture_export(tmp_path):
    """A Gradescope export: the reference, and the skeleton submitted by two students."""
    root = tmp_path / "export"
    _copy(SOLUTIONS, root / "submission_101")
    _copy(ASSIGNMENT, root / "submission_102")
    (root / "submission_metadata.yml").write_text(METADATA)
    return root


def _rows(out):
    with open(out / "grades.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


def test_finds_a_gradescope_export_with_identities(export, tmp_path):
    found = export_module.find_submissions(export, tmp_path / "scratch")
    assert [(s.id, s.name, s.sid) for s in found] == [
        ("submission_101", "Ada Lovelace", "001"),
        ("submission_102", '=HYPERLINK("http://evil", "x"); Carol', "002; 003")]


def test_finds_the_export_inside_its_zip(export, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in export.rglob("*"):
            zipped.write(path, "assignment_123_export/" + path.relative_to(export).as_posix())
    found = export_module.find_submissions(archive, tmp_path / "scratch")
    assert [s.name for s in found] == ["Ada Lovelace", '=HYPERLINK("http://evil", "x"); Carol']


def test_finds_a_plain_folder_of_zips_folders_and_notebooks(tmp_path):
    root = tmp_path / "submissions"
    _copy(SOLUTIONS, root / "alice")
    shutil.make_archive(str(root / "bob smith"), "zip", SOLUTIONS, ".")
    (root / "carol.ipynb").write_text("{}")
    (root / "notes.txt").write_text("not a submission")
    found = export_module.find_submissions(root, tmp_path / "scratch")
    assert [(s.id, s.path.name) for s in found] == [
        ("alice", "alice"), ("bob_smith", "bob smith.zip"), ("carol", "carol.ipynb")]


@pytest.mark.parametrize("make, message", [
    (lambda p: p.mkdir(), "no submission found"),
    (lambda p: p.with_suffix(".zip").write_bytes(b"PK\x03\x04 broken"), "cannot be unpacked"),
    (lambda p: p.with_suffix(".txt").write_text("x"), "neither a folder nor a zip"),
    (lambda p: None, "input does not exist"),
])
def test_bad_input_is_a_clear_error(tmp_path, make, message):
    target = tmp_path / "input"
    make(target)
    source = next(tmp_path.glob("input*"), target)
    with pytest.raises(export_module.BatchError, match=message):
        export_module.find_submissions(source, tmp_path / "scratch")


def test_an_unreadable_metadata_file_is_a_clear_error(export, tmp_path):
    (export / "submission_metadata.yml").write_text("submission_101: [unclosed\n")
    with pytest.raises(export_module.BatchError, match="cannot read .*submission_metadata.yml"):
        export_module.find_submissions(export, tmp_path / "scratch")


def test_batch_error_is_one_class_raised_by_both_modules():
    assert batch.BatchError is export_module.BatchError
    with pytest.raises(batch.BatchError, match="neither a folder nor a zip"):
        export_module.check_source(ROOT / "README.md")


def test_shards_split_the_list_and_cover_it():
    subs = [export_module.Submission("s%02d" % n, ROOT) for n in range(11)]
    parts = [export_module.shard(subs, "%d/3" % i) for i in (1, 2, 3)]
    assert sorted(s.id for part in parts for s in part) == [s.id for s in subs]
    assert [len(p) for p in parts] == [4, 4, 3]
    assert export_module.shard(subs, None) == subs and export_module.parse_shard(" 2/4 ") == (1, 4)
    for spec in ("0/3", "4/3", "1-3", "a/b"):
        with pytest.raises(export_module.BatchError, match="i/n"):
            export_module.shard(subs, spec)


def _results_file(path, **scores):
    """A valid results file made by hand: one test per keyword, out of 2 points each."""
    tests = [{"name": name, "number": "1.%d" % n, "score": score, "max_score": 2.0,
              "status": "passed" if score == 2.0 else "failed", "output": "", "tags": []}
             for n, (name, score) in enumerate(scores.items(), 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"score": sum(scores.values()), "tests": tests}))


def test_grades_csv_from_hand_made_results(tmp_path):
    out = tmp_path / "out"
    subs = [export_module.Submission("a", ROOT, "=SUM(A1)", "a@x.edu", "1"),
            export_module.Submission("b", ROOT, "Bob"), export_module.Submission("c", ROOT, "@Carol")]
    _results_file(out / "results" / "a.json", first=2.0, second=0.5)
    (out / "results" / "c.json").write_text('{"score": 1, "tes')  # half-written: not graded
    batch.write_grades(out, subs, {"b": "the grader exited with status 1"})
    with open(out / "grades.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["submission", "name", "email", "sid", "status", "score",
                                     "max_score", "first", "second"]
        rows = list(reader)
    assert [(r["submission"], r["name"], r["status"], r["score"]) for r in rows] == [
        ("a", "'=SUM(A1)", "graded", "2.5"), ("b", "Bob", "error", ""),
        ("c", "'@Carol", "not graded", "")]
    assert (rows[0]["max_score"], rows[0]["first"], rows[0]["second"]) == ("4", "2", "0.5")


def _informational(name, status, finding=None):
    extra = {"kind": "informational", "check": name, "hints": []}
    if finding is not None:
        extra["finding"] = finding
    return {"name": name, "number": "4.1", "score": 0.0, "max_score": 0.0, "status": status,
            "output": "whatever the text says: 3.5/10", "tags": [], "extra_data": extra}


def test_grades_csv_columns_statuses_and_encoding(tmp_path):
    """Exact totals, informational findings, a "no code" status, UTF-8 with a BOM for Excel."""
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    subs = [export_module.Submission("a", ROOT, "Zoë Ñúñez 李雷", "z@x.edu", "7"),
            export_module.Submission("b", ROOT, "Empty"), export_module.Submission("c", ROOT, "Old")]
    thirds = [{"name": "t%d" % n, "number": "1.%d" % n, "score": score, "max_score": 31.0,
               "status": "failed", "output": "", "tags": []}
              for n, score in enumerate((0.6667, 0.6667, 31.0), 1)]
    tests = thirds + [_informational("pylint", "failed", 7.25),
                      _informational("plot.png is in the submission", "failed", False),
                      _informational("notes.txt is in the submission", "passed")]
    graded = {"score": 32.3333, "tests": tests}  # built from 2/3 + 2/3 + 31, rounded once
    (out / "results" / "a.json").write_text(json.dumps(graded))
    empty = {"score": 0, "tests": [dict(t, score=0.0) for t in tests],
             "extra_data": {"required": ["main.py", "util.py"], "unusable": ["util.py", "main.py"]}}
    (out / "results" / "b.json").write_text(json.dumps(empty))
    half = dict(empty, extra_data={"required": ["main.py", "util.py"], "unusable": ["util.py"]})
    (out / "results" / "c.json").write_text(json.dumps(half))
    batch.write_grades(out, subs, {})
    raw = (out / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Zoë Ñúñez 李雷".encode() in raw
    rows = _rows(out)
    assert [rows[k]["status"] for k in "abc"] == ["graded", "no code", "graded"]
    assert (rows["a"]["score"], rows["a"]["max_score"], rows["a"]["t1"]) == ("32.3333", "93", "0.6667")
    assert (rows["a"]["pylint"], rows["a"]["plot.png is in the submission"],
            rows["a"]["notes.txt is in the submission"]) == ("7.25", "no", "passed")
    assert rows["b"]["score"] == "0" and rows["b"]["pylint"] == "7.25"


def test_a_refused_run_leaves_out_as_it_was(export, tmp_path, cheap_config):
    """Bad shard, missing path, empty folder, malformed YAML: OUT neither created nor changed."""
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken"
    shutil.copytree(export, broken)
    (broken / "submission_metadata.yml").write_text("submission_101: [unclosed\n")
    existing = tmp_path / "existing"
    (existing / "results").mkdir(parents=True)
    (existing / "notes.txt").write_text("kept")

    def snapshot():
        return sorted((p.relative_to(existing).as_posix(), p.read_bytes() if p.is_file() else b"")
                      for p in existing.rglob("*"))

    before = snapshot()
    for source, shard_spec, message in ((export, "3/2", "i/n"), (tmp_path / "nowhere", None,
                                                                 "does not exist"),
                                        (empty, None, "no submission found"),
                                        (broken, None, "cannot read")):
        for out in (tmp_path / "fresh", existing):
            with pytest.raises(batch.BatchError, match=message):
                batch.run(source, out, cheap_config, shard_spec=shard_spec)
            assert not (tmp_path / "fresh").exists() and snapshot() == before, (source, out)
    assert not list(tmp_path.glob("batch-export-*"))


def test_no_code_submissions_get_their_own_status(tmp_path, cheap_config):
    """Empty, binary and unparsable submissions: status "no code", a row in the report."""
    root = tmp_path / "submissions"
    _copy(SOLUTIONS, root / "good")
    (root / "empty").mkdir()
    binary = _copy(SOLUTIONS, root / "binary")
    for name in ("word2vec.py", "sgd.py"):
        (binary / name).write_bytes(bytes(range(256)) * 4)
    broken = _copy(SOLUTIONS, root / "broken")
    for name in ("word2vec.py", "sgd.py"):
        (broken / name).write_text("def oops(:\n")
    (root / "garbage.zip").write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    batch.run(root, out, cheap_config, jobs=2)
    extra = json.loads((out / "results" / "empty.json").read_text()).get("extra_data", {})
    if "unusable" not in extra:
        pytest.skip("the grader does not record extra_data required/unusable in results.json yet")
    rows = _rows(out)
    assert {k: r["status"] for k, r in rows.items()} == {
        "good": "graded", "empty": "no code", "binary": "no code", "broken": "no code",
        "garbage": "no code"}
    page = build_report(out).read_text()
    not_graded = page.split("Not graded")[-1]
    assert all("<td>%s</td>" % k in not_graded for k in ("empty", "binary", "broken", "garbage"))
    assert "<td>good</td>" not in not_graded and "no code: every required file" in not_graded


def _hand_made_shard(folder, stamp, subs, errors=()):
    (folder / "results").mkdir(parents=True)
    (folder / "batch.json").write_text(json.dumps({"fingerprint": stamp}))
    for sub in subs:
        if sub.id not in errors:
            _results_file(folder / "results" / (sub.id + ".json"), first=2.0, second=1.0)
    if errors:
        (folder / "errors.log").write_text("".join("%s: boom\n" % e for e in errors))
    batch.write_grades(folder, subs, {e: "boom" for e in errors})
    return folder


def test_merge_of_hand_made_shards(tmp_path):
    parts = [_hand_made_shard(tmp_path / "one", "f00d", [
                 export_module.Submission("a", ROOT, "=evil()", "a@x.edu", "1"),
                 export_module.Submission("c", ROOT, "Carol")]),
             _hand_made_shard(tmp_path / "two", "f00d", [export_module.Submission("b", ROOT, "Bob")],
                              errors=["b"])]
    merged = tmp_path / "merged"
    assert batch.merge(merged, parts) == 3
    rows = _rows(merged)
    assert list(rows) == ["a", "b", "c"]
    assert [rows[k]["status"] for k in "abc"] == ["graded", "error", "graded"]
    assert rows["a"]["name"] == "'=evil()" and rows["a"]["score"] == "3"  # quoted once, not twice
    assert sorted(p.name for p in (merged / "results").iterdir()) == ["a.json", "c.json"]
    assert (merged / "errors.log").read_text() == "b: boom\n"
    assert json.loads((merged / "batch.json").read_text()) == {"fingerprint": "f00d"}
    with pytest.raises(batch.BatchError, match="in two shards"):
        batch.merge(tmp_path / "again", [parts[0], parts[0]])
    (parts[1] / "batch.json").write_text(json.dumps({"fingerprint": "beef"}))
    with pytest.raises(batch.BatchError, match="different autograders"):
        batch.merge(tmp_path / "mixed", parts)
    with pytest.raises(batch.BatchError, match="no batch.json"):
        batch.merge(tmp_path / "none", [tmp_path])


def test_fingerprint_covers_the_source_and_the_config_wherever_they_are(tmp_path):
    def tree(folder, loss="def loss(): return 1\n", config="[public]\nloss = 1\n"):
        (folder / "utils").mkdir(parents=True)
        (folder / "main.py").write_text(loss)
        (folder / "utils" / "checks.py").write_text("CHECKS = []\n")
        (folder / "config.ini").write_text(config)
        return folder, folder / "config.ini"

    first = batch.fingerprint(*tree(tmp_path / "here"))
    assert first == batch.fingerprint(*tree(tmp_path / "elsewhere" / "deeper"))
    (tmp_path / "here" / "notes.txt").write_text("not code")
    assert batch.fingerprint(*tree(tmp_path / "b")) == first == batch.fingerprint(
        tmp_path / "here", tmp_path / "here" / "config.ini")
    assert batch.fingerprint(*tree(tmp_path / "c", loss="def loss(): return 2\n")) != first
    assert batch.fingerprint(*tree(tmp_path / "d", config="[public]\nloss = 2\n")) != first
    source, config = tree(tmp_path / "e")
    (source / "utils" / "checks.py").write_text("CHECKS = [1]\n")
    assert batch.fingerprint(source, config) != first


def test_batch_grades_resumes_and_escapes_formulas(export, tmp_path, cheap_config):
    out = tmp_path / "out"
    summary = batch.run(export, out, cheap_config, jobs=2)
    assert (summary.graded, summary.skipped, summary.errors) == (2, 0, 0)
    rows = _rows(out)
    total = "%g" % assignment.load().load_config(cheap_config).total
    assert rows["submission_101"]["score"] == rows["submission_101"]["max_score"] == total
    assert rows["submission_102"]["score"] == "0" and rows["submission_102"]["status"] == "graded"
    assert rows["submission_102"]["name"].startswith("'=HYPERLINK")  # not a formula
    assert rows["submission_101"]["sigmoid (hidden inputs)"] == "1.5"
    assert not (out / "errors.log").exists()
    stamp = (out / "results" / "submission_101.json").stat().st_mtime_ns
    # rerun: nothing to do; lose one result (a crash): only that one is graded again
    assert batch.run(export, out, cheap_config).skipped == 2
    (out / "results" / "submission_102.json").write_text('{"score": 1, "tes')  # half-written
    again = batch.run(export, out, cheap_config)
    assert (again.graded, again.skipped) == (1, 1)
    assert (out / "results" / "submission_101.json").stat().st_mtime_ns == stamp
    assert _rows(out) == rows


def test_a_submission_the_grader_cannot_finish_is_logged_and_retried(export, tmp_path,
                                                                        cheap_config):
    out = tmp_path / "out"
    summary = batch.run(export, out, cheap_config, jobs=2, grade_timeout=0.5)
    assert summary.errors == 2
    assert {row["status"] for row in _rows(out).values()} == {"error"}
    log = (out / "errors.log").read_text()
    assert "submission_101" in log and "longer than 0.5 s" in log
    assert batch.run(export, out, cheap_config).graded == 2
    assert {row["status"] for row in _rows(out).values()} == {"graded"}


def test_results_of_another_autograder_are_not_mixed_in(export, tmp_path, cheap_config):
    out = tmp_path / "out"
    (out).mkdir()
    (out / "batch.json").write_text(json.dumps({"fingerprint": "0123"}))
    with pytest.raises(batch.BatchError, match="another autograder or config.ini"):
        batch.run(export, out, cheap_config)


def _children():
    """Processes whose parent is this one (it is a subreaper: orphans of the batch land here)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(entry))
    return found


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_ctrl_c_sigterm_and_sighup_lose_nothing_and_a_rerun_finishes(tmp_path, cheap_config,
                                                                      stop):
    """A real signal to a real batch: graders stopped, grades.csv written, exit status 130."""
    root = tmp_path / "submissions"
    sleepy = root / "a_sleeps"  # still inside a sandboxed child when Ctrl-C comes
    _copy(SOLUTIONS, sleepy)
    text = (sleepy / "word2vec.py").read_text()
    (sleepy / "word2vec.py").write_text(text.replace(
        "def sigmoid(x):\n", "def sigmoid(x):\n    import time\n    time.sleep(1000)\n", 1))
    for n in range(6):
        _copy(SOLUTIONS, root / ("s%d" % n))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "batch", str(root), "--out", str(out),
               "--jobs", "2", "--config", str(cheap_config), "--no-report"]
    sandbox.stop_zygote()  # one left by an earlier test is not the batch's
    assert "autograder.sandbox" in sys.modules and not _children()
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:
        deadline = time.monotonic() + 120
        while not list((out / "results").glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        process.send_signal(getattr(signal, stop))
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 130, output
    assert "run the same command again" in output
    assert not _children(), "the batch left sandboxed children behind"
    done = {p.stem for p in (out / "results").glob("*.json")}
    assert 1 <= len(done) < 7 and "a_sleeps" not in done
    shutil.rmtree(sleepy)  # (it would only time out again)
    rows = _rows(out)
    assert {k for k, r in rows.items() if r["status"] == "graded"} == done
    assert not [p for p in (out / "results").iterdir() if p.name.startswith(".")]
    if stop != "SIGINT":
        return  # resuming is the same whatever stopped the run
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                           timeout=300)
    assert rerun.returncode == 0 and "skipped %d already graded" % len(done) in rerun.stdout
    assert {r["status"] for r in _rows(out).values()} == {"graded"}
    assert not [p for p in os.listdir(out / "results") if not p.endswith(".json")]


def test_stop_signals_are_restored_and_an_ignored_one_stays_ignored():
    """nohup's ignored SIGHUP stays ignored; handlers come back after the run; one raise only."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        term = signal.getsignal(signal.SIGTERM)
        with batch.StopSignals() as stop:
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert getattr(signal.getsignal(signal.SIGTERM), "__self__", None) is stop
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)
            os.kill(os.getpid(), signal.SIGTERM)  # the second is only noted
            time.sleep(0.1)
        assert stop.received == [signal.SIGTERM, signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) == term
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_shards_merge_into_one_table(tmp_path, cheap_config):
    root = tmp_path / "submissions"
    _copy(SOLUTIONS, root / "a")
    _copy(ASSIGNMENT, root / "b")
    write_variant(root / "c", BUGGY["sign flipped"])
    parts = [tmp_path / "shard1", tmp_path / "shard2"]
    for index, part in enumerate(parts, 1):
        batch.run(root, part, cheap_config, jobs=1, shard_spec="%d/2" % index)
    assert set(_rows(parts[0])) == {"a", "c"} and set(_rows(parts[1])) == {"b"}
    merged = tmp_path / "merged"
    assert batch.merge(merged, parts) == 3
    rows = _rows(merged)
    total = assignment.load().load_config(cheap_config).total
    assert [rows[k]["score"] for k in "abc"] == ["%g" % total, "0", rows["c"]["score"]]
    assert 0 < float(rows["c"]["score"]) < total
    assert sorted(p.name for p in (merged / "results").iterdir()) == ["a.json", "b.json",
                                                                      "c.json"]
    with pytest.raises(batch.BatchError, match="in two shards"):
        batch.merge(tmp_path / "again", [parts[0], parts[0]])
    (parts[1] / "batch.json").write_text(json.dumps({"fingerprint": "other"}))
    with pytest.raises(batch.BatchError, match="different autograders"):
        batch.merge(tmp_path / "mixed", parts)


@pytest.mark.parametrize("arguments, message", [
    (["batch", "{tmp}/missing", "--out", "{tmp}/out"], "missing does not exist"),
    (["batch", "{tmp}", "--out", "{tmp}/out", "--shard", "3/2"], "--shard '3/2': write i/n"),
    (["report", "{tmp}"], "not a batch output folder (no grades.csv)"),
    (["merge", "{tmp}", "--out", "{tmp}/merged"], "not a batch output folder (no batch.json)"),
])
def test_the_command_line_reports_bad_input_in_one_line(tmp_path, arguments, message):
    result = subprocess.run([sys.executable, "-m", "autograder"] + [
        a.format(tmp=tmp_path) for a in arguments], cwd=ROOT, capture_output=True, text=True,
        check=False, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert message in result.stderr and not (tmp_path / "out").exists()


def _comparable(results_dir):
    """Every test's score, status and feedback; the measured figures of timing tests masked."""
    table = {}
    for path in sorted(results_dir.glob("*.json")):
        for test in json.loads(path.read_text())["tests"]:
            output = test["output"]
            if "timing" in test["tags"]:  # figures, and the column padding that fits them
                output = re.sub(r" +", " ", re.sub(r"\d+(\.\d+)?", "N", output))
            table[path.stem, test["name"]] = (test["score"], test["status"], output)
    return table


def test_regrading_gives_identical_scores_and_feedback(tmp_path):
    """The real configuration (hidden inputs, timing, pylint), graded twice."""
    root = tmp_path / "submissions"
    _copy(SOLUTIONS, root / "reference")
    _copy(ASSIGNMENT, root / "skeleton")
    write_variant(root / "sign", BUGGY["sign flipped"])
    write_variant(root / "sigmoid", BUGGY["unstable sigmoid"])
    first, second = tmp_path / "first", tmp_path / "second"
    batch.run(root, first, jobs=2)
    batch.run(root, second, jobs=2)
    assert _comparable(first / "results") == _comparable(second / "results")
    assert len(_comparable(first / "results")) == 4 * 21  # 20 rows and the final answers
    assert (first / "grades.csv").read_text() == (second / "grades.csv").read_text()
    page = build_report(first).read_text()  # the report of a real batch
    assert page.count("data:image/png;base64") == 3 and "reference" not in page.split(
        "Not graded")[-1]


def test_progress_shows_count_rate_and_time_left():
    stream = io.StringIO()
    progress = batch.Progress(total=4, skipped=1, stream=stream)
    progress.update(batch.Submission("alice", ROOT), "graded")
    progress.update(batch.Submission("bob", ROOT), "error (see errors.log)")
    first, second = stream.getvalue().splitlines()
    assert first.startswith("[#######") and " 1/4 " in first and "/min" in first
    assert "left" in first and first.endswith("alice: graded")
    assert " 2/4 " in second and "(1 error)" in second
