"""The written PDFs as students and instructors build them.

The template is compiled exactly as a student would: from the handout laid out
under its folder (the files the handout zip holds), with plain `pdflatex` run
in the student's written/ folder, no search path added. The plot must reach
the PDF from where the training script writes it (one folder up) and from
beside the .tex. Neither PDF may have an overfull box.
"""

import os
import re
import shutil
import subprocess
import zipfile

import pytest

from autograder.layout import Layout
from instructor import handout, written
from instructor.written import pdf
from tests.conftest import ROOT

LAYOUT = Layout()
SOURCE = written.load_source()
FIGURE = next(question.figure for question in SOURCE.questions if question.figure)
PLOT = ROOT / "docs" / "word_vectors_sst.png"

pytestmark = pytest.mark.skipif(not pdf.have_tex(), reason="pdflatex (Debian: texlive-latex-base) "
                                "is not installed; written.build_pdf installs it (as root)")


@pytest.fixture
def unzipped(tmp_path):
    """The handout as a student unzips it: the handout zip's files under its folder.

    The zip is written as handout.build writes it (handout_files of the student tree, under the
    manifest's folder), without its staleness check, so other work on the tree cannot fail it.
    """
    archive = tmp_path / "handout.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for rel in handout.handout_files(LAYOUT.student):
            out.write(LAYOUT.student / rel, "%s/%s" % (LAYOUT.manifest.handout, rel.as_posix()))
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "student")
    return tmp_path / "student" / LAYOUT.manifest.handout


def _student_pdflatex(folder):
    """`pdflatex written.tex` in the student's written/ folder, with a clean environment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEX")}
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "written.tex"], cwd=folder,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    return (folder / "written.pdf").read_bytes()


def _images(data):
    """Image XObjects in a PDF (pdfTeX never puts stream objects in object streams)."""
    return len(re.findall(rb"/Subtype\s*/Image", data))


@pytest.mark.parametrize("where", ["where the training script writes it", "beside the .tex", "nowhere"])
def test_the_plot_reaches_the_students_pdf(unzipped, where):
    folder = unzipped / "written"
    assert (folder / "written.tex").is_file() and not (unzipped / FIGURE).exists()
    if where == "where the training script writes it":
        shutil.copy(PLOT, unzipped / FIGURE)  # the handout's root: one folder up from written/
    elif where == "beside the .tex":
        shutil.copy(PLOT, folder / FIGURE)
    data = _student_pdflatex(folder)
    # the plot, and its transparency mask when the PNG has an alpha channel
    assert (_images(data) > 0) == (where != "nowhere")
    if shutil.which("pdfimages"):
        listed = subprocess.run(["pdfimages", "-list", str(folder / "written.pdf")],
                                capture_output=True, text=True, check=True).stdout
        assert (len(listed.splitlines()) > 2) == (where != "nowhere")


def test_the_artefact_is_written_one_folder_up_from_the_templates():
    """The premise of the fallback path: the plot is an artefact of the handout's root."""
    assert FIGURE in LAYOUT.manifest.artefacts  # produced by the student next to the code
    assert (LAYOUT.student / "written" / "written.tex").is_file()
    assert "../%s" % FIGURE in (LAYOUT.student / "written" / "written.tex").read_text(encoding="utf-8")


@pytest.mark.parametrize("tex", [LAYOUT.student / "written" / "written.tex",
                                 LAYOUT.written_path("answers").parent / "solutions.tex"],
                         ids=["template", "solutions"])
def test_no_overfull_box(tex, tmp_path):
    log = tmp_path / "out.log"
    pdf.compile_pdf(tex, tmp_path / "out.pdf", log)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Output written on" in text
    assert pdf.overfull_boxes(text) == []


def test_overfull_boxes_are_found_in_a_log(tmp_path):
    tex = tmp_path / "wide.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\texttt{%s}\\end{document}\n"
                   % ("x" * 200), encoding="utf-8")
    log = tmp_path / "wide.log"
    pdf.compile_pdf(tex, tmp_path / "wide.pdf", log)
    found = pdf.overfull_boxes(log.read_text(encoding="utf-8", errors="replace"))
    assert len(found) == 1 and found[0].startswith("Overfull \\hbox")
