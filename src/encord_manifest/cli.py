"""The command line: parse options into settings, call the library, map outcomes to exit codes.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 usage error, unreadable
input or internal failure. Findings go to stdout, problems with the run to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from encord_manifest import __version__
from encord_manifest.report import OutputFormat
from encord_manifest.settings import LintSettings, Provider

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="encord-manifest",
    help="Lint, convert and submit Encord import manifests before the upload.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_error(message: str) -> None:
    print(f"encord-manifest: error: {message}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"encord-manifest {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Lint, convert and submit Encord import manifests before the upload."""


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given; directories become the manifests below them, sorted."""
    files: list[str] = []
    for path in paths:
        candidate = Path(path)
        if path != "-" and candidate.is_dir():
            found = sorted(
                p
                for p in candidate.rglob("*.json")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(candidate).parts)
            )
            files.extend(str(p) for p in found)
        else:
            files.append(path)
    return files


@app.command()
def lint(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Manifest files, or directories to search for *.json; '-' reads standard input."
        ),
    ],
    provider: Annotated[
        Provider, typer.Option(help="Check that URL hosts belong to this storage provider.")
    ] = Provider.ANY,
    output_format: Annotated[
        OutputFormat, typer.Option("--output-format", help="How to print the findings.")
    ] = OutputFormat.TEXT,
) -> None:
    """Check manifests against the schema and every rule; report each problem at its line and column."""
    from encord_manifest.linter import FileResult, InputError, lint_file
    from encord_manifest.report import reporter

    settings = LintSettings(provider=provider)
    results: list[FileResult] = []
    failed_inputs = False
    for path in expand_paths(paths):
        if path.lower().endswith(".csv"):
            _print_error(
                f"{path}: CSV manifests are not supported by this version; convert to JSON"
            )
            failed_inputs = True
            continue
        try:
            results.append(lint_file(path, settings))
        except InputError as error:
            _print_error(f"cannot read {error}")
            failed_inputs = True
    sys.stdout.write(reporter(output_format)(results))
    if failed_inputs:
        raise typer.Exit(EXIT_ERROR)
    has_errors = any(d.severity.value == "error" for r in results for d in r.diagnostics)
    raise typer.Exit(EXIT_FINDINGS if has_errors else EXIT_CLEAN)


@app.command()
def rules(
    code: Annotated[Optional[str], typer.Argument(help="Explain this code, e.g. U301.")] = None,  # noqa: UP045
    output_format: Annotated[
        OutputFormat, typer.Option("--output-format", help="Text, or JSON for tools.")
    ] = OutputFormat.TEXT,
) -> None:
    """List every rule, or explain one with a failing and a passing example."""
    from encord_manifest.rules_doc import explain, rule_table, rules_json

    if code is None:
        sys.stdout.write(rules_json(None) if output_format is OutputFormat.JSON else rule_table())
        return
    from encord_manifest.rules import all_rules

    known = all_rules()
    key = code.upper()
    if key not in known:
        by_name = {rule.name: c for c, rule in known.items()}
        if code in by_name:
            key = by_name[code]
        else:
            _print_error(f"unknown rule {code!r}; 'encord-manifest rules' lists them")
            raise typer.Exit(EXIT_ERROR)
    sys.stdout.write(rules_json(key) if output_format is OutputFormat.JSON else explain(known[key]))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the manifest (for editors and other validators)."""
    from encord_manifest.schema import schema_text

    sys.stdout.write(schema_text())


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        # The reader went away (`| head`); say nothing more, and keep Python from
        # complaining about the closed stdout at exit.
        sys.stderr.close()
        raise SystemExit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as error:  # the last line of defence: one line, never a traceback
        _print_error(f"internal error: {type(error).__name__}: {error}")
        raise SystemExit(EXIT_ERROR) from None
