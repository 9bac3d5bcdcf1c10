"""Run the harness on a staged submission in a child process the student cannot escape.

The child is forked from a pre-warmed `python -I` (zygote.py: no user site, no
cwd on sys.path, no PYTHON* variables, numpy already imported) and, before any
student code runs, enters its own session, with limits on memory, processes,
file size, CPU time and core dumps, BLAS pinned to one thread, and, when the
grader runs as root (as on Gradescope), an unprivileged user. At the deadline,
or when it exits, its whole process group is killed, so daemons die with it.
Its outputs are read back as data (.npy without pickle, JSON), never imported.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import pwd
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import checklib
import numpy as np

from autograder.zygote import apply_limits

HARNESS = Path(__file__).resolve().with_name("harness.py")
ZYGOTE = Path(__file__).resolve().with_name("zygote.py")
SANDBOX_USER = os.environ.get("AUTOGRADER_SANDBOX_USER", "nobody")
REQUIRE = "AUTOGRADER_REQUIRE_SANDBOX"  # set: refuse to run student code as root
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "OPENBLAS_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


@dataclass
class ChildResult:
    """What a child did, as data: never objects the student built."""

    status: str                      # ok, timeout, crashed, memory, output-limit
    returncode: int | None
    records: list[dict] = field(default_factory=list)
    stdout_tail: str = ""
    cpu_seconds: float = 0.0
    setup_seconds: float | None = None  # CPU seconds when the child first stopped itself


def _limits(memory_mb: int, cpu_seconds: int, uid: int | None, gid: int | None):
    def apply() -> None:
        os.setsid()
        apply_limits(memory_mb, cpu_seconds, uid, gid)
    return apply


_IDS: list[tuple[int | None, int | None]] = []
_IDS_LOCK = threading.Lock()


def _sandbox_ids() -> tuple[int | None, int | None]:
    """The unprivileged user to run as: only when root, and only if it can run Python."""
    with _IDS_LOCK:
        if not _IDS:
            with _SPAWN_LOCK:  # so that kill_strays leaves the probe alone
                _IDS.append(_probe_ids())
        return _IDS[0]


def check_sandbox() -> None:
    """Raise SandboxError now if student code could not run as required (before grading)."""
    _sandbox_ids()


class SandboxError(Exception):
    """Student code cannot run as the unprivileged user where that is required."""


def _probe_ids() -> tuple[int | None, int | None]:
    """As root: the sandbox user's ids, when it can run this interpreter.

    Where the switch is required (AUTOGRADER_REQUIRE_SANDBOX, which Gradescope's
    run_autograder sets), failing it is a SandboxError: student code never runs
    as root there. Elsewhere (a developer's machine) it is said once and grading
    goes on as the current user.
    """
    ids: tuple[int | None, int | None] = (None, None)
    if os.geteuid() == 0:
        try:
            entry = pwd.getpwnam(SANDBOX_USER)
            subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
                           env=ENV, preexec_fn=_limits(1024, 60, entry.pw_uid, entry.pw_gid))  # pylint: disable=subprocess-popen-preexec-fn
            ids = (entry.pw_uid, entry.pw_gid)
        except (KeyError, OSError, subprocess.SubprocessError) as error:
            problem = "user %r cannot run %s (%s)" % (SANDBOX_USER, sys.executable, error)
            if os.environ.get(REQUIRE):
                raise SandboxError(problem) from None
            print("warning: student code runs as root: " + problem, file=sys.stderr)
    return ids


def _become_subreaper() -> None:
    """Adopt the orphans of our children (Linux), so that kill_strays can find daemons."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def kill_strays() -> int:
    """Kill every process left over from the children (daemons that left their group)."""
    with _SPAWN_LOCK:  # a child being started is not a stray
        return _kill_strays()


def _kill_strays() -> int:
    me, killed = os.getpid(), 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and int(entry.name) not in _ACTIVE:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                os.waitpid(int(entry.name), 0)
                killed += 1
            except (ProcessLookupError, ChildProcessError, PermissionError):
                pass
    return killed


_ACTIVE: set[int] = set()
_SPAWN_LOCK = threading.Lock()
_become_subreaper()


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_records(out: Path, count: int) -> list[dict]:
    """The harness's records, one per check; a missing or garbled one says so."""
    def load(name: str):
        try:
            array = np.load(out / Path(name).name, allow_pickle=False)
        except (OSError, ValueError) as error:
            return checklib.Opaque("unreadable array", str(error))
        return array if type(array) is np.ndarray else checklib.Opaque("array")  # pylint: disable=unidiomatic-typecheck

    records = []
    for number in range(count):
        try:
            record = json.loads((out / ("%d.json" % number)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {"status": "missing"}
        if not isinstance(record, dict):
            record = {"status": "missing"}
        record["outputs"] = checklib.decode(record.get("outputs"), load)
        records.append(record)
    return records


class _Zygote:
    """The running zygote: requests out, replies routed to whoever waits for them."""

    def __init__(self, uid: int | None, gid: int | None):
        ids = ["-" if value is None else str(value) for value in (uid, gid)]
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-I", str(ZYGOTE), str(HARNESS), *ids], cwd="/", env=ENV,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        _ACTIVE.add(self.process.pid)
        self.lock = threading.Lock()
        self.waiting: dict[int, queue.Queue] = {}
        self.count = 0
        self.alive = True
        threading.Thread(target=self._route, daemon=True).start()

    def _route(self) -> None:
        for line in self.process.stdout:
            reply = json.loads(line)
            with self.lock:
                box = self.waiting.get(reply["id"])
            if box is not None:
                box.put(reply)
        with self.lock:  # the zygote is gone: nobody waits for it any longer
            self.alive = False
            for box in self.waiting.values():
                box.put(None)

    def submit(self, work: Path, memory_mb: int, cpu_seconds: int) -> tuple[int, queue.Queue]:
        """Ask for a child on work; its replies arrive in the queue (None: the zygote died)."""
        box: queue.Queue = queue.Queue()
        with self.lock:
            self.count += 1
            ident = self.count
            self.waiting[ident] = box
            if not self.alive:
                box.put(None)
                return ident, box
            try:
                self.process.stdin.write(json.dumps({
                    "id": ident, "work": str(work), "memory_mb": memory_mb,
                    "cpu_seconds": cpu_seconds}).encode() + b"\n")
                self.process.stdin.flush()
            except OSError:
                box.put(None)
        return ident, box

    def done(self, ident: int) -> None:
        """Forget a request's queue."""
        with self.lock:
            self.waiting.pop(ident, None)

    def stop(self) -> None:
        """End the zygote (and, through it, its children); reap it."""
        _kill_group(self.process.pid)
        self.process.wait()
        _ACTIVE.discard(self.process.pid)


_ZYGOTES: list[_Zygote] = []


def _zygote() -> _Zygote:
    """The running zygote, started (or restarted after it died) when needed."""
    uid, gid = _sandbox_ids()
    with _SPAWN_LOCK:
        if _ZYGOTES and not _ZYGOTES[0].alive:
            _ZYGOTES.pop().stop()
        if not _ZYGOTES:
            _ZYGOTES.append(_Zygote(uid, gid))
        return _ZYGOTES[0]


def stop_zygote() -> None:
    """End the zygote, if one runs (at exit; tests that need a fresh one)."""
    with _SPAWN_LOCK:
        while _ZYGOTES:
            _ZYGOTES.pop().stop()


atexit.register(stop_zygote)


def _run(work: Path, timeout: float, memory_mb: int) -> tuple[str, int | None, float, float | None]:
    """Fork a child on work through the zygote; (status, exit code, CPU seconds, CPU seconds
    at its first stop)."""
    zygote = _zygote()
    ident, box = zygote.submit(work, memory_mb, int(timeout) + 1)
    try:
        started = box.get(timeout=max(timeout, 30.0))
        if started is None:
            return "crashed", None, 0.0, None
        try:
            ended = box.get(timeout=timeout)
            status = "ok"
        except queue.Empty:
            _kill_group(started["pid"])
            ended, status = box.get(timeout=30.0), "timeout"
        _kill_group(started["pid"])  # grandchildren in its group die with the child
        kill_strays()  # and orphans (reaped, so they stop counting against RLIMIT_NPROC)
        if ended is None:
            return "crashed", None, 0.0, None
        return status, os.waitstatus_to_exitcode(ended["status"]), ended["cpu"], ended["setup"]
    except queue.Empty:  # the zygote no longer answers: start another next time
        zygote.alive = False
        return "crashed", None, 0.0, None
    finally:
        zygote.done(ident)


def run_child(staging: Path, request: dict, timeout: float, memory_mb: int = 1024) -> ChildResult:
    """Run the harness on a staged submission in a sandboxed child; read back its records.

    request is one of the harness's typed requests (kind "import", "probe",
    "cost" or "finals"); a probe request yields one record per check, a cost
    request one record, the child's CPU time and that of its setup.
    """
    uid, gid = _sandbox_ids()
    work = Path(tempfile.mkdtemp(prefix="grader-child-"))
    count = 1  # records to read: one per check probed, per module imported, or the cost run's
    if request["kind"] in ("probe", "import"):
        count = len(request["checks" if request["kind"] == "probe" else "modules"])
    try:
        shutil.copytree(staging, work / "staging")
        (work / "out").mkdir()
        (work / "request.json").write_text(json.dumps(request))
        if uid is not None:
            for path in [work, *work.rglob("*")]:
                os.chown(path, uid, gid)
        status, code, cpu, setup = _run(work, timeout, memory_mb)
        if status == "ok" and code != 0:
            status = {-signal.SIGXFSZ: "output-limit", -signal.SIGXCPU: "timeout",
                      -signal.SIGKILL: "timeout"}.get(code, "crashed")
        log = work / "stdout.txt"
        tail = log.read_bytes()[-2000:].decode("utf-8", errors="replace") if log.is_file() else ""
        if status == "crashed" and "MemoryError" in tail:
            status = "memory"
        records = _read_records(work / "out", count)
        return ChildResult(status, code, records, tail, cpu, setup)
    finally:
        shutil.rmtree(work, ignore_errors=True)
