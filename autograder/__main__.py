"""Command line: python -m autograder grade PATH --results FILE."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from autograder import results as results_module
from autograder.config import ConfigError
from autograder.grader import grade_path


def main(argv: list[str] | None = None) -> int:
    """Grade one submission; exit 0 whenever grading happened, whatever the score."""
    parser = argparse.ArgumentParser(prog="python -m autograder")
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="grade a submission as Gradescope would")
    grade.add_argument("path", type=Path, help="a folder, a zip, a .py file or a notebook")
    grade.add_argument("--results", type=Path, default=Path("results.json"),
                       help="where to write results.json (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print("error: %s does not exist" % args.path, file=sys.stderr)
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="w2v-grade-") as work:
            tests, staged, seconds = grade_path(args.path, Path(work))
    except ConfigError as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    notes = staged.notes + ["%s: %s" % (name, problem) for name, problem in
                            sorted(staged.problems.items())]
    results = results_module.build(tests, seconds, notes)
    results_module.write(results, args.results)
    print(results_module.table(results))
    if notes:
        print("\n" + "\n".join(notes))
    print("\nwrote %s (%.1f s)" % (args.results, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
