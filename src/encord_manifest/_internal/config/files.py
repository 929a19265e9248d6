"""Configuration files: where they are looked for, and how one is read.

The nearest configuration file above a manifest applies: ``encord-manifest.toml`` (a table of
its own) or a ``pyproject.toml`` with a ``[tool.encord-manifest]`` table, searched from the
manifest's directory upward (a ``pyproject.toml`` without the table is passed over, as ruff
does). Only the nearest file applies; files are not merged.
"""

from __future__ import annotations

import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from encord_manifest._internal.config.options import ConfigError, Options, parse_options

CONFIG_FILE_NAME = "encord-manifest.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "encord-manifest"


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    options: Options

    @property
    def root(self) -> Path:
        """Patterns in the file are relative to the directory it lives in."""
        return self.path.parent

    @property
    def label(self) -> str:
        table = "" if self.path.name == CONFIG_FILE_NAME else f" [tool.{TOOL_TABLE}]"
        return f"{self.path}{table}"


def read_config(path: Path, required: bool = True) -> ConfigFile | None:
    """The configuration in a file; None for a pyproject.toml without our table (unless required)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(f"{path}: cannot read: {reason}") from None
    if sys.version_info >= (3, 11):  # imported here: most runs find no configuration file
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:  # the parser recurses once per level of nested arrays or tables
        raise ConfigError(f"{path}: not usable TOML: values nested too deeply") from None
    if path.name == PYPROJECT:
        tool = document.get("tool")
        table = tool.get(TOOL_TABLE) if isinstance(tool, dict) else None
        if table is None:
            if required:
                raise ConfigError(f"{path}: no [tool.{TOOL_TABLE}] table")
            return None
        where = f"{path}: [tool.{TOOL_TABLE}]"
    else:
        table, where = document, str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    return ConfigFile(path, parse_options(table, where))


def config_in(directory: Path) -> ConfigFile | None:
    """The configuration a directory holds itself, if any; OSError if it cannot be told."""
    own = directory / CONFIG_FILE_NAME
    if _is_file(own):
        return read_config(own)
    pyproject = directory / PYPROJECT
    if _is_file(pyproject):
        return read_config(pyproject, required=False)
    return None


def _is_file(path: Path) -> bool:
    """Whether a file is there; OSError where that cannot be known (a directory that may not
    be searched), since taking it for "no configuration" could silently lint with defaults."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def find_config(
    start: Path, cache: dict[Path, ConfigFile | None] | None = None
) -> ConfigFile | None:
    """The nearest configuration at or above ``start`` (a directory); ``cache`` spares a run
    over many files in one directory from reading its configuration again."""
    cache = {} if cache is None else cache
    for directory in (start, *start.parents):
        if directory not in cache:
            cache[directory] = config_in(directory)
        found = cache[directory]
        if found is not None:
            return found
    return None
