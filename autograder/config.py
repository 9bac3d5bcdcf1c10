"""Read and check config.ini: a typo or a negative weight is a clear error."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

CONFIG = Path(__file__).resolve().with_name("config.ini")
TIMED = ("naiveSoftmaxLossAndGradient", "negSamplingLossAndGradient")


class ConfigError(Exception):
    """config.ini is invalid; the message names the line to fix."""


@dataclass
class Config:  # pylint: disable=too-many-instance-attributes
    """Points per check and visibility, limits, the hidden seed."""

    public: dict[str, float]
    hidden: dict[str, float]
    timing: dict[str, float]
    timing_timeout: float
    pylint_points: float
    pylint_report: bool
    timeout: float
    memory_mb: int
    parallel: int
    hidden_seed: int

    @property
    def total(self) -> float:
        """Total points of the coding part."""
        return (sum(self.public.values()) + sum(self.hidden.values())
                + sum(self.timing.values()) + self.pylint_points)


def load(path: Path = CONFIG, check_names: list[str] | None = None) -> Config:
    """Parse and validate; check_names are the checks that exist."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",))
    parser.optionxform = str  # keep the checks' names as written
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, configparser.Error) as error:
        raise ConfigError("cannot read %s: %s" % (path, error)) from None
    points = {}
    for section in ("public", "hidden"):
        if not parser.has_section(section):
            raise ConfigError("%s: missing section [%s]" % (path.name, section))
        points[section] = {}
        for name, value in parser.items(section):
            if check_names is not None and name not in check_names:
                raise ConfigError("%s [%s]: no check is called %r (checks: %s)" % (
                    path.name, section, name, ", ".join(check_names)))
            try:
                points[section][name] = float(value)
            except ValueError:
                raise ConfigError("%s [%s] %s: %r is not a number" % (
                    path.name, section, name, value)) from None
            if points[section][name] < 0:
                raise ConfigError("%s [%s] %s: negative points (%s)" % (
                    path.name, section, name, value))
    timing = {}
    for name in TIMED:
        try:
            timing[name] = parser.getfloat("timing", name)
        except (configparser.Error, ValueError) as error:
            raise ConfigError("%s [timing]: %s" % (path.name, error)) from None
        if timing[name] < 0:
            raise ConfigError("%s [timing] %s: negative points" % (path.name, name))
    try:
        pylint_points = parser.getfloat("style", "pylint")
        if pylint_points < 0:
            raise ConfigError("%s [style] pylint: negative points" % path.name)
        return Config(points["public"], points["hidden"], timing,
                      parser.getfloat("timing", "timeout"), pylint_points,
                      parser.getboolean("style", "report"),
                      parser.getfloat("limits", "timeout"), parser.getint("limits", "memory_mb"),
                      parser.getint("limits", "parallel"),
                      parser.getint("hidden_inputs", "seed"))
    except (configparser.Error, ValueError) as error:
        raise ConfigError("%s: %s" % (path.name, error)) from None
