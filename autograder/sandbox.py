"""Run the harness on a staged submission in a child process the student cannot escape.

The child is a fresh `python -I` (no user site, no cwd on sys.path, no PYTHON*
variables) in its own session, with limits on memory, processes, file size,
CPU time and core dumps, BLAS pinned to one thread, and, when the grader runs
as root (as on Gradescope), an unprivileged user. At the deadline, or when it
exits, its whole process group is killed, so daemons die with it. Its outputs
are read back as data (.npy without pickle, JSON), never imported.
"""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import checklib
import numpy as np

HARNESS = Path(__file__).resolve().with_name("harness.py")
SANDBOX_USER = os.environ.get("AUTOGRADER_SANDBOX_USER", "nobody")
REQUIRE = "AUTOGRADER_REQUIRE_SANDBOX"  # set: refuse to run student code as root
OUTPUT_LIMIT = 8 * 1024 * 1024      # bytes of stdout/stderr (and of any file) the child may write
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


def _limits(memory_mb: int, cpu_seconds: int, uid: int | None, gid: int | None):
    def apply() -> None:
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        if uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
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


def run_child(staging: Path, request: dict, timeout: float, memory_mb: int = 1024) -> ChildResult:
    """Run the harness on a staged submission in a sandboxed child; read back its records.

    request is one of the harness's typed requests (kind "probe" or "cost");
    a probe request yields one record per check, a cost request one record
    and the child's CPU time.
    """
    uid, gid = _sandbox_ids()
    work = Path(tempfile.mkdtemp(prefix="grader-child-"))
    count = 1  # records to read: one per check probed, per module imported, or the cost run's
    if request["kind"] in ("probe", "import"):
        count = len(request["checks" if request["kind"] == "probe" else "modules"])
    try:
        shutil.copytree(staging, work / "staging")
        shutil.copy2(HARNESS, work / "harness.py")
        (work / "out").mkdir()
        (work / "request.json").write_text(json.dumps(request))
        if uid is not None:
            for path in [work, *work.rglob("*")]:
                os.chown(path, uid, gid)
        start = time.monotonic()
        with open(work / "stdout.txt", "wb") as log:
            with _SPAWN_LOCK:
                child = subprocess.Popen(  # pylint: disable=subprocess-popen-preexec-fn,consider-using-with
                    [sys.executable, "-I", str(work / "harness.py"), str(work)], cwd=work,
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=ENV,
                    preexec_fn=_limits(memory_mb, int(timeout) + 1, uid, gid), close_fds=True)
                _ACTIVE.add(child.pid)
            status = "ok"
            deadline = start + timeout
            while True:
                pid, wait_status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    _kill_group(child.pid)
                    _, wait_status, usage = os.wait4(child.pid, 0)
                    status = "timeout"
                    break
                time.sleep(0.01)
            child.returncode = os.waitstatus_to_exitcode(wait_status)
            _ACTIVE.discard(child.pid)
            _kill_group(child.pid)  # grandchildren in its group die with the child
            kill_strays()  # and orphans (reaped, so they stop counting against RLIMIT_NPROC)
        code = child.returncode
        if status == "ok" and code != 0:
            status = {-signal.SIGXFSZ: "output-limit", -signal.SIGXCPU: "timeout",
                      -signal.SIGKILL: "timeout"}.get(code, "crashed")
        tail = (work / "stdout.txt").read_bytes()[-2000:].decode("utf-8", errors="replace")
        if status == "crashed" and "MemoryError" in tail:
            status = "memory"
        records = _read_records(work / "out", count)
        return ChildResult(status, code, records, tail, usage.ru_utime + usage.ru_stime)
    finally:
        shutil.rmtree(work, ignore_errors=True)
