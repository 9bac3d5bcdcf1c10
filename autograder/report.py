"""The instructor's report on a batch of graded submissions.

A batch run leaves DIR/grades.csv and DIR/results/<submission>.json; this
module turns them into DIR/report/: three PNG plots, report.md (for a README)
and report.html, one self-contained page (images inlined) that can be mailed
or archived on its own. Everything that comes from a submission is escaped.
"""

from __future__ import annotations

import base64
import csv
import html
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from autograder import results as results_module
from autograder.timing import NAIVE, NAIVE_FACTOR, NEGSAMP, NEGSAMP_FACTOR

PLOTS = ("scores.png", "pass_rates.png", "timing.png")
THRESHOLDS = {NAIVE: NAIVE_FACTOR, NEGSAMP: NEGSAMP_FACTOR}
KIND_COLOURS = {"public": "#4c72b0", "hidden": "#8172b3", "timing": "#dd8452", "info": "#999999"}
HIDDEN_SUFFIX = " (hidden inputs)"
MAX_HINTS = 15
# from "hint:" to the end of the sentence (a period before a space or the line's end)
HINT_PATTERN = re.compile(r"hint:\s*(.*?)(?:\.(?=\s)|\.?$)", re.M)
# numbers, but not digits inside identifiers such as word2vec
NUMBER_PATTERN = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)?(?:e[+-]?\d+)?")
RATIO_PATTERN = re.compile(r"costs ([\d.]+)x the reference")


@dataclass
class TestStat:
    """How one test went across the graded submissions."""

    name: str
    number: str
    kind: str  # public, hidden, timing or info (max_score 0: says nothing about points)
    max_score: float
    submissions: int = 0
    passed: int = 0
    points: float = 0.0

    @property
    def pass_rate(self) -> float:
        """Fraction of the submissions that ran this test and passed it."""
        return self.passed / self.submissions if self.submissions else 0.0

    @property
    def mean_points(self) -> float:
        """Mean score of this test over the submissions that ran it."""
        return self.points / self.submissions if self.submissions else 0.0


@dataclass
class HintStat:
    """One piece of advice, normalised, and who received it."""

    hint: str
    submissions: set[str] = field(default_factory=set)
    tests: set[str] = field(default_factory=set)


@dataclass
class BatchData:
    """What the report needs from DIR, read once."""

    rows: list[dict[str, str]]
    results: dict[str, dict]          # submission -> results.json, graded rows only
    missing: list[str]                # graded rows whose results file is absent or unreadable


# ---------------------------------------------------------------- reading

def _number(text: str | None) -> float | None:
    """A float from a CSV cell or JSON value; None when empty or not a finite number."""
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def read_grades(out_dir: Path) -> list[dict[str, str]]:
    """The rows of DIR/grades.csv, as written by the batch command."""
    with open(out_dir / "grades.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_batch(out_dir: Path) -> BatchData:
    """grades.csv and the results files of its graded rows."""
    rows = read_grades(out_dir)
    results, missing = {}, []
    for row in rows:
        submission = row.get("submission") or ""
        if row.get("status") != "graded":
            continue
        # a submission name is a file name; never let it point outside results/
        data = None if Path(submission).name != submission or not submission else \
            results_module.load(out_dir / "results" / (submission + ".json"))
        if data is None:
            missing.append(submission)
        else:
            results[submission] = data
    return BatchData(rows, results, missing)


# ---------------------------------------------------------------- statistics

def test_kind(test: dict) -> str:
    """public, hidden, timing or info: how the report groups and colours a test."""
    if not _number(test.get("max_score")):
        return "info"
    if "timing" in (test.get("tags") or []) or str(test.get("name", "")).startswith("timing: "):
        return "timing"
    return "public" if test.get("visibility", "visible") == "visible" else "hidden"


def _number_key(number: str) -> tuple:
    """Sort "1.10" after "1.9"."""
    return tuple(int(part) if part.isdigit() else 0 for part in str(number).split("."))


def pass_rates(results: dict[str, dict]) -> list[TestStat]:
    """Per test (in the grader's order): submissions, passes, points."""
    stats: dict[str, TestStat] = {}
    for data in results.values():
        for test in data["tests"]:
            name = str(test.get("name", "?"))
            stat = stats.setdefault(name, TestStat(name, str(test.get("number", "")), test_kind(test),
                                                   _number(test.get("max_score")) or 0.0))
            stat.submissions += 1
            stat.passed += test.get("status") == "passed"
            stat.points += _number(test.get("score")) or 0.0
    return sorted(stats.values(), key=lambda s: (_number_key(s.number), s.name))


def normalise_hint(text: str) -> str:
    """The advice of a hint with its numbers replaced, so that the same advice groups."""
    return NUMBER_PATTERN.sub("N", " ".join(text.split())).strip()


def hints_in(output: str) -> list[str]:
    """The normalised hints in one test's output."""
    return [normalise_hint(m.group(1)) for m in HINT_PATTERN.finditer(output or "")
            if m.group(1).strip()]


def frequent_hints(results: dict[str, dict], limit: int = MAX_HINTS) -> list[HintStat]:
    """The hints given to the most submissions (each counted once per submission)."""
    stats: dict[str, HintStat] = {}
    for submission, data in results.items():
        for test in data["tests"]:
            test_name = str(test.get("name", "?")).removesuffix(HIDDEN_SUFFIX)
            for hint in hints_in(str(test.get("output") or "")):
                stat = stats.setdefault(hint, HintStat(hint))
                stat.submissions.add(submission)
                stat.tests.add(test_name)
    ranked = sorted(stats.values(), key=lambda s: (-len(s.submissions), s.hint))
    return ranked[:limit]


def _timing_ratio(test: dict) -> float | None:
    """The judged cost ratio; from extra_data, else from the feedback's first line."""
    extra = test.get("extra_data")
    ratio = _number(extra.get("ratio")) if isinstance(extra, dict) else None
    if ratio is None:
        match = RATIO_PATTERN.search(str(test.get("output") or ""))
        ratio = _number(match.group(1)) if match else None
    return ratio if ratio is not None and ratio > 0 else None


def thresholds(results: dict[str, dict]) -> dict[str, float]:
    """Each cost test's allowed ratio as the grader applied it (config.ini), else the default."""
    found = dict(THRESHOLDS)
    for data in results.values():
        for test in data["tests"]:
            extra = test.get("extra_data")
            if isinstance(extra, dict) and _number(extra.get("allowed")) is not None:
                found[str(extra.get("function"))] = float(extra["allowed"])
    return found


def timing_ratios(results: dict[str, dict]) -> dict[str, list[float | None]]:
    """Per timed function, one ratio per submission (None: the timing run failed)."""
    ratios: dict[str, list[float | None]] = {NAIVE: [], NEGSAMP: []}
    for data in results.values():
        for test in data["tests"]:
            name = str(test.get("name", ""))
            if name.startswith("timing: "):
                ratios.setdefault(name.removeprefix("timing: "), []).append(_timing_ratio(test))
    return ratios


def graded_scores(rows: list[dict[str, str]]) -> list[float]:
    """Total scores of the graded rows of grades.csv (the batch's own record)."""
    return [s for s in (_number(r.get("score")) for r in rows if r.get("status") == "graded")
            if s is not None]


def score_summary(rows: list[dict[str, str]]) -> dict[str, float | int | None]:
    """Counts of the batch and the statistics of the graded scores."""
    graded = [r for r in rows if r.get("status") == "graded"]
    scores = graded_scores(rows)
    maxima = [m for m in (_number(r.get("max_score")) for r in graded) if m is not None]
    return {"submissions": len(rows), "graded": len(graded),
            "errors": sum(r.get("status") == "error" for r in rows),
            "scored": len(scores), "max_score": max(maxima) if maxima else None,
            "mean": statistics.fmean(scores) if scores else None,
            "median": statistics.median(scores) if scores else None,
            "max": max(scores) if scores else None}


# ---------------------------------------------------------------- plots

def _empty_note(figure: Figure, text: str) -> None:
    """A plot without data says so instead of drawing empty axes."""
    axes = figure.add_subplot()
    axes.axis("off")
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=12)


def plot_scores(scores: list[float], max_score: float | None, path: Path) -> None:
    """Histogram of total scores, the maximum marked."""
    figure = Figure(figsize=(7, 3.5), layout="constrained")
    if not scores:
        _empty_note(figure, "no graded scores")
    else:
        top = max([max_score or 0.0, *scores, 1.0])
        axes = figure.add_subplot()
        axes.hist(scores, bins=min(34, max(10, len(scores))), range=(0, top), color="#4c72b0",
                  edgecolor="white")
        if max_score is not None:
            axes.axvline(max_score, color="#c44e52", linestyle="--", label="max %g" % max_score)
            axes.legend(loc="upper left")
        axes.set_xlabel("total score")
        axes.set_ylabel("submissions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title("Scores (%d graded)" % len(scores))
    figure.savefig(path, dpi=100)


def plot_pass_rates(stats: list[TestStat], path: Path) -> None:
    """Horizontal bars of pass rates; informational tests left out, kinds coloured."""
    shown = [s for s in stats if s.kind != "info"]
    figure = Figure(figsize=(8, 1.2 + 0.28 * max(len(shown), 1)), layout="constrained")
    if not shown:
        _empty_note(figure, "no graded tests")
    else:
        axes = figure.add_subplot()
        positions = range(len(shown))
        axes.barh(positions, [100 * s.pass_rate for s in shown],
                  color=[KIND_COLOURS[s.kind] for s in shown])
        labels = ["%s %s" % (s.number, s.name.replace(HIDDEN_SUFFIX, " (hidden)")[:60]) for s in shown]
        axes.set_yticks(list(positions), labels, fontsize=7)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("submissions passing (%)")
        for kind in ("public", "hidden", "timing"):
            axes.barh([0], [0], color=KIND_COLOURS[kind], label=kind)
        axes.legend(loc="lower left", bbox_to_anchor=(1.01, 0), fontsize=7)
        axes.set_title("Pass rate per test")
    figure.savefig(path, dpi=100)


def plot_timing(ratios: dict[str, list[float | None]], path: Path,
                allowed: dict[str, float] | None = None) -> None:
    """Distribution of each cost test's ratio (log x), with its pass threshold."""
    allowed = allowed or THRESHOLDS
    figure = Figure(figsize=(7, 4.5), layout="constrained")
    for index, function in enumerate((NAIVE, NEGSAMP), 1):
        axes = figure.add_subplot(2, 1, index)
        values = [r for r in ratios.get(function, []) if r is not None]
        factor = allowed[function]
        axes.set_xscale("log")
        if values:
            low, high = min([*values, factor]) / 1.5, max([*values, factor]) * 2.5
            bins = [low * (high / low) ** (i / 30) for i in range(31)]
            axes.hist(values, bins=bins, color="#dd8452", edgecolor="white")
            axes.set_xlim(low, high)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: "%gx" % value))
        else:
            axes.text(0.5, 0.5, "no timing ratios", transform=axes.transAxes, ha="center")
        axes.axvline(factor, color="#c44e52", linestyle="--")
        axes.text(factor, 0.95, " pass threshold %gx" % factor, color="#c44e52", fontsize=8,
                  va="top", transform=axes.get_xaxis_transform())
        failed = sum(r is None for r in ratios.get(function, []))
        axes.set_title("%s (%d timed, %d without a ratio)" % (function, len(values), failed),
                       fontsize=9)
        axes.set_ylabel("submissions")
        axes.set_xlabel("student cost / reference cost" if index == 2 else "")
    figure.savefig(path, dpi=100)


# ---------------------------------------------------------------- page content

def _fmt(value: float | int | None) -> str:
    return "-" if value is None else "%.2f" % value if isinstance(value, float) else str(value)


def summary_table(summary: dict) -> list[list[str]]:
    """Rows of the counts-and-scores table."""
    return [["", "value"], ["submissions", _fmt(summary["submissions"])], ["graded", _fmt(summary["graded"])],
            ["errors (could not grade)", _fmt(summary["errors"])],
            ["mean score", _fmt(summary["mean"])], ["median score", _fmt(summary["median"])],
            ["highest score", _fmt(summary["max"])], ["maximum possible", _fmt(summary["max_score"])]]


def test_table(stats: list[TestStat]) -> list[list[str]]:
    """Rows of the per-test table (header first)."""
    rows = [["#", "test", "kind", "submissions", "passed", "pass rate", "mean points"]]
    for s in stats:
        rows.append([s.number, s.name, s.kind, str(s.submissions), str(s.passed),
                     "%.0f%%" % (100 * s.pass_rate), "%.2f / %g" % (s.mean_points, s.max_score)])
    return rows


def hint_table(hints: list[HintStat]) -> list[list[str]]:
    """Rows of the frequent-hints table (header first)."""
    return [["submissions", "hint", "tests"]] + [
        [str(len(h.submissions)), h.hint, ", ".join(sorted(h.tests))] for h in hints]


def timing_table(ratios: dict[str, list[float | None]],
                 allowed: dict[str, float] | None = None) -> list[list[str]]:
    """Rows of the timing table: how many runs, the median and worst ratio, how many too slow."""
    allowed = allowed or THRESHOLDS
    rows = [["function", "timed", "no ratio", "median ratio", "worst ratio", "over threshold"]]
    for function, values in ratios.items():
        known = [v for v in values if v is not None]
        factor = allowed.get(function)
        over = "-" if factor is None else str(sum(v > factor for v in known))
        rows.append([function, str(len(known)), str(len(values) - len(known)),
                     "%.1fx" % statistics.median(known) if known else "-",
                     "%.1fx" % max(known) if known else "-", over])
    return rows


def error_table(rows: list[dict[str, str]], missing: list[str]) -> list[list[str]]:
    """Rows of the submissions the grader could not grade, or whose results are missing."""
    table = [["submission", "name", "email", "sid", "problem"]]
    for row in rows:
        if row.get("status") != "graded" or row.get("submission") in missing:
            problem = "results file missing" if row.get("status") == "graded" else \
                "grader error" if row.get("status") == "error" else "status %r" % row.get("status")
            table.append([row.get(k) or "" for k in ("submission", "name", "email", "sid")] + [problem])
    return table


# ---------------------------------------------------------------- rendering

def _html_table(rows: list[list[str]], numeric: tuple[int, ...] = ()) -> str:
    """An HTML table, header first, every cell escaped."""
    head = "".join("<th>%s</th>" % html.escape(cell) for cell in rows[0])
    body = "".join("<tr>%s</tr>" % "".join(
        '<td class="num">%s</td>' % html.escape(c) if i in numeric else "<td>%s</td>" % html.escape(c)
        for i, c in enumerate(row)) for row in rows[1:])
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (head, body)


def _md_cell(text: str) -> str:
    """A Markdown table cell: one line, pipes escaped, no raw HTML."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def _md_table(rows: list[list[str]]) -> str:
    """A Markdown table, header first."""
    lines = ["| %s |" % " | ".join(_md_cell(c) for c in rows[0]),
             "|%s|" % "|".join("---" for _ in rows[0])]
    lines += ["| %s |" % " | ".join(_md_cell(c) for c in row) for row in rows[1:]]
    return "\n".join(lines)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f0f0f0}td.num{text-align:right}
img{max-width:100%;border:1px solid #eee}.notice{background:#fff3cd;border:1px solid #e0c060;
padding:1em;font-size:18px}"""


def _sections(data: BatchData) -> list[tuple[str, list[list[str]], tuple[int, ...]]]:
    """(title, table, numeric columns) of the report, in order, for both renderings."""
    stats = pass_rates(data.results)
    return [("Summary", summary_table(score_summary(data.rows)), (1,)),
            ("Tests", test_table(stats), (3, 4, 5, 6)),
            ("Most frequent hints", hint_table(frequent_hints(data.results)), (0,)),
            ("Timing", timing_table(timing_ratios(data.results), thresholds(data.results)), (1, 2, 3, 4, 5))]


def render_html(data: BatchData, report_dir: Path) -> str:
    """The self-contained page: CSS inline, plots as data URIs, submission text escaped."""
    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>Grading report</title><style>%s</style></head><body>" % CSS,
             "<h1>Grading report</h1>"]
    if not data.results:
        parts.append('<p class="notice">No submission was graded: %d submission(s), %d error(s). '
                     "There are no scores, plots or hints to show.</p>" % (
                         len(data.rows), sum(r.get("status") == "error" for r in data.rows)))
        parts.append("<h2>Summary</h2>" + _html_table(summary_table(score_summary(data.rows)), (1,)))
    else:
        sections = _sections(data)
        parts.append("<h2>Summary</h2>" + _html_table(sections[0][1], sections[0][2]))
        for name, alt in zip(PLOTS, ("score histogram", "pass rate per test", "timing ratios")):
            parts.append('<p><img alt="%s" src="%s"></p>' % (alt, _data_uri(report_dir / name)))
        for title, table, numeric in sections[1:]:
            body = _html_table(table, numeric) if len(table) > 1 else "<p>none</p>"
            parts.append("<h2>%s</h2>%s" % (html.escape(title), body))
    errors = error_table(data.rows, data.missing)
    parts.append("<h2>Not graded</h2>" + (_html_table(errors) if len(errors) > 1 else "<p>none</p>"))
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(data: BatchData) -> str:
    """The same report in Markdown, plots linked (they sit next to report.md)."""
    parts = ["# Grading report", ""]
    if not data.results:
        parts += ["**No submission was graded** (%d submission(s)): no scores, plots or hints." % (
            len(data.rows)), "", "## Summary", "", _md_table(summary_table(score_summary(data.rows)))]
    else:
        sections = _sections(data)
        parts += ["## Summary", "", _md_table(sections[0][1]), ""]
        parts += ["![score histogram](scores.png)", "", "![pass rate per test](pass_rates.png)", "",
                  "![timing ratios](timing.png)"]
        for title, table, _ in sections[1:]:
            parts += ["", "## " + title, "", _md_table(table) if len(table) > 1 else "none"]
    errors = error_table(data.rows, data.missing)
    parts += ["", "## Not graded", "", _md_table(errors) if len(errors) > 1 else "none", ""]
    return "\n".join(parts)


def build_report(out_dir: Path) -> Path:
    """Write DIR/report/ (plots, report.md, report.html) from a batch's output; return the page."""
    out_dir = Path(out_dir)
    data = load_batch(out_dir)
    report_dir = out_dir / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    # the plots are always written, so that links in report.md never dangle
    plot_scores(graded_scores(data.rows), score_summary(data.rows)["max_score"], report_dir / PLOTS[0])
    plot_pass_rates(pass_rates(data.results), report_dir / PLOTS[1])
    plot_timing(timing_ratios(data.results), report_dir / PLOTS[2], thresholds(data.results))
    (report_dir / "report.md").write_text(render_markdown(data), encoding="utf-8")
    page = report_dir / "report.html"
    page.write_text(render_html(data, report_dir), encoding="utf-8")
    return page
