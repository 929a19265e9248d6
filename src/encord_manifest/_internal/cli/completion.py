"""``completion``: the shell completion script (Typer's own, which speaks its protocol)."""

import sys
from typing import Annotated

import typer

from encord_manifest._internal.cli.choices import ShellChoice


def completion(
    shell: Annotated[
        ShellChoice,
        typer.Argument(metavar="SHELL", help="The shell to complete in."),
    ],
) -> None:
    """Print the shell completion script, e.g. `source <(encord-manifest completion bash)`."""
    # Re-exported by typer.completion (not in its __all__) since Typer 0.4.
    from typer.completion import get_completion_script  # type: ignore[attr-defined]

    # Typer's own scripts, which speak its completion protocol (click's would not be
    # answered); the command named is the one a user runs, whatever started this process.
    script = get_completion_script(
        prog_name="encord-manifest", complete_var="_ENCORD_MANIFEST_COMPLETE", shell=shell.value
    )
    sys.stdout.write(script.rstrip("\n") + "\n")
