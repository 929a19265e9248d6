"""The command line: the Typer app, its commands (one module each), and the last line of defence.

Each command parses its options into a request and runs it (``lint`` -> ``lint_run``,
``convert`` -> ``convert_run``, ``submit``/``status``/``verify`` -> ``jobs_run``). Exit codes:
0 no errors (warnings allowed), 1 at least one error, 2 usage error, unreadable input or
internal failure. Findings go to stdout, problems with the run to stderr.
"""

import functools
import os
import sys
from typing import Annotated, Any

import typer

from encord_manifest import __version__
from encord_manifest._internal.cli.common import print_error
from encord_manifest._internal.model.exit_codes import EXIT_ERROR, EXIT_INTERRUPTED


def _version(value: bool) -> None:
    if value:
        print(f"encord-manifest {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Lint, convert and submit Encord import manifests before the upload."""


#: Every command, in the order ``--help`` lists them: name, module, function.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("lint", "encord_manifest._internal.cli.lint", "lint"),
    ("convert", "encord_manifest._internal.cli.convert", "convert"),
    ("rules", "encord_manifest._internal.cli.rules", "rules"),
    ("schema", "encord_manifest._internal.cli.rules", "schema"),
    ("completion", "encord_manifest._internal.cli.completion", "completion"),
    ("submit", "encord_manifest._internal.cli.jobs", "submit"),
    ("status", "encord_manifest._internal.cli.jobs", "status"),
    ("verify", "encord_manifest._internal.cli.jobs", "verify"),
)


def build_app(only: str | None = None) -> typer.Typer:
    """The command line with every command, or with the one named only.

    Typer turns each registered function into a click command on every start, reading its
    signature: for all eight commands that cost more than a small file's lint. A run names
    its command first, so ``main`` registers that one alone; help and errors are the same.
    """
    import importlib

    application = typer.Typer(
        name="encord-manifest",
        help="Lint, convert and submit Encord import manifests before the upload.",
        no_args_is_help=True,
        # --install-completion / --show-completion (bash, zsh, fish, PowerShell): click's own.
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(_root)
    for name, module, function in COMMANDS:
        if only in (None, name):
            application.command(name)(getattr(importlib.import_module(module), function))
    return application


def _command_named(arguments: list[str]) -> str | None:
    """The command a run names as its first word, if that is all it takes to serve it.

    Anything else gets every command: no command or a root option first (help, version,
    completion installation), and a shell asking for completions (it may complete a command
    name).
    """
    if not arguments or "_ENCORD_MANIFEST_COMPLETE" in os.environ:
        return None
    return arguments[0] if arguments[0] in {name for name, _, _ in COMMANDS} else None


@functools.cache
def _whole_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> Any:
    # ``app``, the whole command line, is built when asked for (tests, the completion of
    # every command), not on each start.
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    from encord_manifest._internal.text.redaction import redacted_streams

    # Every line the program writes passes the one redaction (pre-signed query strings,
    # user information), whichever command, format or library wrote it.
    with redacted_streams():
        _main()


def _main() -> None:
    try:
        # One name however it was started (`python -m encord_manifest` too): usage lines and
        # the completion script's hook name the command a shell would complete.
        build_app(_command_named(sys.argv[1:]))(prog_name="encord-manifest")
    except BrokenPipeError:
        # The reader went away (`| head`); say nothing more, and keep Python from
        # complaining about the closed stdout at exit.
        sys.stderr.close()
        raise SystemExit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception as error:  # the last line of defence: one line, never a traceback
        print_error(f"internal error: {type(error).__name__}: {error}")
        raise SystemExit(EXIT_ERROR) from None
