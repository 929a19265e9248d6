"""Running ``lint``: each file's settings, lint or fix, the report, the exit code.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 usage error, unreadable
input or internal failure. Findings go to stdout, problems with the run to stderr.
"""

from __future__ import annotations

import functools
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from encord_manifest._internal.cli.common import (
    forced_format,
    or_usage_error,
    print_error,
    say_excluded,
)
from encord_manifest._internal.cli.lint import LintRequest
from encord_manifest._internal.files.paths import expand_paths
from encord_manifest._internal.model.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from encord_manifest._internal.report import OutputFormat

if TYPE_CHECKING:
    from encord_manifest._internal.api.lint import Linter
    from encord_manifest._internal.cli.fix import FixTally
    from encord_manifest._internal.model.results import FileResult
    from encord_manifest._internal.report import Unread


def run_lint(request: LintRequest) -> int:
    """The exit code of ``lint`` as asked; a usage error raises ``typer.Exit(2)`` first."""
    _refuse_conflicting_options(request)
    run = _LintRun(request)
    for path in run.files:
        run.lint_one(path)
    if request.show_settings:
        failed = not _write_output(request.output_file, run.out, request.force_write)
        return EXIT_ERROR if failed or run.failed_inputs else EXIT_CLEAN
    if request.diff and run.tally is not None:
        return run.diff_status()
    return run.report()


def _refuse_conflicting_options(request: LintRequest) -> None:
    """Options that contradict each other: one line each, exit 2, before anything is read."""
    if request.fix and request.diff:
        problem = "--fix writes the fixes, --diff shows them; choose one"
    elif request.force_write and not (request.fix or request.output_file):
        problem = "--force-write applies to --fix and --output-file only"
    elif request.fix and "-" in request.paths:
        problem = "--fix cannot write standard input back; use --diff to see the fixes"
    elif request.stdin_filename is not None and "-" not in request.paths:
        problem = "--stdin-filename names standard input, and no '-' is given"
    else:
        return
    print_error(problem)
    raise typer.Exit(EXIT_ERROR)


class _LintRun:
    """One ``lint`` over its files: what was read, what could not be, what was fixed."""

    def __init__(self, request: LintRequest) -> None:
        from encord_manifest._internal.report import default_format

        self.request = request
        # Only --fix writes in the loop: the writer and its guards (5 ms of a small file's
        # start-up) are loaded for it alone.
        self.write_errors: tuple[type[Exception], ...] = ()
        if request.fix:
            from encord_manifest._internal.files.writing import OutputError

            self.write_errors = (OutputError,)
        self.also = _also_outputs(request.also_output or [], request.show_settings or request.diff)
        self.out: TextIO = io.StringIO() if request.output_file else sys.stdout
        # The library's Linter does each file's lint (the library and the command line are
        # one path); its resolver also serves --show-settings, exclusion and --fix.
        self.linter = _linter(request)
        self.resolver = self.linter._resolver
        self.results: list[FileResult] = []
        self.failed_inputs = False
        self.unread: list[Unread] = []
        self.tally: FixTally | None = None
        if request.fix or request.diff:  # only then: the fixer's modules cost start-up time
            from encord_manifest._internal.cli import fix

            self.tally = fix.FixTally()
        self.forced_format = forced_format(request.input_format)
        self.chosen = request.output_format or default_format()
        self.files = expand_paths(request.paths, self.cannot_read)
        _refuse_output_over_input(request.output_file, self.files)
        for _, also_path in self.also:
            _refuse_output_over_input(also_path, self.files, "--also-output")

    def cannot_read(self, message: str, path: str | None = None) -> None:
        from encord_manifest._internal.report import Unread

        print_error(f"cannot read {message}")
        self.unread.append(Unread.of(message, path))
        self.failed_inputs = True

    def lint_one(self, path: str) -> None:
        """Lint (or fix, or show the settings of) one file; a problem is said, not raised."""
        from encord_manifest._internal.engine.linter import InputError
        from encord_manifest._internal.files.selection import NotAManifest
        from encord_manifest._internal.sources.reading import display_name

        # Standard input named by --stdin-filename is that file for settings, format and findings.
        name = self.request.stdin_filename if path == "-" else None
        named = [*self.request.paths, *([name] if name else [])]
        try:
            self._lint_or_fix(path, name, named)
        except NotAManifest as reason:
            _say_not_a_manifest(name or path, named, str(reason))
        except InputError as error:
            self.cannot_read(str(error), name or display_name(path))
        except self.write_errors as error:
            print_error(f"cannot write {error}")
            self.failed_inputs = True

    def _lint_or_fix(self, path: str, name: str | None, named: list[str]) -> None:
        from encord_manifest._internal.engine.linter import source_format

        request = self.request
        as_format = self.forced_format or (source_format(name) if name else None)
        resolved = or_usage_error(functools.partial(self.resolver.resolve, name or path))
        if request.show_settings:
            from encord_manifest._internal.config import render_settings
            from encord_manifest._internal.text.redaction import escape_lines

            self.out.write(escape_lines(render_settings(resolved)))
            return
        if resolved.excluded:
            say_excluded(name or path, named, resolved)
            return
        if self.tally is not None:
            from encord_manifest._internal.cli.fix import fix_file

            result = fix_file(
                path,
                resolved.lint,
                as_format,
                write=request.fix,
                out=self.out,
                err=sys.stderr,
                tally=self.tally,
                force=request.force_write,
                name=name,
                skip_non_manifests=request.skip_non_manifests,
            )
        else:
            report = self.linter.lint(
                path, format=as_format, name=name, skip_non_manifests=request.skip_non_manifests
            )
            if report.not_a_manifest is not None:
                _say_not_a_manifest(name or path, named, report.not_a_manifest)
                return
            assert report._result is not None  # a report of a lint, not of a skip
            result = report._result
        self.results.append(result)
        if self.chosen is not OutputFormat.FULL:  # only `full` shows source lines
            result.source = None

    def diff_status(self) -> int:
        """--diff: what would be fixed, said on standard error; 1 if anything would be."""
        assert self.tally is not None
        _print_diff_summary(self.tally)
        failed = self.failed_inputs or self.tally.failed
        failed = (
            not _write_output(self.request.output_file, self.out, self.request.force_write)
            or failed
        )
        return EXIT_ERROR if failed else EXIT_FINDINGS if self.tally.fixes else EXIT_CLEAN

    def report(self) -> int:
        """The report written (and its --also-output copies); the exit code of the findings."""
        from encord_manifest._internal.report import ReportOptions, reporter, use_color

        request = self.request
        failed = self.failed_inputs or bool(self.tally and self.tally.failed)
        terminal = request.output_file is None and sys.stdout.isatty()
        options = ReportOptions(
            color=use_color(terminal, choice=request.color.value),
            quiet=request.quiet,
            unread=len(self.unread),
            unread_inputs=tuple(self.unread),
        )
        if request.statistics:
            from encord_manifest._internal.report.statistics import render as render_statistics

            self.out.write(render_statistics(self.results, options, self.chosen))
        else:
            self.out.write(reporter(self.chosen)(self.results, options))
        failed = not _write_output(request.output_file, self.out, request.force_write) or failed
        if self.also:
            from encord_manifest._internal.cli import outputs as cli_outputs

            for problem in cli_outputs.write(
                self.also, self.results, options, force=request.force_write
            ):
                print_error(f"cannot write {problem}")
                failed = True
        if failed:
            return EXIT_ERROR
        failing = {"error", "warning"} if request.strict else {"error"}
        has_failures = any(d.severity.value in failing for r in self.results for d in r.diagnostics)
        return EXIT_FINDINGS if has_failures and not request.exit_zero else EXIT_CLEAN


def _linter(request: LintRequest) -> Linter:
    """The library's linter with the command line's settings and, for --remote, its options;
    options that cannot work end the run here (exit 2), before any file is read."""
    from encord_manifest._internal.api.lint import Linter
    from encord_manifest._internal.api.settings import Settings

    settings = Settings(
        select=request.select,
        extend_select=request.extend_select or (),
        ignore=request.ignore or (),
        provider=request.provider,
        max_input_size=request.max_input_size,
        config=request.config,
        isolated=request.isolated,
    )
    remote = None
    if request.remote and not request.show_settings:
        from encord_manifest._internal.remote.checker import RemoteOptions

        remote = RemoteOptions(
            jobs=request.jobs,
            timeout=request.timeout,
            allow_private_hosts=request.allow_private_hosts,
            allow_hosts=tuple(request.allow_host or ()),
            profile=request.profile,
            cache=not request.no_cache,
            deadline=request.deadline,
        )
    return or_usage_error(functools.partial(Linter, settings, remote=remote or False))


def _also_outputs(values: list[str], no_report: bool) -> list[tuple[OutputFormat, Path]]:
    """``--also-output`` parsed; a bad value, or one given where no report is made, exits 2."""
    if not values:
        return []
    from encord_manifest._internal.cli.outputs import AlsoOutputError, parse

    if no_report:
        print_error("--also-output writes the report; --diff and --show-settings make none")
        raise typer.Exit(EXIT_ERROR)
    try:
        return parse(values)
    except AlsoOutputError as error:
        print_error(str(error))
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
            print_error(f"{option} {output_file} is the manifest {path}; choose another file")
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
        print_error(f"cannot write {error}")
        return False
    return True


def _say_not_a_manifest(path: str, named: list[str], reason: str) -> None:
    """``--skip-non-manifests``: said for a file named on the command line (a hook's), as
    for an excluded one; silent for files found in a directory."""
    from encord_manifest._internal.text.redaction import shown_line

    if path in named:
        line = f"encord-manifest: info: {path}: not linted: not an Encord manifest ({reason})"
        print(shown_line(line), file=sys.stderr)


def _print_diff_summary(tally: FixTally) -> None:
    if tally.fixes:
        files = f"{tally.files} file{'s' if tally.files > 1 else ''}"
        print(f"Would fix {tally.fixes} in {files}; apply with --fix.", file=sys.stderr)
    else:
        print("Nothing to fix.", file=sys.stderr)
