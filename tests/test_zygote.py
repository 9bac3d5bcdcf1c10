"""The pre-warmed zygote that forks every sandboxed child: what a child cannot do to it,
and what happens when it dies."""

import os
import resource
import signal
import subprocess
import sys
import threading
import time

import pytest

from autograder import sandbox
from autograder.submission import stage_submission
from tests.conftest import ROOT
from tests.variants import reference_with

IMPORT = {"kind": "import", "modules": ["word2vec"], "student_files": ["word2vec.py"]}


def _staged(tmp_path, prefix):
    return stage_submission(reference_with(tmp_path / "submission", prefix=prefix),
                            tmp_path / "staging").folder


def _fresh_interpreter_cpu() -> float:
    """CPU seconds of a new `python -I` that imports numpy, as children used to start."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def test_children_are_fresh_and_cheap(tmp_path):
    """Each child is a new process with its own random state; its CPU time is its own, and
    (numpy imported once, in the zygote) well below a new interpreter's, measured alike."""
    staged = _staged(tmp_path, "import os, random\nprint(os.getpid(), random.random())\n")
    children = [sandbox.run_child(staged, IMPORT, 20, 256) for _ in range(3)]
    assert all(c.status == "ok" and c.records[0]["status"] == "ok" for c in children), children
    (pid_1, draw_1), (pid_2, draw_2) = (c.stdout_tail.split() for c in children[:2])
    assert pid_1 != pid_2 and draw_1 != draw_2
    fresh = min(_fresh_interpreter_cpu() for _ in range(3))
    assert 0 < min(c.cpu_seconds for c in children) < 0.6 * fresh


def test_a_child_cannot_forge_the_zygotes_replies(tmp_path):
    """Writing reply lines to every descriptor, or to the zygote's pipes under /proc, reaches
    nothing the grader reads: the CPU time and status stay the kernel's."""
    forge = ("import os\nline = b'\\n'.join(b'{\"id\": %d, \"pid\": 1, \"status\": 0, \"cpu\": 1234.0}'"
             " % n for n in range(1, 300)) + b'\\n'\n"
             "for fd in range(3, 1024):\n    try:\n        os.write(fd, line)\n"
             "    except OSError:\n        pass\n"
             "for fd in (0, 1):\n    try:\n"
             "        with open('/proc/%d/fd/%d' % (os.getppid(), fd), 'wb') as pipe:\n"
             "            pipe.write(line)\n    except OSError:\n        pass\n"
             "raise SystemExit(3)\n")
    staged = _staged(tmp_path, forge)
    for _ in range(3):
        child = sandbox.run_child(staged, IMPORT, 20, 256)
        assert child.cpu_seconds < 100
        assert child.records[0]["status"] == "error", child.records  # its own SystemExit(3)


def test_a_dead_zygote_is_replaced_and_its_children_reported(tmp_path):
    """Killed while a child runs: that child is reported as crashed at once (no wait for
    the deadline), and the next child gets a new zygote."""
    staged = _staged(tmp_path, "import time\ntime.sleep(30)\n")
    zygote = sandbox._zygote()  # pylint: disable=protected-access
    killer = threading.Timer(1.0, lambda: os.kill(zygote.process.pid, signal.SIGKILL))
    killer.start()
    start = time.monotonic()
    child = sandbox.run_child(staged, IMPORT, 20, 256)
    killer.join()
    assert child.status == "crashed" and time.monotonic() - start < 10
    again = sandbox.run_child(_staged(tmp_path / "again", ""), IMPORT, 20, 256)
    assert again.status == "ok" and again.records[0]["status"] == "ok"
    assert sandbox._zygote() is not zygote  # pylint: disable=protected-access


@pytest.mark.skipif(sandbox._sandbox_ids()[0] is None,  # pylint: disable=protected-access
                    reason="no user switch here: children run as the zygote's own user")
def test_a_child_cannot_signal_the_zygote(tmp_path):
    """Run as root, the zygote is out of reach of its children's signals."""
    staged = _staged(tmp_path, "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
                               "except PermissionError:\n    print('refused')\n")
    zygote = sandbox._zygote()  # pylint: disable=protected-access
    child = sandbox.run_child(staged, IMPORT, 20, 256)
    assert child.status == "ok" and "refused" in child.stdout_tail
    assert sandbox._zygote() is zygote and zygote.process.poll() is None  # pylint: disable=protected-access


@pytest.mark.skipif(sandbox._sandbox_ids()[0] is None,  # pylint: disable=protected-access
                    reason="needs root and the sandbox user, to run a grader as that user")
def test_a_child_of_the_same_user_cannot_forge_either():
    """Without a user switch (a developer's machine), the children share the zygote's user:
    the zygote is undumpable, so they still cannot reach its pipes through /proc."""
    uid, gid = sandbox._sandbox_ids()  # pylint: disable=protected-access
    script = ("import pathlib, sys, tempfile\nsys.path.insert(0, %r)\n"
              "from tests.test_zygote import test_a_child_cannot_forge_the_zygotes_replies as t\n"
              "with tempfile.TemporaryDirectory() as tmp:\n    t(pathlib.Path(tmp))\n"
              % str(ROOT))
    run = subprocess.run([sys.executable, "-c", script], cwd="/tmp", capture_output=True,
                         text=True, timeout=120, check=False, user=uid, group=gid,
                         extra_groups=[])
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
