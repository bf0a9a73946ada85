"""Reading a configuration: the file or the shipped default, paths resolved, secrets from the
environment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import (
    SecretStr,
    ValidationError,
)

from bot.config.checks import cross_check
from bot.config.models import PACKAGE_PREFIX, TOKEN_ENV, WEBHOOK_SECRET_ENV, Config
from bot.config.problems import ConfigError, Problem, describe


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A validated config and where it came from."""

    config: Config
    source: str


def default_config_text() -> str:
    """The St Albans City & District configuration shipped inside the package."""
    return resources.files("bot").joinpath("default_config.toml").read_text(encoding="utf-8")


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The file to read: the one given, else ./config.toml, else None (the shipped default)."""
    if explicit is not None:
        return Path(explicit)
    local = Path("config.toml")
    return local if local.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None) -> LoadedConfig:
    """Read and validate a configuration; raise ConfigError listing every problem.

    Relative paths in a file resolve against that file's folder; those in the shipped default
    resolve against the current folder. A [geography] file written ``package:PATH`` is one
    shipped inside the package (see :func:`shipped_file`), wherever the config lives.
    """
    chosen = find_config(path)
    if chosen is None:
        return LoadedConfig(parse_config(default_config_text(), base_dir=Path.cwd()), "default")
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            str(chosen), [Problem("", f"cannot read the file: {exc.strerror}")]
        ) from None
    try:
        config = parse_config(text, base_dir=chosen.absolute().parent)
    except ConfigError as exc:
        raise ConfigError(str(chosen), exc.problems) from None
    return LoadedConfig(config, str(chosen))


def default_config_data() -> dict[str, Any]:
    """The shipped default as tomllib reads it (tables as dicts, arrays of tables as lists), a
    fresh copy each call, for a caller to change before validating or writing it."""
    return tomllib.loads(default_config_text())


def parse_config(text: str, *, base_dir: Path) -> Config:
    """Validate TOML text into a Config; raise ConfigError listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config", [Problem("", f"not valid TOML: {exc}")]) from None
    return config_from_data(raw, base_dir=base_dir)


def config_from_data(raw: Mapping[str, Any], *, base_dir: Path) -> Config:
    """Validate configuration data shaped as tomllib reads a file into a Config, resolving
    relative paths against ``base_dir``; raise ConfigError listing every problem."""
    problems = list(cross_check(raw))
    config: Config | None = None
    try:
        config = Config.model_validate(_resolve_paths(raw, base_dir))
    except ValidationError as exc:
        problems[:0] = describe(exc, raw)
    if problems or config is None:
        raise ConfigError("config", problems)
    return config


def read_token(environ: Mapping[str, str] = os.environ) -> SecretStr | None:
    """The bot token from the environment, or None when it is not set."""
    token = environ.get(TOKEN_ENV, "").strip()
    return SecretStr(token) if token else None


def read_webhook_secret(environ: Mapping[str, str] = os.environ) -> SecretStr | None:
    """The secret Telegram must send with each webhook call, or None."""
    secret = environ.get(WEBHOOK_SECRET_ENV, "").strip()
    return SecretStr(secret) if secret else None


def shipped_file(relative: str) -> Path:
    """The file of the installed package at ``relative`` (a path inside the ``bot`` package,
    with forward slashes), whatever the current folder and wherever the config file lives."""
    return Path(str(resources.files("bot").joinpath(*PurePosixPath(relative).parts)))


_PATH_KEYS = {
    "storage": ("database",),
    "geography": (
        "district_boundary",
        "wards_boundary",
        "neighbours_boundary",
        "gazetteer",
        "postcodes",
    ),
}


def _resolve_paths(raw: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
    """Resolve the relative file paths of a config against ``base_dir``."""
    resolved = dict(raw)
    for section, keys in _PATH_KEYS.items():
        table = raw.get(section)
        if not isinstance(table, dict):
            continue
        table = dict(table)
        for key in keys:
            value = table.get(key)
            if not isinstance(value, str):  # other types are left for the model to report
                continue
            if section == "geography" and value.startswith(PACKAGE_PREFIX):
                table[key] = shipped_file(value.removeprefix(PACKAGE_PREFIX))
                continue
            table[key] = _resolved(value, base_dir)
        resolved[section] = table
    areas = raw.get("areas")
    if isinstance(areas, list):
        resolved["areas"] = [
            {**area, "boundary": _resolved(area["boundary"], base_dir, shipped=True)}
            if isinstance(area, dict) and isinstance(area.get("boundary"), str)
            else area
            for area in areas
        ]
    return resolved


def _resolved(value: str, base_dir: Path, *, shipped: bool = False) -> Path:
    """A path of the config: ``package:`` ones (where ``shipped``) inside the package, relative
    ones against ``base_dir``."""
    if shipped and value.startswith(PACKAGE_PREFIX):
        return shipped_file(value.removeprefix(PACKAGE_PREFIX))
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir / path
