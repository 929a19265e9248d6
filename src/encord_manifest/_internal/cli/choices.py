"""Choices shared by the commands' options (``options.py`` and ``jobs.py``)."""

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


def choice_metavar(choices: type[enum.Enum]) -> str:
    """The metavar of a choice option: ``[a|b|c]``, from the enum, never written out by hand.

    Every option and argument that takes a value names its metavar, because Typer's own
    rendering changes between releases (``TEXT`` and ``[a|b]`` up to 0.26, ``<str>`` and
    ``<a|b>`` from 0.27, ``<bool>`` from 0.29); tests/test_cli_help.py holds every one to that.
    """
    return "[" + "|".join(str(member.value) for member in choices) + "]"


def choice_words(choices: type[enum.Enum]) -> str:
    """``a, b or c``: the choices in a help text, where a long ``[a|b|...]`` would be folded."""
    values = [str(member.value) for member in choices]
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]
