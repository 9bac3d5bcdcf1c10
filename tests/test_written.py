"""The written part: generated files in sync, the notebook round trip, the PDFs, no leaks."""

import shutil
import subprocess
import sys

import nbformat
import pytest

from instructor import tex, written
from tests.conftest import ROOT

SOURCE = written.load_source()
TEMPLATES = ["README.md", "written_questions.md", "written.tex", "written.ipynb"]


def test_committed_templates_and_solutions_equal_a_fresh_generation():
    stale = written.out_of_sync()
    assert not stale, "regenerate: python -m instructor.written templates && ... solutions (%s)" % stale


def test_generate_templates_writes_the_student_files(tmp_path):
    files = written.generate_templates(tmp_path / "written")
    assert sorted(p.name for p in files) == sorted(TEMPLATES)


def test_check_command_reports_a_hand_edit(tmp_path, monkeypatch):
    copy = tmp_path / "written"
    shutil.copytree(written.TEMPLATES_DIR, copy)
    (copy / "written.tex").write_text("% edited by hand\n", encoding="utf-8")
    monkeypatch.setattr(written, "TEMPLATES_DIR", copy)
    monkeypatch.setattr(written, "ROOT", tmp_path)
    assert written.out_of_sync() == ["written/written.tex"]


def test_every_question_and_part_is_in_every_template():
    tex_text = (written.TEMPLATES_DIR / "written.tex").read_text(encoding="utf-8")
    markdown = (written.TEMPLATES_DIR / "written_questions.md").read_text(encoding="utf-8")
    for ident in SOURCE.answer_ids():
        label = SOURCE.find(ident).label
        assert label in tex_text and label in markdown, ident
    # one \clearpage per answer area: each starts on its own page for Gradescope
    assert tex_text.count("\\clearpage") == len(SOURCE.answer_ids())
    assert tex_text.count("\\begin{answer}") == len(SOURCE.answer_ids())
    assert "\\includegraphics[width=0.8\\textwidth]{word_vectors.png}" in tex_text
    for macro in SOURCE.macros:
        assert macro.source in tex_text
        assert "\\" + macro.name + "{" not in markdown and "\\%s " % macro.name not in markdown


def test_points_add_up():
    for question in SOURCE.questions:
        if question.parts:
            assert question.points == sum(p.points for p in question.parts)
    total = sum(q.points for q in SOURCE.questions if q.submit != "code")
    assert "Total of the written submission: %g points." % total in \
        (written.TEMPLATES_DIR / "written_questions.md").read_text(encoding="utf-8")


def test_notebook_is_valid_and_has_one_prompt_and_answer_cell_per_question():
    notebook = nbformat.read(str(written.TEMPLATES_DIR / "written.ipynb"), as_version=4)
    nbformat.validate(notebook)
    answers = written.notebook_answers(notebook)
    assert list(answers) == SOURCE.answer_ids()
    assert all(written.ANSWER_PLACEHOLDER in text for text in answers.values())


@pytest.mark.parametrize("strip_metadata", [False, True])
def test_notebook_round_trip_finds_every_filled_answer(tmp_path, strip_metadata):
    notebook = nbformat.read(str(written.TEMPLATES_DIR / "written.ipynb"), as_version=4)
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
    notebook = nbformat.read(str(written.TEMPLATES_DIR / "written.ipynb"), as_version=4)
    notebook.cells = [c for c in notebook.cells if c.metadata.get("written", {}).get("answer") != "h"]
    assert "h" not in written.notebook_answers(notebook)


def test_reference_answers_are_complete_with_a_rubric_per_question():
    answers = written.load_answers()
    assert not written.check_answers(SOURCE, answers, written.load_results())
    rubric = (written.ANSWERS_DIR / "rubric.md").read_text(encoding="utf-8")
    for ident in SOURCE.answer_ids():
        assert "## %s [" % SOURCE.find(ident).label in rubric


def test_seed_slips_are_named_in_the_rubric():
    text = written.ANSWERS.read_text(encoding="utf-8")
    assert "$U^\\top(\\yhat - y)$: orientation" in text  # v_c gradient transposed
    assert "derivative written as $f$" in text  # leaky ReLU: f where f' is meant
    assert "another symbol (e.g. $v$) for the parameter $U$" in text


def test_incomplete_answers_are_refused_with_a_clear_message(tmp_path):
    broken = tmp_path / "answers.txt"
    text = written.ANSWERS.read_text(encoding="utf-8")
    broken.write_text(text.replace("step 1: $\\pd{\\Jsg}{v_w} = 0$", "step 2: $\\pd{\\Jsg}{v_w} = 0$"),
                      encoding="utf-8")
    with pytest.raises(written.WrittenError, match="rubric i: steps add to 4, the question is worth 3"):
        written.generate_solutions(tmp_path / "out", answers_path=broken)


def test_malformed_question_source_gives_file_and_line(tmp_path):
    bad = tmp_path / "questions.txt"
    bad.write_text("@title T\n@question a points=two\nText\n", encoding="utf-8")
    with pytest.raises(written.WrittenError, match="questions.txt:2: points must be a number"):
        written.load_source(bad)


def test_check_command_passes_on_the_committed_files():
    result = subprocess.run([sys.executable, "-m", "instructor.written", "check"], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_macros_expand_for_markdown():
    assert written.expand_macros(r"\pd{\Jneg}{v_c}", SOURCE.macros) == \
        r"\frac{\partial J_{\text{neg-sample}}}{\partial v_c}"


def test_reference_answers_never_reach_the_student_files():
    # The assertion the handout test can reuse on the zip's contents.
    texts = {"a2/written/" + name: (written.TEMPLATES_DIR / name).read_text(encoding="utf-8")
             for name in TEMPLATES}
    assert written.leaked_reference_answers(texts) == []
    solutions = {"a2/written/" + p.name: p.read_text(encoding="utf-8")
                 for p in written.ANSWERS_DIR.iterdir() if p.is_file()}
    assert sorted(written.leaked_reference_answers(solutions)) == sorted(solutions)
    disguised = {"a2/notes.md": "we found " + written.to_latex(written.load_results()[1]["expr"])
                 + " and more " + written.to_latex("v_c @ (yhat - y).T")}
    assert written.leaked_reference_answers(disguised) == ["a2/notes.md"]


def test_handout_tree_excludes_solutions_written():
    from instructor import assign
    shipped = [str(p) for p in assign.shipped_files()]
    assert not [p for p in shipped if p.startswith("written/")]


needs_tex = pytest.mark.skipif(not tex.have_tex(), reason="pdflatex (Debian: texlive-latex-base) is not "
                               "installed; `python -m instructor.tex install` installs it, CI does")


@needs_tex
@pytest.mark.parametrize("tex_file", [written.TEMPLATES_DIR / "written.tex",
                                      written.ANSWERS_DIR / "solutions.tex"])
def test_latex_compiles_to_one_page_per_answer_area(tex_file, tmp_path):
    pages = tex.compile_pdf(tex_file, tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert pages == 1 + len(SOURCE.answer_ids())  # title page, then one page per answer


@needs_tex
def test_template_shows_the_plot_when_it_is_there(tmp_path):
    folder = tmp_path / "written"
    written.generate_templates(folder)
    without = tex.compile_pdf(folder / "written.tex", tmp_path / "without.pdf")
    shutil.copy(ROOT / "docs" / "word_vectors_sst.png", tmp_path / "word_vectors.png")  # one folder up
    with_plot = tex.compile_pdf(folder / "written.tex", tmp_path / "with.pdf")
    assert without == with_plot
    assert (tmp_path / "with.pdf").stat().st_size > (tmp_path / "without.pdf").stat().st_size + 10000


@needs_tex
def test_latex_errors_are_reported_with_the_log(tmp_path):
    bad = tmp_path / "bad.tex"
    bad.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n",
                   encoding="utf-8")
    with pytest.raises(RuntimeError, match="Undefined control sequence"):
        tex.compile_pdf(bad, tmp_path / "bad.pdf")
