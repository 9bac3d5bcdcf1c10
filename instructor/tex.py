"""The TeX toolchain of the written part: install it, compile with it, look at the result.

    python -m instructor.tex install   install Debian's TeX packages when pdflatex is missing
    python -m instructor.tex png PDF PAGE OUT.png

The written templates use only LaTeX packages of texlive-latex-base
(amsmath, amssymb, graphicx, geometry), so that one Debian package (about
40 MB installed, some 35 s with apt) is all a build needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Debian packages: pdflatex with the LaTeX packages the templates load; pdftoppm for PNGs.
TEX_PACKAGES = ["texlive-latex-base"]
PNG_PACKAGES = ["poppler-utils"]
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


def ensure_tex(with_png: bool = False) -> None:
    """Install TeX (and pdftoppm) when missing; a no-op when they are there."""
    needed = [] if have_tex() else list(TEX_PACKAGES)
    if with_png and shutil.which("pdftoppm") is None:
        needed += PNG_PACKAGES
    if needed:
        install(needed)


def compile_pdf(tex: Path, out: Path) -> int:
    """Compile tex with pdflatex in a scratch folder into out; return its page count.

    Errors quote the relevant part of the log.
    """
    if not tex.is_file():
        raise RuntimeError("%s does not exist" % tex)
    if shutil.which("pdflatex") is None:
        raise RuntimeError("pdflatex is not installed: run `python -m instructor.tex install` "
                           "(Debian/Ubuntu, as root) or install texlive-latex-base")
    tex = tex.resolve()
    with tempfile.TemporaryDirectory() as build:
        command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                   "-output-directory", build, tex.name]
        # TEXINPUTS lets \includegraphics find files next to the .tex (and one folder up).
        env = dict(os.environ, TEXINPUTS="%s:%s:" % (tex.parent, tex.parent.parent))
        result = subprocess.run(command, cwd=tex.parent, env=env, capture_output=True, text=True,
                                check=False, timeout=300)
        pdf = Path(build) / (tex.stem + ".pdf")
        if result.returncode != 0 or not pdf.is_file():
            log = result.stdout
            start = log.find("\n!")
            raise RuntimeError("pdflatex failed on %s:\n%s" % (tex.name, log[start:start + 1500]
                                                              if start >= 0 else log[-1500:]))
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
    pages = re.search(r"Output written on .*?\((\d+) pages?", result.stdout.replace("\n", ""))
    return int(pages.group(1)) if pages else 0


def render_png(pdf: Path, page: int, out: Path, dpi: int = 80) -> Path:
    """Render one page of pdf to out (PNG) with pdftoppm."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is not installed (Debian: poppler-utils)")
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True, capture_output=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line; returns a process exit status."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if args[:1] == ["install"]:
            ensure_tex(with_png="--png" in args)
            print("pdflatex: %s" % shutil.which("pdflatex"))
        elif args[:1] == ["png"] and len(args) == 4:
            print("wrote %s" % render_png(Path(args[1]), int(args[2]), Path(args[3])))
        else:
            print("usage: python -m instructor.tex install [--png] | png PDF PAGE OUT.png",
                  file=sys.stderr)
            return 2
    except (RuntimeError, subprocess.CalledProcessError, ValueError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
