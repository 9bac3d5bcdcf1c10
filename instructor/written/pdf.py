"""The TeX toolchain of the written part: install it when missing, compile a .tex file to PDF.

The generated LaTeX uses only packages of texlive-latex-base (amsmath,
amssymb, graphicx, geometry), so that one Debian package (about 40 MB
installed, some 35 s with apt) is all a build needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

# Debian packages: pdflatex with the LaTeX packages the templates load.
TEX_PACKAGES = ["texlive-latex-base"]
STYLES = ["amsmath.sty", "amssymb.sty", "graphicx.sty", "geometry.sty"]


def missing_styles() -> list[str]:
    """LaTeX packages the templates need that this TeX installation lacks."""
    if shutil.which("kpsewhich") is None:
        return list(STYLES)
    return [style for style in STYLES
            if subprocess.run(["kpsewhich", style], capture_output=True, check=False).returncode != 0]


def have_tex() -> bool:
    """Whether pdflatex and every package the templates load are installed."""
    return shutil.which("pdflatex") is not None and not missing_styles()


def install(packages: list[str]) -> None:
    """apt-get install the packages (as root, on Debian or Ubuntu); explain otherwise."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise RuntimeError("cannot install %s here: run `sudo apt-get install "
                           "--no-install-recommends %s` (Debian/Ubuntu) or install a TeX "
                           "distribution with pdflatex" % (" ".join(packages), " ".join(packages)))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]):
        if subprocess.run(command, env=env, check=False).returncode != 0:
            raise RuntimeError("`%s` failed" % " ".join(command))


def ensure_tex() -> None:
    """Install TeX when it is missing; a no-op when it is there."""
    if not have_tex():
        install(TEX_PACKAGES)


def compile_pdf(tex: Path, out: Path, log: Path | None = None) -> int:
    """Compile tex with pdflatex in a scratch folder into out; return its page count.

    Run in the folder of tex with no search path added, as a student runs it.
    Errors quote the relevant part of the log; log, when given, receives it.
    """
    if not tex.is_file():
        raise RuntimeError("%s does not exist" % tex)
    if shutil.which("pdflatex") is None:
        raise RuntimeError("pdflatex is not installed: install %s (Debian/Ubuntu; build_pdf "
                           "does it when run as root) or a TeX distribution with pdflatex"
                           % " ".join(TEX_PACKAGES))
    tex = tex.resolve()
    with tempfile.TemporaryDirectory() as build:
        command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                   "-output-directory", build, tex.name]
        env = {key: value for key, value in os.environ.items() if key != "TEXINPUTS"}
        result = subprocess.run(command, cwd=tex.parent, env=env, capture_output=True, text=True,
                                check=False, timeout=300)
        pdf = Path(build) / (tex.stem + ".pdf")
        if log is not None and (Path(build) / (tex.stem + ".log")).is_file():
            log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(build) / (tex.stem + ".log"), log)
        if result.returncode != 0 or not pdf.is_file():
            log = result.stdout
            start = log.find("\n!")
            raise RuntimeError("pdflatex failed on %s:\n%s" % (tex.name, log[start:start + 1500]
                                                              if start >= 0 else log[-1500:]))
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
    pages = re.search(r"Output written on .*?\((\d+) pages?", result.stdout.replace("\n", ""))
    return int(pages.group(1)) if pages else 0


def overfull_boxes(log_text: str) -> list[str]:
    """The overfull-box warnings of a LaTeX log, each with the line it quotes."""
    lines = log_text.splitlines()
    return [" ".join(lines[index:index + 2]) for index, line in enumerate(lines)
            if line.startswith("Overfull \\")]


def build_pdf(tex: Path, out: Path) -> int:
    """Install TeX when missing, compile tex into out; return the page count."""
    ensure_tex()
    return compile_pdf(Path(tex), Path(out))
