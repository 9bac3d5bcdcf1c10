"""One command line for the whole workflow, behind the Makefile's targets.

    python -m autograder [--source DIR] [--student DIR] [--dist DIR] COMMAND ...

    assign                       generate the student tree from the source
    check                        fail when a generated file differs from a fresh generation
    handout                      build DIST/handout.zip
    autograder                   build DIST/autograder.zip (validates the configuration)
    grade PATH [--results FILE]  grade one submission as Gradescope would
    batch SUBMISSIONS --out DIR  grade every submission of an export or folder
    merge DIR... --out DIR       merge the output folders of several shards
    report DIR                   (re)build the report of a batch output folder
    release                      build both zips, grade through them, check for leaks
    written templates|solutions|pdf TEX --out PDF   the written part

Errors in the input are one line on stderr, `error: ...`, and exit status 2; a
check that fails (a stale file, a failed release step) exits 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from autograder import assignment as assignment_module
from autograder import results as results_module
from autograder import sandbox
from autograder.assignment import AssignmentError
from autograder.config import ConfigError
from autograder.layout import Layout, ManifestError


MISCONFIGURED = ("The autograder is misconfigured: student code must run as an unprivileged "
                 "user and cannot (%s). Nothing was graded and no points were given; please "
                 "tell your instructor (setup.sh must install Python where that user can run "
                 "it).")


class UsageError(Exception):
    """Bad input on the command line: one line, exit status 2."""


def _grade(layout: Layout, args) -> int:
    """Grade one submission; exit 0 whenever grading happened, whatever the score."""
    # pylint: disable=import-outside-toplevel
    from autograder.costs import Measurement
    from autograder.grader import grade_path
    if not args.path.exists():
        raise UsageError("%s does not exist" % args.path)
    assignment = assignment_module.load(layout)
    cfg = assignment.load_config(args.config)
    if args.parallel:
        cfg = dataclasses.replace(cfg, parallel=args.parallel)
    reference_timing = None
    if args.reference_timing:
        reference_timing = Measurement.from_json(args.reference_timing.read_text(encoding="utf-8"))
    try:
        sandbox.check_sandbox()
    except sandbox.SandboxError as error:  # a valid results file, no points, a clear reason
        results_module.write(results_module.build([], 0.0, [MISCONFIGURED % error]), args.results)
        print("error: %s" % (MISCONFIGURED % error), file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="grade-") as work:
        tests, staged, seconds = grade_path(args.path, Path(work), cfg, reference_timing, assignment)
    notes = staged.messages()
    required = list(assignment.manifest.required)
    results = results_module.build(tests, seconds, notes, extra_data={
        "required": required, "unusable": [n for n in required if not staged.usable(n)]})
    results_module.write(results, args.results)
    print(results_module.table(results))
    if notes:
        print("\n" + "\n".join(notes))
    print("\nwrote %s (%.1f s)" % (args.results, seconds))
    return 0


def _assign(layout: Layout, _args) -> int:
    from instructor.assign import generate  # pylint: disable=import-outside-toplevel
    files = generate(layout)
    print("wrote %d files to %s" % (len(files), layout.show(layout.student)))
    return 0


def _check(layout: Layout, _args) -> int:
    """Every generated file equals a fresh generation; nothing is written."""
    # pylint: disable=import-outside-toplevel
    from instructor import written
    from instructor.assign import differences
    stale = ["%s/%s" % (layout.show(layout.student), line) for line in differences(layout)]
    if layout.manifest.written:
        stale += written.out_of_sync(layout)
    for line in stale:
        print("out of date: %s" % line)
    if stale:
        print("generated files differ from a fresh generation: edit %s/, then run `make "
              "assignment` (and `make written-solutions` for the rubric)" % layout.show(layout.source))
        return 1
    print("generated files are up to date with %s/" % layout.show(layout.source))
    return 0


def _handout(layout: Layout, _args) -> int:
    from instructor import handout  # pylint: disable=import-outside-toplevel
    try:
        target = handout.build(layout)
    except handout.HandoutError as error:
        print("error: %s" % error, file=sys.stderr)
        return 1
    print("wrote %s" % layout.show(target))
    return 0


def _autograder(layout: Layout, _args) -> int:
    from autograder import package  # pylint: disable=import-outside-toplevel
    target, total = package.build(layout)
    print("wrote %s: %g points in all (public + hidden)" % (layout.show(target), total))
    return 0


def _release(layout: Layout, args) -> int:
    from instructor.release import release  # pylint: disable=import-outside-toplevel
    return release(layout, args.config)


def _written(layout: Layout, args) -> int:
    from instructor import written  # pylint: disable=import-outside-toplevel
    if args.action == "templates":
        files = written.generate_templates(layout)
    elif args.action == "solutions":
        files = written.generate_solutions(layout)
    else:
        if args.tex is None or args.out is None:
            raise UsageError("written pdf needs a .tex file and --out PDF")
        pages = written.build_pdf(args.tex, args.out)
        print("wrote %s (%d pages)" % (args.out, pages))
        return 0
    for path in files:
        print("wrote %s" % layout.show(path))
    return 0


def _batch(layout: Layout, args) -> int:
    from autograder import batch  # pylint: disable=import-outside-toplevel
    summary = batch.run(args.submissions, args.out, args.config or layout.config_path,
                        args.jobs, args.force, args.shard, source=layout.source)
    print("graded %d, skipped %d already graded, %d errors%s in %.0f s; wrote %s" % (
        summary.graded, summary.skipped, summary.errors,
        " (see %s)" % (args.out / "errors.log") if summary.errors else "", summary.seconds,
        args.out / "grades.csv"))
    if summary.interrupted:
        print("interrupted: nothing graded is lost; run the same command again to go on")
        return 130
    if not args.no_report:
        print("report: %s" % _build_report(args.out))
    return 0


def _merge(_layout: Layout, args) -> int:
    from autograder import batch  # pylint: disable=import-outside-toplevel
    count = batch.merge(args.out, args.parts)
    print("merged %d submissions from %d shards into %s" % (count, len(args.parts),
                                                             args.out / "grades.csv"))
    print("report: %s" % _build_report(args.out))
    return 0


def _report(_layout: Layout, args) -> int:
    print("report: %s" % _build_report(args.out))
    return 0


def _build_report(out: Path) -> Path:
    from autograder.report import build_report  # pylint: disable=import-outside-toplevel
    if not (out / "grades.csv").is_file():
        raise UsageError("%s is not a batch output folder (no grades.csv): run `python -m "
                         "autograder batch SUBMISSIONS --out %s` first" % (out, out))
    return build_report(out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description=__doc__.split("\n", maxsplit=1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--source", type=Path, help="the instructor's source tree (default: solutions/)")
    parser.add_argument("--student", type=Path, help="the generated student tree (default: assignment/)")
    parser.add_argument("--dist", type=Path, help="where built files go (default: dist/)")
    sub = parser.add_subparsers(dest="command", required=True)
    config_help = "grading configuration (default: the source's config.ini)"
    sub.add_parser("assign", help="generate the student tree").set_defaults(run=_assign)
    sub.add_parser("check", help="fail when generated files are stale").set_defaults(run=_check)
    sub.add_parser("handout", help="build the handout zip").set_defaults(run=_handout)
    sub.add_parser("autograder", help="build the Gradescope zip").set_defaults(run=_autograder)
    grade = sub.add_parser("grade", help="grade a submission as Gradescope would")
    grade.add_argument("path", type=Path, help="a folder, a zip, a .py file or a notebook")
    grade.add_argument("--results", type=Path, default=Path("results.json"),
                       help="where to write results.json (default: %(default)s)")
    grade.add_argument("--config", type=Path, help=config_help)
    grade.add_argument("--parallel", type=int, default=0,
                       help="children at once (default: config.ini [limits] parallel)")
    grade.add_argument("--reference-timing", type=Path,
                       help="the reference's costs measured by a batch (JSON)")
    grade.set_defaults(run=_grade)
    many = sub.add_parser("batch", help="grade every submission of an export or folder")
    many.add_argument("submissions", type=Path,
                      help="a Gradescope export (folder or zip) or a folder of submissions")
    many.add_argument("--out", type=Path, required=True, help="output folder")
    many.add_argument("--jobs", type=int, default=0, help="submissions at once (default: cores)")
    many.add_argument("--shard", help="grade only the i-th of n shares, e.g. 2/4")
    many.add_argument("--force", action="store_true", help="regrade what is already graded")
    many.add_argument("--no-report", action="store_true", help="skip the report")
    many.add_argument("--config", type=Path, help=config_help)
    many.set_defaults(run=_batch)
    merge = sub.add_parser("merge", help="merge the output folders of several shards")
    merge.add_argument("parts", type=Path, nargs="+", help="the shards' output folders")
    merge.add_argument("--out", type=Path, required=True, help="merged output folder")
    merge.set_defaults(run=_merge)
    report = sub.add_parser("report", help="(re)build the report of a batch output folder")
    report.add_argument("out", type=Path, help="a batch output folder")
    report.set_defaults(run=_report)
    release = sub.add_parser("release", help="release dry run: build, grade through the zip, "
                                             "check for leaks, print the upload checklist")
    release.add_argument("--config", type=Path, help="ship this configuration instead")
    release.set_defaults(run=_release)
    written = sub.add_parser("written", help="the written part's templates, rubric and PDFs")
    written.add_argument("action", choices=("templates", "solutions", "pdf"))
    written.add_argument("tex", type=Path, nargs="?", help="pdf: the .tex file to compile")
    written.add_argument("--out", type=Path, help="pdf: the PDF to write")
    written.set_defaults(run=_written)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; return the process exit status."""
    args = _parser().parse_args(argv)
    layout = Layout.of(args.source, args.student, args.dist)
    # pylint: disable=import-outside-toplevel
    from autograder.batch import BatchError
    from autograder.grader import GraderError
    try:
        return args.run(layout, args)
    except (UsageError, ConfigError, ManifestError, AssignmentError, BatchError,
            GraderError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    except RuntimeError as error:  # the written part's tools (pdflatex missing, ...)
        print("error: %s" % error, file=sys.stderr)
        return 1
