"""What every command shares: the one-line error, usage errors as exit 2, settings per file."""

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import typer

from encord_manifest._internal.cli.choices import InputFormat
from encord_manifest._internal.model.exit_codes import EXIT_ERROR
from encord_manifest._internal.model.settings import Provider

if TYPE_CHECKING:
    from encord_manifest._internal.config import ResolvedSettings, SettingsResolver
    from encord_manifest._internal.engine.linter import SourceFormat


def print_error(message: str) -> None:
    from encord_manifest._internal.text.redaction import escape_control

    # One line whatever the message holds (a path, a value from a configuration file).
    print(f"encord-manifest: error: {escape_control(message)}", file=sys.stderr)


T = TypeVar("T")


def or_usage_error(action: Callable[[], T]) -> T:
    """Run ``action``; a configuration problem ends the run with exit 2 and one line."""
    from encord_manifest._internal.model.exit_codes import (
        UsageProblem,  # ConfigError, CredentialsError
    )

    try:
        return action()
    except UsageProblem as error:
        print_error(str(error))
        raise typer.Exit(EXIT_ERROR) from None


def resolver(provider: Provider | None = None) -> "SettingsResolver":
    """The settings of each file for a command without rule options (``convert``,
    ``submit``): its configuration file over the defaults, as the library resolves them."""
    from encord_manifest._internal.api.settings import Settings

    return or_usage_error(Settings(provider=provider).resolver)


def say_excluded(
    path: str, named: list[str], resolved: "ResolvedSettings", done: str = "linted"
) -> None:
    """A file named on the command line but excluded by the configuration: said, not skipped
    silently (files found in a directory are left out without a word, as intended)."""
    if path in named:
        where = resolved.config.label if resolved.config else "the configuration"
        print(f"encord-manifest: info: {path}: not {done}: excluded by {where}", file=sys.stderr)


def forced_format(input_format: InputFormat | None) -> "SourceFormat | None":
    if input_format is None:
        return None
    return "csv" if input_format is InputFormat.CSV else "json"
