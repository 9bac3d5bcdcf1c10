"""One assignment, as the grader sees it: its manifest, checks, cost tests and configuration.

The checks module declares CHECKS and COSTS, and FINALS (the random points of
the written part's final answers) when the manifest names a final-answers file.

The checks module is imported from the instructor's source tree in this
(trusted) process only, isolated from any other assignment loaded before: the
source's top-level names (utils, the student modules) are removed from
sys.modules around the import, so two assignments can be graded by one process.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

from checklib import Check, Cost, Finals

from autograder import config as config_module
from autograder.layout import Layout, Manifest


class AssignmentError(Exception):
    """The assignment's checks module cannot be loaded; the message says why."""


@dataclass
class Assignment:
    """What to grade and how: read once per process."""

    layout: Layout
    manifest: Manifest
    checks: dict[str, Check]
    costs: dict[str, Cost]
    finals: Finals | None = None   # the final answers' random points, when it has them

    def load_config(self, path: Path | None = None) -> config_module.Config:
        """The grading configuration, validated against the declared checks and costs."""
        return config_module.load(Path(path or self.layout.config_path), list(self.checks),
                                  list(self.costs),
                                  {c.name: c.cheaper_than for c in self.costs.values()
                                   if c.cheaper_than}, self.finals is not None)


def _top_level_names(source: Path) -> set[str]:
    return {p.stem if p.suffix == ".py" else p.name for p in source.iterdir()
            if p.suffix == ".py" or (p / "__init__.py").is_file()}


def _import_checks(source: Path, module: str):
    names = _top_level_names(source)

    def ours(name: str) -> bool:
        return name.split(".")[0] in names

    saved = {name: mod for name, mod in sys.modules.items() if ours(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(source))
    try:
        return importlib.import_module(module)
    except Exception as error:  # pylint: disable=broad-except
        raise AssignmentError("cannot import the checks module %s from %s: %s: %s" % (
            module, source, type(error).__name__, error)) from None
    finally:
        sys.path.remove(str(source))
        for name in [n for n in sys.modules if ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved)


_LOADED: dict[Path, Assignment] = {}


def load(layout: Layout | None = None) -> Assignment:
    """The assignment of a layout (default: this repository's), loaded once."""
    layout = layout or Layout()
    if layout.source not in _LOADED:
        manifest = layout.manifest
        module = _import_checks(layout.source, manifest.checks)
        checks, costs = list(getattr(module, "CHECKS", [])), list(getattr(module, "COSTS", []))
        for item, kind in [(c, Check) for c in checks] + [(c, Cost) for c in costs]:
            if not isinstance(item, kind):
                raise AssignmentError("%s: %r is not a checklib.%s" % (
                    manifest.checks, item, kind.__name__))
        for names in ([c.name for c in checks], [c.name for c in costs]):
            if len(set(names)) != len(names):
                raise AssignmentError("%s declares a name twice: %s" % (manifest.checks, names))
        finals = getattr(module, "FINALS", None)
        if manifest.final_answers and not isinstance(finals, Finals):
            raise AssignmentError("%s must declare FINALS = checklib.Finals(...) (the random points "
                                  "of the final answers): [submission] final_answers = %s"
                                  % (manifest.checks, manifest.final_answers))
        _LOADED[layout.source] = Assignment(layout, manifest, {c.name: c for c in checks},
                                            {c.name: c for c in costs},
                                            finals if manifest.final_answers else None)
    return _LOADED[layout.source]
