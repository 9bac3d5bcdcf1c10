"""Read and check config.ini: a typo or a negative weight is a clear error."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

CONFIG = Path(__file__).resolve().with_name("config.ini")
TIMED = ("naiveSoftmaxLossAndGradient", "negSamplingLossAndGradient")
FACTORS = {"naive_factor": "naive", "negsamp_factor": "negsamp", "cheaper_factor": "cheaper"}
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


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
    tolerance: dict[str, float]
    visibility: dict[str, str]
    factors: dict[str, float]

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
    timing = _timing(parser, path.name)
    try:
        pylint_points = parser.getfloat("style", "pylint")
        if pylint_points < 0:
            raise ConfigError("%s [style] pylint: negative points" % path.name)
        cfg = Config(points["public"], points["hidden"], timing,
                     parser.getfloat("timing", "timeout"), pylint_points,
                     parser.getboolean("style", "report"),
                     parser.getfloat("limits", "timeout"), parser.getint("limits", "memory_mb"),
                     parser.getint("limits", "parallel"),
                     parser.getint("hidden_inputs", "seed"),
                     {k: parser.getfloat("tolerances", k) for k in ("rtol", "atol")},
                     {k: parser.get("visibility", k) for k in ("public", "hidden")},
                     {short: parser.getfloat("timing", key) for key, short in FACTORS.items()})
    except (configparser.Error, ValueError) as error:
        raise ConfigError("%s: %s" % (path.name, error)) from None
    _check_values(cfg, path.name)
    return cfg


def _timing(parser: configparser.ConfigParser, filename: str) -> dict[str, float]:
    """Points of the cost tests; a test left out of [timing] is not run."""
    known = set(TIMED) | set(FACTORS) | {"timeout"}
    for name, _ in parser.items("timing") if parser.has_section("timing") else ():
        if name not in known:
            raise ConfigError("%s [timing]: unknown key %r (keys: %s)" % (
                filename, name, ", ".join(sorted(known))))
    timing = {}
    for name in TIMED:
        if not parser.has_option("timing", name):
            continue
        try:
            timing[name] = parser.getfloat("timing", name)
        except ValueError as error:
            raise ConfigError("%s [timing] %s: %s" % (filename, name, error)) from None
        if timing[name] < 0:
            raise ConfigError("%s [timing] %s: negative points" % (filename, name))
    return timing


def _check_values(cfg: Config, filename: str) -> None:
    """Limits, tolerances and factors must be positive; visibilities Gradescope's."""
    for what, value in (("[limits] timeout", cfg.timeout), ("[limits] memory_mb", cfg.memory_mb),
                        ("[limits] parallel", cfg.parallel), ("[timing] timeout", cfg.timing_timeout),
                        *(("[tolerances] " + k, v) for k, v in cfg.tolerance.items()),
                        *(("[timing] %s_factor" % k, v) for k, v in cfg.factors.items())):
        if not value > 0:
            raise ConfigError("%s %s: must be positive (got %s)" % (filename, what, value))
    for group, value in cfg.visibility.items():
        if value not in VISIBILITIES:
            raise ConfigError("%s [visibility] %s: %r is not one of %s" % (
                filename, group, value, ", ".join(VISIBILITIES)))
