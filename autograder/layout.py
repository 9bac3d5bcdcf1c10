"""Every path of a course repository in one object, and the assignment's manifest.

The framework (autograder/, instructor/) names no file of any assignment: it
reads them from the manifest, `assignment.ini` at the top of the instructor's
source tree. A Layout says where that source tree, the generated student tree
and the built artefacts are; the default is this repository's solutions/,
assignment/ and dist/, and inside the Gradescope zip the source is solutions/.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Framework modules copied next to student code (handout and sandbox): numpy only.
RUNTIME = ROOT / "autograder" / "runtime"
CHECKLIB = RUNTIME / "checklib.py"        # shipped to the handout and into every sandbox
EXPRLIB = RUNTIME / "exprlib.py"          # the written part's statements and final answers: likewise
CHECK_SCRIPT = RUNTIME / "check.py"       # the handout's `python check.py`
MANIFEST = "assignment.ini"
CONFIG = "config.ini"
# Solution markers in the source: a region's code is the reference's, replaced for students.
SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
SOLUTION_STUB = "fill in the ### YOUR CODE HERE region"  # in the generated stubs' messages
# The generated file of the public checks (points, tolerance, the reference's outputs).
PUBLIC_TESTS = "public_tests.json"


class ManifestError(Exception):
    """assignment.ini is missing or malformed; the message names what to fix."""


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.replace("\n", ",").split(",") if name.strip()]


@dataclass(frozen=True)
class Manifest:  # pylint: disable=too-many-instance-attributes
    """What an assignment is: its student modules, files, handout folder and checks."""

    title: str
    handout: str                      # the folder students unzip
    checks: str                       # the module declaring CHECKS and COSTS, e.g. utils.checks
    support: str                      # given folder the grader copies next to the student's code
    required: list[str]               # files students write and submit
    artefacts: dict[str, str]         # optional file -> how to produce it (0-point tests)
    instructor_only: list[str]        # top-level entries of the source never shipped
    exclude: list[str]                # glob patterns never shipped (outputs, caches, data)
    written: dict[str, str] = field(default_factory=dict)  # questions, answers, results (paths)
    final_answers: str = ""           # optional file of the written part's boxed results

    @property
    def modules(self) -> list[str]:
        """The importable names of the required Python files."""
        return [Path(name).stem for name in self.required if name.endswith(".py")]


def load_manifest(path: Path) -> Manifest:
    """Parse and check assignment.ini."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
    parser.optionxform = str  # file names keep their case
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except OSError:
        raise ManifestError("no assignment manifest at %s: every assignment's source tree "
                            "starts with one (see docs/new_assignment.md)" % path) from None
    except configparser.Error as error:
        raise ManifestError("%s: %s" % (path, error)) from None

    def get(section: str, key: str, default: str | None = None) -> str:
        if parser.has_option(section, key):
            return parser.get(section, key).strip()
        if default is None:
            raise ManifestError("%s: [%s] %s is missing" % (path.name, section, key))
        return default

    required = _names(get("submission", "required"))
    if not required:
        raise ManifestError("%s: [submission] required names no file" % path.name)
    written = dict(parser.items("written")) if parser.has_section("written") else {}
    final_answers = get("submission", "final_answers", "")
    if final_answers and "results" not in written:
        raise ManifestError("%s: [submission] final_answers = %s needs the written part's boxed "
                            "results: name them in [written] results" % (path.name, final_answers))
    support, checks = get("assignment", "support", ""), get("assignment", "checks")
    if not support or checks.split(".")[0] != support:
        raise ManifestError("%s: [assignment] checks = %s must be a module of the support "
                            "folder (support = %s), which the grader copies next to student code"
                            % (path.name, checks, support or "(none)"))
    return Manifest(
        title=get("assignment", "title"), handout=get("assignment", "handout"),
        checks=checks, support=support,
        required=required,
        artefacts=dict(parser.items("artefacts")) if parser.has_section("artefacts") else {},
        instructor_only=_names(get("handout", "instructor_only", "")),
        exclude=_names(get("handout", "exclude", "")), written=written,
        final_answers=final_answers)


@dataclass(frozen=True)
class Layout:
    """Where the instructor's source, the student tree and the built artefacts are."""

    source: Path = ROOT / "solutions"
    student: Path = ROOT / "assignment"
    dist: Path = ROOT / "dist"

    @classmethod
    def of(cls, source: Path | None = None, student: Path | None = None,
           dist: Path | None = None) -> "Layout":
        """A layout with some paths given (absolute); the rest default to this repository's."""
        default = cls()
        return cls(Path(source or default.source).resolve(),
                   Path(student or default.student).resolve(),
                   Path(dist or default.dist).resolve())

    @property
    def manifest_path(self) -> Path:
        """The source tree's assignment.ini."""
        return self.source / MANIFEST

    @property
    def config_path(self) -> Path:
        """The grading configuration (points, visibility, tolerances, limits, hidden seed)."""
        return self.source / CONFIG

    @cached_property
    def manifest(self) -> Manifest:
        """The parsed manifest (ManifestError when it is missing or malformed)."""
        return load_manifest(self.manifest_path)

    def written_path(self, key: str) -> Path | None:
        """A file of the written part named by the manifest (questions, answers, results)."""
        name = self.manifest.written.get(key)
        return self.source / name if name else None

    def show(self, path: Path) -> str:
        """path relative to the repository when inside it, for messages."""
        path = Path(path)
        return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
