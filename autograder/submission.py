"""Turn what a student uploaded into a staging folder the sandbox can run.

Accepts a folder, a zip (files may sit in nested folders), loose .py files or a
Jupyter notebook. The staging folder holds the student's required files (the
manifest's, when found) next to the grader's own copy of the given support
folder and of the runtime modules (checklib, exprlib), so a student's modified
utilities never run. The final-answers file, when the assignment has one, is
read as data (its first bytes), not staged.
"""

from __future__ import annotations

import ast
import codecs
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from exprlib import MAX_BYTES

from autograder.layout import CHECKLIB, EXPRLIB, Layout

MAX_FILE_BYTES = 2_000_000


@dataclass
class StagedSubmission:
    """The staging folder and what was (not) found, in words for the student."""

    folder: Path
    present: dict[str, bool] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # file -> why it cannot run
    unimportable: dict[str, str] = field(default_factory=dict)  # file -> short reason
    notes: list[str] = field(default_factory=list)
    extra_files: list[str] = field(default_factory=list)
    final_answers: bytes | None = None  # the final-answers file's first bytes, when submitted

    def usable(self, filename: str) -> bool:
        """True when the file is there and parses."""
        return self.present.get(filename, False) and filename not in self.problems

    def messages(self) -> list[str]:
        """What the top of the results says: notes, then one line per unusable file."""
        return self.notes + [problem for _, problem in sorted(self.problems.items())]


def _candidates(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and "__MACOSX" not in p.parts and not p.name.startswith("._"))


def extract_zip(archive: Path, dest: Path) -> None:
    """Unpack a zip, refusing paths outside dest and files too large to be code."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                target = (dest / info.filename).resolve()
                if not str(target).startswith(str(dest.resolve())):
                    raise ValueError("the zip contains an unsafe path: %r" % info.filename)
                if info.file_size > 50 * MAX_FILE_BYTES:
                    raise ValueError("the zip holds a file too large to be code: %r"
                                     % info.filename)
            zipped.extractall(dest)
    except zipfile.BadZipFile as error:
        raise ValueError("%s is not a valid zip file (%s): zip your files again" % (
            archive.name, error)) from None


def notebook_to_source(path: Path) -> str:
    """The defining code of a notebook: imports, functions, classes, constants.

    Cells that train, plot or print do not run: only top-level statements that
    define something are kept.
    """
    import nbformat  # pylint: disable=import-outside-toplevel
    notebook = nbformat.read(str(path), as_version=4)
    kept = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) or (
                    isinstance(node, (ast.Assign, ast.AnnAssign))
                    and isinstance(getattr(node, "value", None), ast.Constant)):
                kept.append(ast.get_source_segment(source, node))
    return "\n\n".join(kept) + "\n"


def _unpack(path: Path, unpacked: Path, staged: StagedSubmission,
            required: list[str]) -> list[Path]:
    """Copy or extract the upload into unpacked; a lone inner zip is unpacked too; a
    notebook becomes the first required file."""
    first = required[0]
    try:
        if path.is_dir():
            shutil.copytree(path, unpacked, dirs_exist_ok=True)
        elif path.suffix == ".zip":
            extract_zip(path, unpacked)
        elif path.is_file():
            shutil.copy2(path, unpacked / path.name)
        else:
            staged.notes.append("nothing was submitted at %s" % path)
    except ValueError as error:
        staged.notes.append(str(error))
    files = _candidates(unpacked)
    zips = [f for f in files if f.suffix == ".zip"]
    if len(zips) == 1 and not any(f.name in required for f in files):
        try:  # a zip in the zip (or in the folder): unpacked with the same safe extractor
            extract_zip(zips[0], zips[0].parent / (zips[0].stem + "-unzipped"))
            staged.notes.append("unpacked %s found in the submission" % zips[0].name)
        except ValueError as error:
            staged.notes.append(str(error))
        files = _candidates(unpacked)
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    if notebooks and not any(f.name == first for f in files):
        try:
            (unpacked / first).write_text(notebook_to_source(notebooks[0]), "utf-8")
            staged.notes.append("graded the code cells of %s as %s" % (notebooks[0].name, first))
        except Exception as error:  # pylint: disable=broad-except
            staged.notes.append("could not read the notebook %s: %s" % (notebooks[0].name, error))
        files = _candidates(unpacked)
    return files


def decode_source(name: str, data: bytes) -> tuple[str, str | None]:
    """The text of a student's file: UTF-8, with or without a byte-order mark.

    Anything else is (replacement-decoded text, what to do): editors on some
    systems save as UTF-16 or a legacy code page.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        found = "in UTF-16"
    else:
        try:
            return data.decode("utf-8-sig"), None
        except UnicodeDecodeError as error:
            found = "in another encoding (byte %d is 0x%02x: Windows-1252?)" % (
                error.start, data[error.start])
    return data.decode("utf-8", errors="replace"), (
        "%s is saved %s, not UTF-8: save the file as UTF-8 (your editor's \"Save with encoding\") and "
        "submit again" % (name, found))


def _syntax_problem(name: str, text: str) -> str | None:
    """A sentence naming the line of a syntax error, or None when the file compiles."""
    try:
        compile(text, name, "exec")
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        lines = text.splitlines()
        shown = lines[line - 1].strip() if line and line <= len(lines) else ""
        return "%s has a syntax error at line %s: %s%s" % (
            name, line, getattr(error, "msg", error), (": " + shown) if shown else "")
    return None


def _shallowest(files: list[Path], name: str, unpacked: Path) -> list[Path]:
    """The files called name, the one nearest the top first."""
    return sorted((f for f in files if f.name == name),
                  key=lambda f: len(f.relative_to(unpacked).parts))


def stage_submission(path: Path, dest: Path, layout: Layout | None = None) -> StagedSubmission:
    """Copy the submission's required files, the trusted support folder and checklib into dest."""
    layout = layout or Layout()
    required = layout.manifest.required
    dest.mkdir(parents=True, exist_ok=True)
    staged = StagedSubmission(dest, {name: False for name in required})
    unpacked = dest.parent / (dest.name + "-upload")
    if unpacked.exists():
        shutil.rmtree(unpacked)
    unpacked.mkdir()
    files = _unpack(path, unpacked, staged, required)
    for name in required:
        matches = _shallowest(files, name, unpacked)
        if not matches:
            found = ", ".join(f.relative_to(unpacked).as_posix() for f in files[:8]) or "nothing"
            staged.problems[name] = "%s is missing from the submission (found: %s)" % (name, found)
            continue
        if len(matches) > 1:
            staged.notes.append("several %s found; graded %s" % (
                name, matches[0].relative_to(unpacked).as_posix()))
        staged.present[name] = True
        if matches[0].stat().st_size > MAX_FILE_BYTES:
            staged.problems[name] = "%s is larger than %d bytes" % (name, MAX_FILE_BYTES)
            continue
        text, problem = decode_source(name, matches[0].read_bytes())
        problem = problem or (_syntax_problem(name, text) if name.endswith(".py") else None)
        if problem:
            staged.problems[name] = problem
        (dest / name).write_text(text, encoding="utf-8")
    staged.extra_files = [f.name for f in files if f.name not in required]
    answers = _shallowest(files, layout.manifest.final_answers, unpacked) \
        if layout.manifest.final_answers else []
    if answers:  # read as data, never staged: the grader hands its lines to a child
        with open(answers[0], "rb") as handle:
            staged.final_answers = handle.read(MAX_BYTES + 1)  # more: exprlib refuses it
    shutil.rmtree(unpacked)
    support = layout.manifest.support
    if support:
        shutil.copytree(layout.source / support, dest / support, ignore=shutil.ignore_patterns(
            *layout.manifest.exclude))
    for module in (CHECKLIB, EXPRLIB):
        shutil.copy2(module, dest / module.name)
    return staged
