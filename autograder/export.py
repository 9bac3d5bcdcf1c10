"""What a Gradescope export or a folder of submissions holds.

An export (*Review Grades > Export Submissions*) is a zip of one folder per
submission and a `submission_metadata.yml` naming who submitted each; a plain
folder holds one submission per entry (a folder, a zip or a notebook). This
module finds the submissions, gives each a safe identifier and the names of
its submitters, and splits the list into shards. It grades nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.submission import extract_zip

METADATA = "submission_metadata.yml"
IDENTITY = ("name", "email", "sid")
ENTRY_SUFFIXES = (".zip", ".ipynb")  # besides folders: what one submission may be
CODE_SUFFIXES = (".py", ".ipynb")


class BatchError(Exception):
    """The batch cannot start (bad input, another autograder's output): the message says why."""


@dataclass
class Submission:
    """One submission to grade: a safe identifier, where it is, who submitted it."""

    id: str
    path: Path
    name: str = ""
    email: str = ""
    sid: str = ""


def _safe_id(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "submission"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = "%s-%d" % (base, n)
    taken.add(candidate)
    return candidate


def _submitters(entry) -> dict[str, str]:
    """name, email and sid from one entry of Gradescope's metadata (several joined by '; ')."""
    people = []
    if isinstance(entry, dict):
        people = entry.get(":submitters") or entry.get("submitters") or []
    identity = {}
    for key in IDENTITY:
        values = [str(p.get(":" + key, p.get(key, "")) or "") for p in people if isinstance(p, dict)]
        identity[key] = "; ".join(v for v in values if v)
    return identity


def _read_metadata(path: Path) -> dict:
    import yaml  # pylint: disable=import-outside-toplevel  # batch only: not in the Gradescope zip
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BatchError("cannot read %s: %s" % (path, error)) from None
    if not isinstance(data, dict):
        raise BatchError("%s does not map submission folders to their metadata" % path)
    return data


def check_source(source: Path) -> None:
    """A BatchError unless source is a folder or a zip (checked before anything is written)."""
    if not source.exists():
        raise BatchError("%s does not exist" % source)
    if not (source.is_dir() or (source.is_file() and source.suffix == ".zip")):
        raise BatchError("%s is neither a folder nor a zip of submissions" % source)


def _export_root(source: Path, scratch: Path) -> Path:
    """The folder holding the submissions: source itself, or an unpacked export zip."""
    check_source(source)
    if source.is_dir():
        root = source
    else:
        try:
            extract_zip(source, scratch)
        except (ValueError, OSError) as error:
            raise BatchError("%s cannot be unpacked (%s): download the export again"
                             % (source, error)) from None
        root = scratch
    entries = [p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and not (root / METADATA).exists() \
            and not _looks_like_one_submission(entries[0]):
        root = entries[0]  # the export zip's single top-level folder
    return root


def _looks_like_one_submission(folder: Path) -> bool:
    return any(p.suffix in CODE_SUFFIXES for p in folder.iterdir() if p.is_file())


def find_submissions(source: Path, scratch: Path) -> list[Submission]:
    """Every submission under source, sorted by identifier.

    source is a Gradescope export (folders submission_<n> and one
    submission_metadata.yml naming who submitted each), its zip, or a plain
    folder whose entries (folders, zips, .py files, notebooks) are one
    submission each. A zip is unpacked into scratch.
    """
    root = _export_root(source, scratch)
    metadata = _read_metadata(root / METADATA) if (root / METADATA).exists() else {}
    taken: set[str] = set()
    found = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "__MACOSX")) or entry.name == METADATA:
            continue
        if not (entry.is_dir() or entry.suffix in ENTRY_SUFFIXES):
            continue
        key = entry.name if entry.is_dir() else entry.stem
        meta = metadata.get(entry.name) or metadata.get(key)
        if meta is None and entry.is_dir() and (entry / METADATA).exists():
            meta = _read_metadata(entry / METADATA)
        found.append(Submission(_safe_id(key, taken), entry, **_submitters(meta or {})))
    if not found:
        raise BatchError("no submission found in %s (expected folders, zips, .py files or "
                         "notebooks, or a Gradescope export)" % source)
    return found


def parse_shard(spec: str | None) -> tuple[int, int] | None:
    """"i/n" -> (i - 1, n); None for no sharding; a BatchError for anything else."""
    if not spec:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", spec.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise BatchError("--shard %r: write i/n with 1 <= i <= n, for example 2/4" % spec)
    return int(match.group(1)) - 1, int(match.group(2))


def shard(submissions: list[Submission], spec: str | None) -> list[Submission]:
    """The i-th of n interleaved shares ("i/n", 1-based) of a sorted list of submissions."""
    parsed = parse_shard(spec)
    if parsed is None:
        return submissions
    index, count = parsed
    return [s for n, s in enumerate(submissions) if n % count == index]
