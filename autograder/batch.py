"""Grade many submissions: a Gradescope export or a folder of zips and folders.

Each submission is graded by its own `python -m autograder grade` process, the
same code path as one submission on Gradescope, so a submission that breaks
anything breaks only its own row. Results land in OUT/results/<id>.json the
moment a submission is done (written atomically), which makes a run resumable:
a crash or Ctrl-C loses nothing graded, and rerunning skips what is done.
OUT/grades.csv, OUT/errors.log and the report are rebuilt from those files.
SIGTERM and SIGHUP (a scheduler's stop, a closed terminal) stop a run as Ctrl-C
does. A run refused for its input (a bad shard, a missing path, an empty folder,
unreadable metadata) writes nothing to OUT.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from autograder import results as results_module
# Importing the sandbox makes this process a child subreaper: the sandboxed children of
# a grader killed on Ctrl-C or past its time limit become ours, and kill_strays() ends them.
from autograder import sandbox
# BatchError is export's, raised and re-exported here: callers catch batch.BatchError.
from autograder.export import (IDENTITY, BatchError, Submission, check_source, find_submissions,
                               parse_shard, shard)
from autograder.layout import ROOT, Layout

GRADE_TIMEOUT = 600.0  # seconds per submission: Gradescope's default
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"  # with a byte-order mark: Excel then reads non-ASCII names right
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
NO_CODE = "no code"  # a status: graded, but no required file could run (empty, binary, unparsable)


# ---------------------------------------------------------------- output folder

def fingerprint(source: Path, config_path: Path) -> str:
    """A hash of the grading code, the assignment's source tree and the configuration.

    Files are named relative to their folder, so shards graded on machines that
    keep the course in other places agree. Results made by another fingerprint
    must not mix with these in one folder.
    """
    digest = hashlib.sha256()
    framework = ROOT / "autograder"
    files = [(p.relative_to(ROOT).as_posix(), p) for p in
             sorted(framework.glob("*.py")) + sorted((framework / "runtime").glob("*.py"))]
    files += [("source/" + p.relative_to(source).as_posix(), p) for p in
              sorted((p for pattern in ("*.py", "*.ini", "*.json") for p in source.rglob(pattern)
                      if "__pycache__" not in p.parts),
                     key=lambda p: p.relative_to(source).as_posix())]
    files.append(("config/" + config_path.name, config_path))
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _claim(out: Path, stamp: str, force: bool) -> None:
    """Record the fingerprint in OUT/batch.json; refuse to mix two autograders' results."""
    marker = out / "batch.json"
    if marker.exists() and not force:
        previous = json.loads(marker.read_text(encoding="utf-8")).get("fingerprint")
        if previous != stamp:
            raise BatchError("%s holds results from another autograder or config.ini "
                             "(fingerprint %s, now %s): regrade everything with --force, or "
                             "use another --out" % (out, previous, stamp))
    out.mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(exist_ok=True)
    marker.write_text(json.dumps({"fingerprint": stamp}) + "\n", encoding="utf-8")


def _cell(text: str) -> str:
    """A spreadsheet cell that a student's name cannot turn into a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _points(value: float) -> str:
    """A score as the results file rounded it: 32.3333, 2, 0.5 (never 6 significant digits)."""
    return ("%.*f" % (results_module.DECIMALS, value)).rstrip("0").rstrip(".")


def _finding(test: dict) -> str:
    """An informational row's cell: what it found (extra_data "finding"), else its status."""
    extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
    finding = extra.get("finding", test.get("status", ""))
    if isinstance(finding, bool):
        return "yes" if finding else "no"
    if isinstance(finding, (int, float)):
        return _points(finding)
    return _cell("" if finding is None else str(finding))


def _informational(test: dict) -> bool:
    extra = test.get("extra_data")
    return isinstance(extra, dict) and extra.get("kind") == "informational"


def status_of(data: dict | None, error: bool) -> str:
    """graded, no code (nothing could run), error (the grader failed) or not graded."""
    if data is None:
        return "error" if error else "not graded"
    return NO_CODE if results_module.unusable(data) else "graded"


def write_grades(out: Path, submissions: list[Submission], errors: dict[str, str]) -> Path:
    """OUT/grades.csv: identity, status, total and one column per test, from the results files.

    A test's column holds its points; an informational test's holds what it found
    (a pylint score, whether a file was submitted). UTF-8 with a byte-order mark.
    """
    rows, tests = [], []
    for sub in submissions:
        data = results_module.load(out / "results" / (sub.id + ".json"))
        row = {"submission": sub.id, **{k: _cell(getattr(sub, k)) for k in IDENTITY},
               "status": status_of(data, sub.id in errors)}
        if data is not None:
            row.update(score=_points(data["score"]),
                       max_score=_points(math.fsum(t.get("max_score", 0) for t in data["tests"])))
            for test in data["tests"]:
                if test["name"] not in tests:
                    tests.append(test["name"])
                row[test["name"]] = _finding(test) if _informational(test) else \
                    _points(test["score"])
        rows.append(row)
    target = out / "grades.csv"
    with tempfile.NamedTemporaryFile("w", dir=out, delete=False, newline="",
                                     encoding=CSV_ENCODING, suffix=".csv") as handle:
        writer = csv.DictWriter(handle, ["submission", *IDENTITY, "status", "score", "max_score",
                                         *tests], restval="")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(handle.name, target)
    return target


def _log_error(out: Path, sub: Submission, message: str) -> None:
    with open(out / "errors.log", "a", encoding="utf-8") as log:
        log.write("%s  %s (%s): %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), sub.id, sub.path,
                                         message.strip().replace("\n", "\n    ")))


# ---------------------------------------------------------------- grading

class Progress:
    """A progress line with rate and time left (a bar on a terminal, plain lines otherwise)."""

    def __init__(self, total: int, skipped: int, stream=sys.stderr):
        self.total, self.done, self.errors = total, 0, 0
        self.skipped, self.stream = skipped, stream
        self.start = time.monotonic()
        self.tty = stream.isatty()

    def line(self) -> str:
        """n/total, a bar, submissions per minute and the time left."""
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = self.done / elapsed * 60
        left = (self.total - self.done) / (self.done / elapsed) if self.done else None
        filled = int(30 * self.done / self.total) if self.total else 30
        return "[%s%s] %d/%d  %.1f/min  %s left%s" % (
            "#" * filled, "." * (30 - filled), self.done, self.total, rate,
            "?" if left is None else "%dm%02ds" % divmod(int(left), 60),
            "  (%d error%s)" % (self.errors, "s" * (self.errors > 1)) if self.errors else "")

    def update(self, sub: Submission, outcome: str) -> None:
        """Count one finished submission and show it."""
        self.done += 1
        self.errors += outcome.startswith("error")
        if self.tty:
            self.stream.write("\r\033[K" + self.line())
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write("%s  %s: %s\n" % (self.line(), sub.id, outcome))
        self.stream.flush()


@dataclass
class Runner:  # pylint: disable=too-many-instance-attributes
    """How to grade one submission in its own grader process."""

    out: Path
    source: Path
    config_path: Path
    reference_timing: Path | None
    parallel: int
    timeout: float = GRADE_TIMEOUT

    def __post_init__(self):
        self._running: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def command(self, sub: Submission) -> list[str]:
        """python -m autograder grade, with the batch's settings."""
        command = [sys.executable, "-m", "autograder", "--source", str(self.source.resolve()),
                   "grade", str(sub.path.resolve()),
                   "--results", str((self.out / "results" / (sub.id + ".json")).resolve()),
                   "--config", str(self.config_path.resolve()),
                   "--parallel", str(self.parallel)]
        if self.reference_timing:
            command += ["--reference-timing", str(self.reference_timing.resolve())]
        return command

    def grade(self, sub: Submission) -> str | None:
        """Grade; None when the results file is there and valid, else what went wrong."""
        target = self.out / "results" / (sub.id + ".json")
        with self._lock:  # started and registered at once: stop_all misses no grader
            if self._stopped:
                return "stopped before grading"
            process = subprocess.Popen(  # pylint: disable=consider-using-with
                self.command(sub), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
            self._running[sub.id] = process
        with process:
            try:
                output, _ = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.communicate()
                return "grading took longer than %g s and was stopped" % self.timeout
            finally:
                with self._lock:
                    self._running.pop(sub.id, None)
        if process.returncode == 0 and results_module.load(target) is not None:
            return None
        tail = output.decode("utf-8", "replace")[-2000:]
        return "the grader exited with status %s:\n%s" % (process.returncode, tail)

    def stop_all(self) -> None:
        """Kill every grader still running, and start no other (Ctrl-C, SIGTERM, SIGHUP)."""
        with self._lock:
            self._stopped = True
            for process in self._running.values():
                _kill(process)


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _measure_reference(out: Path, work, cfg) -> Path:
    """The reference's costs, measured once for the whole batch (OUT/reference_timing.json)."""
    from autograder.grader import measure_reference  # pylint: disable=import-outside-toplevel
    target = out / "reference_timing.json"
    target.write_text(measure_reference(work, cfg).to_json(), encoding="utf-8")
    return target


@dataclass
class BatchSummary:
    """What a run did."""

    graded: int
    skipped: int
    errors: int
    interrupted: bool
    seconds: float


class StopSignals:
    """While grading, SIGTERM and SIGHUP stop the batch as Ctrl-C does: one KeyboardInterrupt.

    A signal that was ignored when the batch started (nohup) stays ignored. Once the
    first has arrived, or once grading is over (`disarm`), later ones are only noted,
    so that nothing interrupts stopping the graders and writing grades.csv.
    """

    def __init__(self):
        self.armed = False
        self.received: list[int] = []
        self._previous: dict = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for number in STOP_SIGNALS:
                if signal.getsignal(number) is not signal.SIG_IGN:
                    self._previous[number] = signal.signal(number, self._handle)
        self.armed = True
        return self

    def _handle(self, number, _frame) -> None:
        self.received.append(number)
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt

    def disarm(self) -> None:
        """From now on, a stop signal is noted, not raised."""
        self.armed = False

    def __exit__(self, *_) -> None:
        self.armed = False
        for number, previous in self._previous.items():
            signal.signal(number, previous)


def _grade_all(runner: Runner, todo: list[Submission], jobs: int, progress: Progress,
               errors: dict[str, str]) -> None:
    """Grade todo, jobs at a time; on any interruption, stop every grader before returning."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending = {pool.submit(runner.grade, sub): sub for sub in todo}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    sub = pending.pop(future)
                    problem = future.result()
                    if problem:
                        errors[sub.id] = problem
                        _log_error(runner.out, sub, problem)
                    outcome = "error (see errors.log)" if problem else status_of(
                        results_module.load(runner.out / "results" / (sub.id + ".json")), False)
                    progress.update(sub, outcome)
        finally:  # Ctrl-C, SIGTERM, SIGHUP, or a failure here: no grader outlives the batch
            for future in pending:
                future.cancel()
            runner.stop_all()


def run(submissions: Path, out: Path, config_path: Path | None = None, jobs: int = 0,
        force: bool = False, shard_spec: str | None = None, stream=sys.stderr,
        grade_timeout: float = GRADE_TIMEOUT, *, source: Path | None = None) -> BatchSummary:
    # pylint: disable=too-many-arguments,too-many-positional-arguments,too-many-locals
    """Grade every submission of an export or folder that OUT does not hold yet; rebuild grades.csv.

    source is the assignment's source tree and config_path its grading
    configuration (both default to the repository's Layout); the fingerprint
    covers them. Every input is checked before OUT is touched. An interrupted run
    (Ctrl-C, SIGTERM, SIGHUP) stops its graders, keeps what was graded, writes
    grades.csv and says so in the summary.
    """
    start = time.monotonic()
    source = source or Layout().source
    config_path = config_path or Layout().config_path
    parse_shard(shard_spec)  # bad input first, before anything is written or imported
    check_source(submissions)
    from autograder import assignment  # pylint: disable=import-outside-toplevel
    work = assignment.load(Layout.of(source))
    cfg = work.load_config(config_path)
    with tempfile.TemporaryDirectory(prefix="batch-export-") as scratch:  # an export zip's files
        found = shard(find_submissions(submissions, Path(scratch)), shard_spec)
        _claim(out, fingerprint(source, config_path), force)  # the first write to OUT
        todo = [s for s in found
                if force or results_module.load(out / "results" / (s.id + ".json")) is None]
        jobs = jobs or os.cpu_count() or 1
        errors: dict[str, str] = {}
        progress = Progress(len(todo), len(found) - len(todo), stream)
        stream.write("%d submissions, %d already graded, %d to grade with %d at a time\n" % (
            len(found), progress.skipped, len(todo), jobs))
        interrupted = False
        with StopSignals() as stop:
            try:
                if todo:
                    timing_file = _measure_reference(out, work, cfg) if cfg.timing else None
                    _grade_all(Runner(out, source, config_path, timing_file,
                                      parallel=1 if jobs > 1 else cfg.parallel,
                                      timeout=grade_timeout), todo, jobs, progress, errors)
            except KeyboardInterrupt:
                interrupted = True
            finally:
                stop.disarm()
                sandbox.kill_strays()  # the graders have ended: what is left are their orphans
                for half_written in (out / "results").glob(results_module.TEMPORARY_PREFIX + "*"):
                    half_written.unlink(missing_ok=True)
                write_grades(out, found, errors)
            interrupted = interrupted or bool(stop.received)
    return BatchSummary(progress.done - progress.errors, progress.skipped, len(errors),
                        interrupted, time.monotonic() - start)


def merge(out: Path, parts: list[Path]) -> int:
    """Gather the results of several shards (same fingerprint) into OUT; return their number."""
    stamps = set()
    for part in parts:
        marker = part / "batch.json"
        if not marker.exists():
            raise BatchError("%s is not a batch output folder (no batch.json)" % part)
        stamps.add(json.loads(marker.read_text(encoding="utf-8"))["fingerprint"])
    if len(stamps) != 1:
        raise BatchError("the shards were graded by different autograders or configurations "
                         "(fingerprints %s): regrade them with the same one" % ", ".join(sorted(stamps)))
    out.mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(exist_ok=True)
    (out / "batch.json").write_text(json.dumps({"fingerprint": stamps.pop()}) + "\n",
                                    encoding="utf-8")
    submissions: dict[str, Submission] = {}
    errors: dict[str, str] = {}
    log = []
    for part in parts:
        with open(part / "grades.csv", encoding=CSV_ENCODING, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["submission"] in submissions:
                    raise BatchError("submission %s is in two shards" % row["submission"])
                identity = {k: row[k][1:] if row[k].startswith("'") else row[k] for k in IDENTITY}
                submissions[row["submission"]] = Submission(row["submission"], part, **identity)
                if row["status"] == "error":
                    errors[row["submission"]] = "see errors.log"
                source = part / "results" / (row["submission"] + ".json")
                if source.exists():
                    (out / "results" / source.name).write_bytes(source.read_bytes())
        if (part / "errors.log").exists():
            log.append((part / "errors.log").read_text(encoding="utf-8"))
    (out / "errors.log").write_text("".join(log), encoding="utf-8")
    write_grades(out, sorted(submissions.values(), key=lambda s: s.id), errors)
    return len(submissions)
