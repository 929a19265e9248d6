"""`--help` names every value in words a user reads, the same at every Typer release in range.

Typer's own rendering of a value changed from release to release (``TEXT`` and ``[a|b]``,
then ``<str>`` and ``<a|b>``, then ``<bool>`` after every flag and ``<list[str]>``), so every
option and argument that takes a value names its metavar, and the whole help is a snapshot:
`.ci/run` runs this file at the lowest Typer the project declares (and every other
dependency at its floor, `.ci/lowest_constraints.py`) against the snapshot the newest one
wrote, so a release in range that prints the help otherwise fails here.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from syrupy.assertion import SnapshotAssertion

from encord_manifest._internal.cli.app import app
from tests.helpers import run_cli

COMMANDS = ["", "lint", "convert", "rules", "schema", "completion", "submit", "status", "verify"]

# Python type names and Typer's placeholders for a value it has no name for.
_TYPE_PLACEHOLDER = re.compile(
    r"<(?:bool|str|int|float|path|text|list\[|tuple\[|dict\[|choice|uuid)[^>]*>"
    r"|\b(?:TEXT|INTEGER|FLOAT|BOOLEAN|CHOICE)\b"
    r"|\{[a-z_]+\}"
)
# Typer (0.27 and later) shows an argument's type after its name, `<str>` for a string; that
# column is its own, and the name before it is the metavar this project gives.
_ARGUMENT_ROW = re.compile(r"^│ [ *]\s+[A-Z\[][A-Z.\[\]]*\s+<str>\s")


def _parameters(command: Any, path: str = "encord-manifest") -> Iterator[tuple[str, Any]]:
    for parameter in command.params:
        yield path, parameter
    for name, sub in getattr(command, "commands", {}).items():
        yield from _parameters(sub, f"{path} {name}")


def _takes_a_value(parameter: Any) -> bool:
    return not getattr(parameter, "is_flag", False) and not getattr(parameter, "count", False)


def test_every_option_and_argument_that_takes_a_value_names_its_metavar() -> None:
    root = typer.main.get_command(app)
    unnamed = [
        f"{path} {parameter.name}"
        for path, parameter in _parameters(root)
        if _takes_a_value(parameter) and not parameter.metavar
    ]
    assert unnamed == []


def test_a_choice_metavar_lists_exactly_the_choices_accepted() -> None:
    root = typer.main.get_command(app)
    choices = [
        (f"{path} {parameter.name}", parameter)
        for path, parameter in _parameters(root)
        # An argument's choices are shown by Typer beside its name (`SHELL <bash|zsh|...>`).
        if getattr(parameter.type, "choices", None) and parameter.param_type_name == "option"
    ]
    assert len(choices) >= 10  # provider, output formats, input formats, colour, ...
    for where, parameter in choices:
        accepted = [c.value if isinstance(c, enum.Enum) else str(c) for c in parameter.type.choices]
        if parameter.metavar.startswith("["):
            assert parameter.metavar == "[" + "|".join(accepted) + "]", where
        else:  # too many for the metavar column: listed in the help text
            assert all(choice in parameter.help for choice in accepted), where


@functools.cache
def _help(command: str) -> str:
    """The help page of ``command`` ("" for the root), as a user's terminal gets it."""
    shown = run_cli(*[command] if command else [], "--help")
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_types_or_unnamed_values(command: str) -> None:
    for line in _help(command).splitlines():
        if _ARGUMENT_ROW.match(line):
            continue
        assert not _TYPE_PLACEHOLDER.search(line), line


def test_help_is_the_snapshot_at_every_typer_release_in_range(
    snapshot: SnapshotAssertion,
) -> None:
    pages = {
        command or "(root)": "\n".join(line.rstrip() for line in _help(command).splitlines())
        for command in COMMANDS
    }
    assert pages == snapshot
