"""Output formats: each turns the same list of results into text for one audience.

Every format is made from the one ``Diagnostic`` record; the registry below maps a format's
name to the module that renders it, imported only when chosen. Every format is handed the
results as they may be shown (``shown``): paths, keys and messages come from files someone
else wrote, and must not move the cursor, end a line or start a workflow command.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from encord_manifest._internal.model.diagnostics import Diagnostic, Severity
from encord_manifest._internal.model.results import FileResult
from encord_manifest._internal.text.redaction import escape_control, shown_path


class OutputFormat(str, enum.Enum):
    CONCISE = "concise"
    #: The name of `concise` before there were other text formats; kept working.
    TEXT = "text"
    FULL = "full"
    JSON = "json"
    JSON_LINES = "json-lines"
    GITHUB = "github"
    SARIF = "sarif"
    JUNIT = "junit"
    GITLAB = "gitlab"
    GITHUB_SUMMARY = "github-summary"


_MODULES = {
    OutputFormat.CONCISE: "text",
    OutputFormat.TEXT: "text",
    OutputFormat.FULL: "full",
    OutputFormat.JSON: "json",
    OutputFormat.JSON_LINES: "json_lines",
    OutputFormat.GITHUB: "github",
    OutputFormat.SARIF: "sarif",
    OutputFormat.JUNIT: "junit",
    OutputFormat.GITLAB: "gitlab",
    OutputFormat.GITHUB_SUMMARY: "step_summary",
}


@dataclass(frozen=True)
class Summary:
    files: int
    errors: int
    warnings: int
    infos: int
    #: Findings `--fix` can repair.
    fixable: int = 0
    #: Inputs that could not be read (each named on stderr): no result, but never "passed".
    unread: int = 0

    @classmethod
    def of(cls, results: Sequence[FileResult], options: ReportOptions | None = None) -> Summary:
        counts = {severity: 0 for severity in Severity}
        fixable = 0
        for result in results:
            for diagnostic in result.diagnostics:
                counts[diagnostic.severity] += 1
                fixable += diagnostic.fix is not None
        return cls(
            len(results),
            counts[Severity.ERROR],
            counts[Severity.WARNING],
            counts[Severity.INFO],
            fixable,
            (options.unread or len(options.unread_inputs)) if options else 0,
        )


@dataclass(frozen=True)
class Unread:
    """An input that could not be read (named on stderr): the CI formats show it as a failure
    of its own, so that their views never show such a run as clean."""

    #: The input as findings would name it ('<stdin>', the --stdin-filename, a directory).
    path: str
    #: Why: "No such file or directory", "is a directory", "larger than 2 GiB, ...".
    reason: str

    @classmethod
    def of(cls, message: str, path: str | None = None) -> Unread:
        """From the stderr message "NAME: reason"; ``path`` when the name is known exactly
        (a name may itself hold ': ')."""
        if path is not None and message.startswith(f"{path}: "):
            return cls(path, message[len(path) + 2 :])
        name, separator, reason = message.partition(": ")
        return cls(name, reason) if separator else cls(path or message, message)

    def shown(self) -> Unread:
        return Unread(shown_path(self.path), escape_control(self.reason))


@dataclass(frozen=True)
class ReportOptions:
    #: ANSI colours (text formats only).
    color: bool = False
    #: The findings and nothing else: no summary line (text formats only).
    quiet: bool = False
    #: Inputs the run could not read (named on stderr), for the summary to say so.
    unread: int = 0
    #: Those inputs, for the CI formats to report each (``unread`` counts them).
    unread_inputs: tuple[Unread, ...] = ()


Reporter = Callable[[Sequence[FileResult], ReportOptions], str]


def reporter(output_format: OutputFormat) -> Reporter:
    """The format's renderer, given the results as they may be shown (whatever the format)."""
    module = importlib.import_module(f"encord_manifest._internal.report.{_MODULES[output_format]}")
    render: Reporter = module.render

    def render_shown(results: Sequence[FileResult], options: ReportOptions | None = None) -> str:
        options = options or ReportOptions()
        if options.unread_inputs:
            unread = tuple(u.shown() for u in options.unread_inputs)
            options = dataclasses.replace(options, unread_inputs=unread)
        return render(shown(results), options)

    return render_shown


@dataclass
class ShownResult(FileResult):
    """A file's results as they may be shown (``shown``); the checked text stays as it was,
    for ``full`` to redact line by line."""


def shown(results: Sequence[FileResult]) -> list[FileResult]:
    """The results with every path, key, rule name and message escaped (see ``redaction``);
    already shown results are returned as they are."""
    return [
        result
        if isinstance(result, ShownResult)
        else ShownResult(
            shown_path(result.path),
            [shown_diagnostic(d) for d in result.diagnostics],
            result.source,
        )
        for result in results
    ]


def shown_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    """One finding as it may be shown: the same finding when nothing in it needs escaping."""
    d = diagnostic
    texts = f"{d.path}{d.code}{d.rule}{d.message}{d.pointer}{d.hint or ''}"
    texts += f"{d.related_pointer or ''}{d.fix.description if d.fix else ''}"
    if escape_control(texts) is texts and not d.path.lstrip().startswith(":"):
        return d
    return dataclasses.replace(
        d,
        path=shown_path(d.path),
        code=escape_control(d.code),
        rule=escape_control(d.rule),
        message=escape_control(d.message),
        pointer=escape_control(d.pointer),
        hint=None if d.hint is None else escape_control(d.hint),
        related_pointer=None if d.related_pointer is None else escape_control(d.related_pointer),
        fix=None
        if d.fix is None
        else dataclasses.replace(d.fix, description=escape_control(d.fix.description)),
    )


def default_format(environ: dict[str, str] | None = None) -> OutputFormat:
    """`github` inside GitHub Actions (annotations on the pull request), else `concise`."""
    environ = dict(os.environ) if environ is None else environ
    return OutputFormat.GITHUB if environ.get("GITHUB_ACTIONS") == "true" else OutputFormat.CONCISE


def use_color(
    stream_is_terminal: bool, environ: dict[str, str] | None = None, choice: str = "auto"
) -> bool:
    """Whether to colour the text formats: ``--color always|never`` as told; ``auto`` colours
    a terminal, never when NO_COLOR is set (https://no-color.org, the reader's opt-out, which
    wins), and also a pipe or file when FORCE_COLOR is set to anything but "", "0" or "false"
    (https://force-color.org: CI logs that render colour)."""
    if choice != "auto":
        return choice == "always"
    environ = dict(os.environ) if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false"):
        return True
    return stream_is_terminal
