"""``convert``: its options parsed into one request per input, run by ``convert_run.py``."""

import functools
import sys

import typer

from encord_manifest._internal.cli.common import (
    or_usage_error,
    print_error,
    resolver,
    say_excluded,
)
from encord_manifest._internal.cli.options import (
    ConvertAllowFormulasOption,
    ConvertCheckOption,
    ConvertDelimiterOption,
    ConvertForceOption,
    ConvertForceWriteOption,
    ConvertInputFormatOption,
    ConvertInputPathsArgument,
    ConvertOutputOption,
    ConvertSkipDuplicateUrlsOption,
    ConvertSyncOption,
    ConvertToOption,
    ProviderOption,
)
from encord_manifest._internal.model.exit_codes import EXIT_CLEAN, EXIT_ERROR


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
    delimiter = named.get(value.lower(), value)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise typer.BadParameter("one character, such as ';' or tab", param_hint="--delimiter")
    return delimiter


def convert(
    input_paths: ConvertInputPathsArgument,
    output: ConvertOutputOption = None,
    to: ConvertToOption = None,
    input_format: ConvertInputFormatOption = None,
    delimiter: ConvertDelimiterOption = None,
    skip_duplicate_urls: ConvertSkipDuplicateUrlsOption = False,
    force: ConvertForceOption = False,
    check: ConvertCheckOption = False,
    sync: ConvertSyncOption = False,
    provider: ProviderOption = None,
    force_write: ConvertForceWriteOption = False,
    allow_formulas: ConvertAllowFormulasOption = False,
) -> None:
    """Convert a CSV manifest to JSON (or back, with --to csv); lints first, writes nothing on errors."""
    from encord_manifest._internal.cli.convert_run import ConvertRequest, UsageError, run_convert
    from encord_manifest._internal.engine.linter import InputError
    from encord_manifest._internal.files.writing import OutputError
    from encord_manifest._internal.text.redaction import unredacted

    if len(input_paths) > 1 and not sync:
        print_error("convert takes one INPUT; --sync converts several, each beside itself")
        raise typer.Exit(EXIT_ERROR)
    settings = resolver(provider)
    statuses = [EXIT_CLEAN]
    for input_path in input_paths:
        try:
            resolved = or_usage_error(functools.partial(settings.resolve, input_path))
        except InputError as error:
            print_error(f"cannot read {error}")
            statuses.append(EXIT_ERROR)
            continue
        if sync and resolved.excluded:
            say_excluded(input_path, input_paths, resolved, "converted")
            continue  # as pre-commit names every staged CSV, `exclude` holds here too
        request = ConvertRequest(
            input=input_path,
            output=output,
            to=to.value if to else None,
            input_format=input_format.value if input_format else None,
            delimiter=_delimiter(delimiter),
            skip_duplicate_urls=skip_duplicate_urls,
            force=force,
            check=check,
            sync=sync,
            force_write=force_write,
            allow_formulas=allow_formulas,
            settings=resolved.lint,
        )
        try:
            # The converted manifest is data, not a message: written as it is, unredacted.
            statuses.append(run_convert(request, unredacted(sys.stdout), sys.stderr))
        except UsageError as error:
            print_error(str(error))
            raise typer.Exit(EXIT_ERROR) from None
        except (InputError, OutputError) as error:
            print_error(f"cannot {'read' if isinstance(error, InputError) else 'write'} {error}")
            statuses.append(EXIT_ERROR)
    raise typer.Exit(max(statuses))
