"""A pre-warmed parent for the sandboxed children: numpy imported once, one fork per child.

    python -I zygote.py HARNESS UID GID      (started by sandbox.py, UID/GID "-" for none)

Starting a fresh Python and importing numpy costs about 0.1 s of CPU, and a
grading runs some thirty children: at Gradescope's half CPU that start-up was
most of the wall time. The zygote pays it once. It runs as the grader's user
and never runs student code itself: for each request (one JSON line on stdin,
{"id", "work", "memory_mb", "cpu_seconds"}) it forks a child that, before any
student code runs, starts its own session, applies the limits, drops to the
unprivileged user, sends its output to WORK/stdout.txt, closes every other
descriptor and runs the harness on WORK. Replies (one JSON line each on
stdout): {"id", "pid"} once the child exists, {"id", "status", "cpu", "setup"}
once the kernel has reaped it (its wait status and CPU seconds, from wait4,
and the CPU seconds it had used when it first stopped itself, or null).

It holds nothing secret (no seed, no reference, no result): a child that reads
its own memory finds numpy and the harness. It is not dumpable, so a child of
the same user cannot trace it or reach its pipes through /proc; run as root
(Gradescope), its children cannot signal it either. If it dies anyway,
sandbox.py reports the children it was running as crashed and starts another.
"""

import ctypes
import gc
import importlib
import json
import os
import random
import resource
import select
import signal
import sys
import traceback
import types

OUTPUT_LIMIT = 8 * 1024 * 1024  # bytes of stdout/stderr (and of any file) a child may write
PROCESSES = 64                  # processes the unprivileged user may have at once


def apply_limits(memory_mb: int, cpu_seconds: int, uid: int | None, gid: int | None) -> None:
    """In a new child, before any student code: limits, then the unprivileged user."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)


def _undumpable() -> None:
    """Linux: processes of the same user can no longer trace this one or open its /proc
    files (its pipes to the grader, under /proc/PID/fd); its children inherit this."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass


def _reply(message: dict) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def _child(request: dict, harness: str, code, ids: tuple) -> None:
    """The forked child: confine itself, then run the harness. Never returns."""
    status = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        apply_limits(request["memory_mb"], request["cpu_seconds"], *ids)
        os.chdir(request["work"])
        log = os.open("stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])  # the zygote's pipes
        random.seed()  # as a fresh process would be: not the zygote's state
        import numpy  # pylint: disable=import-outside-toplevel
        numpy.random.seed()
        module = types.ModuleType("__main__")
        module.__file__ = harness
        sys.modules["__main__"] = module
        sys.argv = [harness, request["work"]]
        exec(code, module.__dict__)  # pylint: disable=exec-used
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # pylint: disable=broad-except
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)  # pylint: disable=protected-access


def _kill_all(children: dict) -> None:
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def _task_cpu(pid: int) -> float | None:
    """CPU seconds of a stopped child's main thread so far, from the kernel (in ns)."""
    try:
        with open("/proc/%d/schedstat" % pid, encoding="ascii") as handle:
            return int(handle.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _reap(children: dict, setups: dict) -> None:
    """Report every child that has ended; resume every one that stopped.

    The first stop of a child is the harness's, after a cost test's setup (or an
    earlier one of the student's, which can only make the setup look cheaper and
    the calls dearer): its CPU time then is the setup's. Later stops are resumed
    and ignored, so that stopping during the calls buys nothing.
    """
    while children:
        pid, status, usage = os.wait4(-1, os.WNOHANG | os.WUNTRACED)
        if not pid:
            return
        if os.WIFSTOPPED(status):
            if pid in children and pid not in setups:
                setups[pid] = _task_cpu(pid)
            os.kill(pid, signal.SIGCONT)
        elif pid in children:
            _reply({"id": children.pop(pid), "status": status, "setup": setups.pop(pid, None),
                    "cpu": usage.ru_utime + usage.ru_stime})


def main() -> None:
    """Fork a child per request; report each one's pid, then its end."""
    harness = sys.argv[1]
    ids = tuple(None if value == "-" else int(value) for value in sys.argv[2:4])
    with open(harness, encoding="utf-8") as handle:
        code = compile(handle.read(), harness, "exec")
    # What every child needs, imported once: numpy, and the standard modules the harness
    # and checklib use.
    for name in ("numpy", "json", "importlib.util", "dataclasses", "traceback", "inspect"):
        importlib.import_module(name)
    gc.freeze()  # the collector of a child leaves the zygote's objects (and pages) alone
    _undumpable()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write)
    children: dict[int, object] = {}
    setups: dict[int, float | None] = {}
    pending, open_ = b"", True
    while open_ or children:
        ready, _, _ = select.select([0, wake_read] if open_ else [wake_read], [], [], 1.0)
        if wake_read in ready:
            os.read(wake_read, 4096)
        if 0 in ready:
            chunk = os.read(0, 65536)
            if not chunk:  # the grader is gone or done: so are the children
                open_ = False
                _kill_all(children)
            pending += chunk
            lines = pending.split(b"\n")
            pending = lines.pop()
            for line in lines:
                try:
                    request = json.loads(line)
                except ValueError:
                    continue
                pid = os.fork()
                if pid == 0:
                    _child(request, harness, code, ids)
                children[pid] = request["id"]
                _reply({"id": request["id"], "pid": pid})
        _reap(children, setups)


if __name__ == "__main__":
    main()
