"""The command line: parse options into settings, call the library, map outcomes to exit codes.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 usage error, unreadable
input or internal failure. Findings go to stdout, problems with the run to stderr.
"""

import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TextIO, TypeVar

import typer

from encord_manifest import __version__
from encord_manifest._internal.cli.choices import (
    ColorChoice,
    InputFormat,
    RulesFormat,
    ShellChoice,
    choice_metavar,
    choice_words,
)
from encord_manifest._internal.files.paths import expand_paths
from encord_manifest._internal.model.exit_codes import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
)
from encord_manifest._internal.model.settings import Provider
from encord_manifest._internal.report import OutputFormat

if TYPE_CHECKING:
    from encord_manifest._internal.cli.fix import FixTally
    from encord_manifest._internal.config import ResolvedSettings, SettingsResolver
    from encord_manifest._internal.engine.linter import SourceFormat
    from encord_manifest._internal.model.diagnostics import Finding
    from encord_manifest._internal.model.settings import LintSettings


def _print_error(message: str) -> None:
    from encord_manifest._internal.text.redaction import escape_control

    # One line whatever the message holds (a path, a value from a configuration file).
    print(f"encord-manifest: error: {escape_control(message)}", file=sys.stderr)


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


def _force_write(panel: str | None = None) -> Any:
    """--force-write of lint --fix and convert: the write guards' override (``writing``)."""
    return typer.Option(
        "--force-write",
        help="Write even a read-only file (kept read-only), a device or FIFO, a file with several "
        "hard links, or a symbolic link leading out of its repository (or, outside one, its "
        "directory); all but the first are written in place.",
        rich_help_panel=panel,
    )


def lint(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Manifest files, or directories to search for *.json and *.csv; '-' reads standard input.",
        ),
    ],
    provider: Annotated[
        Optional[Provider],  # noqa: UP045
        typer.Option(
            metavar=choice_metavar(Provider),
            help="Check that URL hosts belong to this storage provider (default: any).",
            show_default=False,
        ),
    ] = None,
    select: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            metavar="CODES",
            help="Report only these codes, prefixes or rule names (comma-separated; ALL).",
            rich_help_panel="Rule selection",
        ),
    ] = None,
    extend_select: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(metavar="CODES", help="Report these too.", rich_help_panel="Rule selection"),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            metavar="CODES",
            help="Do not report these codes, prefixes or rule names.",
            rich_help_panel="Rule selection",
        ),
    ] = None,
    config: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            metavar="FILE",
            help="Use this configuration file for every manifest instead of searching upward.",
            rich_help_panel="Configuration",
        ),
    ] = None,
    isolated: Annotated[
        bool,
        typer.Option(
            "--isolated", help="Ignore every configuration file.", rich_help_panel="Configuration"
        ),
    ] = False,
    show_settings: Annotated[
        bool,
        typer.Option(
            "--show-settings",
            help="Print the settings each given manifest would be linted with, and stop.",
            rich_help_panel="Configuration",
        ),
    ] = False,
    output_format: Annotated[
        Optional[OutputFormat],  # noqa: UP045
        typer.Option(
            "--output-format",
            metavar="FORMAT",
            help=f"How to print the findings: {choice_words(OutputFormat)} "
            "(default: concise; github inside GitHub Actions).",
        ),
    ] = None,
    input_format: Annotated[
        Optional[InputFormat],  # noqa: UP045
        typer.Option(
            "--format",
            metavar=choice_metavar(InputFormat),
            help="Read the files as this format (default: by extension, else JSON).",
        ),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are errors.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count the findings per code instead.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print the findings and nothing else.")
    ] = False,
    remote: Annotated[
        bool,
        typer.Option(
            "--remote",
            help="Also read the objects: existence, access, size, type (a ranged GET of 4 KiB each).",
            rich_help_panel="Remote checks",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            max=512,
            help="Concurrent requests.",
            rich_help_panel="Remote checks",
        ),
    ] = 32,
    timeout: Annotated[
        float,
        typer.Option(
            metavar="SECONDS",
            min=0.1,
            help="Seconds to wait to connect, or for the next bytes of an answer.",
            rich_help_panel="Remote checks",
        ),
    ] = 10.0,
    profile: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="NAME",
            help="Sign requests to S3/OBS with this profile of the AWS credentials file "
            "(default: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or OBS_..., or the default profile).",
            rich_help_panel="Remote checks",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Check every object afresh; neither read nor write the result cache.",
            rich_help_panel="Remote checks",
        ),
    ] = False,
    allow_private_hosts: Annotated[
        bool,
        typer.Option(
            "--allow-private-hosts",
            help="Let checks contact private, loopback and link-local addresses "
            "(not cloud metadata endpoints: name those with --allow-host).",
            rich_help_panel="Remote checks",
        ),
    ] = False,
    allow_host: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--allow-host",
            metavar="HOST[:PORT]",
            help="Let checks contact this host or address although it is private "
            "(repeatable; e.g. a test server, minio.internal:9000).",
            rich_help_panel="Remote checks",
        ),
    ] = None,
    deadline: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            metavar="SECONDS",
            min=1,
            help="Seconds for all remote checks together; objects not checked by then are "
            "reported (R809). Each object gets 3 x --timeout in any case.",
            rich_help_panel="Remote checks",
        ),
    ] = None,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Apply the safe fixes ([*] in the output) to the files, then report what remains.",
            rich_help_panel="Fixes",
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Print the safe fixes as a unified diff and write nothing; exit 1 if there are any.",
            rich_help_panel="Fixes",
        ),
    ] = False,
    max_input_size: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="SIZE",
            help='Refuse inputs larger than this, unread (exit 2): "2GiB" (the default), "500MB".',
            show_default=False,
        ),
    ] = None,
    output_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output-file",
            "-o",
            metavar="FILE",
            help="Write the report to this file (atomically) instead of standard output.",
            rich_help_panel="Output",
        ),
    ] = None,
    also_output: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--also-output",
            metavar="FORMAT=PATH",
            help="Also write the report in this format to this file, from the same run "
            "(repeatable): --also-output sarif=results.sarif.",
            rich_help_panel="Output",
        ),
    ] = None,
    color: Annotated[
        ColorChoice,
        typer.Option(
            "--color",
            metavar=choice_metavar(ColorChoice),
            help="Colour the text formats: auto (a terminal, unless NO_COLOR is set; "
            "also elsewhere when FORCE_COLOR is), always or never.",
            rich_help_panel="Output",
        ),
    ] = ColorChoice.AUTO,
    stdin_filename: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--stdin-filename",
            metavar="PATH",
            help="Standard input ('-') is this file: findings name it, its format is taken from "
            "its extension, and its configuration and per-file-ignores apply.",
        ),
    ] = None,
    force_write: Annotated[bool, _force_write("Fixes")] = False,
    skip_non_manifests: Annotated[
        bool,
        typer.Option(
            "--skip-non-manifests",
            help="Leave out, with an info line, files that are plainly not Encord manifests "
            "(package.json, a web app's manifest.json, a CSV without an ObjectUrl header); "
            "misspelt manifests are still linted. For hooks and CI.",
        ),
    ] = False,
) -> None:
    """Check manifests against the schema and every rule; report each problem at its line and column."""
    from encord_manifest._internal.config import render_settings
    from encord_manifest._internal.engine.linter import (
        FileResult,
        InputError,
        lint_file,
        source_format,
    )
    from encord_manifest._internal.files.selection import NotAManifest
    from encord_manifest._internal.report import (
        ReportOptions,
        Unread,
        default_format,
        reporter,
        use_color,
    )
    from encord_manifest._internal.sources.reading import display_name

    # Only --fix writes in the loop below: the writer and its guards (5 ms of a small
    # file's start-up) are loaded for it alone.
    write_errors: tuple[type[Exception], ...] = ()
    if fix:
        from encord_manifest._internal.files.writing import OutputError

        write_errors = (OutputError,)
    if fix and diff:
        _print_error("--fix writes the fixes, --diff shows them; choose one")
        raise typer.Exit(EXIT_ERROR)
    if force_write and not (fix or output_file):
        _print_error("--force-write applies to --fix and --output-file only")
        raise typer.Exit(EXIT_ERROR)
    if fix and "-" in paths:
        _print_error("--fix cannot write standard input back; use --diff to see the fixes")
        raise typer.Exit(EXIT_ERROR)
    if stdin_filename is not None and "-" not in paths:
        _print_error("--stdin-filename names standard input, and no '-' is given")
        raise typer.Exit(EXIT_ERROR)
    also = _also_outputs(also_output or [], show_settings or diff)
    out: TextIO = io.StringIO() if output_file else sys.stdout
    resolver = _resolver(
        select, extend_select or [], ignore or [], provider, config, isolated, max_input_size
    )
    remote_checker = (
        _or_usage_error(
            functools.partial(
                _remote_checker,
                jobs,
                timeout,
                allow_private_hosts,
                profile,
                not no_cache,
                allow_hosts=tuple(allow_host or ()),
                deadline=deadline,
            )
        )
        if remote and not show_settings
        else None
    )
    results: list[FileResult] = []
    failed_inputs = False
    unread: list[Unread] = []
    tally = None
    if fix or diff:  # only then: the fixer's modules would cost every run start-up time
        from encord_manifest._internal.cli.fix import FixTally, fix_file

        tally = FixTally()
    forced_format = _forced_format(input_format)
    chosen = output_format or default_format()

    def cannot_read(message: str, path: str | None = None) -> None:
        nonlocal failed_inputs
        _print_error(f"cannot read {message}")
        unread.append(Unread.of(message, path))
        failed_inputs = True

    files = expand_paths(paths, cannot_read)
    _refuse_output_over_input(output_file, files)
    for _, also_path in also:
        _refuse_output_over_input(also_path, files, "--also-output")
    for path in files:
        # Standard input named by --stdin-filename is that file for settings, format and findings.
        name = stdin_filename if path == "-" else None
        as_format = forced_format or (source_format(name) if name else None)
        try:
            resolved = _or_usage_error(functools.partial(resolver.resolve, name or path))
            if show_settings:
                from encord_manifest._internal.text.redaction import escape_lines

                out.write(escape_lines(render_settings(resolved)))
                continue
            if resolved.excluded:
                _say_excluded(name or path, [*paths, *([name] if name else [])], resolved)
                continue
            if tally is not None:
                results.append(
                    fix_file(
                        path,
                        resolved.lint,
                        as_format,
                        write=fix,
                        out=out,
                        err=sys.stderr,
                        tally=tally,
                        force=force_write,
                        name=name,
                        skip_non_manifests=skip_non_manifests,
                    )
                )
            else:
                extra = [remote_checker(resolved.lint)] if remote_checker else []
                results.append(
                    lint_file(path, resolved.lint, as_format, extra, name, skip_non_manifests)
                )
            if chosen is not OutputFormat.FULL:  # only `full` shows source lines
                results[-1].source = None
        except NotAManifest as reason:
            _say_not_a_manifest(name or path, [*paths, *([name] if name else [])], str(reason))
        except InputError as error:
            cannot_read(str(error), name or display_name(path))
        except write_errors as error:
            _print_error(f"cannot write {error}")
            failed_inputs = True
    if show_settings:
        failed_inputs = not _write_output(output_file, out, force_write) or failed_inputs
        raise typer.Exit(EXIT_ERROR if failed_inputs else EXIT_CLEAN)
    failed_inputs = failed_inputs or bool(tally and tally.failed)
    if diff and tally is not None:
        _print_diff_summary(tally)
        failed_inputs = not _write_output(output_file, out, force_write) or failed_inputs
        raise typer.Exit(
            EXIT_ERROR if failed_inputs else EXIT_FINDINGS if tally.fixes else EXIT_CLEAN
        )
    terminal = output_file is None and sys.stdout.isatty()
    options = ReportOptions(
        color=use_color(terminal, choice=color.value),
        quiet=quiet,
        unread=len(unread),
        unread_inputs=tuple(unread),
    )
    if statistics:
        from encord_manifest._internal.report.statistics import render as render_statistics

        out.write(render_statistics(results, options, chosen))
    else:
        out.write(reporter(chosen)(results, options))
    failed_inputs = not _write_output(output_file, out, force_write) or failed_inputs
    if also:
        from encord_manifest._internal.cli import outputs as cli_outputs

        for problem in cli_outputs.write(also, results, options, force=force_write):
            _print_error(f"cannot write {problem}")
            failed_inputs = True
    if failed_inputs:
        raise typer.Exit(EXIT_ERROR)
    failing = {"error", "warning"} if strict else {"error"}
    has_failures = any(d.severity.value in failing for r in results for d in r.diagnostics)
    raise typer.Exit(EXIT_FINDINGS if has_failures and not exit_zero else EXIT_CLEAN)


def _also_outputs(values: list[str], no_report: bool) -> list[tuple[OutputFormat, Path]]:
    """``--also-output`` parsed; a bad value, or one given where no report is made, exits 2."""
    if not values:
        return []
    from encord_manifest._internal.cli.outputs import AlsoOutputError, parse

    if no_report:
        _print_error("--also-output writes the report; --diff and --show-settings make none")
        raise typer.Exit(EXIT_ERROR)
    try:
        return parse(values)
    except AlsoOutputError as error:
        _print_error(str(error))
        raise typer.Exit(EXIT_ERROR) from None


def _refuse_output_over_input(
    output_file: Path | None, files: list[str], option: str = "--output-file"
) -> None:
    """--output-file naming one of the manifests would replace it with the report: refused
    before anything is read (exit 2)."""
    if output_file is None or not output_file.exists():
        return
    from encord_manifest._internal.files.writing import same_file

    for path in files:
        if path != "-" and os.path.exists(path) and same_file(Path(path), output_file):
            _print_error(f"{option} {output_file} is the manifest {path}; choose another file")
            raise typer.Exit(EXIT_ERROR)


def _write_output(output_file: Path | None, out: TextIO, force: bool) -> bool:
    """The report gathered for --output-file, written whole or not at all; False (said on
    standard error) if it could not be."""
    if output_file is None or not isinstance(out, io.StringIO):
        return True
    from encord_manifest._internal.files.writing import OutputError, write_file
    from encord_manifest._internal.text.redaction import redact_text

    # A file does not pass through the redacted standard output: redacted here, as stdout is.
    text = redact_text(out.getvalue())
    try:
        write_file(output_file, text.encode("utf-8"), None, force=force)
    except OutputError as error:
        _print_error(f"cannot write {error}")
        return False
    return True


def _say_excluded(
    path: str, named: list[str], resolved: "ResolvedSettings", done: str = "linted"
) -> None:
    """A file named on the command line but excluded by the configuration: said, not skipped
    silently (files found in a directory are left out without a word, as intended)."""
    if path in named:
        where = resolved.config.label if resolved.config else "the configuration"
        print(f"encord-manifest: info: {path}: not {done}: excluded by {where}", file=sys.stderr)


def _say_not_a_manifest(path: str, named: list[str], reason: str) -> None:
    """``--skip-non-manifests``: said for a file named on the command line (a hook's), as
    for an excluded one; silent for files found in a directory."""
    from encord_manifest._internal.text.redaction import shown_line

    if path in named:
        line = f"encord-manifest: info: {path}: not linted: not an Encord manifest ({reason})"
        print(shown_line(line), file=sys.stderr)


def _require_remote_extra() -> None:
    """--remote reads images (Pillow) and DICOM headers (pydicom), the `remote` extra: without
    it, one line saying what to install (exit 2) rather than a failure on the first object."""
    missing = []
    for module, package in (("PIL", "Pillow"), ("pydicom", "pydicom")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        _print_error(
            f"--remote needs {' and '.join(missing)}: pip install 'encord-manifest[remote]'"
        )
        raise typer.Exit(EXIT_ERROR)


def _remote_checker(
    jobs: int,
    timeout: float,
    allow_private_hosts: bool,
    profile: str | None,
    use_cache: bool,
    allow_hosts: tuple[str, ...] = (),
    deadline: float | None = None,
) -> "Callable[[LintSettings], Callable[[Any], list[Finding]]]":
    """For each file's settings, the check that reads its objects; one HTTP pool for the run."""
    _require_remote_extra()
    from encord_manifest._internal.config import ConfigError
    from encord_manifest._internal.remote.cache import ResultCache, default_directory
    from encord_manifest._internal.remote.check import RemoteSettings, check, progress_stream
    from encord_manifest._internal.remote.http import Fetcher, FetchSettings
    from encord_manifest._internal.remote.signing import find_credentials, signer
    from encord_manifest._internal.text.authority import HostPattern

    try:
        patterns = tuple(HostPattern.parse(entry) for entry in allow_hosts)
    except ValueError as error:
        raise ConfigError(f"--allow-host: {error}") from None
    credentials = find_credentials(profile)
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    fetch = FetchSettings(
        timeout=timeout,
        allow_private_hosts=allow_private_hosts,
        allow_hosts=patterns,
        run_deadline=deadline,
        sign=signer(credentials, region) if credentials else None,
    )
    fetcher = Fetcher(fetch, pool_size=jobs)

    def for_settings(settings: "LintSettings") -> "Callable[[Any], list[Finding]]":
        remote = RemoteSettings(
            jobs=jobs,
            fetch=fetch,
            max_object_bytes=settings.max_object_bytes,
            progress=progress_stream(),
            cache=ResultCache(default_directory()) if use_cache else None,
            policy=fetch.policy.with_configured(settings.allow_hosts),
        )
        return functools.partial(check, settings=remote, fetcher=fetcher)

    return for_settings


def _forced_format(input_format: InputFormat | None) -> "SourceFormat | None":
    if input_format is None:
        return None
    return "csv" if input_format is InputFormat.CSV else "json"


def _print_diff_summary(tally: "FixTally") -> None:
    if tally.fixes:
        files = f"{tally.files} file{'s' if tally.files > 1 else ''}"
        print(f"Would fix {tally.fixes} in {files}; apply with --fix.", file=sys.stderr)
    else:
        print("Nothing to fix.", file=sys.stderr)


T = TypeVar("T")


def _or_usage_error(action: Callable[[], T]) -> T:
    """Run ``action``; a configuration problem ends the run with exit 2 and one line."""
    from encord_manifest._internal.model.exit_codes import (
        UsageProblem,  # ConfigError, CredentialsError
    )

    try:
        return action()
    except UsageProblem as error:
        _print_error(str(error))
        raise typer.Exit(EXIT_ERROR) from None


def _resolver(
    select: list[str] | None,
    extend_select: list[str],
    ignore: list[str],
    provider: Provider | None,
    config: Path | None = None,
    isolated: bool = False,
    max_input_size: str | None = None,
) -> "SettingsResolver":
    from encord_manifest._internal.config import SettingsResolver, command_line_options

    return _or_usage_error(
        lambda: SettingsResolver(
            command_line_options(select, extend_select, ignore, provider, max_input_size),
            config,
            isolated,
        )
    )


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
    delimiter = named.get(value.lower(), value)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise typer.BadParameter("one character, such as ';' or tab", param_hint="--delimiter")
    return delimiter


def convert(
    input_paths: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="The manifest to convert ('-' reads stdin); with --sync, any number of them.",
        ),
    ],
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write here (atomically) instead of to stdout."
        ),
    ] = None,
    to: Annotated[
        Optional[InputFormat],  # noqa: UP045
        typer.Option(
            "--to",
            metavar=choice_metavar(InputFormat),
            help="The format to write (default: CSV -> JSON, JSON -> CSV).",
        ),
    ] = None,
    input_format: Annotated[
        Optional[InputFormat],  # noqa: UP045
        typer.Option(
            "--format",
            metavar=choice_metavar(InputFormat),
            help="Read the input as this format (default: by extension).",
        ),
    ] = None,
    delimiter: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="CHAR",
            help="Read a CSV separated by this character (';', tab) instead of ','.",
        ),
    ] = None,
    skip_duplicate_urls: Annotated[
        bool, typer.Option(help="Set skip_duplicate_urls in the JSON written.")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Write even when linting finds errors (exit code stays 1).")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            help="Write nothing; exit 1 when OUTPUT is missing or differs from the result."
        ),
    ] = False,
    sync: Annotated[
        bool,
        typer.Option(
            help="Keep each input's conversion beside it (m.csv -> m.json); exit 1 when one "
            "was written (the pre-commit hook).",
        ),
    ] = False,
    provider: Annotated[
        Optional[Provider],  # noqa: UP045
        typer.Option(
            metavar=choice_metavar(Provider),
            help="Check that URL hosts belong to this storage provider (default: any).",
            show_default=False,
        ),
    ] = None,
    force_write: Annotated[bool, _force_write()] = False,
    allow_formulas: Annotated[
        bool,
        typer.Option(
            help="With --to csv, write cells a spreadsheet would run as formulas (=, +, -, @...)."
        ),
    ] = False,
) -> None:
    """Convert a CSV manifest to JSON (or back, with --to csv); lints first, writes nothing on errors."""
    from encord_manifest._internal.cli.convert import ConvertRequest, UsageError, run_convert
    from encord_manifest._internal.engine.linter import InputError
    from encord_manifest._internal.files.writing import OutputError
    from encord_manifest._internal.text.redaction import unredacted

    if len(input_paths) > 1 and not sync:
        _print_error("convert takes one INPUT; --sync converts several, each beside itself")
        raise typer.Exit(EXIT_ERROR)
    resolver = _resolver(None, [], [], provider)
    statuses = [EXIT_CLEAN]
    for input_path in input_paths:
        try:
            resolved = _or_usage_error(functools.partial(resolver.resolve, input_path))
        except InputError as error:
            _print_error(f"cannot read {error}")
            statuses.append(EXIT_ERROR)
            continue
        if sync and resolved.excluded:
            _say_excluded(input_path, input_paths, resolved, "converted")
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
            _print_error(str(error))
            raise typer.Exit(EXIT_ERROR) from None
        except (InputError, OutputError) as error:
            _print_error(f"cannot {'read' if isinstance(error, InputError) else 'write'} {error}")
            statuses.append(EXIT_ERROR)
    raise typer.Exit(max(statuses))


def rules(
    code: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(metavar="[CODE]", help="Explain this code or rule name, e.g. U301."),
    ] = None,
    output_format: Annotated[
        RulesFormat,
        typer.Option(
            "--output-format",
            metavar=choice_metavar(RulesFormat),
            help="Text, JSON for tools, or Markdown (docs/rules.md).",
        ),
    ] = RulesFormat.TEXT,
) -> None:
    """List every rule, or explain one with a failing and a passing example."""
    from encord_manifest._internal.rules.docs import explain, rule_table, rules_json, rules_markdown

    if code is None:
        if output_format is RulesFormat.JSON:
            sys.stdout.write(rules_json(None))
        elif output_format is RulesFormat.MARKDOWN:
            sys.stdout.write(rules_markdown())
        else:
            sys.stdout.write(rule_table())
        return
    from encord_manifest._internal.rules import all_rules

    known = all_rules()
    key = code.upper()
    if key not in known:
        by_name = {rule.name: c for c, rule in known.items()}
        if code in by_name:
            key = by_name[code]
        else:
            _print_error(f"unknown rule {code!r}; 'encord-manifest rules' lists them")
            raise typer.Exit(EXIT_ERROR)
    if output_format is RulesFormat.JSON:
        sys.stdout.write(rules_json(key))
    elif output_format is RulesFormat.MARKDOWN:
        sys.stdout.write(rules_markdown(key))
    else:
        sys.stdout.write(explain(known[key]))


def schema() -> None:
    """Print the JSON Schema of the manifest (for editors and other validators)."""
    from encord_manifest._internal.rules.schema import schema_text

    sys.stdout.write(schema_text())


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


#: Every command, in the order ``--help`` lists them: name, module, function.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("lint", __name__, "lint"),
    ("convert", __name__, "convert"),
    ("rules", __name__, "rules"),
    ("schema", __name__, "schema"),
    ("completion", __name__, "completion"),
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
        _print_error(f"internal error: {type(error).__name__}: {error}")
        raise SystemExit(EXIT_ERROR) from None
