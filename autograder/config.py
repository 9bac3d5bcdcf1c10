"""Read and check an assignment's config.ini: a typo or a negative weight is a clear error.

The configuration holds everything an instructor tunes: points and visibility
of the checks (public and on hidden inputs), tolerances, the cost tests'
points and allowed factors, the final answers' points, limits and the hidden
seed. The names it may use are those the assignment's checks module declares.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "QUOTA PERIOD" or "max PERIOD"


def available_cpus(cpu_max: Path = CPU_MAX) -> float:
    """The CPUs this process may really use: its affinity, capped by a cgroup quota.

    Gradescope gives a container half a CPU by default while os.cpu_count() says
    more: children beyond the quota only share it and multiply peak memory.
    """
    cpus = float(len(os.sched_getaffinity(0)))
    try:
        quota, period = cpu_max.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cpus = min(cpus, int(quota) / int(period))
    except (OSError, ValueError):
        pass
    return cpus
CHEAPER = " cheaper"  # "<cost> cheaper = f": the cost must be f times below its cheaper_than's


class ConfigError(Exception):
    """config.ini is invalid; the message names the line to fix."""


@dataclass
class Config:  # pylint: disable=too-many-instance-attributes
    """Points per check and visibility, limits, the hidden seed."""

    public: dict[str, float]
    hidden: dict[str, float]
    timing: dict[str, float]           # cost test -> points (a cost left out is not run)
    factors: dict[str, float]          # cost test (or "<cost> cheaper") -> allowed factor
    timing_timeout: float
    pylint_points: float
    pylint_report: bool
    timeout: float
    memory_mb: int
    parallel: int
    hidden_seed: int
    rtol: float
    atol: float
    visibility: dict[str, str]
    final_points: float = 0.0          # the final answers' row (0: informational)

    @property
    def total(self) -> float:
        """Total points of the programming part."""
        return (sum(self.public.values()) + sum(self.hidden.values())
                + sum(self.timing.values()) + self.pylint_points + self.final_points)


class _Reader:
    """configparser with errors that name the file, the section and the key."""

    def __init__(self, path: Path):
        self.name = path.name
        self.parser = configparser.ConfigParser(inline_comment_prefixes=("#",), interpolation=None)
        self.parser.optionxform = str  # keep the checks' names as written
        try:
            self.parser.read_string(path.read_text(encoding="utf-8"))
        except (OSError, configparser.Error) as error:
            raise ConfigError("cannot read %s: %s" % (path, error)) from None

    def fail(self, section: str, key: str, problem: str) -> ConfigError:
        """An error about one line."""
        return ConfigError("%s [%s] %s: %s" % (self.name, section, key, problem))

    def items(self, section: str) -> list[tuple[str, str]]:
        """The lines of a section (none when it is absent)."""
        return self.parser.items(section) if self.parser.has_section(section) else []

    def number(self, section: str, key: str, kind=float, positive: bool = False,
               value: str | None = None):
        """A number, checked: not negative (positive when asked)."""
        if value is None:
            if not self.parser.has_option(section, key):
                raise ConfigError("%s: [%s] %s is missing" % (self.name, section, key))
            value = self.parser.get(section, key)
        try:
            number = kind(value)
        except ValueError:
            raise self.fail(section, key, "%r is not %s" % (
                value, "an integer" if kind is int else "a number")) from None
        if number < 0 or (positive and not number > 0):  # pylint: disable=unnecessary-negation  # NaN
            raise self.fail(section, key, "must be %s (got %s)" % (
                "positive" if positive else "at least 0", value))
        return number

    def points(self, section: str, names: list[str], positive: bool = False) -> dict[str, float]:
        """name = number lines, each naming something that exists."""
        found = {}
        for key, value in self.items(section):
            if key not in names:
                raise self.fail(section, key, "no such test (known: %s)" % ", ".join(names))
            found[key] = self.number(section, key, value=value, positive=positive)
        return found


def load(path: Path, check_names: list[str], cost_names: list[str],
         cheaper: dict[str, str] | None = None, finals: bool = False) -> Config:
    """Parse and validate; check_names and cost_names are what the assignment declares.

    cheaper maps a cost test to the one it must be cheaper than (its factor is
    "<cost> cheaper" in [timing_factors]); finals, whether it checks final answers
    (their points, [final_answers] points, default 0).
    """
    read = _Reader(path)
    final_points = read.points("final_answers", ["points"]).get("points", 0.0)
    if read.parser.has_section("final_answers") and not finals:
        raise ConfigError("%s: [final_answers]: the assignment has no final answers (its "
                          "manifest names no [submission] final_answers file)" % path.name)
    for section in ("public", "hidden"):
        if not read.parser.has_section(section):
            raise ConfigError("%s: missing section [%s]" % (path.name, section))
    timing = read.points("timing", cost_names + ["timeout"])
    timing.pop("timeout", None)
    factor_names = list(timing) + [name + CHEAPER for name in timing if name in (cheaper or {})]
    factors = read.points("timing_factors", factor_names, positive=True)
    for name in factor_names:
        if name not in factors:
            raise ConfigError("%s: [timing_factors] %s is missing (the cost test %s is run)"
                              % (path.name, name, name.removesuffix(CHEAPER)))
    visibility = {}
    for group in ("public", "hidden"):
        visibility[group] = read.parser.get("visibility", group, fallback="visible")
        if visibility[group] not in VISIBILITIES:
            raise read.fail("visibility", group, "%r is not one of %s" % (
                visibility[group], ", ".join(VISIBILITIES)))
    try:
        report = read.parser.getboolean("style", "report", fallback=True)
    except ValueError as error:
        raise read.fail("style", "report", str(error)) from None
    return Config(
        public=read.points("public", check_names), hidden=read.points("hidden", check_names),
        timing=timing, factors=factors,
        timing_timeout=read.number("timing", "timeout", positive=True) if timing else 20.0,
        pylint_points=read.number("style", "pylint") if read.parser.has_option("style", "pylint")
        else 0.0, pylint_report=report,
        timeout=read.number("limits", "timeout", positive=True),
        memory_mb=read.number("limits", "memory_mb", int, positive=True),
        parallel=max(1, int(available_cpus())) if read.parser.get(
            "limits", "parallel", fallback="auto").strip() == "auto"
        else read.number("limits", "parallel", int, positive=True),
        hidden_seed=read.number("hidden_inputs", "seed", int),
        rtol=read.number("tolerances", "rtol", positive=True),
        atol=read.number("tolerances", "atol", positive=True), visibility=visibility,
        final_points=final_points)
