"""The written part: generated files in sync, the notebook round trip, the PDFs, no leaks."""

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.layout import Layout
from instructor import written
from instructor.written import pdf
from instructor.written.markup import expand_macros
from tests.conftest import ROOT

LAYOUT = Layout()
SOURCE = written.load_source()
TEMPLATES = ["README.md", "written_questions.md", "written.tex", "written.ipynb"]
TEMPLATES_DIR = LAYOUT.student / "written"
ANSWERS = LAYOUT.written_path("answers")
SOLUTIONS_DIR = ANSWERS.parent


@pytest.fixture
def tmp_layout(tmp_path):
    """A Layout over a copy of the manifest, the written sources and the generated files (and
    the support folder, whose checks module gives the final answers' points)."""
    source, student = tmp_path / "solutions", tmp_path / "assignment"
    source.mkdir()
    shutil.copy(LAYOUT.manifest_path, source)
    shutil.copytree(LAYOUT.source / LAYOUT.manifest.support, source / LAYOUT.manifest.support,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SOLUTIONS_DIR, source / SOLUTIONS_DIR.relative_to(LAYOUT.source))
    shutil.copytree(TEMPLATES_DIR, student / "written")
    return Layout.of(source=source, student=student, dist=tmp_path / "dist")


def test_committed_templates_and_solutions_equal_a_fresh_generation():
    stale = written.out_of_sync()
    assert not stale, "regenerate: python -m autograder written templates && ... solutions (%s)" % stale


def test_generate_templates_writes_the_student_files(tmp_path):
    files = written.generate_templates(out_dir=tmp_path / "written")
    assert sorted(p.name for p in files) == sorted(TEMPLATES)


@pytest.mark.parametrize("generated", ["student:written/written.tex", "source:written/rubric.md"])
def test_editing_a_committed_generated_file_makes_out_of_sync_report_it(tmp_layout, generated):
    assert not written.out_of_sync(tmp_layout)  # the copy itself is in sync
    tree, name = generated.split(":")
    edited = getattr(tmp_layout, tree) / name
    edited.write_text("% edited by hand\n", encoding="utf-8")
    assert written.out_of_sync(tmp_layout) == [tmp_layout.show(edited)]


def test_every_question_and_part_is_in_every_template():
    tex_text = (TEMPLATES_DIR / "written.tex").read_text(encoding="utf-8")
    markdown = (TEMPLATES_DIR / "written_questions.md").read_text(encoding="utf-8")
    for ident in SOURCE.answer_ids():
        label = SOURCE.find(ident).label
        assert label in tex_text and label in markdown, ident
    # one \clearpage per answer area: each starts on its own page for Gradescope
    assert tex_text.count("\\clearpage") == len(SOURCE.answer_ids())
    assert tex_text.count("\\begin{answer}") == len(SOURCE.answer_ids())
    assert "\\includegraphics[width=0.8\\textwidth]{word_vectors.png}" in tex_text
    assert "Put word\\_vectors.png next to this file or one folder up (run.py writes it)." in tex_text
    # \IfFileExists ignores \graphicspath: each place is tried by its own path
    assert "\\IfFileExists{word_vectors.png}" in tex_text
    assert "\\IfFileExists{../word_vectors.png}" in tex_text
    for macro in SOURCE.macros:
        assert macro.source in tex_text
        assert "\\" + macro.name + "{" not in markdown and "\\%s " % macro.name not in markdown


def test_readme_is_the_sources_readme_block_then_the_final_answers_guide():
    readme = (TEMPLATES_DIR / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(SOURCE.readme + "\n\n## Final answers, checked in seconds (optional)\n")
    assert "word_vectors.png" in SOURCE.readme


def test_the_readme_gives_the_syntax_and_a_row_per_result_without_the_results():
    readme = (TEMPLATES_DIR / "README.md").read_text(encoding="utf-8")
    guide = readme[readme.index("## Final answers"):]
    for word in ("`ID: expression`", "`A @ b`", "`a.T` (or `a^T`)", "`sigma(z)`", "`cases(",
                 "`u[w]` inside `Sum_w(...)`", "final_answers.txt", "python check.py"):
        assert word in guide, word
    results = [r for r in written.load_results().items if r["kind"] != "cost"]
    for result in results:  # its row: id, question, what it is, the names it may use
        row = next(line for line in guide.splitlines() if line.startswith("| `%s` |" % result["id"]))
        assert "| %s |" % SOURCE.find(result["question"]).label in row
        assert result["expr"] not in row and "names" not in row
    assert "| `naive_vc` | (b)(i) |" in guide and "`U`, `u[...]`" in guide
    assert not [r["expr"] for r in results if len(r["expr"]) > 3 and r["expr"] in guide]


def test_the_notebooks_last_cell_writes_a_final_answers_file_to_fill(tmp_path, monkeypatch):
    notebook = nbformat.read(str(TEMPLATES_DIR / "written.ipynb"), as_version=4)
    cell = notebook.cells[-1]
    assert cell.cell_type == "code" and "final_answers.txt" in cell.source
    handout = tmp_path / "a2"
    (handout / "written").mkdir(parents=True)
    (handout / "check.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(handout / "written")
    exec(compile(cell.source, "cell", "exec"), {})  # pylint: disable=exec-used
    text = (handout / "final_answers.txt").read_text(encoding="utf-8")
    ids = [r["id"] for r in written.load_results().items if r["kind"] != "cost"]
    assert text.splitlines() == ["%s:" % ident for ident in ids]
    import exprlib
    assert exprlib.read_finals(text, ids) == ({}, [])  # blanks: nothing answered, nothing wrong


def test_points_add_up():
    for question in SOURCE.questions:
        if question.parts:
            assert question.points == sum(p.points for p in question.parts)
    total = sum(q.points for q in SOURCE.questions if q.submit != "code")
    assert written.written_points() == total
    assert "Total of the written submission: %g points." % total in \
        (TEMPLATES_DIR / "written_questions.md").read_text(encoding="utf-8")


def test_notebook_is_valid_and_has_one_prompt_and_answer_cell_per_question():
    notebook = nbformat.read(str(TEMPLATES_DIR / "written.ipynb"), as_version=4)
    nbformat.validate(notebook)
    answers = written.notebook_answers(notebook)
    assert list(answers) == SOURCE.answer_ids()
    assert all(written.ANSWER_PLACEHOLDER in text for text in answers.values())


@pytest.mark.parametrize("strip_metadata", [False, True])
def test_notebook_round_trip_finds_every_filled_answer(tmp_path, strip_metadata):
    notebook = nbformat.read(str(TEMPLATES_DIR / "written.ipynb"), as_version=4)
    for cell in notebook.cells:
        ident = cell.metadata.get("written", {}).get("answer")
        if ident:
            cell.source = cell.source.replace(written.ANSWER_PLACEHOLDER,
                                              "My answer to %s: $U(\\hat{y} - y)$" % ident)
        if strip_metadata:  # some editors drop cell metadata: the visible headings still work
            cell.metadata = {}
    path = tmp_path / "filled.ipynb"
    nbformat.write(notebook, str(path))
    answers = written.notebook_answers(nbformat.read(str(path), as_version=4))
    assert sorted(answers) == sorted(SOURCE.answer_ids())
    for ident, text in answers.items():
        assert text.startswith("My answer to %s:" % ident), (ident, text[:60])


def test_notebook_answers_missing_when_a_cell_is_deleted():
    notebook = nbformat.read(str(TEMPLATES_DIR / "written.ipynb"), as_version=4)
    notebook.cells = [c for c in notebook.cells if c.metadata.get("written", {}).get("answer") != "h"]
    assert "h" not in written.notebook_answers(notebook)


def test_reference_answers_are_complete_with_a_rubric_per_question():
    answers = written.load_answers()
    assert not written.check_answers(SOURCE, answers, written.load_results())
    rubric = (SOLUTIONS_DIR / "rubric.md").read_text(encoding="utf-8")
    for ident in SOURCE.answer_ids():
        assert "## %s [" % SOURCE.find(ident).label in rubric


def test_known_slips_are_priced_by_what_they_change():
    text = ANSWERS.read_text(encoding="utf-8")
    assert "mistake -1: $U^\\top(\\yhat - y)$: it has $|\\vocab|$ entries" in text  # a shape error
    assert "note: Writes $f(x)$ where $f'(x)$ is meant" in text  # a slip: no deduction
    assert "note: Another letter for the parameter $U$ (e.g. $v$)" in text


def test_the_templates_credit_the_course_they_follow():
    assert "CS224N" in SOURCE.credit
    for name in ("written.tex", "written_questions.md", "written.ipynb"):
        text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert "Stanford's CS224N" in text, name
    tex_text = (TEMPLATES_DIR / "written.tex").read_text(encoding="utf-8")
    assert tex_text.index("CS224N") < tex_text.index("\\clearpage")


def test_the_notebook_placeholder_has_no_math_in_it():
    # a pair of dollars would typeset the hint itself as italic math
    assert "$" not in written.ANSWER_PLACEHOLDER
    assert "dollar signs" in written.ANSWER_PLACEHOLDER
    notebook = nbformat.read(str(TEMPLATES_DIR / "written.ipynb"), as_version=4)
    for text in written.notebook_answers(notebook).values():
        assert text.count("$") == 0, text


def test_the_students_readme_says_to_assign_each_questions_page():
    readme = (TEMPLATES_DIR / "README.md").read_text(encoding="utf-8")
    assert "assign each question's page" in readme
    assert "A question without a page cannot be graded" in readme


def test_the_release_prints_the_written_outline_click_by_click(capsys):
    from instructor import release
    release._written_checklist(2, "dist/written.pdf", written.written_points(), LAYOUT)
    output = capsys.readouterr().out
    assert "Create Assignment > Homework / Problem Set" in output and "Edit Outline" in output
    assert "variable length" in output
    rows = written.gradescope_outline()
    for row in rows:
        assert "          " + row in output
    answered = [row for row in rows if row.split()[-2] == "page"]
    assert len(answered) == len(SOURCE.answer_ids())
    # one page each, in template order: page 1 is the title page
    assert [int(row.split()[-1]) for row in answered] == list(range(2, 2 + len(answered)))
    points = [float(re.search(r"  ([\d.]+) points?  ", row).group(1)) for row in answered]
    assert sum(points) == written.written_points()
    assert rows[0].startswith("1     (a) ") and "(b)(i)" in rows[2] and rows[2].startswith("2.1 ")


def test_incomplete_answers_are_refused_with_a_clear_message(tmp_layout, tmp_path):
    broken = tmp_layout.written_path("answers")
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("step 1: $\\pd{\\Jsg}{v_w} = 0$", "step 2: $\\pd{\\Jsg}{v_w} = 0$"),
                      encoding="utf-8")
    with pytest.raises(written.WrittenError, match="rubric i: steps add to 4, the question is worth 3"):
        written.generate_solutions(tmp_layout, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_malformed_question_source_gives_file_and_line(tmp_layout):
    tmp_layout.written_path("questions").write_text("@title T\n@question a points=two\nText\n",
                                                    encoding="utf-8")
    with pytest.raises(written.WrittenError, match="questions.txt:2: points must be a number"):
        written.load_source(tmp_layout)


def test_a_manifest_without_a_written_part_is_a_clear_error(tmp_layout):
    manifest = tmp_layout.manifest_path
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[:text.index("[written]")], encoding="utf-8")
    with pytest.raises(written.WrittenError, match=r"no \[written\] questions"):
        written.load_source(Layout.of(source=tmp_layout.source, student=tmp_layout.student))


def test_macros_expand_for_markdown():
    assert expand_macros(r"\pd{\Jneg}{v_c}", SOURCE.macros) == \
        r"\frac{\partial J_{\text{neg-sample}}}{\partial v_c}"


def test_the_notation_comes_from_the_results_file(tmp_layout):
    notation = written.Notation(symbols={"a": "A", "b": r"\beta"}, indexed={"c": "c_{%s}"})
    assert written.to_latex("a @ (b - c[i]).T", notation) == r"A (\beta - c_{i})^{\top}"
    with pytest.raises(written.StatementError, match="cannot typeset 'yhat'"):
        written.to_latex("yhat", written.Notation())
    results = tmp_layout.written_path("results")
    data = json.loads(results.read_text(encoding="utf-8"))
    del data["notation"]["symbols"]["yhat"]
    results.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(written.WrittenError, match="results.json: result naive_vc: cannot typeset 'yhat'"):
        written.load_results(tmp_layout)
    data["notation"]["sums"]["Sum_w"] = {"index": "w"}
    results.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(written.WrittenError, match='"Sum_w" needs exactly "index" and "latex"'):
        written.load_results(tmp_layout)


def _leaked(texts):
    """The leak rule built from the two lists: reference file names and reference markers."""
    names, markers = written.reference_file_names(), written.reference_markers()
    return sorted(name for name, text in texts.items()
                  if Path(name).name in names or any(marker in text for marker in markers))


def test_reference_answers_never_reach_the_student_files():
    # The assertion the handout test can reuse on the zip's contents.
    texts = {"a2/written/" + name: (TEMPLATES_DIR / name).read_text(encoding="utf-8")
             for name in TEMPLATES}
    assert _leaked(texts) == []
    names = written.reference_file_names()
    assert names == {"answers.txt", "results.json", "solutions.tex", "rubric.md"}
    solutions = {"a2/written/" + name: (SOLUTIONS_DIR / name).read_text(encoding="utf-8")
                 for name in names}
    assert sorted(_leaked(solutions)) == sorted(solutions)
    for name in ("solutions.tex", "rubric.md"):  # caught by their content too, whatever the name
        assert _leaked({"notes.txt": (SOLUTIONS_DIR / name).read_text(encoding="utf-8")})
    notation = written.load_results().notation
    disguised = {"a2/notes.md": "we found " + written.to_latex(written.load_results().items[1]["expr"],
                                                               notation)
                 + " and more " + written.to_latex("v_c @ (yhat - y).T", notation)}
    assert _leaked(disguised) == ["a2/notes.md"]
    assert written.INSTRUCTOR_MARK in written.reference_markers()
    # a statement, in the syntax of final answers, is a leak too (the longer ones: see MARKER_LENGTH)
    sigmoid = written.load_results().by_id()["sigmoid"]["expr"]
    assert _leaked({"a2/final_answers.txt": "sigmoid: %s\n" % sigmoid}) == ["a2/final_answers.txt"]
    assert _leaked({"a2/final_answers.txt": "sigmoid: sigma(x) * sigma(-x)\n"}) == []


def test_handout_tree_excludes_solutions_written():
    from instructor import assign
    shipped = assign.shipped_files(LAYOUT)
    written_folder = SOLUTIONS_DIR.relative_to(LAYOUT.source)
    assert str(written_folder) == "written"
    assert not [p for p in shipped if p.is_relative_to(written_folder)]


def test_the_written_package_names_no_assignment_file():
    pattern = re.compile(r"word2vec|negSampling|naiveSoftmax|skipgram|word_vectors|sgd\.py")
    package = Path(written.__file__).parent
    for path in sorted(package.glob("*.py")):
        found = pattern.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.name, found)


needs_tex = pytest.mark.skipif(not pdf.have_tex(), reason="pdflatex (Debian: texlive-latex-base) is not "
                               "installed; written.build_pdf installs it (as root), CI does")


@needs_tex
@pytest.mark.parametrize("tex_file", [TEMPLATES_DIR / "written.tex", SOLUTIONS_DIR / "solutions.tex"])
def test_latex_compiles_to_one_page_per_answer_area(tex_file, tmp_path):
    pages = written.build_pdf(tex_file, tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert pages == 1 + len(SOURCE.answer_ids())  # title page, then one page per answer


@needs_tex
def test_template_shows_the_plot_when_it_is_there(tmp_path):
    folder = tmp_path / "written"
    written.generate_templates(out_dir=folder)
    figure = next(question.figure for question in SOURCE.questions if question.figure)
    without = pdf.compile_pdf(folder / "written.tex", tmp_path / "without.pdf")
    shutil.copy(ROOT / "docs" / "word_vectors_sst.png", tmp_path / figure)  # one folder up
    with_plot = pdf.compile_pdf(folder / "written.tex", tmp_path / "with.pdf")
    assert without == with_plot
    assert (tmp_path / "with.pdf").stat().st_size > (tmp_path / "without.pdf").stat().st_size + 10000


@needs_tex
def test_latex_errors_are_reported_with_the_log(tmp_path):
    bad = tmp_path / "bad.tex"
    bad.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n",
                   encoding="utf-8")
    with pytest.raises(RuntimeError, match="Undefined control sequence"):
        pdf.compile_pdf(bad, tmp_path / "bad.pdf")
