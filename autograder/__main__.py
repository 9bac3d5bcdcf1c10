"""Command line: grade one submission, grade a batch, merge shards, build a report.

    python -m autograder grade PATH --results FILE
    python -m autograder batch SUBMISSIONS --out DIR [--jobs N] [--shard i/n] [--force]
    python -m autograder merge DIR [DIR ...] --out DIR
    python -m autograder report DIR
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from autograder import batch
from autograder import config as config_module
from autograder import results as results_module
from autograder.config import ConfigError


def _grade(args) -> int:
    """Grade one submission; exit 0 whenever grading happened, whatever the score."""
    # pylint: disable=import-outside-toplevel
    from autograder.grader import grade_path, load_config
    from autograder.timing import Measurement
    if not args.path.exists():
        print("error: %s does not exist" % args.path, file=sys.stderr)
        return 2
    cfg = load_config(args.config)
    if args.parallel:
        cfg = dataclasses.replace(cfg, parallel=args.parallel)
    reference_timing = None
    if args.reference_timing:
        reference_timing = Measurement.from_json(args.reference_timing.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="w2v-grade-") as work:
        tests, staged, seconds = grade_path(args.path, Path(work), cfg, reference_timing)
    notes = staged.notes + ["%s: %s" % (name, problem) for name, problem in
                            sorted(staged.problems.items())]
    results = results_module.build(tests, seconds, notes)
    results_module.write(results, args.results)
    print(results_module.table(results))
    if notes:
        print("\n" + "\n".join(notes))
    print("\nwrote %s (%.1f s)" % (args.results, seconds))
    return 0


def _report(out: Path) -> Path:
    from autograder.report import build_report  # pylint: disable=import-outside-toplevel
    if not (out / "grades.csv").is_file():
        raise batch.BatchError("%s is not a batch output folder (no grades.csv): run "
                               "`python -m autograder batch SUBMISSIONS --out %s` first"
                               % (out, out))
    return build_report(out)


def _batch(args) -> int:
    summary = batch.run(args.submissions, args.out, args.config, args.jobs, args.force,
                        args.shard)
    print("graded %d, skipped %d already graded, %d errors%s in %.0f s; wrote %s" % (
        summary.graded, summary.skipped, summary.errors,
        " (see %s)" % (args.out / "errors.log") if summary.errors else "", summary.seconds,
        args.out / "grades.csv"))
    if summary.interrupted:
        print("interrupted: nothing graded is lost; run the same command again to go on")
        return 130
    if not args.no_report:
        print("report: %s" % _report(args.out))
    return 0


def _merge(args) -> int:
    count = batch.merge(args.out, args.parts)
    print("merged %d submissions from %d shards into %s" % (count, len(args.parts),
                                                             args.out / "grades.csv"))
    print("report: %s" % _report(args.out))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line; errors in the input are one clear line and status 2."""
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    config_help = "grading configuration (default: autograder/config.ini)"
    grade = sub.add_parser("grade", help="grade a submission as Gradescope would")
    grade.add_argument("path", type=Path, help="a folder, a zip, a .py file or a notebook")
    grade.add_argument("--results", type=Path, default=Path("results.json"),
                       help="where to write results.json (default: %(default)s)")
    grade.add_argument("--config", type=Path, default=config_module.CONFIG, help=config_help)
    grade.add_argument("--parallel", type=int, default=0,
                       help="children at once (default: config.ini [limits] parallel)")
    grade.add_argument("--reference-timing", type=Path,
                       help="the reference's costs measured by a batch (JSON), instead of "
                            "measuring them again")
    many = sub.add_parser("batch", help="grade every submission of an export or folder")
    many.add_argument("submissions", type=Path,
                      help="a Gradescope export (folder or zip) or a folder of submissions")
    many.add_argument("--out", type=Path, required=True, help="output folder")
    many.add_argument("--jobs", type=int, default=0, help="submissions at once (default: cores)")
    many.add_argument("--shard", help="grade only the i-th of n shares, e.g. 2/4")
    many.add_argument("--force", action="store_true", help="regrade what is already graded")
    many.add_argument("--no-report", action="store_true", help="skip the report")
    many.add_argument("--config", type=Path, default=config_module.CONFIG, help=config_help)
    merge = sub.add_parser("merge", help="merge the output folders of several shards")
    merge.add_argument("parts", type=Path, nargs="+", help="the shards' output folders")
    merge.add_argument("--out", type=Path, required=True, help="merged output folder")
    report = sub.add_parser("report", help="(re)build the report of a batch output folder")
    report.add_argument("out", type=Path, help="a batch output folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "grade":
            return _grade(args)
        if args.command == "batch":
            return _batch(args)
        if args.command == "merge":
            return _merge(args)
        print("report: %s" % _report(args.out))
        return 0
    except (ConfigError, batch.BatchError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
