"""The built autograder.zip runs end to end in a root laid out like Gradescope's; its
dependencies are pinned, and its setup.sh installs them on Ubuntu 22.04 and on PEP 668 images."""

import shutil
import subprocess
import sys
import zipfile
from importlib import metadata

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder import assignment, package
from autograder.layout import Layout
from tests.conftest import ASSIGNMENT, ROOT, SOLUTIONS

PYTHONS = ("3.10", "3.11", "3.12")  # Gradescope's Ubuntu 22.04 image has 3.10

CFG = assignment.load().load_config()


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory):
    target, total = package.build(Layout(), tmp_path_factory.mktemp("dist") / "autograder.zip")
    assert total == CFG.total
    return target


def test_zip_layout(built_zip):
    with zipfile.ZipFile(built_zip) as archive:
        names = set(archive.namelist())
        requirements = archive.read("requirements-autograder.txt").decode()
    assert "pylint==" in requirements
    assert {"setup.sh", "run_autograder", "autograder/harness.py", "solutions/word2vec.py",
            "solutions/utils/checks.py", "autograder/runtime/checklib.py",
            "solutions/config.ini", "solutions/assignment.ini"} <= names
    assert not [n for n in names if "__pycache__" in n]
    # of the written part, only the boxed results' statements (final answers are checked on them)
    assert [n for n in names if "/written/" in n] == ["solutions/written/results.json"]
    assert "autograder/runtime/exprlib.py" in names
    assert "numpy==" in requirements and "gradescope-utils==" in requirements
    assert {"constraints.txt", "requirements-autograder.txt"} <= names


def _requirements(text):
    return [Requirement(line.split("#")[0]) for line in text.splitlines()
            if line.split("#")[0].strip()]


def _pins(text, python):
    """name -> the version constraints.txt pins for that Python (its markers applied)."""
    environment = dict(default_environment(), python_version=python,
                       python_full_version=python + ".0", sys_platform="linux")
    pins = {}
    for req in _requirements(text):
        if req.marker is None or req.marker.evaluate(environment):
            (spec,) = req.specifier
            name = canonicalize_name(req.name)
            assert spec.operator == "==" and name not in pins, "one exact pin per Python: %s" % req
            pins[name] = spec.version
    return pins, environment


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-autograder.txt"])
def test_every_package_installed_through_requirements_is_pinned(requirements, python):
    """Requirements and, through the installed packages' metadata, every dependency of one."""
    text = package.runtime_requirements() if requirements.endswith("autograder.txt") else \
        (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pins, environment = _pins(package.constraints(), python)
    todo = [(req, "requirements") for req in _requirements(text)]
    seen = set()
    while todo:
        req, wanted_by = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen or (req.marker and not req.marker.evaluate(dict(environment, extra=""))):
            continue
        seen.add(name)
        assert name in pins, "%s (wanted by %s) is not pinned in constraints.txt" % (name, wanted_by)
        assert req.specifier.contains(pins[name], prereleases=True), (
            "%s pins %s==%s, which %s does not accept" % ("constraints.txt", name, pins[name], req))
        try:  # the installed release's dependencies (the same release on this venv's Python)
            todo += [(Requirement(r), name) for r in metadata.requires(name) or []]
        except metadata.PackageNotFoundError:
            pass  # a package only older Pythons install (tomli on 3.10): nothing depends on it here
    if python == "%d.%d" % sys.version_info[:2]:  # the pins are what this venv runs
        assert all(metadata.version(name) == pins[name] for name in seen)


def _fake_image(tmp_path, pip_knows_pep668, externally_managed):
    """A copy of setup.sh beside fake apt-get, python3 and id that only log what they are asked."""
    setup = tmp_path / "source"
    setup.mkdir()
    shutil.copy2(ROOT / "autograder" / "gradescope" / "setup.sh", setup / "setup.sh")
    (setup / "requirements-autograder.txt").write_text(package.runtime_requirements())
    (setup / "constraints.txt").write_text(package.constraints())
    stdlib = tmp_path / "stdlib"
    stdlib.mkdir()
    if externally_managed:
        (stdlib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\n")
    fake = tmp_path / "bin"
    fake.mkdir()
    log = tmp_path / "log"
    option = "  --break-system-packages     Allow pip to modify an EXTERNALLY-MANAGED Python"
    scripts = {"apt-get": 'echo "apt-get $*" >> "%s"\n' % log,
               "id": 'echo "id $*" >> "%s"\n' % log,
               "python3": 'echo "python3 $*" >> "%s"\n' % log
                          + 'if [ "$1" = -c ]; then echo "%s"; exit 0; fi\n' % stdlib
                          + 'if [ "$*" = "-m pip install --help" ]; then\n'
                          + '  echo "Usage: pip install [options] <requirement specifier>"\n'
                          + ('  echo "%s"\n' % option if pip_knows_pep668 else "") + "fi\n"}
    for name, body in scripts.items():
        (fake / name).write_text("#!/bin/bash\n" + body)
        (fake / name).chmod(0o755)
    return setup / "setup.sh", fake, log


@pytest.mark.parametrize("image, pip_knows_pep668, externally_managed, breaks", [
    ("Ubuntu 22.04 (pip 22.0.2)", False, False, False),
    ("Ubuntu 24.04 (PEP 668)", True, True, True),
    ("a recent pip, no marker", True, False, False),
    ("a marker, a pip that predates PEP 668", False, True, False),
])
def test_setup_sh_installs_pinned_and_passes_pep668s_option_only_where_needed(
        tmp_path, image, pip_knows_pep668, externally_managed, breaks):
    setup, fake, log = _fake_image(tmp_path, pip_knows_pep668, externally_managed)
    done = subprocess.run(["bash", str(setup)], env={"PATH": "%s:/usr/bin:/bin" % fake},
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    installs = [line for line in log.read_text().splitlines()
                if line.startswith("python3 -m pip install") and "--help" not in line]
    assert len(installs) == 1, image
    assert installs[0].endswith("-r requirements-autograder.txt -c constraints.txt")
    assert ("--break-system-packages" in installs[0]) == breaks, image
    assert "apt-get install -y -q python3 python3-pip" in log.read_text()


@pytest.mark.parametrize("submission, full", [(SOLUTIONS, True), (ASSIGNMENT, False)])
def test_run_autograder_end_to_end(tmp_path, built_zip, submission, full):
    written = package.run_in_gradescope_root(built_zip, submission, tmp_path)
    assert written["score"] == (CFG.total if full else 0)
    assert sum(t["max_score"] for t in written["tests"]) == CFG.total


def test_a_broken_grader_still_writes_a_valid_results_file(tmp_path, built_zip):
    root = package.gradescope_root(built_zip, SOLUTIONS, tmp_path)
    (root / "source" / "autograder" / "__main__.py").write_text("raise SystemExit(1)\n")
    package.run_autograder(root)
    written = package.read_results(root)
    assert written["score"] == 0 and "autograder failed" in written["output"]


def test_a_missing_results_file_is_a_grading_error(tmp_path, built_zip):
    root = package.gradescope_root(built_zip, SOLUTIONS, tmp_path)
    with pytest.raises(package.GradingError, match="no results"):
        package.read_results(root)
