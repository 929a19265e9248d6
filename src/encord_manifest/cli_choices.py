"""Choices shared by the commands' options (cli.py and cli_jobs.py)."""

from __future__ import annotations

import enum


class TextOrJson(str, enum.Enum):
    """``--output-format`` of the commands that print one report: rules, submit, status, verify."""

    TEXT = "text"
    JSON = "json"


class RulesFormat(str, enum.Enum):
    """``rules --output-format``: also Markdown, the format docs/rules.md is generated in."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class InputFormat(str, enum.Enum):
    """``--format``: read a manifest as this, whatever its extension."""

    JSON = "json"
    CSV = "csv"


class ColorChoice(str, enum.Enum):
    """``--color``: ``auto`` colours a terminal unless NO_COLOR is set, or when FORCE_COLOR is."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class ShellChoice(str, enum.Enum):
    """``completion SHELL``: the shells click and Typer write completion scripts for."""

    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"
    POWERSHELL = "powershell"
