"""The instructor's report on a batch of graded submissions.

A batch run leaves DIR/grades.csv and DIR/results/<submission>.json; this
module turns them into DIR/report/: three PNG plots, report.md (for a README)
and report.html, one self-contained page (images inlined) that can be mailed
or archived on its own. Everything that comes from a submission is escaped.

It reads data, never feedback prose: each row's `extra_data` gives its kind,
check and hints (cost tests: ratio and allowed). A row without it (an older
results file) is public, or informational at 0 points; no hints, no ratio.
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

PLOTS = {"scores.png": "score histogram", "pass_rates.png": "pass rate per test",
         "timing.png": "timing ratios"}  # file -> alt text
KINDS = ("public", "hidden", "cost", "written", "informational")
KIND_COLOURS = {"public": "#4c72b0", "hidden": "#8172b3", "cost": "#dd8452", "written": "#55a868",
                "informational": "#999999"}
MAX_HINTS = 15
NO_CODE = "no code"  # batch.NO_CODE: graded, but none of the required files could run
PROBLEMS = {"graded": "results file missing", "error": "grader error",
            NO_CODE: "no code: every required file is missing, binary or unparsable"}
# numbers in a hint, but not digits inside identifiers such as x2 (grouping only)
NUMBER_PATTERN = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)?(?:e[+-]?\d+)?")


@dataclass
class TestStat:
    """How one test went across the graded submissions."""

    name: str
    number: str
    kind: str  # public, hidden, cost, written or informational (the last has no points)
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
    checks: set[str] = field(default_factory=set)


@dataclass
class CostStat:
    """One cost test across the graded submissions: per submission, the ratio and the allowance."""

    name: str
    ratios: list[float | None] = field(default_factory=list)   # None: no ratio (the run failed)
    allowed: list[float | None] = field(default_factory=list)  # the factor the grader applied

    @property
    def known(self) -> list[float]:
        """The ratios that were measured."""
        return [r for r in self.ratios if r is not None]

    @property
    def thresholds(self) -> list[float]:
        """The distinct allowed factors (one, unless config.ini changed between gradings)."""
        return sorted({a for a in self.allowed if a is not None})


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


def load_batch(out_dir: Path) -> BatchData:
    """grades.csv (as the batch command writes it) and the results files of its graded rows."""
    with open(out_dir / "grades.csv", newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
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

def _extra(test: dict) -> dict:
    extra = test.get("extra_data")
    return extra if isinstance(extra, dict) else {}


def test_kind(test: dict) -> str:
    """public, hidden, cost, written or informational, as the grader recorded it in extra_data."""
    kind = _extra(test).get("kind")
    if kind in KINDS:
        return kind
    return "public" if _number(test.get("max_score")) else "informational"


def check_name(test: dict) -> str:
    """The check (or cost test) a row belongs to; the row's own name when it does not say."""
    check = _extra(test).get("check")
    return check if isinstance(check, str) and check else str(test.get("name", "?"))


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
    return NUMBER_PATTERN.sub("N", " ".join(text.split()).rstrip(".")).strip()


def hints_of(test: dict) -> list[str]:
    """The normalised hints one row gave (extra_data's "hints"; none when it has no such list)."""
    hints = _extra(test).get("hints")
    hints = [normalise_hint(h) for h in hints if isinstance(h, str)] if isinstance(hints, list) else []
    return [h for h in hints if h]


def frequent_hints(results: dict[str, dict], limit: int = MAX_HINTS) -> list[HintStat]:
    """The hints given to the most submissions (each counted once per submission)."""
    stats: dict[str, HintStat] = {}
    for submission, data in results.items():
        for test in data["tests"]:
            for hint in hints_of(test):
                stat = stats.setdefault(hint, HintStat(hint))
                stat.submissions.add(submission)
                stat.checks.add(check_name(test))
    ranked = sorted(stats.values(), key=lambda s: (-len(s.submissions), s.hint))
    return ranked[:limit]


def cost_stats(results: dict[str, dict]) -> list[CostStat]:
    """Per cost test (in the grader's order), each submission's ratio and allowed factor."""
    stats: dict[str, CostStat] = {}
    for test in (t for data in results.values() for t in data["tests"] if test_kind(t) == "cost"):
        stat = stats.setdefault(check_name(test), CostStat(check_name(test)))
        ratio = _number(_extra(test).get("ratio"))
        stat.ratios.append(ratio if ratio is not None and ratio > 0 else None)
        stat.allowed.append(_number(_extra(test).get("allowed")))
    return list(stats.values())


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
            "no code": sum(r.get("status") == NO_CODE for r in rows),
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


def scores_figure(scores: list[float], max_score: float | None) -> Figure:
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
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set(xlabel="total score", ylabel="submissions", title="Scores (%d graded)" % len(scores))
    return figure


def pass_rates_figure(stats: list[TestStat]) -> Figure:
    """Horizontal bars of pass rates; informational tests left out, kinds coloured."""
    shown = [s for s in stats if s.kind != "informational"]
    figure = Figure(figsize=(8, 1.2 + 0.28 * max(len(shown), 1)), layout="constrained")
    if not shown:
        _empty_note(figure, "no graded tests")
    else:
        axes = figure.add_subplot()
        positions = range(len(shown))
        axes.barh(positions, [100 * s.pass_rate for s in shown],
                  color=[KIND_COLOURS[s.kind] for s in shown])
        labels = ["%s %s" % (s.number, s.name[:60]) for s in shown]
        axes.set_yticks(list(positions), labels, fontsize=7)
        axes.invert_yaxis()
        axes.set(xlim=(0, 100), xlabel="submissions passing (%)", title="Pass rate per test")
        for kind in sorted({s.kind for s in shown}, key=KINDS.index):
            axes.barh([0], [0], color=KIND_COLOURS[kind], label=kind)
        axes.legend(loc="lower left", bbox_to_anchor=(1.01, 0), fontsize=7)
    return figure


def timing_figure(costs: list[CostStat]) -> Figure:
    """One subplot per cost test: the distribution of its ratios (log x), its allowed factor."""
    figure = Figure(figsize=(7, 1.0 + 2.2 * max(len(costs), 1)), layout="constrained")
    if not costs:
        _empty_note(figure, "no cost tests")
    for index, cost in enumerate(costs, 1):
        axes = figure.add_subplot(len(costs), 1, index)
        values, limits = cost.known, cost.thresholds
        low, high = min([*values, *limits] or [1.0]) / 1.5, max([*values, *limits] or [1.0]) * 2.5
        axes.set_xscale("log")
        axes.set_xlim(low, high)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: "%gx" % value))
        if values:
            bins = [low * (high / low) ** (i / 30) for i in range(31)]
            axes.hist(values, bins=bins, color=KIND_COLOURS["cost"], edgecolor="white")
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            axes.text(0.5, 0.5, "no cost ratios", transform=axes.transAxes, ha="center")
        for factor in limits:
            axes.axvline(factor, color="#c44e52", linestyle="--")
            axes.text(factor, 0.95, " allowed %gx" % factor, color="#c44e52", fontsize=8,
                      va="top", transform=axes.get_xaxis_transform())
        axes.set_title("%s (%d timed, %d without a ratio)" % (
            cost.name, len(values), len(cost.ratios) - len(values)), fontsize=9)
        axes.set(ylabel="submissions",
                 xlabel="student cost / reference cost" if index == len(costs) else "")
    return figure


# ---------------------------------------------------------------- page content

def _fmt(value: float | int | None) -> str:
    return "-" if value is None else "%.2f" % value if isinstance(value, float) else str(value)


def summary_table(summary: dict) -> list[list[str]]:
    """Rows of the counts-and-scores table."""
    return [["", "value"], ["submissions", _fmt(summary["submissions"])], ["graded", _fmt(summary["graded"])],
            ["errors (could not grade)", _fmt(summary["errors"])],
            ["no code (empty, binary or unparsable)", _fmt(summary["no code"])],
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
    return [["submissions", "hint", "checks"]] + [
        [str(len(h.submissions)), h.hint, ", ".join(sorted(h.checks))] for h in hints]


def timing_table(costs: list[CostStat]) -> list[list[str]]:
    """Rows of the cost table: runs, the median and worst ratio, the allowance, how many over it."""
    rows = [["cost test", "timed", "no ratio", "median ratio", "worst ratio", "allowed",
             "over allowed"]]
    for cost in costs:  # "over allowed": each ratio against the factor its own grading applied
        known = cost.known
        over = sum(None not in (r, a) and r > a for r, a in zip(cost.ratios, cost.allowed))
        rows.append([cost.name, str(len(known)), str(len(cost.ratios) - len(known)),
                     "%.1fx" % statistics.median(known) if known else "-",
                     "%.1fx" % max(known) if known else "-",
                     ", ".join("%gx" % a for a in cost.thresholds) or "-",
                     str(over) if cost.thresholds else "-"])
    return rows


def error_table(rows: list[dict[str, str]], missing: list[str]) -> list[list[str]]:
    """Rows of the submissions the grader could not grade, or whose results are missing."""
    table = [["submission", "name", "email", "sid", "problem"]]
    for row in rows:
        if row.get("status") != "graded" or row.get("submission") in missing:
            problem = PROBLEMS.get(row.get("status") or "", "status %r" % row.get("status"))
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


CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f0f0f0}td.num{text-align:right}
img{max-width:100%;border:1px solid #eee}.notice{background:#fff3cd;border:1px solid #e0c060;
padding:1em;font-size:18px}"""


def _sections(data: BatchData) -> list[tuple[str, list[list[str]], tuple[int, ...]]]:
    """(title, table, numeric columns) in order; only summary and errors when nothing was graded."""
    summary = ("Summary", summary_table(score_summary(data.rows)), (1,))
    errors = ("Not graded, or no code", error_table(data.rows, data.missing), ())
    if not data.results:
        return [summary, errors]
    return [summary, ("Tests", test_table(pass_rates(data.results)), (3, 4, 5, 6)),
            ("Most frequent hints", hint_table(frequent_hints(data.results)), (0,)),
            ("Timing", timing_table(cost_stats(data.results)), (1, 2, 3, 4, 5, 6)), errors]


def render_html(data: BatchData, report_dir: Path) -> str:
    """The self-contained page: CSS inline, plots as data URIs, submission text escaped."""
    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>Grading report</title><style>%s</style></head><body>" % CSS,
             "<h1>Grading report</h1>"]
    if not data.results:
        parts.append('<p class="notice">No submission was graded: %d submission(s), %d error(s). '
                     "There are no scores, plots or hints to show.</p>" % (
                         len(data.rows), sum(r.get("status") == "error" for r in data.rows)))
    for index, (title, table, numeric) in enumerate(_sections(data)):
        body = _html_table(table, numeric) if len(table) > 1 else "<p>none</p>"
        parts.append("<h2>%s</h2>%s" % (html.escape(title), body))
        if index == 0 and data.results:  # the plots follow the summary
            parts += ['<p><img alt="%s" src="data:image/png;base64,%s"></p>' % (
                alt, base64.b64encode((report_dir / name).read_bytes()).decode("ascii"))
                for name, alt in PLOTS.items()]
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(data: BatchData) -> str:
    """The same report in Markdown, plots linked (they sit next to report.md)."""
    parts = ["# Grading report"]
    if not data.results:
        parts += ["", "**No submission was graded** (%d submission(s)): no scores, plots or "
                  "hints." % len(data.rows)]
    for index, (title, table, _) in enumerate(_sections(data)):
        parts += ["", "## " + title, "", _md_table(table) if len(table) > 1 else "none"]
        if index == 0 and data.results:
            for name, alt in PLOTS.items():
                parts += ["", "![%s](%s)" % (alt, name)]
    return "\n".join(parts + [""])


def build_report(out_dir: Path) -> Path:
    """Write DIR/report/ (plots, report.md, report.html) from a batch's output; return the page."""
    out_dir = Path(out_dir)
    data = load_batch(out_dir)
    report_dir = out_dir / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    # the plots are always written, so that links in report.md never dangle
    figures = (scores_figure(graded_scores(data.rows), score_summary(data.rows)["max_score"]),
               pass_rates_figure(pass_rates(data.results)), timing_figure(cost_stats(data.results)))
    for name, figure in zip(PLOTS, figures):
        figure.savefig(report_dir / name, dpi=100)
    (report_dir / "report.md").write_text(render_markdown(data), encoding="utf-8")
    page = report_dir / "report.html"
    page.write_text(render_html(data, report_dir), encoding="utf-8")
    return page
